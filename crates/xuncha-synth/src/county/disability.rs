//! 残疾人两项补贴: disability certificates and the two subsidies paid on
//! them (重度残疾人护理补贴 for grades 1–2, 困难残疾人生活补贴 for disabled
//! members of relief households), with the plants of the models on them.

use std::ops::RangeInclusive;

use super::*;

/// Monthly subsidy, 元, for either program.
const MONTHLY: f64 = 80.0;
const CARE: &str = "重度残疾人护理补贴";
const LIVING: &str = "困难残疾人生活补贴";
const GRADES: [&str; 4] = ["一级", "二级", "三级", "四级"];
const CATEGORIES: [&str; 5] = ["肢体", "视力", "听力", "智力", "精神"];

/// One certificate: grade index (0 = 一级), issue and expiry dates, status.
struct Certificate {
    grade: usize,
    issued: NaiveDate,
    expires: NaiveDate,
    status: &'static str,
}

fn certify(b: &Builder, tables: &mut Tables, p: usize, c: Certificate) {
    let person = &b.people[p];
    table(tables, "disability_certificates").push(vec![
        ("id_number", Cell::Id(person.id.clone())),
        ("name", person.name.as_str().into()),
        ("category", CATEGORIES[p % CATEGORIES.len()].into()),
        ("grade", GRADES[c.grade].into()),
        ("issue_date", c.issued.into()),
        ("expiry_date", c.expires.into()),
        ("status", c.status.into()),
    ]);
}

/// A certificate valid through 2024: issued 2015–2022 for ten years.
fn valid(b: &mut Builder, grade: usize) -> Certificate {
    let issued = b.random_date(date(2015, 1, 1), date(2022, 12, 28));
    Certificate {
        grade,
        issued,
        expires: date(issued.year() + 10, issued.month(), issued.day().min(28)),
        status: "有效",
    }
}

fn pay(b: &Builder, tables: &mut Tables, p: usize, program: &str, months: RangeInclusive<u32>) {
    let person = &b.people[p];
    let village = &b.villages[b.households[person.household].village];
    for m in months {
        table(tables, "benefit_payments").push(vec![
            ("program", program.into()),
            ("id_number", Cell::Id(person.id.clone())),
            ("name", person.name.as_str().into()),
            ("village_code", village.code.as_str().into()),
            ("period", Cell::Period(month(m))),
            ("amount", Cell::Num(MONTHLY)),
        ]);
    }
}

/// A fiftieth of the living residents hold a valid certificate; grades 1–2
/// get the care subsidy and members of 低保 households the living subsidy,
/// all year. Everyone drawn here is used, so no later plant dies
/// or moves while paid. Planted, each beside hard negatives:
/// - the care subsidy on a grade 3–4 certificate or on none (negative: a
///   grade 2 certificate);
/// - the living subsidy outside 低保 households (negative: inside one);
/// - a subsidy after the certificate expired or on a cancelled one
///   (negatives: paid up to the expiry; a cancelled old certificate
///   replaced by a valid new one).
pub(super) fn disability(b: &mut Builder, relief: &[Relief], tables: &mut Tables) {
    let in_relief = relief_people(b, relief);
    let in_dibao = relief_people(b, relief.iter().filter(|r| r.program.ends_with("低保")));
    let alive: Vec<usize> = (0..b.people.len())
        .filter(|p| {
            !b.deaths.contains_key(p) && !b.moved_out.contains_key(p) && !b.used.contains(p)
        })
        .collect();
    for &p in &alive {
        if !b.rng.random_bool(0.02) {
            continue;
        }
        b.used.insert(p);
        let grade = b.rng.random_range(0..4);
        let certificate = valid(b, grade);
        certify(b, tables, p, certificate);
        if grade <= 1 {
            pay(b, tables, p, CARE, 1..=12);
        }
        if in_dibao.contains(&p) {
            pay(b, tables, p, LIVING, 1..=12);
        }
    }
    let outside: Vec<usize> = alive
        .iter()
        .copied()
        .filter(|p| !in_relief.contains(p))
        .collect();
    let inside: Vec<usize> = alive
        .iter()
        .copied()
        .filter(|p| in_dibao.contains(p))
        .collect();
    for k in 0..b.plants * 3 {
        let Some(&p) = b.pick_unused(&outside) else {
            break;
        };
        b.used.insert(p);
        let case = k % 3;
        if case != 1 {
            let grade = if case == 0 { 2 + k % 2 } else { 1 };
            let certificate = valid(b, grade);
            certify(b, tables, p, certificate);
        }
        pay(b, tables, p, CARE, 1..=12);
        if case != 2 {
            b.plant_person("mz.care_subsidy_without_severe_grade", p);
        }
    }
    for k in 0..b.plants * 2 {
        let pool = if k % 2 == 0 { &outside } else { &inside };
        let Some(&p) = b.pick_unused(pool) else {
            break;
        };
        b.used.insert(p);
        let certificate = valid(b, 2);
        certify(b, tables, p, certificate);
        pay(b, tables, p, LIVING, 1..=12);
        if k % 2 == 0 {
            b.plant_person("mz.living_subsidy_outside_dibao", p);
        }
    }
    for k in 0..b.plants * 4 {
        let Some(&p) = b.pick_unused(&outside) else {
            break;
        };
        b.used.insert(p);
        let grade = k % 2;
        let expired = Certificate {
            grade,
            issued: date(2014, 6, 1),
            expires: date(2024, 5, 31),
            status: "有效",
        };
        let last = match k % 4 {
            0 => {
                certify(b, tables, p, expired);
                12
            }
            1 => {
                let cancelled = Certificate {
                    status: "注销",
                    ..valid(b, grade)
                };
                certify(b, tables, p, cancelled);
                12
            }
            2 => {
                certify(b, tables, p, expired);
                5
            }
            _ => {
                let old = Certificate {
                    grade,
                    issued: date(2013, 3, 1),
                    expires: date(2023, 2, 28),
                    status: "注销",
                };
                certify(b, tables, p, old);
                let new = Certificate {
                    grade,
                    issued: date(2023, 3, 1),
                    expires: date(2033, 2, 28),
                    status: "有效",
                };
                certify(b, tables, p, new);
                12
            }
        };
        pay(b, tables, p, CARE, 1..=last);
        if k % 4 < 2 {
            b.plant_person("mz.disability_subsidy_invalid_certificate", p);
        }
    }
}
