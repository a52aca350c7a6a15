//! The synthetic county: villages, households and people, and every
//! canonical dataset drawn from them, with problems planted on purpose and
//! recorded as truth. Background records are drawn so that no model's
//! condition holds except where planted.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, Days, NaiveDate};
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::ids::{credit_code, IdIssuer};
use crate::names;
use crate::table::{Cell, Table};

/// County region code (first six digits of IDs and village codes).
pub const REGION: &str = "411122";
/// County name.
pub const COUNTY: &str = "示范县";
/// The as-of date the planted truth refers to.
pub fn as_of() -> NaiveDate {
    date(2024, 12, 31)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn month(m: u32) -> NaiveDate {
    date(2024, m, 1)
}

/// One planted problem: the model that must find it, its subject and village.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TruthRow {
    pub model_id: String,
    pub subject_key: String,
    pub village_code: String,
}

struct Village {
    code: String,
    name: String,
    township: String,
    rural: bool,
    population: usize,
}

struct Person {
    id: String,
    name: String,
    birth: NaiveDate,
    male: bool,
    household: usize,
    relation: &'static str,
}

struct Household {
    no: String,
    village: usize,
    members: Vec<usize>,
}

/// A relief household and its payment terms.
struct Relief {
    household: usize,
    id: String,
    program: &'static str,
    approved: NaiveDate,
    monthly: f64,
}

/// The generated county.
pub struct County {
    pub tables: Vec<Table>,
    pub truth: Vec<TruthRow>,
}

struct Builder {
    rng: ChaCha8Rng,
    villages: Vec<Village>,
    households: Vec<Household>,
    people: Vec<Person>,
    issuer: IdIssuer,
    truth: Vec<TruthRow>,
    /// People already used by a planted case or hard negative.
    used: HashSet<usize>,
    /// How many positives and hard negatives to plant per model.
    plants: usize,
}

fn age_on(birth: NaiveDate, day: NaiveDate) -> i32 {
    let mut age = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

impl Builder {
    fn random_date(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(0) as u64;
        from + Days::new(self.rng.random_range(0..=span))
    }

    fn add_person(
        &mut self,
        household: usize,
        age: i32,
        male: bool,
        relation: &'static str,
    ) -> usize {
        let age = age.clamp(0, 100);
        loop {
            let year = as_of().year() - age - 1;
            let birth = self.random_date(date(year, 1, 1), date(year, 12, 28));
            if let Some(id) = self.issuer.issue(birth, male) {
                let mut name = names::person(&mut self.rng);
                if relation == "子" || relation == "女" {
                    let surname: String = self.people[self.households[household].members[0]]
                        .name
                        .chars()
                        .take(1)
                        .collect();
                    name = surname + &name.chars().skip(1).collect::<String>();
                }
                self.people.push(Person {
                    id,
                    name,
                    birth,
                    male,
                    household,
                    relation,
                });
                let p = self.people.len() - 1;
                self.households[household].members.push(p);
                return p;
            }
        }
    }

    fn populate(&mut self, n_villages: usize, per_village: usize) {
        let n_towns = n_villages.div_ceil(20).max(2);
        let mut town_names = Vec::new();
        for t in 0..n_towns {
            let kind = if t == 0 {
                "镇"
            } else if self.rng.random_bool(0.5) {
                "乡"
            } else {
                "镇"
            };
            town_names.push(format!("{}{kind}", names::place(&mut self.rng)));
        }
        for v in 0..n_villages {
            let t = v % n_towns;
            let seq = v / n_towns + 1;
            let rural = !(t == 0 && seq <= 2);
            let suffix = if rural { "村" } else { "社区" };
            self.villages.push(Village {
                code: format!("{REGION}{:03}{:03}", t + 1, seq),
                name: format!("{}{suffix}", names::place(&mut self.rng)),
                township: town_names[t].clone(),
                rural,
                population: 0,
            });
        }
        for v in 0..n_villages {
            let start = self.people.len();
            let mut seq = 0;
            while self.people.len() - start < per_village {
                seq += 1;
                let code = &self.villages[v].code;
                self.households.push(Household {
                    no: format!("{}{:04}", &code[6..], seq),
                    village: v,
                    members: vec![],
                });
                let h = self.households.len() - 1;
                let head_age = self.rng.random_range(25..88);
                let head_male = self.rng.random_bool(0.8);
                self.add_person(h, head_age, head_male, "户主");
                if head_age < 80 && self.rng.random_bool(0.75) {
                    let age = head_age + self.rng.random_range(-4..4);
                    self.add_person(h, age, !head_male, "配偶");
                }
                if head_age < 75 {
                    for _ in 0..self.rng.random_range(0..3) {
                        let age = head_age - self.rng.random_range(22..36);
                        if age >= 0 {
                            let male = self.rng.random_bool(0.5);
                            self.add_person(h, age, male, if male { "子" } else { "女" });
                        }
                    }
                }
                if head_age < 55 && self.rng.random_bool(0.25) {
                    let age = head_age + self.rng.random_range(24..32);
                    let male = self.rng.random_bool(0.4);
                    self.add_person(h, age, male, if male { "父亲" } else { "母亲" });
                }
            }
            self.villages[v].population = self.people.len() - start;
        }
    }

    fn plant(&mut self, model: &str, subject: &str, village: usize) {
        self.truth.push(TruthRow {
            model_id: model.to_string(),
            subject_key: subject.to_string(),
            village_code: self.villages[village].code.clone(),
        });
    }

    fn pick_unused<'a>(&mut self, candidates: &'a [usize]) -> Option<&'a usize> {
        let free: Vec<&usize> = candidates
            .iter()
            .filter(|p| !self.used.contains(*p))
            .collect();
        free.choose(&mut self.rng).copied()
    }
}

