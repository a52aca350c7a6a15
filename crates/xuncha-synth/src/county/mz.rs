//! 民政: relief households and their members, benefit payments and deaths,
//! invalid IDs, public employees and relief households' real estate, with
//! the plants of the 民政 models.

use super::*;

/// Relief households: one in twenty per village times the village level,
/// drawn by quota. Relief-rate outliers: three times the usual share
/// (planted) or a tenth above the average (hard negative: within the
/// spread of levels).
pub(super) fn relief_households(b: &mut Builder, tables: &mut Tables) -> Vec<Relief> {
    let (high, mild) = b.peer_villages();
    let levels = b.village_levels();
    let mut by_village: Vec<Vec<usize>> = vec![Vec::new(); b.villages.len()];
    for (h, household) in b.households.iter().enumerate() {
        by_village[household.village].push(h);
    }
    let mut chosen = Vec::new();
    for (v, households) in by_village.iter().enumerate() {
        let share = if high.contains(&v) {
            0.15
        } else if mild.contains(&v) {
            0.055
        } else {
            0.05 * levels[v]
        };
        let k = (households.len() as f64 * share).round() as usize;
        let mut picked: Vec<usize> = households.choose_multiple(&mut b.rng, k).copied().collect();
        picked.sort_unstable();
        chosen.extend(picked);
    }
    for &v in &high {
        let code = b.villages[v].code.clone();
        b.plant("mz.relief_rate_outlier", &code, v);
    }
    let mut relief = Vec::new();
    for h in chosen {
        let v = b.households[h].village;
        let members = b.households[h].members.clone();
        let (program, monthly) =
            if members.len() == 1 && age_on(b.people[members[0]].birth, as_of()) >= 60 {
                ("特困供养", 760.0)
            } else if b.villages[v].rural {
                ("农村低保", 380.0)
            } else {
                ("城市低保", 520.0)
            };
        let approved = b.random_date(date(2015, 1, 1), date(2023, 12, 31));
        let head = &b.people[members[0]];
        let id = format!("DB{}{:04}", &b.villages[v].code[6..], relief.len() + 1);
        let t = table(tables, "relief_households");
        t.push(vec![
            ("household_id", id.as_str().into()),
            ("program", program.into()),
            ("head_id_number", Cell::Id(head.id.clone())),
            ("head_name", head.name.as_str().into()),
            ("village_code", b.villages[v].code.as_str().into()),
            ("member_count", Cell::Int(members.len() as i64)),
            ("approved_date", approved.into()),
            ("status", "在保".into()),
        ]);
        let t = table(tables, "relief_members");
        for &p in &members {
            let person = &b.people[p];
            t.push(vec![
                ("household_id", id.as_str().into()),
                ("id_number", Cell::Id(person.id.clone())),
                ("name", person.name.as_str().into()),
                ("relation", person.relation.into()),
            ]);
        }
        relief.push(Relief {
            household: h,
            id,
            program,
            approved,
            monthly,
        });
    }
    relief
}

/// A person paid a benefit every month from `from` (1 = January).
pub(super) struct Recipient {
    pub(super) person: usize,
    pub(super) program: &'static str,
    pub(super) household: Option<String>,
    pub(super) monthly: f64,
    pub(super) from: u32,
}

