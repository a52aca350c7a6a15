//! The synthetic county: villages, households and people, and every
//! canonical dataset drawn from them, with problems planted on purpose and
//! recorded as truth. Background records are drawn so that no model's
//! condition holds except where planted.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{Datelike, Days, NaiveDate};
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use xuncha_schema::idcard::id_check_char;

use crate::ids::{credit_code, to_fifteen, IdIssuer};
use crate::names;
use crate::table::{Cell, Table};
use crate::SynthError;

mod cadre_pay;
mod cw;
mod disability;
mod gy;
mod housing;
mod income;
mod mz;
mod ny;
mod registers;
mod rs;
mod yb;
mod zc;
mod zd;
mod zjd;

use cadre_pay::*;
use cw::*;
use disability::*;
use gy::*;
use housing::*;
use income::*;
use mz::*;
use ny::*;
use registers::*;
use rs::*;
use yb::*;
use zc::*;
use zd::*;
use zjd::*;

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
    /// Death dates by person, background and planted.
    deaths: BTreeMap<usize, NaiveDate>,
    /// Dates people's 户籍 moved out of the county.
    moved_out: BTreeMap<usize, NaiveDate>,
    /// Village cadres: person, village, position. Committee members planted
    /// from relief households come first; their households are all used.
    cadres: Vec<(usize, usize, &'static str)>,
    /// Households of businesses' legal representatives.
    rep_households: HashSet<usize>,
    /// Land contractors: person → (village, total contracted area in 亩).
    contracts: BTreeMap<usize, (usize, f64)>,
    /// Public employees (财政供养人员) and the end of their employment.
    employees: BTreeMap<usize, Option<NaiveDate>>,
    /// Businesses registered so far, for the next credit code.
    registered: usize,
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

    /// Plant a problem about a person, keyed by ID, in the village of the
    /// person's household.
    fn plant_person(&mut self, model: &str, p: usize) {
        let id = self.people[p].id.clone();
        let village = self.households[self.people[p].household].village;
        self.plant(model, &id, village);
    }

    /// Leave villages out of a register's export, as an office given it by
    /// township finds it: of the villages whose codes are `candidates` (those
    /// a whole-village lead would name) holding no planted case of the
    /// `readers` of `register`,
    /// so that none is lost, the last two lose their rows of it; each is a
    /// planted case of `model`. Returns them.
    fn leave_out(
        &mut self,
        tables: &mut Tables,
        register: &'static str,
        readers: &[&str],
        model: &str,
        candidates: &HashSet<String>,
    ) -> Vec<usize> {
        let planted: HashSet<&str> = (self.truth.iter())
            .filter(|t| readers.contains(&t.model_id.as_str()))
            .map(|t| t.village_code.as_str())
            .collect();
        let left: Vec<usize> = (0..self.villages.len())
            .rev()
            .filter(|&v| {
                let code = self.villages[v].code.as_str();
                candidates.contains(code) && !planted.contains(code)
            })
            .take(2)
            .collect();
        let codes: HashSet<String> = left
            .iter()
            .map(|&v| self.villages[v].code.clone())
            .collect();
        let t = table(tables, register);
        let c = t.col("village_code");
        t.rows
            .retain(|row| !row[c].text().is_some_and(|code| codes.contains(code)));
        for &v in &left {
            let code = self.villages[v].code.clone();
            self.plant(model, &code, v);
        }
        left
    }

    /// Villages by township.
    fn townships(&self) -> BTreeMap<String, Vec<usize>> {
        let mut towns: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (v, village) in self.villages.iter().enumerate() {
            towns.entry(village.township.clone()).or_default().push(v);
        }
        towns
    }

    /// A level between 0.8 and 1.2 for every village, evenly spaced within
    /// each township, so that peers spread alike everywhere and no village
    /// stands out by chance.
    fn village_levels(&mut self) -> Vec<f64> {
        let mut levels = vec![1.0; self.villages.len()];
        for mut villages in self.townships().into_values() {
            villages.shuffle(&mut self.rng);
            let n = villages.len() as f64;
            for (i, v) in villages.into_iter().enumerate() {
                levels[v] = 0.8 + 0.4 * (i as f64 + 0.5) / n;
            }
        }
        levels
    }

    /// Villages for a peer-outlier plant: in each township of at least six
    /// villages, one planted and one hard-negative village per six, at most
    /// `plants` pairs in all.
    fn peer_villages(&mut self) -> (Vec<usize>, Vec<usize>) {
        let mut pairs = Vec::new();
        for mut villages in self.townships().into_values().filter(|vs| vs.len() >= 6) {
            let per_six = villages.len() / 6;
            villages.shuffle(&mut self.rng);
            pairs.extend(villages.chunks_exact(2).take(per_six).map(|c| (c[0], c[1])));
        }
        pairs.shuffle(&mut self.rng);
        pairs.truncate(self.plants);
        pairs.into_iter().unzip()
    }

    /// People who died in 2024 before December (so some month of 2024 is
    /// after the death month), with the date, in a stable order.
    fn deaths_before_december(&self) -> Vec<(usize, NaiveDate)> {
        self.deaths
            .iter()
            .filter(|(_, d)| d.year() == 2024 && d.month() < 12)
            .map(|(p, d)| (*p, *d))
            .collect()
    }

    /// Whether no one of a household is used yet.
    fn household_free(&self, h: usize) -> bool {
        self.households[h]
            .members
            .iter()
            .all(|p| !self.used.contains(p))
    }

    /// A cadre (of a rural village, if asked) whose household has two or
    /// more members, none used yet; the household becomes used. Returns the
    /// cadre, the village and another member of the cadre's household.
    fn pick_cadre_household(&mut self, rural: bool) -> Option<(usize, usize, usize)> {
        let cadres: Vec<(usize, usize)> = self.cadres.iter().map(|c| (c.0, c.1)).collect();
        let &(cadre, v) = self.pick(&cadres, |b, c| {
            let h = b.people[c.0].household;
            (!rural || b.villages[c.1].rural)
                && b.households[h].members.len() >= 2
                && b.household_free(h)
        })?;
        let household = self.households[self.people[cadre].household]
            .members
            .clone();
        self.used.extend(household.iter().copied());
        let relative = *household
            .iter()
            .find(|&&p| p != cadre)
            .expect("two members");
        Some((cadre, v, relative))
    }

    /// A random candidate that passes `free`. Most candidates usually do,
    /// so a few random tries come first; only then are all of them filtered
    /// (filtering every time is quadratic in the county's size).
    fn pick<'a, T>(
        &mut self,
        candidates: &'a [T],
        free: impl Fn(&Self, &T) -> bool,
    ) -> Option<&'a T> {
        for _ in 0..16 {
            let c = candidates.choose(&mut self.rng)?;
            if free(self, c) {
                return Some(c);
            }
        }
        let all: Vec<&T> = candidates.iter().filter(|c| free(self, c)).collect();
        all.choose(&mut self.rng).copied()
    }

    /// A random candidate not used yet.
    fn pick_unused<'a>(&mut self, candidates: &'a [usize]) -> Option<&'a usize> {
        self.pick(candidates, |b, p| !b.used.contains(p))
    }
}

