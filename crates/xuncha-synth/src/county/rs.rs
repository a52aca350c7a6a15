//! 人社: pensions of the basic urban-rural residents' scheme (城乡居民养老保险
//! 待遇发放), with the plants of the 人社 models.

use super::*;

/// Monthly basic pension, 元.
const PENSION: f64 = 183.0;

fn push_pension(b: &Builder, tables: &mut Tables, p: usize, m: u32) {
    let person = &b.people[p];
    let village = &b.villages[b.households[person.household].village];
    table(tables, "pension_payments").push(vec![
        ("id_number", Cell::Id(person.id.clone())),
        ("name", person.name.as_str().into()),
        ("village_code", village.code.as_str().into()),
        ("period", Cell::Period(month(m))),
        ("amount", Cell::Num(PENSION)),
    ]);
}

/// A fifth of the living residents aged 60 or more draw a pension every
/// month of 2024. Of the people aged 60 or more who died in 2024 (before
/// December), half are still paid after the month of death (planted) and
/// half are paid up to and including that month only (hard negatives).
/// People turning 60 in 2024 are paid from January (planted) or from the
/// month they turn 60 (hard negatives).
pub(super) fn pensions(b: &mut Builder, tables: &mut Tables) {
    let living: Vec<usize> = (0..b.people.len())
        .filter(|p| !b.deaths.contains_key(p) && age_on(b.people[*p].birth, month(1)) >= 60)
        .collect();
    for p in living {
        if b.rng.random_bool(0.2) {
            for m in 1..=12 {
                push_pension(b, tables, p, m);
            }
        }
    }
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
            let id = b.people[p].id.clone();
            let village = b.households[b.people[p].household].village;
            b.plant("rs.deceased_pension", &id, village);
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
            let id = b.people[p].id.clone();
            let village = b.households[b.people[p].household].village;
            b.plant("rs.pension_under_60", &id, village);
        }
    }
}