/// Monthly benefits for relief members and the elderly, deaths and moves
/// out of the county (background and planted), shared bank accounts, and
/// payments to invalid or unknown ID numbers.
pub(super) fn benefits_and_deaths(
    b: &mut Builder,
    relief: &[Relief],
    tables: &mut Tables,
    sink: &mut Sink,
) -> Result<(), SynthError> {
    let mut recipients = Vec::new();
    for r in relief {
        for &p in &b.households[r.household].members {
            recipients.push(Recipient {
                person: p,
                program: r.program,
                household: Some(r.id.clone()),
                monthly: r.monthly,
                from: 1,
            });
        }
    }
    // The elderly allowance is paid to those already 80 when the year began.
    for p in 0..b.people.len() {
        if age_on(b.people[p].birth, date(2024, 1, 1)) >= 80 {
            recipients.push(Recipient {
                person: p,
                program: "高龄津贴",
                household: None,
                monthly: 100.0,
                from: 1,
            });
        }
    }
    // Turning 80 during the year: paid from January (planted) or from the
    // birthday month (hard negative).
    let turning: Vec<usize> = (0..b.people.len())
        .filter(|&p| {
            let birth = b.people[p].birth;
            age_on(birth, date(2024, 1, 1)) == 79 && birth.month() >= 3
        })
        .collect();
    for k in 0..2 * b.plants {
        let Some(&p) = b.pick_unused(&turning) else {
            break;
        };
        b.used.insert(p);
        let birthday_month = b.people[p].birth.month();
        recipients.push(Recipient {
            person: p,
            program: "高龄津贴",
            household: None,
            monthly: 100.0,
            from: if k % 2 == 0 { 1 } else { birthday_month },
        });
        if k % 2 == 0 {
            b.plant_person("mz.elderly_allowance_age", p);
        }
    }
    let mut accounts: BTreeMap<usize, String> = BTreeMap::new();
    for (i, r) in recipients.iter().enumerate() {
        accounts
            .entry(r.person)
            .or_insert_with(|| format!("6228480{:09}", 100_000_000 + i));
    }
    // Shared accounts: planted (3 people of 2 households) and hard negatives
    // (3 people of one household; an elderly couple on one account).
    let big: Vec<usize> = relief
        .iter()
        .filter(|r| b.households[r.household].members.len() >= 3)
        .map(|r| r.household)
        .collect();
    let pairs: Vec<usize> = relief
        .iter()
        .filter(|r| b.households[r.household].members.len() == 2)
        .map(|r| r.household)
        .collect();
    for k in 0..b.plants {
        let (Some(&a), Some(&c)) = (pairs.get(2 * k), pairs.get(2 * k + 1)) else {
            break;
        };
        let people = [
            b.households[a].members[0],
            b.households[a].members[1],
            b.households[c].members[0],
        ];
        if people.iter().any(|p| b.used.contains(p)) {
            continue;
        }
        let account = accounts[&people[0]].clone();
        for p in people {
            accounts.insert(p, account.clone());
            b.used.insert(p);
        }
        let v = b.households[a].village;
        b.plant("mz.shared_account", &account, v);
    }
    for &h in big.iter().take(b.plants) {
        let members: Vec<usize> = b.households[h].members.iter().take(3).copied().collect();
        let account = accounts[&members[0]].clone();
        for p in members {
            accounts.insert(p, account.clone());
            b.used.insert(p);
        }
    }
    let elderly_couples: Vec<(usize, usize)> = b
        .households
        .iter()
        .filter_map(|h| {
            let old: Vec<usize> = h
                .members
                .iter()
                .copied()
                .filter(|&p| age_on(b.people[p].birth, date(2024, 1, 1)) >= 80)
                .collect();
            (old.len() == 2).then(|| (old[0], old[1]))
        })
        .collect();
    for &(x, y) in elderly_couples.iter().take(b.plants) {
        if b.used.contains(&x) || b.used.contains(&y) {
            continue;
        }
        let account = format!("6228481{:09}", x);
        accounts.insert(x, account.clone());
        accounts.insert(y, account);
        b.used.extend([x, y]);
    }

    // Deaths and moves out of the county. Background: payments stop with
    // the month of the event. Planted: paid 1–4 months after. Hard
    // negatives: died (moved) late in a month, paid for that month only.
    let mut paid_until: BTreeMap<usize, u32> = BTreeMap::new();
    let recipient_people: Vec<usize> = recipients.iter().map(|r| r.person).collect();
    for (model, moved) in [
        ("mz.deceased_benefit", false),
        ("mz.cancelled_residency_benefit", true),
    ] {
        for k in 0..2 * b.plants {
            let Some(&p) = b.pick_unused(&recipient_people) else {
                break;
            };
            b.used.insert(p);
            let (day, last) = if k % 2 == 0 {
                let m = b.rng.random_range(1..=9);
                let day = date(2024, m, b.rng.random_range(1..=28));
                (day, (m + b.rng.random_range(1..=4)).min(12))
            } else {
                let m = b.rng.random_range(1..=11);
                let end = (date(2024, m + 1, 1) - Days::new(1)).day();
                (date(2024, m, end - b.rng.random_range(0..3)), m)
            };
            paid_until.insert(p, last);
            if moved {
                b.moved_out.insert(p, day);
            } else {
                b.deaths.insert(p, day);
            }
            if k % 2 == 0 {
                b.plant_person(model, p);
            }
        }
    }
    for p in 0..b.people.len() {
        if !b.used.contains(&p) && b.rng.random_bool(0.006) {
            let d = b.random_date(date(2024, 1, 1), date(2024, 12, 20));
            b.deaths.insert(p, d);
            paid_until.insert(p, d.month());
        }
    }
    // 低保 and 特困 in the same month: planted (特困 paid on top for three
    // months) and hard negatives (switched from 低保 to 特困 the next month).
    // Paid twice for one month: planted (a duplicated row); a person paid
    // 低保 and 高龄津贴 in one month is background, not a duplicate.
    // Only people paid all year: a death ends the payments a case needs.
    let dibao: Vec<usize> = recipients
        .iter()
        .filter(|r| r.program.ends_with("低保") && !paid_until.contains_key(&r.person))
        .map(|r| r.person)
        .collect();
    let mut dual: BTreeMap<usize, (u32, u32)> = BTreeMap::new();
    let mut switched: BTreeMap<usize, u32> = BTreeMap::new();
    let mut doubled: BTreeMap<usize, u32> = BTreeMap::new();
    for k in 0..3 * b.plants {
        let Some(&p) = b.pick_unused(&dibao) else {
            break;
        };
        b.used.insert(p);
        let v = b.households[b.people[p].household].village;
        let id = b.people[p].id.clone();
        match k % 3 {
            0 => {
                let from = b.rng.random_range(1..=9);
                dual.insert(p, (from, from + 2));
                b.plant("mz.dual_program", &id, v);
            }
            1 => {
                switched.insert(p, b.rng.random_range(2..=10));
            }
            _ => {
                doubled.insert(p, b.rng.random_range(1..=12));
                b.plant("mz.duplicate_payment", &id, v);
            }
        }
    }
    // A 低保 household paid above standard × members: one member paid 150
    // more each month (planted); one paid 100 more and another 100 less
    // (hard negative). A duplicated payment also puts its household over.
    let households: Vec<usize> = relief
        .iter()
        .filter(|r| r.program.ends_with("低保") && b.households[r.household].members.len() >= 2)
        .map(|r| r.household)
        .collect();
    let mut adjust: BTreeMap<usize, f64> = BTreeMap::new();
    for k in 0..2 * b.plants {
        let Some(&h) = b.pick(&households, |b, &h| b.household_free(h)) else {
            break;
        };
        let members = b.households[h].members.clone();
        b.used.extend(members.iter().copied());
        if k % 2 == 0 {
            adjust.insert(members[0], 150.0);
        } else {
            adjust.insert(members[0], 100.0);
            adjust.insert(members[1], -100.0);
        }
    }
    // 低保 paid per household and month, against the standard × members.
    let mut totals: BTreeMap<(String, u32), f64> = BTreeMap::new();
    let mut caps: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    let mut t = Table::new("benefit_payments");
    for r in &recipients {
        if t.rows.len() >= PART_ROWS {
            sink(vec![t.take_part()])?;
        }
        let person = &b.people[r.person];
        let v = b.households[person.household].village;
        let last = paid_until.get(&r.person).copied().unwrap_or(12);
        let row = |program: &str, m: u32, amount: f64| {
            vec![
                ("program", program.into()),
                ("id_number", Cell::Id(person.id.clone())),
                ("name", person.name.as_str().into()),
                ("household_id", r.household.clone().into()),
                ("village_code", b.villages[v].code.as_str().into()),
                ("period", Cell::Period(month(m))),
                ("amount", amount.into()),
                ("bank_account", accounts[&r.person].as_str().into()),
            ]
        };
        let is_dibao = r.program.ends_with("低保");
        let monthly = r.monthly + adjust.get(&r.person).filter(|_| is_dibao).unwrap_or(&0.0);
        let mut dibao_paid = |m: u32, amount: f64| {
            if let (Some(household), true) = (&r.household, is_dibao) {
                *totals.entry((household.clone(), m)).or_insert(0.0) += amount;
                let members = b.households[person.household].members.len() as f64;
                caps.insert(household.clone(), (r.monthly * members, v));
            }
        };
        for m in r.from..=last {
            match switched.get(&r.person) {
                Some(&at) if is_dibao && m >= at => t.push(row("特困供养", m, 760.0)),
                _ => {
                    t.push(row(r.program, m, monthly));
                    dibao_paid(m, monthly);
                }
            }
            if is_dibao && doubled.get(&r.person) == Some(&m) {
                t.push(row(r.program, m, monthly));
                dibao_paid(m, monthly);
            }
            if let Some(&(from, to)) = dual.get(&r.person).filter(|_| is_dibao) {
                if (from..=to).contains(&m) {
                    t.push(row("特困供养", m, 760.0));
                }
            }
        }
    }
    // Planted above: one member paid more, or a duplicated payment. The
    // truth is what was written, so a duplicate that happens to fall in a
    // month with a member gone is not counted.
    let over: BTreeMap<String, usize> = totals
        .iter()
        .filter(|((household, _), &paid)| paid > caps[household].0 + 1.0)
        .map(|((household, _), _)| (household.clone(), caps[household].1))
        .collect();
    for (household, v) in over {
        b.plant("mz.benefit_over_standard", &household, v);
    }
    tables.insert("benefit_payments", t);
    invalid_id_payments(b, &recipient_people, tables);
    Ok(())
}

