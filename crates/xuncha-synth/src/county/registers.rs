//! The registers other models compare against: residents and villages,
//! deaths, village cadres, businesses, vehicles and real estate.

use super::*;

/// A business in the county: name, credit code and legal representative.
pub(super) struct Business {
    pub(super) name: String,
    pub(super) code: String,
    pub(super) rep: usize,
}

impl Builder {
    /// Register a business with a legal representative and status.
    pub(super) fn register_business(
        &mut self,
        tables: &mut Tables,
        rep: usize,
        status: &str,
    ) -> Business {
        self.registered += 1;
        let name = names::business(&mut self.rng, COUNTY, self.registered);
        let code = credit_code(REGION, self.registered);
        let established = self.random_date(date(2005, 1, 1), date(2022, 12, 31));
        let capital = self.rng.random_range(5..200) as f64 * 10.0;
        table(tables, "businesses").push(vec![
            ("credit_code", code.as_str().into()),
            ("name", name.as_str().into()),
            ("legal_rep_id_number", Cell::Id(self.people[rep].id.clone())),
            ("legal_rep_name", self.people[rep].name.as_str().into()),
            ("registered_capital", capital.into()),
            ("established_date", established.into()),
            ("status", status.into()),
            ("kind", "有限责任公司".into()),
        ]);
        self.rep_households.insert(self.people[rep].household);
        Business { name, code, rep }
    }
}

/// Businesses led by adults outside relief households, and planted: a
/// relief member leading an active business; hard negatives: one whose
/// business was deregistered or revoked.
pub(super) fn businesses(b: &mut Builder, relief: &[Relief], tables: &mut Tables) -> Vec<Business> {
    let relief_people = relief_people(b, relief);
    let adults: Vec<usize> = (0..b.people.len())
        .filter(|&p| {
            !relief_people.contains(&p)
                && !b.deaths.contains_key(&p)
                && (25..65).contains(&age_on(b.people[p].birth, as_of()))
        })
        .collect();
    let n = (b.villages.len() * 3).max(12);
    let mut out = Vec::new();
    for _ in 0..n {
        let rep = *adults.choose(&mut b.rng).expect("adults exist");
        b.used.insert(rep);
        out.push(b.register_business(tables, rep, "存续"));
    }
    let members: Vec<usize> = relief_people.into_iter().collect();
    for k in 0..3 * b.plants {
        let Some(&p) = b.pick_unused(&members) else {
            break;
        };
        b.used.insert(p);
        b.register_business(tables, p, ["存续", "注销", "吊销"][k % 3]);
        if k % 3 == 0 {
            b.plant_person("mz.business_owner_relief", p);
        }
    }
    out
}

