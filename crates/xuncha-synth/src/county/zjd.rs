//! 宅基地: rural homestead registrations, with the plants of the models on them.

use super::*;

fn register(b: &Builder, tables: &mut Tables, p: usize, plot: usize, area: f64) {
    let person = &b.people[p];
    let village = &b.villages[b.households[person.household].village];
    table(tables, "homesteads").push(vec![
        ("id_number", Cell::Id(person.id.clone())),
        ("name", person.name.as_str().into()),
        ("village_code", village.code.as_str().into()),
        (
            "location",
            format!("{}{}组{plot}号", village.name, plot % 9 + 1).into(),
        ),
        ("area_sqm", Cell::Num(area)),
        (
            "approved_date",
            date(2005 + (plot % 15) as i32, 3, 1).into(),
        ),
    ]);
}

/// Area standard of one homestead used by the generator, m²: background
/// areas stay within it.
const AREA_STANDARD: f64 = 200.0;

/// A third of the rural households hold one homestead, registered to the
/// head. Planted: a household holding two (one to the head, one to another
/// member). The one-homestead households are the hard negatives here; the
/// split-family case (two 户号, one homestead each) is in the model's cases.
/// Planted too: one homestead above the area standard; hard negative: one
/// of exactly the standard.
pub(super) fn homesteads(b: &mut Builder, tables: &mut Tables) {
    let rural: Vec<usize> = (0..b.households.len())
        .filter(|h| b.villages[b.households[*h].village].rural)
        .collect();
    let mut plot = 0;
    let mut holding = BTreeSet::new();
    for &h in &rural {
        if b.rng.random_bool(1.0 / 3.0) && b.household_free(h) {
            plot += 1;
            holding.insert(h);
            let head = b.households[h].members[0];
            let area = b.rng.random_range(120..=AREA_STANDARD as i32) as f64;
            register(b, tables, head, plot, area);
        }
    }
    for k in 0..b.plants * 2 {
        let Some(&h) = b.pick(&rural, |b, h| {
            !holding.contains(h) && b.household_free(*h) && !b.households[*h].members.is_empty()
        }) else {
            break;
        };
        b.used.extend(b.households[h].members.clone());
        let head = b.households[h].members[0];
        plot += 1;
        if k % 2 == 0 {
            let area = b.rng.random_range(230..=320) as f64 + 0.5;
            register(b, tables, head, plot, area);
            let id = b.people[head].id.clone();
            b.plant("ny.homestead_over_area", &id, b.households[h].village);
        } else {
            register(b, tables, head, plot, AREA_STANDARD);
        }
    }
    let candidates: Vec<usize> = rural
        .iter()
        .copied()
        .filter(|h| b.households[*h].members.len() >= 2)
        .collect();
    for _ in 0..b.plants {
        let Some(&h) = b.pick(&candidates, |b, h| {
            b.household_free(*h) && !b.households[*h].members.is_empty()
        }) else {
            break;
        };
        b.used.extend(b.households[h].members.clone());
        let members = b.households[h].members.clone();
        // The household may already hold one through its head.
        plot += 1;
        register(b, tables, members[1], plot, 150.0);
        plot += 1;
        register(b, tables, members[0], plot, 160.0);
        let no = b.households[h].no.clone();
        b.plant("ny.multiple_homesteads", &no, b.households[h].village);
    }
}
