//! 村干部报酬: the monthly pay of village cadres, former cadres whose term
//! ended in 2024, and the plants of the models on the pay.

use std::ops::RangeInclusive;

use super::*;

/// Monthly pay by position, 元: below the models' default caps (3,500 for
/// 书记/主任, 2,800 for the others).
fn monthly(position: &str) -> f64 {
    match position {
        "书记" | "主任" => 3000.0,
        "会计" | "报账员" => 2200.0,
        _ => 1500.0,
    }
}

fn pay(
    b: &Builder,
    tables: &mut Tables,
    cadre: (usize, usize, &str),
    months: RangeInclusive<u32>,
    amount: f64,
) {
    let (p, v, position) = cadre;
    for m in months {
        table(tables, "cadre_pay").push(vec![
            ("id_number", Cell::Id(b.people[p].id.clone())),
            ("name", b.people[p].name.as_str().into()),
            ("village_code", b.villages[v].code.as_str().into()),
            ("position", position.into()),
            ("period", Cell::Period(month(m))),
            ("amount", Cell::Num(amount)),
        ]);
    }
}

/// A welfare post (see gy.rs) held by a cadre, in another village so that
/// only the pay model applies.
fn welfare_post(b: &Builder, tables: &mut Tables, p: usize, v: usize, months: RangeInclusive<u32>) {
    let village = (v + 1) % b.villages.len();
    employ_months(b, tables, p, village, "护林员", months);
}

/// Every cadre is paid by position for every month of 2024. Planted, each
/// with hard negatives one step away:
/// - 书记/主任 paid above the cap in some months (negative: exactly the cap);
/// - former cadres (term ended 2024-03-31) paid all year (negative: paid to
///   March, then holding a welfare post from April);
/// - a resident paid as a cadre though on no roster of the village;
/// - cadres holding a welfare post while paid (negatives above);
/// - cadres who died in 2024 still paid after the month of death (negative:
///   paid to the month of death).
pub(super) fn cadre_pay(b: &mut Builder, relief: &[Relief], tables: &mut Tables) {
    let relief_households: HashSet<usize> = relief.iter().map(|r| r.household).collect();
    let cadre_households: HashSet<usize> =
        b.cadres.iter().map(|c| b.people[c.0].household).collect();
    let mut paid: HashSet<usize> = HashSet::new();
    let young = |b: &Builder, p: usize, max: i32| {
        (25..max).contains(&age_on(b.people[p].birth, month(1)))
            && !b.deaths.contains_key(&p)
            && !b.employees.contains_key(&p)
            && b.household_free(b.people[p].household)
    };
    // Former cadres, and residents paid without being on a roster.
    let outsiders: Vec<usize> = (0..b.people.len())
        .filter(|&p| {
            let h = b.people[p].household;
            young(b, p, 50)
                && !relief_households.contains(&h)
                && !b.rep_households.contains(&h)
                && !cadre_households.contains(&h)
        })
        .collect();
    for k in 0..b.plants * 3 {
        let Some(&p) = b.pick(&outsiders, |b, p| b.household_free(b.people[*p].household)) else {
            break;
        };
        b.used
            .extend(b.households[b.people[p].household].members.clone());
        paid.insert(p);
        let v = b.households[b.people[p].household].village;
        let id = b.people[p].id.clone();
        if k % 3 == 2 {
            pay(b, tables, (p, v, "委员"), 1..=12, monthly("委员"));
            b.plant("cw.cadre_pay_not_in_roster", &id, v);
            continue;
        }
        b.cadres.push((p, v, "委员"));
        table(tables, "village_cadres").push(vec![
            ("id_number", Cell::Id(id.clone())),
            ("name", b.people[p].name.as_str().into()),
            ("village_code", b.villages[v].code.as_str().into()),
            ("position", "委员".into()),
            ("term_start", date(2021, 3, 1).into()),
            ("term_end", date(2024, 3, 31).into()),
        ]);
        if k % 3 == 0 {
            pay(b, tables, (p, v, "委员"), 1..=12, monthly("委员"));
            b.plant("cw.cadre_pay_after_term", &id, v);
        } else {
            pay(b, tables, (p, v, "委员"), 1..=3, monthly("委员"));
            welfare_post(b, tables, p, v, 4..=12);
        }
    }
    let serving: Vec<(usize, usize, &'static str)> = b.cadres.clone();
    // Cadres holding a welfare post all year, and cadres who died in 2024.
    for k in 0..b.plants * 3 {
        let Some(&(p, v, position)) = b.pick(&serving, |b, c| {
            // Under 54 when the year begins: a woman holding the post stays
            // under 55 all year, not also a welfare post holder over age.
            !paid.contains(&c.0) && !b.used.contains(&c.0) && young(b, c.0, 54)
        }) else {
            break;
        };
        b.used
            .extend(b.households[b.people[p].household].members.clone());
        paid.insert(p);
        let id = b.people[p].id.clone();
        if k % 3 == 0 {
            pay(b, tables, (p, v, position), 1..=12, monthly(position));
            welfare_post(b, tables, p, v, 1..=12);
            b.plant("cw.cadre_pay_with_welfare_job", &id, v);
            continue;
        }
        let m = b.rng.random_range(2..=9);
        b.deaths
            .insert(p, date(2024, m, b.rng.random_range(1..=28)));
        if k % 3 == 1 {
            pay(b, tables, (p, v, position), 1..=12, monthly(position));
            b.plant("cw.deceased_cadre_pay", &id, v);
        } else {
            pay(b, tables, (p, v, position), 1..=m, monthly(position));
        }
    }
    // 书记/主任 paid a bonus on top in November and December.
    let leads: Vec<(usize, usize, &'static str)> = serving
        .iter()
        .copied()
        .filter(|c| c.2 == "书记" || c.2 == "主任")
        .collect();
    for k in 0..b.plants * 2 {
        let Some(&(p, v, position)) = b.pick(&leads, |_, c| !paid.contains(&c.0)) else {
            break;
        };
        paid.insert(p);
        pay(b, tables, (p, v, position), 1..=10, monthly(position));
        if k % 2 == 0 {
            pay(
                b,
                tables,
                (p, v, position),
                11..=12,
                monthly(position) + 1500.0,
            );
            let id = b.people[p].id.clone();
            b.plant("cw.cadre_pay_over_standard", &id, v);
        } else {
            pay(b, tables, (p, v, position), 11..=12, 3500.0);
        }
    }
    // The others, up to the month of death for those who died in 2024.
    for (p, v, position) in serving {
        if !paid.contains(&p) {
            let last = b.deaths.get(&p).map_or(12, |d| d.month());
            pay(b, tables, (p, v, position), 1..=last, monthly(position));
        }
    }
}