/// Generate the county for a scale (1.0 ≈ 250 villages, 300,000 residents) and seed.
pub fn build(scale: f64, seed: u64) -> County {
    let n_villages = ((250.0 * scale).round() as usize).max(4);
    let per_village = ((1200.0 * (scale * 20.0).min(1.0)) as usize).clamp(100, 1200);
    let mut b = Builder {
        rng: ChaCha8Rng::seed_from_u64(seed),
        villages: Vec::new(),
        households: Vec::new(),
        people: Vec::new(),
        issuer: IdIssuer::new(REGION),
        truth: Vec::new(),
        used: HashSet::new(),
        plants: ((n_villages as f64 * 0.08).round() as usize).max(2),
    };
    b.populate(n_villages, per_village);

    let mut tables = BTreeMap::new();
    let relief = relief_households(&mut b, &mut tables);
    let deaths = benefits_and_deaths(&mut b, &relief, &mut tables);
    employees(&mut b, &relief, &mut tables);
    land(&mut b, &mut tables);
    let businesses = businesses(&mut b, &relief, &mut tables);
    village_finance(&mut b, &businesses, &mut tables);
    cadres_vehicles_estate_machinery(&mut b, &relief, &businesses, &mut tables);
    leases(&mut b, &mut tables);
    residents_and_villages(&b, &deaths, &mut tables);

    let mut truth = b.truth;
    truth.sort();
    County {
        tables: tables.into_values().collect(),
        truth,
    }
}

type Tables = BTreeMap<&'static str, Table>;

fn table<'t>(tables: &'t mut Tables, name: &'static str) -> &'t mut Table {
    tables.entry(name).or_insert_with(|| Table::new(name))
}

