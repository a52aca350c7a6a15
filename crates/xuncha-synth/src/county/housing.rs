//! 农村危房改造: renovation subsidies for poor rural households, with the
//! plants of the models on them (and the cars, urban flats and jobs that
//! make a household ineligible).

use super::*;

/// Subsidy per household, 元.
const SUBSIDY: f64 = 25_000.0;

fn subsidise(b: &Builder, tables: &mut Tables, h: usize, head: usize, year: i32, amount: f64) {
    let household = &b.households[h];
    let village = &b.villages[household.village];
    table(tables, "housing_renovation").push(vec![
        ("household_no", household.no.as_str().into()),
        ("head_id_number", Cell::Id(b.people[head].id.clone())),
        ("head_name", b.people[head].name.as_str().into()),
        ("village_code", village.code.as_str().into()),
        ("year", Cell::Int(year as i64)),
        ("amount", Cell::Num(amount)),
        (
            "address",
            format!("{}{}{}组", COUNTY, village.name, h % 9 + 1).into(),
        ),
    ]);
}

/// IDs of the people named in a column of a table drawn so far.
fn owners(tables: &Tables, dataset: &str, column: &str) -> HashSet<String> {
    tables.get(dataset).map_or_else(HashSet::new, |t| {
        let c = t.col(column);
        t.rows
            .iter()
            .filter_map(|row| row[c].text().map(str::to_string))
            .collect()
    })
}

/// A tenth of the rural relief households were subsidised once between
/// 2019 and 2024. Planted, each with hard negatives one step away:
/// - a relief household subsidised in two years, the second time under
///   another member (negative: two instalments in one year);
/// - a household with a car registered by the subsidy year (negative: the
///   car was registered after it);
/// - a household with a flat in town (negative: a house in the village);
/// - a household with a public employee in office (negative: one who left
///   the year before).
pub(super) fn housing_renovation(b: &mut Builder, relief: &[Relief], tables: &mut Tables) {
    let rural_relief: Vec<usize> = relief
        .iter()
        .map(|r| r.household)
        .filter(|&h| b.villages[b.households[h].village].rural)
        .collect();
    for &h in &rural_relief {
        if b.rng.random_bool(0.1) && b.household_free(h) {
            let year = b.rng.random_range(2019..=2024);
            subsidise(b, tables, h, b.households[h].members[0], year, SUBSIDY);
            b.used.extend(b.households[h].members.clone());
        }
    }
    for k in 0..b.plants * 2 {
        let Some(&h) = b.pick(&rural_relief, |b, h| {
            b.household_free(*h) && b.households[*h].members.len() >= 2
        }) else {
            break;
        };
        let members = b.households[h].members.clone();
        b.used.extend(members.iter().copied());
        if k % 2 == 0 {
            subsidise(b, tables, h, members[0], 2020, SUBSIDY);
            subsidise(b, tables, h, members[1], 2023, SUBSIDY);
            let no = b.households[h].no.clone();
            b.plant("zj.renovation_twice", &no, b.households[h].village);
        } else {
            subsidise(b, tables, h, members[0], 2022, SUBSIDY * 0.6);
            subsidise(b, tables, h, members[0], 2022, SUBSIDY * 0.4);
        }
    }
    // Other rural households outside relief, with a member of working age:
    // none of their members owns a car or a registered house, or works for
    // the state, before the plant adds one.
    let drivers = owners(tables, "vehicles", "owner_id_number");
    let estates = owners(tables, "real_estate", "owner_id_number");
    let in_relief: HashSet<usize> = relief.iter().map(|r| r.household).collect();
    let working = |b: &Builder, h: usize| {
        b.households[h]
            .members
            .iter()
            .copied()
            .find(|&p| (23..60).contains(&age_on(b.people[p].birth, as_of())))
    };
    let plain: Vec<usize> = (0..b.households.len())
        .filter(|&h| {
            let household = &b.households[h];
            b.villages[household.village].rural
                && !in_relief.contains(&h)
                && working(b, h).is_some()
                && household.members.iter().all(|&p| {
                    let id = &b.people[p].id;
                    !drivers.contains(id) && !estates.contains(id) && !b.employees.contains_key(&p)
                })
        })
        .collect();
    let mut plate = 0;
    for k in 0..b.plants * 6 {
        let Some(&h) = b.pick(&plain, |b, h| b.household_free(*h)) else {
            break;
        };
        let members = b.households[h].members.clone();
        b.used.extend(members.iter().copied());
        let (head, owner) = (members[0], working(b, h).expect("a working-age member"));
        let person = &b.people[owner];
        let planted = k % 2 == 0;
        let (model, year) = match k % 6 {
            0 | 1 => ("zj.renovation_vehicle_owner", 2022),
            2 | 3 => ("zj.renovation_urban_property", 2021),
            _ => ("zj.renovation_public_employee", 2024),
        };
        match k % 6 {
            0 | 1 => {
                plate += 1;
                let registered = if planted { 2021 } else { 2023 };
                table(tables, "vehicles").push(vec![
                    ("owner_id_number", Cell::Id(person.id.clone())),
                    ("owner_name", person.name.as_str().into()),
                    ("plate", format!("豫KF{plate:04}").into()),
                    ("vehicle_type", "小型轿车".into()),
                    ("register_date", date(registered, 6, 8).into()),
                    ("status", "正常".into()),
                ]);
            }
            2 | 3 => {
                let location = if planted {
                    format!("{COUNTY}城关镇幸福小区{}号楼{}室", k + 1, 101 + k)
                } else {
                    let village = &b.villages[b.households[h].village];
                    format!("{}{}{}号", COUNTY, village.name, 400 + k)
                };
                table(tables, "real_estate").push(vec![
                    ("owner_id_number", Cell::Id(person.id.clone())),
                    ("owner_name", person.name.as_str().into()),
                    ("location", location.into()),
                    ("area_sqm", 96.5.into()),
                    ("register_date", date(2018, 9, 1).into()),
                ]);
            }
            _ => {
                let end = (!planted).then(|| date(2023, 6, 30));
                b.employees.insert(owner, end);
                table(tables, "public_employees").push(vec![
                    ("id_number", Cell::Id(person.id.clone())),
                    ("name", person.name.as_str().into()),
                    ("employer", "乡人民政府".into()),
                    ("start_date", date(2015, 8, 1).into()),
                    ("end_date", end.into()),
                ]);
            }
        }
        subsidise(b, tables, h, head, year, SUBSIDY);
        if planted {
            b.plant_person(model, head);
        }
    }
}
