//! 农业: land contracts, farmland subsidies and machinery subsidies, with
//! the plants of the 农业 models.

use super::*;

/// Land contracts and farmland subsidies. Planted: subsidy above the
/// contracted area, subsidy to someone without a contract, subsidy to a
/// contractor who died before the year; hard negatives beside each.
pub(super) fn land(b: &mut Builder, relief: &[Relief], tables: &mut Tables) {
    let rate = 120.5;
    let mut rows = Vec::new();
    for h in 0..b.households.len() {
        let v = b.households[h].village;
        if !b.villages[v].rural || !b.rng.random_bool(0.9) {
            continue;
        }
        let head = b.households[h].members[0];
        let plots: Vec<f64> = (0..b.rng.random_range(1..=3))
            .map(|_| (b.rng.random_range(50..600) as f64) / 100.0)
            .collect();
        let t = table(tables, "land_contracts");
        for area in &plots {
            t.push(vec![
                ("contractor_id_number", Cell::Id(b.people[head].id.clone())),
                ("contractor_name", b.people[head].name.as_str().into()),
                ("village_code", b.villages[v].code.as_str().into()),
                ("contract_area_mu", (*area).into()),
            ]);
        }
        let total = (plots.iter().sum::<f64>() * 100.0).round() / 100.0;
        b.contracts.insert(head, (v, total));
        rows.push((head, v, total));
    }
    let heads: Vec<usize> = rows.iter().map(|r| r.0).collect();
    let mut extra: BTreeMap<usize, f64> = BTreeMap::new();
    for k in 0..2 * b.plants {
        let Some(&p) = b.pick_unused(&heads) else {
            break;
        };
        b.used.insert(p);
        if k % 2 == 0 {
            extra.insert(p, b.rng.random_range(100..400) as f64 / 100.0);
            b.plant_person("ny.subsidy_area_exceeds_contract", p);
        } else {
            extra.insert(p, 0.005);
        }
    }
    // Died before the subsidy year began (planted) or on its first days
    // (hard negative); neither receives other benefits.
    let relief_people = relief_people(b, relief);
    let working: Vec<usize> = heads
        .iter()
        .copied()
        .filter(|&p| {
            !relief_people.contains(&p) && age_on(b.people[p].birth, date(2024, 1, 1)) < 79
        })
        .collect();
    for k in 0..2 * b.plants {
        let Some(&p) = b.pick_unused(&working) else {
            break;
        };
        b.used.insert(p);
        let died = if k % 2 == 0 {
            b.random_date(date(2023, 1, 1), date(2023, 12, 31))
        } else {
            b.random_date(date(2024, 1, 1), date(2024, 1, 10))
        };
        b.deaths.insert(p, died);
        if k % 2 == 0 {
            b.plant_person("ny.deceased_farmland_subsidy", p);
        }
    }
    // Subsidy to a rural adult who is not a contractor (planted), and a
    // contractor's subsidy under another name (hard negative: IDs match).
    let contractors: HashSet<usize> = heads.iter().copied().collect();
    let others: Vec<usize> = (0..b.people.len())
        .filter(|&p| {
            let v = b.households[b.people[p].household].village;
            b.villages[v].rural
                && !contractors.contains(&p)
                && (20..70).contains(&age_on(b.people[p].birth, as_of()))
        })
        .collect();
    let mut renamed: HashSet<usize> = HashSet::new();
    for k in 0..2 * b.plants {
        if k % 2 == 0 {
            let Some(&p) = b.pick_unused(&others) else {
                continue;
            };
            b.used.insert(p);
            let v = b.households[b.people[p].household].village;
            rows.push((p, v, b.rng.random_range(100..400) as f64 / 100.0));
            b.plant_person("ny.subsidy_without_contract", p);
        } else if let Some(&p) = b.pick_unused(&heads) {
            b.used.insert(p);
            renamed.insert(p);
        }
    }
    let t = table(tables, "farmland_subsidies");
    for (p, v, total) in rows {
        let area = match extra.get(&p) {
            Some(e) => total + e,
            None if b.rng.random_bool(0.1) => (total * 80.0).round() / 100.0,
            None => total,
        };
        let area = (area * 1000.0).round() / 1000.0;
        let name = if renamed.contains(&p) {
            names::person(&mut b.rng)
        } else {
            b.people[p].name.clone()
        };
        t.push(vec![
            ("year", Cell::Int(2024)),
            ("id_number", Cell::Id(b.people[p].id.clone())),
            ("name", name.into()),
            ("village_code", b.villages[v].code.as_str().into()),
            ("subsidy_area_mu", area.into()),
            ("rate_per_mu", rate.into()),
            ("amount", ((area * rate * 100.0).round() / 100.0).into()),
            ("bank_account", format!("6230{:012}", p).into()),
        ]);
    }
}

