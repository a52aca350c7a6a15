//! 集体三资: collective asset leases and rent receipts, with the plants of
//! the 集体三资 models.

use super::*;

/// Planted case or hard negative a lease carries.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum LeaseCase {
    Background,
    /// Longer than twenty years (planted).
    OverTwentyYears,
    /// Exactly twenty years (hard negative).
    TwentyYears,
    /// Large rent let by negotiation (planted).
    Negotiated,
    /// Negotiated just under the open-bidding threshold (hard negative).
    NegotiatedSmall,
    /// Ended, but rent still received afterwards (planted).
    ExpiredStillPaid,
    /// Ended and received afterwards, but renewed by a later lease (hard negative).
    ExpiredRenewed,
    /// One year's rent never received (planted).
    Arrears,
    /// The latest lease year began within the grace days, not yet paid (hard negative).
    NotYetDue,
    /// One year paid 50 元 short, within the tolerance (hard negative).
    SlightlyShort,
    /// Let to a standing cadre of the village (planted).
    CadreSelf,
    /// Let to someone of a standing cadre's household (planted).
    CadreRelative,
    /// Let to a cadre's relative, in another village (hard negative).
    OtherVillageCadre,
    /// Rent per unit area a third of the usual (planted).
    BelowMarket,
    /// Rent per unit area 60 % of the usual (hard negative).
    NearMarket,
}

/// Rent per unit area by asset type: 元 per 亩 of farmland or pond, per m² of building.
pub(super) const ASSET_TYPES: [(&str, f64); 3] = [("耕地", 600.0), ("坑塘", 500.0), ("房屋", 60.0)];