/// Village cadres: four standing cadres per village from households with
/// no relief and no business, and committee members planted from relief
/// households.
pub(super) fn cadres(b: &mut Builder, relief: &[Relief], tables: &mut Tables) {
    let relief_households: HashSet<usize> = relief.iter().map(|r| r.household).collect();
    // A relief member on the committee of the own village (planted: every
    // member of that household shares its 户号) or of another village
    // (hard negative).
    let members: Vec<usize> = relief_people(b, relief)
        .into_iter()
        .filter(|&p| (25..65).contains(&age_on(b.people[p].birth, as_of())))
        .collect();
    for k in 0..2 * b.plants {
        let Some(&p) = b.pick_unused(&members) else {
            break;
        };
        let h = b.people[p].household;
        let household: Vec<usize> = b.households[h].members.clone();
        if household.iter().any(|m| b.used.contains(m)) {
            continue;
        }
        b.used.extend(household.iter().copied());
        let own = b.households[h].village;
        let v = if k % 2 == 0 {
            own
        } else {
            (own + 1) % b.villages.len()
        };
        if v == own && k % 2 == 1 {
            continue;
        }
        b.cadres.push((p, v, "委员"));
        table(tables, "village_cadres").push(vec![
            ("id_number", Cell::Id(b.people[p].id.clone())),
            ("name", b.people[p].name.as_str().into()),
            ("village_code", b.villages[v].code.as_str().into()),
            ("position", "委员".into()),
            ("term_start", date(2021, 3, 1).into()),
        ]);
        if k % 2 == 0 {
            for m in household {
                let id = b.people[m].id.clone();
                b.plant("mz.cadre_relative_relief", &id, own);
            }
        }
    }
    let mut by_village: Vec<Vec<usize>> = vec![Vec::new(); b.villages.len()];
    for (p, person) in b.people.iter().enumerate() {
        let h = person.household;
        if !relief_households.contains(&h)
            && !b.rep_households.contains(&h)
            && !b.deaths.contains_key(&p)
            && (25..65).contains(&age_on(person.birth, as_of()))
        {
            by_village[b.households[h].village].push(p);
        }
    }
    for (v, adults) in by_village.iter().enumerate() {
        let mut pool = adults.clone();
        pool.shuffle(&mut b.rng);
        for (&position, &p) in ["书记", "主任", "会计", "报账员"].iter().zip(pool.iter()) {
            b.cadres.push((p, v, position));
            table(tables, "village_cadres").push(vec![
                ("id_number", Cell::Id(b.people[p].id.clone())),
                ("name", b.people[p].name.as_str().into()),
                ("village_code", b.villages[v].code.as_str().into()),
                ("position", position.into()),
                ("term_start", date(2021, 3, 1).into()),
            ]);
        }
    }
}

/// Vehicles, real estate and machinery subsidies of adults outside relief
/// households, with planted cases: relief members owning cars, machines
/// subsidised twice, cadres buying from their relatives' dealers.
pub(super) fn vehicles_estate_machinery(
    b: &mut Builder,
    relief: &[Relief],
    businesses: &[Business],
    tables: &mut Tables,
) {
    let relief_households: HashSet<usize> = relief.iter().map(|r| r.household).collect();
    let members: Vec<usize> = relief_people(b, relief).into_iter().collect();
    // A relief member owning a car in normal status (planted), a motorcycle
    // or a cancelled car (hard negatives).
    for k in 0..3 * b.plants {
        let Some(&p) = b.pick_unused(&members) else {
            break;
        };
        b.used.insert(p);
        let (kind, status) = [
            ("小型轿车", "正常"),
            ("普通二轮摩托车", "正常"),
            ("小型轿车", "注销"),
        ][k % 3];
        table(tables, "vehicles").push(vec![
            ("owner_id_number", Cell::Id(b.people[p].id.clone())),
            ("owner_name", b.people[p].name.as_str().into()),
            ("plate", format!("豫K9{:04}", k).into()),
            ("vehicle_type", kind.into()),
            ("register_date", date(2020, 6, 1).into()),
            ("status", status.into()),
        ]);
        if k % 3 == 0 {
            let id = b.people[p].id.clone();
            b.plant(
                "mz.vehicle_owner_relief",
                &id,
                b.households[b.people[p].household].village,
            );
        }
    }
    let mut by_village: Vec<Vec<usize>> = vec![Vec::new(); b.villages.len()];
    for (p, person) in b.people.iter().enumerate() {
        let h = person.household;
        if !relief_households.contains(&h) && (25..65).contains(&age_on(person.birth, as_of())) {
            by_village[b.households[h].village].push(p);
        }
    }
    let mut plate = 0;
    let mut serial = 0;
    let mut machines = Vec::new();
    for (v, adults) in by_village.iter().enumerate() {
        for &p in adults {
            let person = &b.people[p];
            if b.rng.random_bool(0.08) {
                plate += 1;
                let kind = if b.rng.random_bool(0.8) {
                    "小型轿车"
                } else {
                    "轻型货车"
                };
                table(tables, "vehicles").push(vec![
                    ("owner_id_number", Cell::Id(person.id.clone())),
                    ("owner_name", person.name.as_str().into()),
                    ("plate", format!("豫K{:05}", plate).into()),
                    ("vehicle_type", kind.into()),
                    (
                        "register_date",
                        date(2015 + plate % 9, 1 + (plate % 12) as u32, 10).into(),
                    ),
                    ("status", "正常".into()),
                ]);
            }
            if person.relation == "户主" && b.rng.random_bool(0.3) {
                table(tables, "real_estate").push(vec![
                    ("owner_id_number", Cell::Id(person.id.clone())),
                    ("owner_name", person.name.as_str().into()),
                    (
                        "location",
                        format!("{}{}{}号", COUNTY, b.villages[v].name, p % 200 + 1).into(),
                    ),
                    (
                        "area_sqm",
                        (b.rng.random_range(600..2000) as f64 / 10.0).into(),
                    ),
                    ("register_date", date(2016, 5, 20).into()),
                ]);
            }
            if person.relation == "户主" && b.villages[v].rural && b.rng.random_bool(0.02) {
                serial += 1;
                machines.push(Machine {
                    application: format!("NJ2024{serial:06}"),
                    applicant: p,
                    village: v,
                    serial: format!("LX{serial:08}"),
                    engine: format!("YC{serial:08}"),
                    bought: date(2024, 1 + (serial % 10) as u32, 15),
                    dealer: businesses[serial % businesses.len()].name.clone(),
                });
            }
        }
    }
    for m in &machines {
        push_machine(b, tables, m);
    }
    relief_estate(b, relief, tables);
    machinery_plants(b, &machines, businesses, tables);
}

