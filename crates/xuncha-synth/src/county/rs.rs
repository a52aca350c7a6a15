//! 人社: pensions of the basic urban-rural residents' scheme (城乡居民养老保险
//! 待遇发放), with the plants of the 人社 models.

use super::*;

/// Monthly basic pension, 元.
const PENSION: f64 = 183.0;

fn push_pension(b: &Builder, tables: &mut Tables, p: usize, m: u32) {
    push_pension_amount(b, tables, p, m, PENSION);
}

/// One month's payment of `amount` (negative for a reversal).
fn push_pension_amount(b: &Builder, tables: &mut Tables, p: usize, m: u32, amount: f64) {
    let person = &b.people[p];
    let village = &b.villages[b.households[person.household].village];
    table(tables, "pension_payments").push(vec![
        ("id_number", Cell::Id(person.id.clone())),
        ("name", person.name.as_str().into()),
        ("village_code", village.code.as_str().into()),
        ("period", Cell::Period(month(m))),
        ("amount", Cell::Num(amount)),
    ]);
}

/// A fifth of the living residents aged 60 or more draw a pension every
/// month of 2024; a few are paid twice for one month (planted). Of the people aged 60 or more who died in 2024 (before
/// December), half are still paid after the month of death (planted) and
/// half are paid up to and including that month only (hard negatives).
/// People turning 60 in 2024 are paid from January (planted) or from the
/// month they turn 60 (hard negatives).
pub(super) fn pensions(b: &mut Builder, tables: &mut Tables) {
    let living: Vec<usize> = (0..b.people.len())
        .filter(|p| !b.deaths.contains_key(p) && age_on(b.people[*p].birth, month(1)) >= 60)
        .collect();
    let mut drawing = BTreeSet::new();
    for &p in &living {
        if b.rng.random_bool(0.2) {
            drawing.insert(p);
            for m in 1..=12 {
                push_pension(b, tables, p, m);
            }
        }
    }
    // Paid twice for one month (planted); a month's payment reversed and
    // paid again (hard negative).
    let drawers: Vec<usize> = drawing.iter().copied().collect();
    for k in 0..b.plants * 2 {
        let Some(&p) = b.pick_unused(&drawers) else {
            break;
        };
        b.used.insert(p);
        if k % 2 == 0 {
            push_pension(b, tables, p, 5);
            b.plant_person("rs.duplicate_pension_month", p);
        } else {
            push_pension_amount(b, tables, p, 5, -PENSION);
            push_pension(b, tables, p, 5);
        }
    }
    let others: Vec<usize> = living
        .iter()
        .copied()
        .filter(|p| !drawing.contains(p))
        .collect();
    employee_pensions(b, tables, &others);
    let died: Vec<(usize, NaiveDate)> = b
        .deaths_before_december()
        .into_iter()
        .filter(|(p, _)| age_on(b.people[*p].birth, month(1)) >= 60)
        .collect();
    for (k, (p, death)) in died.into_iter().enumerate() {
        let paid_after = k % 2 == 0;
        let last = if paid_after { 12 } else { death.month() };
        for m in 1..=last {
            push_pension(b, tables, p, m);
        }
        if paid_after {
            b.plant_person("rs.deceased_pension", p);
        }
    }
    let turning: Vec<usize> = (0..b.people.len())
        .filter(|&p| {
            let birth = b.people[p].birth;
            age_on(birth, month(1)) == 59 && birth.month() >= 3 && !b.deaths.contains_key(&p)
        })
        .collect();
    for k in 0..b.plants * 2 {
        let Some(&p) = b.pick_unused(&turning) else {
            break;
        };
        b.used.insert(p);
        let birthday = b.people[p].birth.month();
        let first = if k % 2 == 0 { 1 } else { birthday };
        for m in first..=12 {
            push_pension(b, tables, p, m);
        }
        if k % 2 == 0 {
            b.plant_person("rs.pension_under_60", p);
        }
    }
}

fn push_employee_pension(
    b: &Builder,
    tables: &mut Tables,
    p: usize,
    start: NaiveDate,
    end: Option<NaiveDate>,
) {
    let person = &b.people[p];
    table(tables, "employee_pensions").push(vec![
        ("id_number", Cell::Id(person.id.clone())),
        ("name", person.name.as_str().into()),
        ("scheme", "企业职工基本养老保险".into()),
        ("start_date", start.into()),
        ("end_date", end.into()),
        ("amount", Cell::Num(2850.0)),
    ]);
}

/// A tenth of the living residents aged 60 or more who draw no residents'
/// pension draw an employee pension from their 60th birthday (a twentieth
/// of them stopped, moved to another province's fund). Planted:
/// someone drawing both in 2024; hard negative: a residents' pension paid
/// up to June and an employee pension from July (the transfer between the
/// schemes).
fn employee_pensions(b: &mut Builder, tables: &mut Tables, others: &[usize]) {
    // The plants below take people the background did not.
    let mut free = Vec::new();
    for &p in others {
        if b.rng.random_bool(0.1) {
            let birth = b.people[p].birth;
            let start = date(birth.year() + 60, birth.month(), 1);
            let stopped = start.year() <= 2021 && b.rng.random_bool(0.05);
            let end = stopped.then(|| date(start.year() + 3, 6, 30));
            push_employee_pension(b, tables, p, start, end);
        } else {
            free.push(p);
        }
    }
    for k in 0..b.plants * 2 {
        let Some(&p) = b.pick_unused(&free) else {
            break;
        };
        b.used.insert(p);
        if k % 2 == 0 {
            for m in 1..=12 {
                push_pension(b, tables, p, m);
            }
            push_employee_pension(b, tables, p, date(2023, 5, 1), None);
            b.plant_person("rs.dual_pension", p);
        } else {
            for m in 1..=6 {
                push_pension(b, tables, p, m);
            }
            push_employee_pension(b, tables, p, date(2024, 7, 1), None);
        }
    }
}
