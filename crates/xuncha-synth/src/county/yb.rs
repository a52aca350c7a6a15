//! 医保: enrolment in the residents' medical insurance and the premium subsidy
//! for relief recipients (资助参保), with the plants of the 医保 models.

use super::*;

/// Premium subsidies of 2024, 元 a person: full for 特困, partial for 低保.
const FULL_SUBSIDY: f64 = 380.0;
const PARTIAL_SUBSIDY: f64 = 266.0;

fn push_enrolment(b: &Builder, tables: &mut Tables, p: usize, category: &str, amount: f64) {
    let person = &b.people[p];
    let village = &b.villages[b.households[person.household].village];
    table(tables, "medical_insurance").push(vec![
        ("id_number", Cell::Id(person.id.clone())),
        ("name", person.name.as_str().into()),
        ("village_code", village.code.as_str().into()),
        ("year", Cell::Int(2024)),
        ("subsidy_category", category.into()),
        ("subsidy_amount", Cell::Num(amount)),
    ]);
}

/// Every member of a relief household is enrolled with the subsidy of its
/// program (hard negatives for the model); a tenth of the other residents
/// are enrolled without one and a few with the subsidy for the severely
/// disabled; a few other residents get the 低保 subsidy though no relief
/// household lists them (planted). People who died before 2024 are enrolled
/// with the disability subsidy (planted), as are people who died in its
/// first days (hard negatives).
pub(super) fn medical_insurance(b: &mut Builder, relief: &[Relief], tables: &mut Tables) {
    let mut in_relief = BTreeSet::new();
    for r in relief {
        let (category, amount) = if r.program == "特困供养" {
            ("特困人员", FULL_SUBSIDY)
        } else {
            ("低保对象", PARTIAL_SUBSIDY)
        };
        for &p in &b.households[r.household].members.clone() {
            in_relief.insert(p);
            push_enrolment(b, tables, p, category, amount);
        }
    }
    let others: Vec<usize> = (0..b.people.len())
        .filter(|p| !in_relief.contains(p) && !b.deaths.contains_key(p))
        .collect();
    for &p in &others {
        if b.rng.random_bool(0.1) {
            push_enrolment(b, tables, p, "不资助", 0.0);
        } else if b.rng.random_bool(0.005) {
            push_enrolment(b, tables, p, "重度残疾人", PARTIAL_SUBSIDY);
        }
    }
    let died: Vec<(usize, NaiveDate)> = b
        .deaths
        .iter()
        .filter(|(_, d)| **d < date(2024, 1, 11))
        .map(|(p, d)| (*p, *d))
        .collect();
    for (p, death) in died {
        push_enrolment(b, tables, p, "重度残疾人", PARTIAL_SUBSIDY);
        if death.year() < 2024 {
            b.plant_person("yb.deceased_subsidized", p);
        }
    }
    for _ in 0..b.plants {
        let Some(&p) = b.pick_unused(&others) else {
            break;
        };
        b.used.insert(p);
        push_enrolment(b, tables, p, "低保对象", PARTIAL_SUBSIDY);
        b.plant_person("yb.subsidized_not_relief", p);
    }
}