/// Deaths as the police cancel them, with a cremation record a few days
/// later for most.
pub(super) fn deaths_table(b: &mut Builder, tables: &mut Tables) {
    let deaths: Vec<(usize, NaiveDate)> = b.deaths.iter().map(|(p, d)| (*p, *d)).collect();
    for &(p, d) in &deaths {
        let person = &b.people[p];
        table(tables, "deaths").push(vec![
            ("id_number", Cell::Id(person.id.clone())),
            ("name", person.name.as_str().into()),
            ("death_date", d.into()),
            ("source", "公安注销".into()),
        ]);
    }
    for (p, d) in deaths {
        if b.rng.random_bool(0.6) {
            let later = d + Days::new(b.rng.random_range(1..=3));
            let person = &b.people[p];
            table(tables, "deaths").push(vec![
                ("id_number", Cell::Id(person.id.clone())),
                ("name", person.name.as_str().into()),
                ("death_date", later.into()),
                ("source", "殡葬火化".into()),
            ]);
        }
    }
}

/// The village list, and the residents written in parts as they are drawn.
pub(super) fn residents_and_villages(
    b: &Builder,
    tables: &mut Tables,
    sink: &mut Sink,
) -> Result<(), SynthError> {
    for v in &b.villages {
        table(tables, "villages").push(vec![
            ("village_code", v.code.as_str().into()),
            ("village_name", v.name.as_str().into()),
            ("township", v.township.as_str().into()),
            ("county", COUNTY.into()),
            ("population", Cell::Int(v.population as i64)),
        ]);
    }
    let mut t = Table::new("residents");
    for (p, person) in b.people.iter().enumerate() {
        if t.rows.len() == PART_ROWS {
            sink(vec![t.take_part()])?;
        }
        let h = &b.households[person.household];
        let (status, status_date) = match (b.deaths.get(&p), b.moved_out.get(&p)) {
            (Some(d), _) => ("死亡", Some(*d)),
            (None, Some(d)) => ("迁出", Some(*d)),
            (None, None) => ("正常", None),
        };
        t.push(vec![
            ("id_number", Cell::Id(person.id.clone())),
            ("name", person.name.as_str().into()),
            ("gender", if person.male { "男" } else { "女" }.into()),
            ("birth_date", person.birth.into()),
            ("household_no", h.no.as_str().into()),
            ("relation_to_head", person.relation.into()),
            ("village_code", b.villages[h.village].code.as_str().into()),
            ("status", status.into()),
            ("status_date", status_date.into()),
        ]);
    }
    tables.insert("residents", t);
    Ok(())
}
