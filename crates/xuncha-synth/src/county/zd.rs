//! 征地: land-acquisition compensation paid to contractors, with the plants
//! of the models on it.

use super::*;

/// Compensation per 亩 of contracted land taken, 元.
const PER_MU: f64 = 45_000.0;

fn project(b: &Builder, v: usize) -> String {
    let kind = ["道路建设", "水利设施", "产业园区"][v % 3];
    format!("{}{kind}项目征地", b.villages[v].name)
}

fn pay(b: &Builder, tables: &mut Tables, p: usize, v: usize, area: f64, day: NaiveDate) {
    let area = (area * 100.0).round() / 100.0;
    table(tables, "land_compensation").push(vec![
        ("project_name", project(b, v).into()),
        ("id_number", Cell::Id(b.people[p].id.clone())),
        ("name", b.people[p].name.as_str().into()),
        ("village_code", b.villages[v].code.as_str().into()),
        ("area_mu", area.into()),
        ("amount", ((area * PER_MU * 100.0).round() / 100.0).into()),
        ("pay_date", day.into()),
    ]);
}

/// In a third of the rural villages a project takes part of the land of up
/// to ten living contractors, paid within their contracted area. Planted,
/// each with hard negatives one step away:
/// - paid for more than the contracted area (negative: exactly all of it);
/// - paid after the contractor's death (negative: paid before it);
/// - paid in a village where the person is neither registered nor holds a
///   contract (negative: a non-contracting member of a contractor's
///   household, registered in the village).
pub(super) fn land_compensation(b: &mut Builder, tables: &mut Tables) {
    let living: Vec<(usize, usize, f64)> = b
        .contracts
        .iter()
        .filter(|(p, _)| !b.deaths.contains_key(p) && !b.moved_out.contains_key(p))
        .map(|(p, (v, area))| (*p, *v, *area))
        .collect();
    let mut by_village: BTreeMap<usize, Vec<(usize, f64)>> = BTreeMap::new();
    for &(p, v, area) in &living {
        by_village.entry(v).or_default().push((p, area));
    }
    for (v, contractors) in by_village {
        if v % 3 != 0 {
            continue;
        }
        let day = b.random_date(date(2024, 3, 1), date(2024, 10, 31));
        for &(p, area) in contractors.choose_multiple(&mut b.rng, 10) {
            let share = b.rng.random_range(20..=80) as f64 / 100.0;
            pay(b, tables, p, v, area * share, day);
            // Paid once: the plants below take other contractors.
            b.used.insert(p);
        }
    }
    let day = date(2024, 6, 18);
    let people: Vec<usize> = living.iter().map(|c| c.0).collect();
    for k in 0..b.plants * 2 {
        let Some(&p) = b.pick_unused(&people) else {
            break;
        };
        b.used.insert(p);
        let (v, area) = b.contracts[&p];
        if k % 2 == 0 {
            let over = b.rng.random_range(100..=300) as f64 / 100.0;
            pay(b, tables, p, v, area + over, day);
            let id = b.people[p].id.clone();
            b.plant("ny.compensation_area_exceeds_contract", &id, v);
        } else {
            pay(b, tables, p, v, area, day);
        }
    }
    let died: Vec<(usize, NaiveDate)> = b
        .deaths
        .iter()
        .filter(|(p, d)| {
            b.contracts.contains_key(p)
                && d.year() == 2024
                && d.month() >= 2
                && d.month() <= 10
                && !b.used.contains(p)
        })
        .map(|(p, d)| (*p, *d))
        .collect();
    for (k, &(p, death)) in died.iter().take(b.plants * 2).enumerate() {
        b.used.insert(p);
        let (v, area) = b.contracts[&p];
        let paid = if k % 2 == 0 {
            death + Days::new(b.rng.random_range(10..=60))
        } else {
            death - Days::new(b.rng.random_range(5..=30))
        };
        pay(b, tables, p, v, area / 2.0, paid);
        if k % 2 == 0 {
            let id = b.people[p].id.clone();
            b.plant("ny.deceased_land_compensation", &id, v);
        }
    }
    let rural: Vec<usize> = (0..b.villages.len())
        .filter(|v| b.villages[*v].rural)
        .collect();
    let relatives: Vec<usize> = (0..b.people.len())
        .filter(|&p| {
            let h = b.people[p].household;
            let head = b.households[h].members[0];
            p != head
                && b.contracts.contains_key(&head)
                && !b.contracts.contains_key(&p)
                && !b.deaths.contains_key(&p)
                && !b.moved_out.contains_key(&p)
                && age_on(b.people[p].birth, as_of()) >= 18
        })
        .collect();
    for k in 0..b.plants * 2 {
        let Some(&p) = b.pick_unused(&relatives) else {
            break;
        };
        b.used.insert(p);
        let own = b.households[b.people[p].household].village;
        if k % 2 == 0 {
            let Some(&v) = rural.iter().find(|&&v| v != own) else {
                break;
            };
            pay(b, tables, p, v, 1.5, day);
            let id = b.people[p].id.clone();
            b.plant("ny.compensation_outsider", &id, v);
        } else {
            pay(b, tables, p, own, 1.5, day);
        }
    }
}