/// One machinery subsidy application.
pub(super) struct Machine {
    pub(super) application: String,
    pub(super) applicant: usize,
    pub(super) village: usize,
    pub(super) serial: String,
    pub(super) engine: String,
    pub(super) bought: NaiveDate,
    pub(super) dealer: String,
}

pub(super) fn push_machine(b: &mut Builder, tables: &mut Tables, m: &Machine) {
    let person = &b.people[m.applicant];
    let amount = b.rng.random_range(20..120) as f64 * 100.0;
    table(tables, "machinery_subsidies").push(vec![
        ("application_no", m.application.as_str().into()),
        ("applicant_id_number", Cell::Id(person.id.clone())),
        ("applicant_name", person.name.as_str().into()),
        ("village_code", b.villages[m.village].code.as_str().into()),
        ("machine_type", "轮式拖拉机".into()),
        ("factory_serial", m.serial.as_str().into()),
        ("engine_no", m.engine.as_str().into()),
        ("purchase_date", m.bought.into()),
        ("subsidy_amount", amount.into()),
        ("dealer", m.dealer.as_str().into()),
    ]);
}

/// Machines subsidised twice: the serial written in lower case with a dash,
/// or the engine number with spaces (planted); a serial one character
/// longer (hard negative). A cadre buying from a dealer led by someone of
/// the cadre's household (planted) or from an unrelated dealer (hard
/// negative).
pub(super) fn machinery_plants(
    b: &mut Builder,
    machines: &[Machine],
    businesses: &[Business],
    tables: &mut Tables,
) {
    let mut n = machines.len();
    let mut order: Vec<usize> = (0..machines.len()).collect();
    order.shuffle(&mut b.rng);
    for (k, &i) in order.iter().enumerate().take(3 * b.plants) {
        let first = &machines[i];
        n += 1;
        let (serial, engine) = match k % 3 {
            0 => (format!("lx-{}", &first.serial[2..]), format!("YD{:08}", n)),
            1 => (
                format!("LY{:08}", n),
                format!("{} {}", &first.engine[..5], &first.engine[5..]),
            ),
            _ => (format!("{}1", first.serial), format!("YD{:08}", n)),
        };
        let again = Machine {
            application: format!("NJ2024{n:06}"),
            applicant: first.applicant,
            village: first.village,
            serial,
            engine,
            bought: first.bought + Days::new(30),
            dealer: first.dealer.clone(),
        };
        push_machine(b, tables, &again);
        if k % 3 != 2 {
            b.plant(
                "ny.machinery_duplicate_serial",
                &again.application,
                again.village,
            );
        }
    }
    for k in 0..2 * b.plants {
        let Some((cadre, v, relative)) = b.pick_cadre_household(true) else {
            break;
        };
        let dealer = if k % 2 == 0 {
            b.register_business(tables, relative, "存续").name
        } else {
            businesses
                .choose(&mut b.rng)
                .expect("businesses exist")
                .name
                .clone()
        };
        n += 1;
        let m = Machine {
            application: format!("NJ2024{n:06}"),
            applicant: cadre,
            village: v,
            serial: format!("LZ{n:08}"),
            engine: format!("YE{n:08}"),
            bought: date(2024, 5, 15),
            dealer,
        };
        push_machine(b, tables, &m);
        if k % 2 == 0 {
            b.plant("ny.machinery_cadre_dealer", &m.application, v);
        }
    }
}

/// Two villages left out of the 确权 export: their subsidies stay, and each
/// is one lead for the village (`ny.subsidy_village_without_contracts`), not
/// one per subsidy. Their contractors are no longer known as such to the
/// tables built later (compensation is paid to contractors).
pub(super) fn contracts_left_out(b: &mut Builder, tables: &mut Tables) {
    let readers = [
        "ny.subsidy_without_contract",
        "ny.subsidy_area_exceeds_contract",
    ];
    let subsidies = table(tables, "farmland_subsidies");
    let c = subsidies.col("village_code");
    let paid: HashSet<String> = (subsidies.rows.iter())
        .filter_map(|r| r[c].text().map(str::to_string))
        .collect();
    let left = b.leave_out(
        tables,
        "land_contracts",
        &readers,
        "ny.subsidy_village_without_contracts",
        &paid,
    );
    b.contracts.retain(|_, (v, _)| !left.contains(v));
}