/// 残疾人补贴 paid to an ID with a wrong check digit or to a valid ID of
/// another county (planted), and to a resident's ID written in the old
/// 15-digit form (hard negative: it normalizes to the resident).
pub(super) fn invalid_id_payments(b: &mut Builder, recipients: &[usize], tables: &mut Tables) {
    let paid: HashSet<usize> = recipients.iter().copied().collect();
    let adults: Vec<usize> = (0..b.people.len())
        .filter(|&p| {
            !paid.contains(&p)
                && !b.deaths.contains_key(&p)
                && (26..70).contains(&age_on(b.people[p].birth, as_of()))
        })
        .collect();
    let mut elsewhere = IdIssuer::new("411123");
    for k in 0..3 * b.plants {
        let Some(&p) = b.pick_unused(&adults) else {
            break;
        };
        b.used.insert(p);
        let person = &b.people[p];
        let id = match k % 3 {
            0 => {
                let check = id_check_char(&person.id[..17]).expect("digits");
                let wrong = if check == '0' { '1' } else { '0' };
                format!("{}{wrong}", &person.id[..17])
            }
            1 => elsewhere
                .issue(person.birth, person.male)
                .expect("a free number"),
            _ => to_fifteen(&person.id).expect("born in the 1900s"),
        };
        let v = b.households[person.household].village;
        let rows: Vec<Vec<(&'static str, Cell)>> = (1..=12)
            .map(|m| {
                vec![
                    ("program", "残疾人补贴".into()),
                    ("id_number", id.as_str().into()),
                    ("name", person.name.as_str().into()),
                    ("village_code", b.villages[v].code.as_str().into()),
                    ("period", Cell::Period(month(m))),
                    ("amount", 90.0.into()),
                    ("bank_account", format!("6228482{p:09}").into()),
                ]
            })
            .collect();
        for row in rows {
            table(tables, "benefit_payments").push(row);
        }
        if k % 3 != 2 {
            b.plant("mz.invalid_id_payment", &id, v);
        }
    }
}

/// Everyone in the given relief households.
pub(super) fn relief_people<'a>(
    b: &Builder,
    relief: impl IntoIterator<Item = &'a Relief>,
) -> BTreeSet<usize> {
    relief
        .into_iter()
        .flat_map(|r| b.households[r.household].members.iter().copied())
        .collect()
}