fn relief_households(b: &mut Builder, tables: &mut Tables) -> Vec<Relief> {
    let mut relief = Vec::new();
    for h in 0..b.households.len() {
        if !b.rng.random_bool(0.05) {
            continue;
        }
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

/// Monthly benefits for relief members and the elderly, deaths (background
/// and planted), and shared bank accounts. Returns death dates by person.
fn benefits_and_deaths(
    b: &mut Builder,
    relief: &[Relief],
    tables: &mut Tables,
) -> BTreeMap<usize, NaiveDate> {
    struct Recipient {
        person: usize,
        program: &'static str,
        household: Option<String>,
        monthly: f64,
    }
    let mut recipients = Vec::new();
    for r in relief {
        for &p in &b.households[r.household].members {
            recipients.push(Recipient {
                person: p,
                program: r.program,
                household: Some(r.id.clone()),
                monthly: r.monthly,
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
            });
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

    // Deaths. Background: payments stop with the month of death. Planted:
    // paid 1–4 months after. Hard negatives: died late in a month, paid for
    // that month only.
    let mut deaths: BTreeMap<usize, NaiveDate> = BTreeMap::new();
    let mut paid_until: BTreeMap<usize, u32> = BTreeMap::new();
    let recipient_people: Vec<usize> = recipients.iter().map(|r| r.person).collect();
    for _ in 0..b.plants {
        let Some(&p) = b.pick_unused(&recipient_people) else {
            break;
        };
        b.used.insert(p);
        let m = b.rng.random_range(1..=9);
        let day = b.rng.random_range(1..=28);
        deaths.insert(p, date(2024, m, day));
        paid_until.insert(p, (m + b.rng.random_range(1..=4)).min(12));
        let v = b.households[b.people[p].household].village;
        let id = b.people[p].id.clone();
        b.plant("mz.deceased_benefit", &id, v);
    }
    for _ in 0..b.plants {
        let Some(&p) = b.pick_unused(&recipient_people) else {
            break;
        };
        b.used.insert(p);
        let m = b.rng.random_range(1..=11);
        let last = (date(2024, m + 1, 1) - Days::new(1)).day();
        deaths.insert(p, date(2024, m, last - b.rng.random_range(0..3)));
        paid_until.insert(p, m);
    }
    for p in 0..b.people.len() {
        if !b.used.contains(&p) && b.rng.random_bool(0.006) {
            let d = b.random_date(date(2024, 1, 1), date(2024, 12, 20));
            deaths.insert(p, d);
            paid_until.insert(p, d.month());
        }
    }

    // 低保 and 特困 in the same month: planted (特困 paid on top for three
    // months) and hard negatives (switched from 低保 to 特困 the next month).
    // Paid twice for one month: planted (a duplicated row); a person paid
    // 低保 and 高龄津贴 in one month is background, not a duplicate.
    let dibao: Vec<usize> = recipients
        .iter()
        .filter(|r| r.program.ends_with("低保"))
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
    let t = table(tables, "benefit_payments");
    for r in &recipients {
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
        for m in 1..=last {
            match switched.get(&r.person) {
                Some(&at) if is_dibao && m >= at => t.push(row("特困供养", m, 760.0)),
                _ => t.push(row(r.program, m, r.monthly)),
            }
            if is_dibao && doubled.get(&r.person) == Some(&m) {
                t.push(row(r.program, m, r.monthly));
            }
            if let Some(&(from, to)) = dual.get(&r.person).filter(|_| is_dibao) {
                if (from..=to).contains(&m) {
                    t.push(row("特困供养", m, 760.0));
                }
            }
        }
    }
    let t = table(tables, "deaths");
    for (&p, &d) in &deaths {
        let person = &b.people[p];
        t.push(vec![
            ("id_number", Cell::Id(person.id.clone())),
            ("name", person.name.as_str().into()),
            ("death_date", d.into()),
            ("source", "公安注销".into()),
        ]);
    }
    let cremations: Vec<(usize, NaiveDate)> = deaths.iter().map(|(p, d)| (*p, *d)).collect();
    for (p, d) in cremations {
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
    deaths
}

/// Everyone in a relief household.
fn relief_people(b: &Builder, relief: &[Relief]) -> HashSet<usize> {
    relief
        .iter()
        .flat_map(|r| b.households[r.household].members.iter().copied())
        .collect()
}

fn employees(b: &mut Builder, relief: &[Relief], tables: &mut Tables) {
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
    let t = table(tables, "public_employees");
    for (p, employer, start, end) in rows {
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

fn land(b: &mut Builder, tables: &mut Tables) {
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
            let v = b.households[b.people[p].household].village;
            let id = b.people[p].id.clone();
            b.plant("ny.subsidy_area_exceeds_contract", &id, v);
        } else {
            extra.insert(p, 0.005);
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
        t.push(vec![
            ("year", Cell::Int(2024)),
            ("id_number", Cell::Id(b.people[p].id.clone())),
            ("name", b.people[p].name.as_str().into()),
            ("village_code", b.villages[v].code.as_str().into()),
            ("subsidy_area_mu", area.into()),
            ("rate_per_mu", rate.into()),
            ("amount", ((area * rate * 100.0).round() / 100.0).into()),
            ("bank_account", format!("6230{:012}", p).into()),
        ]);
    }
}

/// A business in the county: name and credit code.
struct Business {
    name: String,
    code: String,
}

fn businesses(b: &mut Builder, relief: &[Relief], tables: &mut Tables) -> Vec<Business> {
    let relief_people = relief_people(b, relief);
    let adults: Vec<usize> = (0..b.people.len())
        .filter(|&p| {
            !relief_people.contains(&p) && (25..65).contains(&age_on(b.people[p].birth, as_of()))
        })
        .collect();
    let n = (b.villages.len() * 3).max(12);
    let mut out = Vec::new();
    for i in 0..n {
        let name = names::business(&mut b.rng, COUNTY, i + 1);
        let code = credit_code(REGION, i + 1);
        let rep = *adults.choose(&mut b.rng).expect("adults exist");
        let established = b.random_date(date(2005, 1, 1), date(2022, 12, 31));
        let capital = b.rng.random_range(5..200) as f64 * 10.0;
        table(tables, "businesses").push(vec![
            ("credit_code", code.as_str().into()),
            ("name", name.as_str().into()),
            ("legal_rep_id_number", Cell::Id(b.people[rep].id.clone())),
            ("legal_rep_name", b.people[rep].name.as_str().into()),
            ("registered_capital", capital.into()),
            ("established_date", established.into()),
            ("status", "存续".into()),
            ("kind", "有限责任公司".into()),
        ]);
        b.used.insert(rep);
        out.push(Business { name, code });
    }
    out
}

fn village_finance(b: &mut Builder, businesses: &[Business], tables: &mut Tables) {
    let mut contracts = Vec::new();
    for v in 0..b.villages.len() {
        let mut firms: Vec<usize> = (0..businesses.len()).collect();
        firms.shuffle(&mut b.rng);
        for (seq, &firm) in firms.iter().take(b.rng.random_range(2..=5)).enumerate() {
            let amount = b.rng.random_range(200..4000) as f64 * 100.0;
            let signed = b.random_date(date(2024, 1, 10), date(2024, 10, 31));
            let no = format!("HT{}{:03}", &b.villages[v].code[6..], seq + 1);
            let method = if amount >= 50_000.0 {
                "公开招标"
            } else {
                "询价"
            };
            const PROJECTS: &[&str] = &[
                "村道硬化",
                "路灯安装",
                "水渠清淤",
                "党群服务中心维修",
                "饮水管网改造",
                "文化广场建设",
                "排水沟修缮",
            ];
            let project = PROJECTS.choose(&mut b.rng).expect("non-empty").to_string();
            table(tables, "village_contracts").push(vec![
                ("contract_no", no.as_str().into()),
                ("village_code", b.villages[v].code.as_str().into()),
                ("project_name", project.into()),
                ("counterparty_name", businesses[firm].name.as_str().into()),
                ("counterparty_code", businesses[firm].code.as_str().into()),
                ("amount", amount.into()),
                ("sign_date", signed.into()),
                ("procurement_method", method.into()),
            ]);
            contracts.push((v, no, firm, amount, signed));
        }
    }
    // Which contracts carry a planted case or a hard negative.
    let mut kind: BTreeMap<usize, &str> = BTreeMap::new();
    let mut order: Vec<usize> = (0..contracts.len()).collect();
    order.shuffle(&mut b.rng);
    let labels = ["exceeds", "exactly_paid", "before", "same_day"];
    for (i, &c) in order.iter().enumerate().take(4 * b.plants) {
        kind.insert(c, labels[i % 4]);
    }
    let mut vouchers: BTreeMap<usize, usize> = BTreeMap::new();
    for (c, (v, no, firm, amount, signed)) in contracts.iter().enumerate() {
        let parts = b.rng.random_range(1..=3);
        let fraction = match kind.get(&c) {
            Some(&"exceeds") => 1.0 + b.rng.random_range(5..20) as f64 / 100.0,
            Some(&"exactly_paid") => 1.0,
            _ if b.rng.random_bool(0.5) => 1.0,
            _ => 0.7,
        };
        let total = (amount * fraction * 100.0).round() / 100.0;
        let mut paid = 0.0;
        let mut day = *signed;
        for part in 0..parts {
            let value = if part + 1 == parts {
                ((total - paid) * 100.0).round() / 100.0
            } else {
                (total / parts as f64).round()
            };
            paid += value;
            let pay_date = match (part, kind.get(&c)) {
                (0, Some(&"before")) => *signed - Days::new(b.rng.random_range(1..=20)),
                (0, Some(&"same_day")) => *signed,
                (0, _) => *signed + Days::new(b.rng.random_range(1..30)),
                _ => day + Days::new(b.rng.random_range(15..60)),
            };
            day = pay_date.max(day);
            let seq = vouchers.entry(*v).or_insert(0);
            *seq += 1;
            let voucher = format!("PZ{}{:04}", &b.villages[*v].code[6..], seq);
            if part == 0 && kind.get(&c) == Some(&"before") {
                b.plant("cw.payment_before_contract", &voucher, *v);
            }
            table(tables, "village_payments").push(vec![
                ("voucher_no", voucher.as_str().into()),
                ("village_code", b.villages[*v].code.as_str().into()),
                ("pay_date", pay_date.into()),
                ("payee_name", businesses[*firm].name.as_str().into()),
                ("payee_code", businesses[*firm].code.as_str().into()),
                ("payee_account", format!("4100{:012}", firm).into()),
                ("amount", value.into()),
                ("method", "转账".into()),
                ("contract_no", no.as_str().into()),
                ("summary", format!("{no}工程款").into()),
                ("subject", "在建工程".into()),
            ]);
        }
        if kind.get(&c) == Some(&"exceeds") {
            b.plant("cw.payment_exceeds_contract", no, *v);
        }
    }
    // Cash above the limit (planted) and exactly at it (hard negative);
    // a business paid without a contract in the village (planted) and one
    // paid just under the threshold (hard negative).
    let contracted: BTreeMap<usize, Vec<usize>> =
        contracts.iter().fold(BTreeMap::new(), |mut m, c| {
            m.entry(c.0).or_insert_with(Vec::new).push(c.2);
            m
        });
    for k in 0..4 * b.plants {
        let v = b.rng.random_range(0..b.villages.len());
        let seq = vouchers.entry(v).or_insert(0);
        *seq += 1;
        let voucher = format!("PZ{}{:04}", &b.villages[v].code[6..], seq);
        let pay_date = b.random_date(date(2024, 1, 1), date(2024, 12, 20));
        let mut row = vec![
            ("voucher_no", voucher.as_str().into()),
            ("village_code", b.villages[v].code.as_str().into()),
            ("pay_date", pay_date.into()),
            ("subject", "管理费用".into()),
        ];
        match k % 4 {
            0 | 1 => {
                let amount = if k % 4 == 0 {
                    b.rng.random_range(12..50) as f64 * 100.0
                } else {
                    1000.0
                };
                row.extend([
                    ("payee_name", names::person(&mut b.rng).into()),
                    ("amount", amount.into()),
                    ("method", "现金".into()),
                    ("summary", "临时用工工资".into()),
                ]);
                if k % 4 == 0 {
                    b.plant("cw.large_cash", &voucher, v);
                }
            }
            _ => {
                let taken = contracted.get(&v).cloned().unwrap_or_default();
                let free: Vec<usize> = (0..businesses.len())
                    .filter(|f| !taken.contains(f))
                    .collect();
                let Some(&firm) = free.choose(&mut b.rng) else {
                    continue;
                };
                let amount = if k % 4 == 2 {
                    b.rng.random_range(100..900) as f64 * 100.0
                } else {
                    9_999.0
                };
                row.extend([
                    ("payee_name", businesses[firm].name.as_str().into()),
                    ("payee_code", businesses[firm].code.as_str().into()),
                    ("amount", amount.into()),
                    ("method", "转账".into()),
                    ("summary", "材料采购".into()),
                ]);
                if k % 4 == 2 {
                    b.plant("cw.payment_without_contract", &voucher, v);
                }
            }
        }
        table(tables, "village_payments").push(row);
    }
    // The same payee and amount paid twice: within the window (planted)
    // and eight days apart (hard negative).
    for k in 0..2 * b.plants {
        let v = b.rng.random_range(0..b.villages.len());
        let payee = names::person(&mut b.rng) + "运输队";
        let amount = b.rng.random_range(20..90) as f64 * 100.0 + 55.0;
        let first = b.random_date(date(2024, 1, 1), date(2024, 11, 30));
        let gap = if k % 2 == 0 {
            b.rng.random_range(1..=7)
        } else {
            8
        };
        for day in [first, first + Days::new(gap)] {
            let seq = vouchers.entry(v).or_insert(0);
            *seq += 1;
            let voucher = format!("PZ{}{:04}", &b.villages[v].code[6..], seq);
            if day != first && k % 2 == 0 {
                b.plant("cw.duplicate_voucher", &voucher, v);
            }
            table(tables, "village_payments").push(vec![
                ("voucher_no", voucher.as_str().into()),
                ("village_code", b.villages[v].code.as_str().into()),
                ("pay_date", day.into()),
                ("payee_name", payee.as_str().into()),
                ("amount", amount.into()),
                ("method", "转账".into()),
                ("summary", "运输费".into()),
                ("subject", "管理费用".into()),
            ]);
        }
    }
    for v in 0..b.villages.len() {
        for _ in 0..b.rng.random_range(3..10) {
            let seq = vouchers.entry(v).or_insert(0);
            *seq += 1;
            let voucher = format!("PZ{}{:04}", &b.villages[v].code[6..], seq);
            let cash = b.rng.random_bool(0.3);
            let amount = if cash {
                b.rng.random_range(1..=10) as f64 * 100.0
            } else {
                b.rng.random_range(5..90) as f64 * 100.0
            };
            let pay_date = b.random_date(date(2024, 1, 1), date(2024, 12, 20));
            let payee = names::person(&mut b.rng);
            table(tables, "village_payments").push(vec![
                ("voucher_no", voucher.as_str().into()),
                ("village_code", b.villages[v].code.as_str().into()),
                ("pay_date", pay_date.into()),
                ("payee_name", payee.into()),
                ("amount", amount.into()),
                ("method", if cash { "现金" } else { "转账" }.into()),
                ("summary", if cash { "误工补贴" } else { "办公用品" }.into()),
                ("subject", "管理费用".into()),
            ]);
        }
    }
}

fn cadres_vehicles_estate_machinery(
    b: &mut Builder,
    relief: &[Relief],
    businesses: &[Business],
    tables: &mut Tables,
) {
    let relief_households: HashSet<usize> = relief.iter().map(|r| r.household).collect();
    // A relief member on the committee of the own village (planted: every
    // member of that household shares its 户号) or of another village
    // (hard negative).
    let members: Vec<usize> = relief
        .iter()
        .flat_map(|r| b.households[r.household].members.clone())
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
    for (v, adults) in by_village.iter().enumerate() {
        let mut pool = adults.clone();
        pool.shuffle(&mut b.rng);
        for (position, &p) in ["书记", "主任", "会计", "报账员"].iter().zip(pool.iter()) {
            table(tables, "village_cadres").push(vec![
                ("id_number", Cell::Id(b.people[p].id.clone())),
                ("name", b.people[p].name.as_str().into()),
                ("village_code", b.villages[v].code.as_str().into()),
                ("position", (*position).into()),
                ("term_start", date(2021, 3, 1).into()),
            ]);
        }
    }
    let mut plate = 0;
    let mut serial = 0;
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
                let dealer = &businesses[serial % businesses.len()].name;
                table(tables, "machinery_subsidies").push(vec![
                    ("application_no", format!("NJ2024{:06}", serial).into()),
                    ("applicant_id_number", Cell::Id(person.id.clone())),
                    ("applicant_name", person.name.as_str().into()),
                    ("village_code", b.villages[v].code.as_str().into()),
                    ("machine_type", "轮式拖拉机".into()),
                    ("factory_serial", format!("LX{:08}", serial).into()),
                    ("engine_no", format!("YC{:08}", serial).into()),
                    (
                        "purchase_date",
                        date(2024, 1 + (serial % 10) as u32, 15).into(),
                    ),
                    (
                        "subsidy_amount",
                        (b.rng.random_range(20..120) as f64 * 100.0).into(),
                    ),
                    ("dealer", dealer.as_str().into()),
                ]);
            }
        }
    }
}

/// Planted case or hard negative a lease carries.
#[derive(Clone, Copy, PartialEq)]
enum LeaseCase {
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
}

fn leases(b: &mut Builder, tables: &mut Tables) {
    let rural: Vec<usize> = (0..b.villages.len())
        .filter(|&v| b.villages[v].rural)
        .collect();
    let mut n = 0;
    for &v in &rural {
        for _ in 0..b.rng.random_range(1..=4) {
            n += 1;
            push_lease(b, tables, v, n, LeaseCase::Background, None);
        }
    }
    let cases = [
        LeaseCase::OverTwentyYears,
        LeaseCase::TwentyYears,
        LeaseCase::Negotiated,
        LeaseCase::NegotiatedSmall,
        LeaseCase::ExpiredStillPaid,
        LeaseCase::ExpiredRenewed,
    ];
    for k in 0..cases.len() * b.plants {
        let Some(&v) = rural.choose(&mut b.rng) else {
            break;
        };
        let case = cases[k % cases.len()];
        n += 1;
        let (asset, end) = push_lease(b, tables, v, n, case, None);
        if case == LeaseCase::ExpiredRenewed {
            n += 1;
            push_lease(
                b,
                tables,
                v,
                n,
                LeaseCase::Background,
                Some((asset, end + Days::new(1))),
            );
        }
    }
}

/// Add a lease and its yearly receipts; `renewing` gives the asset and
/// start date of a lease that continues an earlier one. Returns the asset
/// name and end date.
fn push_lease(
    b: &mut Builder,
    tables: &mut Tables,
    v: usize,
    n: usize,
    case: LeaseCase,
    renewing: Option<(String, NaiveDate)>,
) -> (String, NaiveDate) {
    let lease_no = format!("ZL{}{:03}", &b.villages[v].code[6..], n);
    let expired = matches!(
        case,
        LeaseCase::ExpiredStillPaid | LeaseCase::ExpiredRenewed
    );
    let start = match &renewing {
        Some((_, start)) => *start,
        None if expired => b.random_date(date(2012, 1, 1), date(2016, 12, 31)),
        None => b.random_date(date(2015, 1, 1), date(2023, 12, 31)),
    };
    let start = date(start.year(), start.month(), start.day().min(28));
    let years = match case {
        LeaseCase::OverTwentyYears => b.rng.random_range(21..=30),
        LeaseCase::TwentyYears => 20,
        LeaseCase::ExpiredStillPaid | LeaseCase::ExpiredRenewed => 5,
        _ => b.rng.random_range(3..=15),
    };
    let end = date(start.year() + years, start.month(), start.day()) - Days::new(1);
    let (asset_type, area, rate) = match b.rng.random_range(0..3) {
        0 => ("耕地", b.rng.random_range(10..200) as f64, 600.0),
        1 => ("坑塘", b.rng.random_range(5..50) as f64, 500.0),
        _ => ("房屋", b.rng.random_range(100..800) as f64, 60.0),
    };
    let (rent, procedure) = match case {
        LeaseCase::Negotiated => (b.rng.random_range(50..200) as f64 * 1000.0, "协商"),
        LeaseCase::NegotiatedSmall => (49_999.0, "协商"),
        _ => (
            (area * rate * b.rng.random_range(90..110) as f64 / 100.0).round(),
            "公开竞价",
        ),
    };
    match case {
        LeaseCase::OverTwentyYears => b.plant("zc.lease_term_exceeds_20y", &lease_no, v),
        LeaseCase::Negotiated => b.plant("zc.non_competitive_lease", &lease_no, v),
        LeaseCase::ExpiredStillPaid => b.plant("zc.expired_lease_still_paid", &lease_no, v),
        _ => {}
    }
    let asset_name = renewing.map_or_else(
        || format!("{}{}{}号", b.villages[v].name, asset_type, n),
        |(a, _)| a,
    );
    let lessee = names::person(&mut b.rng);
    table(tables, "asset_leases").push(vec![
        ("lease_no", lease_no.as_str().into()),
        ("village_code", b.villages[v].code.as_str().into()),
        ("asset_name", asset_name.as_str().into()),
        ("asset_type", asset_type.into()),
        ("area", area.into()),
        ("lessee_name", lessee.into()),
        ("annual_rent", rent.into()),
        ("start_date", start.into()),
        ("end_date", end.into()),
        ("procedure", procedure.into()),
    ]);
    let mut year_start = start;
    while year_start <= as_of() && year_start <= end {
        let paid = year_start + Days::new(b.rng.random_range(0..10));
        table(tables, "lease_receipts").push(vec![
            ("lease_no", lease_no.as_str().into()),
            ("village_code", b.villages[v].code.as_str().into()),
            ("receipt_date", paid.min(end).into()),
            ("amount", rent.into()),
        ]);
        year_start = date(year_start.year() + 1, year_start.month(), year_start.day());
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

fn residents_and_villages(b: &Builder, deaths: &BTreeMap<usize, NaiveDate>, tables: &mut Tables) {
    for v in &b.villages {
        table(tables, "villages").push(vec![
            ("village_code", v.code.as_str().into()),
            ("village_name", v.name.as_str().into()),
            ("township", v.township.as_str().into()),
            ("county", COUNTY.into()),
            ("population", Cell::Int(v.population as i64)),
        ]);
    }
    let t = table(tables, "residents");
    for (p, person) in b.people.iter().enumerate() {
        let h = &b.households[person.household];
        let died = deaths.get(&p);
        t.push(vec![
            ("id_number", Cell::Id(person.id.clone())),
            ("name", person.name.as_str().into()),
            ("gender", if person.male { "男" } else { "女" }.into()),
            ("birth_date", person.birth.into()),
            ("household_no", h.no.as_str().into()),
            ("relation_to_head", person.relation.into()),
            ("village_code", b.villages[h.village].code.as_str().into()),
            (
                "status",
                if died.is_some() { "死亡" } else { "正常" }.into(),
            ),
            ("status_date", died.copied().into()),
        ]);
    }
}