/// Leases of rural villages' assets and their yearly receipts, with every
/// lease case planted a few times.
pub(super) fn leases(b: &mut Builder, tables: &mut Tables) {
    let cadre_households: HashSet<usize> =
        b.cadres.iter().map(|c| b.people[c.0].household).collect();
    let mut lessees: Vec<Vec<usize>> = vec![Vec::new(); b.villages.len()];
    for (p, person) in b.people.iter().enumerate() {
        if !cadre_households.contains(&person.household)
            && !b.deaths.contains_key(&p)
            && (25..70).contains(&age_on(person.birth, as_of()))
        {
            lessees[b.households[person.household].village].push(p);
        }
    }
    let rural: Vec<usize> = (0..b.villages.len())
        .filter(|&v| b.villages[v].rural)
        .collect();
    let mut leases = Leases {
        lessees,
        n: 0,
        groups: BTreeMap::new(),
        asset_type: None,
    };
    for &v in &rural {
        for _ in 0..b.rng.random_range(1..=4) {
            leases.push(b, tables, v, LeaseCase::Background, None);
        }
    }
    let cases = [
        LeaseCase::OverTwentyYears,
        LeaseCase::TwentyYears,
        LeaseCase::Negotiated,
        LeaseCase::NegotiatedSmall,
        LeaseCase::ExpiredStillPaid,
        LeaseCase::ExpiredRenewed,
        LeaseCase::Arrears,
        LeaseCase::NotYetDue,
        LeaseCase::SlightlyShort,
        LeaseCase::CadreSelf,
        LeaseCase::CadreRelative,
        LeaseCase::OtherVillageCadre,
    ];
    for k in 0..cases.len() * b.plants {
        let Some(&v) = rural.choose(&mut b.rng) else {
            break;
        };
        let case = cases[k % cases.len()];
        let (asset, end) = leases.push(b, tables, v, case, None);
        if case == LeaseCase::ExpiredRenewed {
            leases.push(
                b,
                tables,
                v,
                LeaseCase::Background,
                Some((asset, end + Days::new(1))),
            );
        }
    }
    // Below-market rent needs peers: plant only where a township has at
    // least six leases of the asset type.
    let mut groups: Vec<(String, &'static str)> = leases
        .groups
        .iter()
        .filter(|(_, &n)| n >= 6)
        .map(|(g, _)| g.clone())
        .collect();
    groups.shuffle(&mut b.rng);
    let picks: Vec<(String, &'static str)> =
        groups.iter().cycle().take(2 * b.plants).cloned().collect();
    for (k, (town, asset_type)) in picks.into_iter().enumerate() {
        let in_town: Vec<usize> = rural
            .iter()
            .copied()
            .filter(|&v| b.villages[v].township == town)
            .collect();
        let v = *in_town.choose(&mut b.rng).expect("a rural village");
        let case = if k % 2 == 0 {
            LeaseCase::BelowMarket
        } else {
            LeaseCase::NearMarket
        };
        leases.asset_type = Some(asset_type);
        leases.push(b, tables, v, case, None);
    }
}

/// Lease generation state: who may rent in each village, the lease count,
/// and leases per township and asset type.
pub(super) struct Leases {
    pub(super) lessees: Vec<Vec<usize>>,
    pub(super) n: usize,
    pub(super) groups: BTreeMap<(String, &'static str), usize>,
    /// Asset type the next lease must have.
    pub(super) asset_type: Option<&'static str>,
}

impl Leases {
    /// Add a lease and its yearly receipts; `renewing` gives the asset and
    /// start date of a lease that continues an earlier one. Returns the
    /// asset name and end date.
    pub(super) fn push(
        &mut self,
        b: &mut Builder,
        tables: &mut Tables,
        v: usize,
        case: LeaseCase,
        renewing: Option<(String, NaiveDate)>,
    ) -> (String, NaiveDate) {
        self.n += 1;
        let n = self.n;
        let lease_no = format!("ZL{}{:03}", &b.villages[v].code[6..], n);
        let expired = matches!(
            case,
            LeaseCase::ExpiredStillPaid | LeaseCase::ExpiredRenewed
        );
        let start = match (&renewing, case) {
            (Some((_, start)), _) => *start,
            _ if expired => b.random_date(date(2012, 1, 1), date(2016, 12, 31)),
            // No anniversary within the grace days before the as-of date, where
            // an early payment for the coming year would cover the arrears.
            (None, LeaseCase::Arrears) => date(
                b.rng.random_range(2015..=2021),
                b.rng.random_range(1..=10),
                b.rng.random_range(1..=28),
            ),
            (None, LeaseCase::NotYetDue) => date(
                b.rng.random_range(2016..=2022),
                12,
                b.rng.random_range(5..=20),
            ),
            _ => b.random_date(date(2015, 1, 1), date(2023, 12, 31)),
        };
        let start = date(start.year(), start.month(), start.day().min(28));
        let years = match case {
            LeaseCase::OverTwentyYears => b.rng.random_range(21..=30),
            LeaseCase::TwentyYears => 20,
            LeaseCase::ExpiredStillPaid | LeaseCase::ExpiredRenewed => 5,
            LeaseCase::Arrears | LeaseCase::NotYetDue => b.rng.random_range(10..=15),
            _ => b.rng.random_range(3..=15),
        };
        let end = date(start.year() + years, start.month(), start.day()) - Days::new(1);
        let (asset_type, rate) = match self.asset_type.take() {
            Some(t) => *ASSET_TYPES.iter().find(|a| a.0 == t).expect("a known type"),
            None => *ASSET_TYPES.choose(&mut b.rng).expect("non-empty"),
        };
        let mut area = match asset_type {
            "房屋" => b.rng.random_range(100..800) as f64,
            "坑塘" => b.rng.random_range(5..50) as f64,
            _ => b.rng.random_range(10..200) as f64,
        };
        let usual = rate * b.rng.random_range(90..110) as f64 / 100.0;
        let (rent, procedure) = match case {
            LeaseCase::Negotiated | LeaseCase::NegotiatedSmall => {
                // The area follows the rent so the rent per unit stays usual.
                let rent = if case == LeaseCase::Negotiated {
                    b.rng.random_range(50..200) as f64 * 1000.0
                } else {
                    49_999.0
                };
                area = (rent / usual).round().max(1.0);
                (rent, "协商")
            }
            LeaseCase::BelowMarket => ((area * rate * 0.3).round(), "公开竞价"),
            LeaseCase::NearMarket => ((area * rate * 0.6).round(), "公开竞价"),
            _ => ((area * usual).round(), "公开竞价"),
        };
        let town = b.villages[v].township.clone();
        *self.groups.entry((town, asset_type)).or_insert(0) += 1;
        let lessee = match case {
            LeaseCase::CadreSelf | LeaseCase::CadreRelative | LeaseCase::OtherVillageCadre => {
                let cadres: Vec<usize> = b
                    .cadres
                    .iter()
                    .filter(|c| (c.1 == v) != (case == LeaseCase::OtherVillageCadre))
                    .map(|c| c.0)
                    .filter(|&p| b.households[b.people[p].household].members.len() >= 2)
                    .collect();
                b.pick_unused(&cadres).copied().map(|cadre| {
                    let household = b.households[b.people[cadre].household].members.clone();
                    b.used.extend(household.iter().copied());
                    match case {
                        LeaseCase::CadreSelf => cadre,
                        _ => *household
                            .iter()
                            .find(|&&p| p != cadre)
                            .expect("two members"),
                    }
                })
            }
            _ => None,
        };
        let lessee =
            lessee.unwrap_or_else(|| *self.lessees[v].choose(&mut b.rng).expect("villagers"));
        match case {
            LeaseCase::OverTwentyYears => b.plant("zc.lease_term_exceeds_20y", &lease_no, v),
            LeaseCase::Negotiated => b.plant("zc.non_competitive_lease", &lease_no, v),
            LeaseCase::ExpiredStillPaid => b.plant("zc.expired_lease_still_paid", &lease_no, v),
            LeaseCase::Arrears => b.plant("zc.rent_arrears", &lease_no, v),
            LeaseCase::BelowMarket => b.plant("zc.below_market_rent", &lease_no, v),
            LeaseCase::CadreSelf | LeaseCase::CadreRelative
                if b.cadres
                    .iter()
                    .any(|c| c.1 == v && b.people[c.0].household == b.people[lessee].household) =>
            {
                b.plant("zc.cadre_related_lease", &lease_no, v)
            }
            _ => {}
        }
        let asset_name = renewing.map_or_else(
            || format!("{}{}{}号", b.villages[v].name, asset_type, n),
            |(a, _)| a,
        );
        let person = &b.people[lessee];
        table(tables, "asset_leases").push(vec![
            ("lease_no", lease_no.as_str().into()),
            ("village_code", b.villages[v].code.as_str().into()),
            ("asset_name", asset_name.as_str().into()),
            ("asset_type", asset_type.into()),
            ("area", area.into()),
            ("lessee_name", person.name.as_str().into()),
            ("lessee_code", person.id.as_str().into()),
            ("annual_rent", rent.into()),
            ("start_date", start.into()),
            ("end_date", end.into()),
            ("procedure", procedure.into()),
        ]);
        let mut year_start = start;
        let mut year = 0;
        while year_start <= as_of() && year_start <= end {
            let paid = year_start + Days::new(b.rng.random_range(0..10));
            let amount = match case {
                LeaseCase::SlightlyShort if year == 1 => rent - 50.0,
                _ => rent,
            };
            let skipped = (case == LeaseCase::Arrears && year == 1)
                || (case == LeaseCase::NotYetDue && year_start.year() == as_of().year());
            if !skipped {
                table(tables, "lease_receipts").push(vec![
                    ("lease_no", lease_no.as_str().into()),
                    ("village_code", b.villages[v].code.as_str().into()),
                    ("receipt_date", paid.min(end).into()),
                    ("amount", amount.into()),
                ]);
            }
            year_start = date(year_start.year() + 1, year_start.month(), year_start.day());
            year += 1;
        }
        if expired {
            let late = end + Days::new(b.rng.random_range(30..200));
            table(tables, "lease_receipts").push(vec![
                ("lease_no", lease_no.as_str().into()),
                ("village_code", b.villages[v].code.as_str().into()),
                ("receipt_date", late.into()),
                ("amount", rent.into()),
            ]);
        }
        (asset_name, end)
    }
}

/// Two villages left out of the rent receipts: their leases stay, and each
/// is one lead for the village (`zc.lease_village_without_receipts`), not
/// one rent arrears per lease.
pub(super) fn receipts_left_out(b: &mut Builder, tables: &mut Tables) {
    let readers = [
        "zc.rent_arrears",
        "zc.expired_lease_still_paid",
        "zc.rent_income_understated",
        "zc.rent_not_entered",
    ];
    let leases = table(tables, "asset_leases");
    let (v, start, end) = (
        leases.col("village_code"),
        leases.col("start_date"),
        leases.col("end_date"),
    );
    // Rent surely due: a lease begun two months before the as-of date and running still.
    let due: HashSet<String> = (leases.rows.iter())
        .filter(|r| {
            matches!(r[start], Cell::Date(d) if d + Days::new(60) <= as_of())
                && matches!(r[end], Cell::Date(d) if d >= as_of())
        })
        .filter_map(|r| r[v].text().map(str::to_string))
        .collect();
    b.leave_out(
        tables,
        "lease_receipts",
        &readers,
        "zc.lease_village_without_receipts",
        &due,
    );
}