pub(super) fn employees(b: &mut Builder, relief: &[Relief], tables: &mut Tables) {
    let relief_people = relief_people(b, relief);
    const EMPLOYERS: &[&str] = &[
        "县人民医院",
        "县第一中学",
        "县财政局",
        "县农业农村局",
        "乡人民政府",
        "镇卫生院",
        "县自然资源局",
        "中心小学",
    ];
    let mut rows = Vec::new();
    for p in 0..b.people.len() {
        let age = age_on(b.people[p].birth, as_of());
        if relief_people.contains(&p) || !(23..60).contains(&age) || !b.rng.random_bool(0.02) {
            continue;
        }
        let start = b.random_date(date(2000, 1, 1), date(2022, 12, 31));
        let end = b
            .rng
            .random_bool(0.1)
            .then(|| b.random_date(start, date(2024, 6, 30)));
        rows.push((
            p,
            *EMPLOYERS.choose(&mut b.rng).expect("non-empty"),
            start,
            end,
        ));
    }
    // Planted: a relief member employed during the enrollment. Hard
    // negative: a relief member whose employment ended before approval.
    let adults: Vec<(usize, NaiveDate, usize)> = relief
        .iter()
        .flat_map(|r| {
            b.households[r.household]
                .members
                .iter()
                .filter(|&&p| (25..58).contains(&age_on(b.people[p].birth, as_of())))
                .map(|&p| (p, r.approved, r.household))
                .collect::<Vec<_>>()
        })
        .collect();
    let adult_people: Vec<usize> = adults.iter().map(|a| a.0).collect();
    for k in 0..2 * b.plants {
        let Some(&p) = b.pick_unused(&adult_people) else {
            break;
        };
        let &(_, approved, h) = adults.iter().find(|a| a.0 == p).expect("a candidate");
        b.used.insert(p);
        let employer = *EMPLOYERS.choose(&mut b.rng).expect("non-empty");
        if k % 2 == 0 {
            let start = b.random_date(date(2005, 1, 1), approved);
            rows.push((p, employer, start, None));
            let id = b.people[p].id.clone();
            b.plant("mz.public_employee_relief", &id, b.households[h].village);
        } else {
            let end = approved - Days::new(b.rng.random_range(30..400));
            let start = end - Days::new(b.rng.random_range(365..3000));
            rows.push((p, employer, start, Some(end)));
        }
    }
    // Former employees who left before 2024, for the hard negatives of the
    // welfare-post model (see gy.rs).
    let employed: BTreeSet<usize> = rows.iter().map(|r| r.0).collect();
    let mut former: Vec<usize> = (0..b.people.len())
        .filter(|&p| {
            !relief_people.contains(&p)
                && !employed.contains(&p)
                && !b.used.contains(&p)
                && (25..50).contains(&age_on(b.people[p].birth, month(1)))
        })
        .collect();
    former.shuffle(&mut b.rng);
    for &p in former.iter().take(2 * b.plants) {
        let start = b.random_date(date(2010, 1, 1), date(2018, 12, 31));
        rows.push((p, "县农业农村局", start, Some(date(2023, 6, 30))));
    }
    let t = table(tables, "public_employees");
    for (p, employer, start, end) in rows {
        b.employees.insert(p, end);
        let person = &b.people[p];
        t.push(vec![
            ("id_number", Cell::Id(person.id.clone())),
            ("name", person.name.as_str().into()),
            ("employer", employer.into()),
            ("start_date", start.into()),
            ("end_date", end.into()),
        ]);
    }
}