/// Generate the county for a scale (1.0 ≈ 250 villages, 300,000 residents)
/// and seed. Each group of tables goes to `sink` as soon as no later step
/// adds to it, so memory holds the population and the tables in progress,
/// not the whole county. Returns the planted problems, sorted.
pub fn build(scale: f64, seed: u64, sink: &mut Sink) -> Result<Vec<TruthRow>, SynthError> {
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
        deaths: BTreeMap::new(),
        moved_out: BTreeMap::new(),
        cadres: Vec::new(),
        rep_households: HashSet::new(),
        contracts: BTreeMap::new(),
        employees: BTreeMap::new(),
        registered: 0,
    };
    b.populate(n_villages, per_village);

    let mut tables = BTreeMap::new();
    let t = &mut tables;
    let relief = relief_households(&mut b, t);
    flush(t, &["relief_households", "relief_members"], sink)?;
    benefits_and_deaths(&mut b, &relief, t, sink)?;
    disability(&mut b, &relief, t);
    flush(t, &["benefit_payments", "disability_certificates"], sink)?;
    employees(&mut b, &relief, t);
    land(&mut b, &relief, t);
    contracts_left_out(&mut b, t);
    flush(t, &["land_contracts", "farmland_subsidies"], sink)?;
    pensions(&mut b, t);
    flush(t, &["pension_payments", "employee_pensions"], sink)?;
    medical_insurance(&mut b, &relief, t);
    flush(t, &["medical_insurance"], sink)?;
    let businesses = businesses(&mut b, &relief, t);
    cadres(&mut b, &relief, t);
    cadre_pay(&mut b, &relief, t);
    flush(t, &["village_cadres", "cadre_pay"], sink)?;
    village_finance(&mut b, &businesses, t);
    ledger_left_out(&mut b, t);
    flush(t, &["village_contracts", "village_payments"], sink)?;
    vehicles_estate_machinery(&mut b, &relief, &businesses, t);
    // Renovation plants add cars, flats and employees to those tables.
    housing_renovation(&mut b, &relief, t);
    flush(
        t,
        &[
            "businesses",
            "vehicles",
            "real_estate",
            "machinery_subsidies",
            "public_employees",
            "housing_renovation",
        ],
        sink,
    )?;
    leases(&mut b, t);
    village_income(&mut b, t);
    receipts_left_out(&mut b, t);
    flush(
        t,
        &["asset_leases", "lease_receipts", "village_income"],
        sink,
    )?;
    // Last of the plants that take a cadre's household: the others keep theirs.
    welfare_jobs(&mut b, t);
    flush(t, &["welfare_jobs"], sink)?;
    homesteads(&mut b, t);
    flush(t, &["homesteads"], sink)?;
    land_compensation(&mut b, t);
    flush(t, &["land_compensation"], sink)?;
    deaths_table(&mut b, t);
    flush(t, &["deaths"], sink)?;
    residents_and_villages(&b, t, sink)?;
    flush(t, &["villages", "residents"], sink)?;
    debug_assert!(tables.is_empty(), "every table is flushed");

    let mut truth = b.truth;
    truth.sort();
    Ok(truth)
}

/// Rows of a large dataset (payments, residents) written as one part.
const PART_ROWS: usize = 200_000;

/// Where finished tables go.
pub type Sink<'s> = dyn FnMut(Vec<Table>) -> Result<(), SynthError> + 's;

/// Hand the named tables (those that have rows) to the sink and forget them.
fn flush(tables: &mut Tables, names: &[&'static str], sink: &mut Sink) -> Result<(), SynthError> {
    let done: Vec<Table> = names.iter().filter_map(|n| tables.remove(n)).collect();
    if done.is_empty() {
        return Ok(());
    }
    sink(done)
}

type Tables = BTreeMap<&'static str, Table>;

fn table<'t>(tables: &'t mut Tables, name: &'static str) -> &'t mut Table {
    tables.entry(name).or_insert_with(|| Table::new(name))
}