/// A relief household owning two properties or more than 300 m² (planted),
/// or one property of exactly 300 m² (hard negative).
pub(super) fn relief_estate(b: &mut Builder, relief: &[Relief], tables: &mut Tables) {
    for k in 0..3 * b.plants {
        let Some(r) = b.pick(relief, |b, r| b.household_free(r.household)) else {
            break;
        };
        let members = b.households[r.household].members.clone();
        b.used.extend(members.iter().copied());
        let v = b.households[r.household].village;
        let areas: &[f64] = match k % 3 {
            0 => &[86.5, 120.0],
            1 => &[300.0],
            _ => &[312.5],
        };
        for (i, &area) in areas.iter().enumerate() {
            let owner = members[i % members.len()];
            table(tables, "real_estate").push(vec![
                ("owner_id_number", Cell::Id(b.people[owner].id.clone())),
                ("owner_name", b.people[owner].name.as_str().into()),
                (
                    "location",
                    format!("{}{}{}号", COUNTY, b.villages[v].name, 300 + k * 2 + i).into(),
                ),
                ("area_sqm", area.into()),
                ("register_date", date(2019, 8, 12).into()),
            ]);
        }
        if k % 3 != 1 {
            b.plant("mz.real_estate_relief", &r.id.clone(), v);
        }
    }
}
