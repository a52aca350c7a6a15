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
        registered: 0,
    };
    b.populate(n_villages, per_village);

    let mut tables = BTreeMap::new();
    let t = &mut tables;
    let relief = relief_households(&mut b, t);
    flush(t, &["relief_households", "relief_members"], sink)?;
    benefits_and_deaths(&mut b, &relief, t, sink)?;
    flush(t, &["benefit_payments"], sink)?;
    employees(&mut b, &relief, t);
    flush(t, &["public_employees"], sink)?;
    land(&mut b, &relief, t);
    flush(t, &["land_contracts", "farmland_subsidies"], sink)?;
    let businesses = businesses(&mut b, &relief, t);
    cadres(&mut b, &relief, t);
    flush(t, &["village_cadres"], sink)?;
    village_finance(&mut b, &businesses, t);
    flush(t, &["village_contracts", "village_payments"], sink)?;
    vehicles_estate_machinery(&mut b, &relief, &businesses, t);
    flush(
        t,
        &[
            "businesses",
            "vehicles",
            "real_estate",
            "machinery_subsidies",
        ],
        sink,
    )?;
    leases(&mut b, t);
    flush(t, &["asset_leases", "lease_receipts"], sink)?;
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

/// Relief households: one in twenty per village times the village level,
/// drawn by quota. Relief-rate outliers: three times the usual share
/// (planted) or a tenth above the average (hard negative: within the
/// spread of levels).
fn relief_households(b: &mut Builder, tables: &mut Tables) -> Vec<Relief> {
    let (high, mild) = b.peer_villages();
    let levels = b.village_levels();
    let mut by_village: Vec<Vec<usize>> = vec![Vec::new(); b.villages.len()];
    for (h, household) in b.households.iter().enumerate() {
        by_village[household.village].push(h);
    }
    let mut chosen = Vec::new();
    for (v, households) in by_village.iter().enumerate() {
        let share = if high.contains(&v) {
            0.15
        } else if mild.contains(&v) {
            0.055
        } else {
            0.05 * levels[v]
        };
        let k = (households.len() as f64 * share).round() as usize;
        let mut picked: Vec<usize> = households.choose_multiple(&mut b.rng, k).copied().collect();
        picked.sort_unstable();
        chosen.extend(picked);
    }
    for &v in &high {
        let code = b.villages[v].code.clone();
        b.plant("mz.relief_rate_outlier", &code, v);
    }
    let mut relief = Vec::new();
    for h in chosen {
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

/// A person paid a benefit every month from `from` (1 = January).
struct Recipient {
    person: usize,
    program: &'static str,
    household: Option<String>,
    monthly: f64,
    from: u32,
}

/// Monthly benefits for relief members and the elderly, deaths and moves
/// out of the county (background and planted), shared bank accounts, and
/// payments to invalid or unknown ID numbers.
fn benefits_and_deaths(
    b: &mut Builder,
    relief: &[Relief],
    tables: &mut Tables,
    sink: &mut Sink,
) -> Result<(), SynthError> {
    let mut recipients = Vec::new();
    for r in relief {
        for &p in &b.households[r.household].members {
            recipients.push(Recipient {
                person: p,
                program: r.program,
                household: Some(r.id.clone()),
                monthly: r.monthly,
                from: 1,
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
                from: 1,
            });
        }
    }
    // Turning 80 during the year: paid from January (planted) or from the
    // birthday month (hard negative).
    let turning: Vec<usize> = (0..b.people.len())
        .filter(|&p| {
            let birth = b.people[p].birth;
            age_on(birth, date(2024, 1, 1)) == 79 && birth.month() >= 3
        })
        .collect();
    for k in 0..2 * b.plants {
        let Some(&p) = b.pick_unused(&turning) else {
            break;
        };
        b.used.insert(p);
        let birthday_month = b.people[p].birth.month();
        recipients.push(Recipient {
            person: p,
            program: "高龄津贴",
            household: None,
            monthly: 100.0,
            from: if k % 2 == 0 { 1 } else { birthday_month },
        });
        if k % 2 == 0 {
            let (id, v) = (
                b.people[p].id.clone(),
                b.households[b.people[p].household].village,
            );
            b.plant("mz.elderly_allowance_age", &id, v);
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

    // Deaths and moves out of the county. Background: payments stop with
    // the month of the event. Planted: paid 1–4 months after. Hard
    // negatives: died (moved) late in a month, paid for that month only.
    let mut paid_until: BTreeMap<usize, u32> = BTreeMap::new();
    let recipient_people: Vec<usize> = recipients.iter().map(|r| r.person).collect();
    for (model, moved) in [
        ("mz.deceased_benefit", false),
        ("mz.cancelled_residency_benefit", true),
    ] {
        for k in 0..2 * b.plants {
            let Some(&p) = b.pick_unused(&recipient_people) else {
                break;
            };
            b.used.insert(p);
            let (day, last) = if k % 2 == 0 {
                let m = b.rng.random_range(1..=9);
                let day = date(2024, m, b.rng.random_range(1..=28));
                (day, (m + b.rng.random_range(1..=4)).min(12))
            } else {
                let m = b.rng.random_range(1..=11);
                let end = (date(2024, m + 1, 1) - Days::new(1)).day();
                (date(2024, m, end - b.rng.random_range(0..3)), m)
            };
            paid_until.insert(p, last);
            if moved {
                b.moved_out.insert(p, day);
            } else {
                b.deaths.insert(p, day);
            }
            if k % 2 == 0 {
                let v = b.households[b.people[p].household].village;
                let id = b.people[p].id.clone();
                b.plant(model, &id, v);
            }
        }
    }
    for p in 0..b.people.len() {
        if !b.used.contains(&p) && b.rng.random_bool(0.006) {
            let d = b.random_date(date(2024, 1, 1), date(2024, 12, 20));
            b.deaths.insert(p, d);
            paid_until.insert(p, d.month());
        }
    }
    // 低保 and 特困 in the same month: planted (特困 paid on top for three
    // months) and hard negatives (switched from 低保 to 特困 the next month).
    // Paid twice for one month: planted (a duplicated row); a person paid
    // 低保 and 高龄津贴 in one month is background, not a duplicate.
    // Only people paid all year: a death ends the payments a case needs.
    let dibao: Vec<usize> = recipients
        .iter()
        .filter(|r| r.program.ends_with("低保") && !paid_until.contains_key(&r.person))
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
    // A 低保 household paid above standard × members: one member paid 150
    // more each month (planted); one paid 100 more and another 100 less
    // (hard negative). A duplicated payment also puts its household over.
    let households: Vec<usize> = relief
        .iter()
        .filter(|r| r.program.ends_with("低保") && b.households[r.household].members.len() >= 2)
        .map(|r| r.household)
        .collect();
    let mut adjust: BTreeMap<usize, f64> = BTreeMap::new();
    for k in 0..2 * b.plants {
        let Some(&h) = b.pick(&households, |b, &h| b.household_free(h)) else {
            break;
        };
        let members = b.households[h].members.clone();
        b.used.extend(members.iter().copied());
        if k % 2 == 0 {
            adjust.insert(members[0], 150.0);
        } else {
            adjust.insert(members[0], 100.0);
            adjust.insert(members[1], -100.0);
        }
    }
    // 低保 paid per household and month, against the standard × members.
    let mut totals: BTreeMap<(String, u32), f64> = BTreeMap::new();
    let mut caps: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    let mut t = Table::new("benefit_payments");
    for r in &recipients {
        if t.rows.len() >= PART_ROWS {
            sink(vec![t.take_part()])?;
        }
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
        let monthly = r.monthly + adjust.get(&r.person).filter(|_| is_dibao).unwrap_or(&0.0);
        let mut dibao_paid = |m: u32, amount: f64| {
            if let (Some(household), true) = (&r.household, is_dibao) {
                *totals.entry((household.clone(), m)).or_insert(0.0) += amount;
                let members = b.households[person.household].members.len() as f64;
                caps.insert(household.clone(), (r.monthly * members, v));
            }
        };
        for m in r.from..=last {
            match switched.get(&r.person) {
                Some(&at) if is_dibao && m >= at => t.push(row("特困供养", m, 760.0)),
                _ => {
                    t.push(row(r.program, m, monthly));
                    dibao_paid(m, monthly);
                }
            }
            if is_dibao && doubled.get(&r.person) == Some(&m) {
                t.push(row(r.program, m, monthly));
                dibao_paid(m, monthly);
            }
            if let Some(&(from, to)) = dual.get(&r.person).filter(|_| is_dibao) {
                if (from..=to).contains(&m) {
                    t.push(row("特困供养", m, 760.0));
                }
            }
        }
    }
    // Planted above: one member paid more, or a duplicated payment. The
    // truth is what was written, so a duplicate that happens to fall in a
    // month with a member gone is not counted.
    let over: BTreeMap<String, usize> = totals
        .iter()
        .filter(|((household, _), &paid)| paid > caps[household].0 + 1.0)
        .map(|((household, _), _)| (household.clone(), caps[household].1))
        .collect();
    for (household, v) in over {
        b.plant("mz.benefit_over_standard", &household, v);
    }
    tables.insert("benefit_payments", t);
    invalid_id_payments(b, &recipient_people, tables);
    Ok(())
}

/// 残疾人补贴 paid to an ID with a wrong check digit or to a valid ID of
/// another county (planted), and to a resident's ID written in the old
/// 15-digit form (hard negative: it normalizes to the resident).
fn invalid_id_payments(b: &mut Builder, recipients: &[usize], tables: &mut Tables) {
    let paid: HashSet<usize> = recipients.iter().copied().collect();
    let adults: Vec<usize> = (0..b.people.len())
        .filter(|&p| {
            !paid.contains(&p)
                && !b.deaths.contains_key(&p)
                && (26..70).contains(&age_on(b.people[p].birth, as_of()))
        })
        .collect();
    let mut elsewhere = IdIssuer::new("411123");
    for k in 0..3 * b.plants {
        let Some(&p) = b.pick_unused(&adults) else {
            break;
        };
        b.used.insert(p);
        let person = &b.people[p];
        let id = match k % 3 {
            0 => {
                let check = id_check_char(&person.id[..17]).expect("digits");
                let wrong = if check == '0' { '1' } else { '0' };
                format!("{}{wrong}", &person.id[..17])
            }
            1 => elsewhere
                .issue(person.birth, person.male)
                .expect("a free number"),
            _ => to_fifteen(&person.id).expect("born in the 1900s"),
        };
        let v = b.households[person.household].village;
        let rows: Vec<Vec<(&'static str, Cell)>> = (1..=12)
            .map(|m| {
                vec![
                    ("program", "残疾人补贴".into()),
                    ("id_number", id.as_str().into()),
                    ("name", person.name.as_str().into()),
                    ("village_code", b.villages[v].code.as_str().into()),
                    ("period", Cell::Period(month(m))),
                    ("amount", 90.0.into()),
                    ("bank_account", format!("6228482{p:09}").into()),
                ]
            })
            .collect();
        for row in rows {
            table(tables, "benefit_payments").push(row);
        }
        if k % 3 != 2 {
            b.plant("mz.invalid_id_payment", &id, v);
        }
    }
}

/// Everyone in a relief household.
fn relief_people(b: &Builder, relief: &[Relief]) -> BTreeSet<usize> {
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

/// Land contracts and farmland subsidies. Planted: subsidy above the
/// contracted area, subsidy to someone without a contract, subsidy to a
/// contractor who died before the year; hard negatives beside each.
fn land(b: &mut Builder, relief: &[Relief], tables: &mut Tables) {
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
            let (id, v) = (
                b.people[p].id.clone(),
                b.households[b.people[p].household].village,
            );
            b.plant("ny.deceased_farmland_subsidy", &id, v);
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
            let id = b.people[p].id.clone();
            b.plant("ny.subsidy_without_contract", &id, v);
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

/// A business in the county: name, credit code and legal representative.
struct Business {
    name: String,
    code: String,
    rep: usize,
}

impl Builder {
    /// Register a business with a legal representative and status.
    fn register_business(&mut self, tables: &mut Tables, rep: usize, status: &str) -> Business {
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
fn businesses(b: &mut Builder, relief: &[Relief], tables: &mut Tables) -> Vec<Business> {
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
            let (id, v) = (
                b.people[p].id.clone(),
                b.households[b.people[p].household].village,
            );
            b.plant("mz.business_owner_relief", &id, v);
        }
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
            const PROJECTS: &[&str] = &[
                "村道硬化",
                "路灯安装",
                "水渠清淤",
                "党群服务中心维修",
                "饮水管网改造",
                "文化广场建设",
                "排水沟修缮",
            ];
            let contract = Contract {
                no: format!("HT{}{:03}", &b.villages[v].code[6..], seq + 1),
                village: v,
                project: PROJECTS.choose(&mut b.rng).expect("non-empty"),
                party: (businesses[firm].name.clone(), businesses[firm].code.clone()),
                amount,
                signed,
            };
            push_contract(b, tables, &contract);
            let no = contract.no;
            contracts.push((v, no, firm, amount, signed));
        }
    }
    // Which contracts carry a planted case or a hard negative.
    let mut kind: BTreeMap<usize, &str> = BTreeMap::new();
    let mut order: Vec<usize> = (0..contracts.len()).collect();
    order.shuffle(&mut b.rng);
    let labels = ["exceeds", "exactly_paid", "before", "same_day", "personal"];
    for (i, &c) in order.iter().enumerate().take(labels.len() * b.plants) {
        kind.insert(c, labels[i % labels.len()]);
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
            let voucher = b.next_voucher(&mut vouchers, *v);
            if part == 0 && kind.get(&c) == Some(&"before") {
                b.plant("cw.payment_before_contract", &voucher, *v);
            }
            // A project payment to the legal representative's own account.
            let personal = part == 0 && kind.get(&c) == Some(&"personal");
            let (payee, code, account) = if personal {
                b.plant("cw.personal_account_project_payment", &voucher, *v);
                let rep = businesses[*firm].rep;
                (b.people[rep].name.clone(), None, format!("6217{rep:012}"))
            } else {
                let business = &businesses[*firm];
                (
                    business.name.clone(),
                    Some(business.code.clone()),
                    format!("4100{:012}", firm),
                )
            };
            table(tables, "village_payments").push(vec![
                ("voucher_no", voucher.as_str().into()),
                ("village_code", b.villages[*v].code.as_str().into()),
                ("pay_date", pay_date.into()),
                ("payee_name", payee.into()),
                ("payee_code", code.into()),
                ("payee_account", account.into()),
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
    let mut extra_no: BTreeMap<usize, usize> = BTreeMap::new();
    split_contracts(b, businesses, &mut contracts, &mut extra_no, tables);
    cadre_contracts(b, &mut extra_no, tables);
    villager_contracts(b, &mut extra_no, &mut vouchers, tables);
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
        let voucher = b.next_voucher(&mut vouchers, v);
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
            let voucher = b.next_voucher(&mut vouchers, v);
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
    daily_spending(b, &mut vouchers, tables);
}

/// A village contract: number, village, counterparty name and code,
/// amount and signing day.
struct Contract<'a> {
    no: String,
    village: usize,
    project: &'a str,
    party: (String, String),
    amount: f64,
    signed: NaiveDate,
}

impl Builder {
    /// The next voucher number of a village.
    fn next_voucher(&self, vouchers: &mut BTreeMap<usize, usize>, v: usize) -> String {
        let seq = vouchers.entry(v).or_insert(0);
        *seq += 1;
        format!("PZ{}{:04}", &self.villages[v].code[6..], seq)
    }

    /// The next extra contract number of a village (after its regular ones).
    fn extra_contract_no(&self, extra_no: &mut BTreeMap<usize, usize>, v: usize) -> String {
        let seq = extra_no.entry(v).or_insert(100);
        *seq += 1;
        format!("HT{}{:03}", &self.villages[v].code[6..], seq)
    }
}

fn push_contract(b: &Builder, tables: &mut Tables, c: &Contract) {
    let method = if c.amount >= 50_000.0 {
        "公开招标"
    } else {
        "询价"
    };
    table(tables, "village_contracts").push(vec![
        ("contract_no", c.no.as_str().into()),
        ("village_code", b.villages[c.village].code.as_str().into()),
        ("project_name", c.project.into()),
        ("counterparty_name", c.party.0.as_str().into()),
        ("counterparty_code", c.party.1.as_str().into()),
        ("amount", c.amount.into()),
        ("sign_date", c.signed.into()),
        ("procurement_method", method.into()),
    ]);
}

/// Contracts split below the tender threshold: two or three with one
/// business within 60 days, each under 50,000 and together above (planted);
/// two 100 days apart, or two together under the threshold (hard negatives).
fn split_contracts(
    b: &mut Builder,
    businesses: &[Business],
    contracts: &mut Vec<(usize, String, usize, f64, NaiveDate)>,
    extra_no: &mut BTreeMap<usize, usize>,
    tables: &mut Tables,
) {
    // Each business is split with at most once, so its credit code names one case.
    let mut split: HashSet<usize> = HashSet::new();
    let firms: Vec<usize> = (0..businesses.len()).collect();
    for k in 0..3 * b.plants {
        let v = b.rng.random_range(0..b.villages.len());
        let taken: HashSet<usize> = contracts.iter().filter(|c| c.0 == v).map(|c| c.2).collect();
        let Some(&firm) = b.pick(&firms, |_, f| !taken.contains(f) && !split.contains(f)) else {
            continue;
        };
        split.insert(firm);
        let first = b.random_date(date(2024, 1, 10), date(2024, 6, 30));
        let parts: Vec<(u64, f64)> = match k % 3 {
            0 => (0..b.rng.random_range(2..=3))
                .map(|i| (i * 25, b.rng.random_range(260..450) as f64 * 100.0))
                .collect(),
            1 => vec![(0, 30_000.0), (100, 32_000.0)],
            _ => vec![(0, 20_000.0), (20, 25_000.0)],
        };
        let business = &businesses[firm];
        let party = (business.name.clone(), business.code.clone());
        for (days, amount) in parts {
            let c = Contract {
                no: b.extra_contract_no(extra_no, v),
                village: v,
                project: "村道维修",
                party: party.clone(),
                amount,
                signed: first + Days::new(days),
            };
            push_contract(b, tables, &c);
            contracts.push((v, c.no, firm, amount, c.signed));
        }
        if k % 3 == 0 {
            b.plant("cw.contract_splitting", &party.1, v);
        }
    }
}

/// Contracts with a standing cadre's relatives: a business led by someone
/// of the cadre's household, or that household member in person (planted);
/// a business led by a cadre's relative in another village (hard
/// negative).
fn cadre_contracts(b: &mut Builder, extra_no: &mut BTreeMap<usize, usize>, tables: &mut Tables) {
    for k in 0..3 * b.plants {
        let Some((_, own, relative)) = b.pick_cadre_household(false) else {
            break;
        };
        let party = match k % 3 {
            1 => (
                b.people[relative].name.clone(),
                b.people[relative].id.clone(),
            ),
            _ => {
                let business = b.register_business(tables, relative, "存续");
                (business.name, business.code)
            }
        };
        let v = if k % 3 == 2 {
            (own + 1) % b.villages.len()
        } else {
            own
        };
        let c = Contract {
            no: b.extra_contract_no(extra_no, v),
            village: v,
            project: "路灯维护",
            party,
            amount: b.rng.random_range(100..450) as f64 * 100.0,
            signed: b.random_date(date(2024, 2, 1), date(2024, 10, 31)),
        };
        push_contract(b, tables, &c);
        if k % 3 != 2 {
            b.plant("cw.cadre_related_contract", &c.no, v);
        }
    }
}

/// A service contract with a villager, paid to that villager: a hard
/// negative for project payments off the contractor's account.
fn villager_contracts(
    b: &mut Builder,
    extra_no: &mut BTreeMap<usize, usize>,
    vouchers: &mut BTreeMap<usize, usize>,
    tables: &mut Tables,
) {
    let cadre_households: HashSet<usize> =
        b.cadres.iter().map(|c| b.people[c.0].household).collect();
    let villagers: Vec<usize> = (0..b.people.len())
        .filter(|&p| {
            !cadre_households.contains(&b.people[p].household)
                && (25..65).contains(&age_on(b.people[p].birth, as_of()))
        })
        .collect();
    for _ in 0..b.plants {
        let Some(&p) = b.pick_unused(&villagers) else {
            break;
        };
        b.used.insert(p);
        let v = b.households[b.people[p].household].village;
        let person = (b.people[p].name.clone(), b.people[p].id.clone());
        let c = Contract {
            no: b.extra_contract_no(extra_no, v),
            village: v,
            project: "保洁服务",
            party: person.clone(),
            amount: 12_000.0,
            signed: date(2024, 3, 1),
        };
        push_contract(b, tables, &c);
        let voucher = b.next_voucher(vouchers, v);
        table(tables, "village_payments").push(vec![
            ("voucher_no", voucher.into()),
            ("village_code", b.villages[v].code.as_str().into()),
            ("pay_date", date(2024, 6, 30).into()),
            ("payee_name", person.0.into()),
            ("payee_code", person.1.into()),
            ("payee_account", format!("6217{p:012}").into()),
            ("amount", 12_000.0.into()),
            ("method", "转账".into()),
            ("contract_no", c.no.as_str().into()),
            ("summary", "保洁服务费".into()),
            ("subject", "管理费用".into()),
        ]);
    }
}

/// Non-project spending of every village: about one payment per eight
/// residents (at least 120) times the village level (0.8–1.2).
/// First digits follow Benford's proportions and magnitudes (hundreds,
/// thousands, tens of thousands) are spread evenly over them, so totals
/// vary only with the level. Spending outliers: three times the payments
/// (planted) or 15 % above the average level (hard negative). Benford: invented amounts with
/// uniform first digits (planted), or too few of them to test (hard
/// negative); their magnitudes keep spending at the usual level.
fn daily_spending(b: &mut Builder, vouchers: &mut BTreeMap<usize, usize>, tables: &mut Tables) {
    let (high, mild) = b.peer_villages();
    let taken: HashSet<usize> = high.iter().chain(&mild).copied().collect();
    let mut free: Vec<usize> = (0..b.villages.len())
        .filter(|v| !taken.contains(v))
        .collect();
    free.shuffle(&mut b.rng);
    let invented: Vec<usize> = free.iter().step_by(2).take(b.plants).copied().collect();
    let too_few: Vec<usize> = free
        .iter()
        .skip(1)
        .step_by(2)
        .take(b.plants)
        .copied()
        .collect();
    let levels = b.village_levels();
    const PAYEES: &[&str] = &[
        "便民超市",
        "加油站",
        "五金店",
        "打印社",
        "农家饭店",
        "电器维修部",
    ];
    const SUMMARIES: &[&str] = &[
        "办公用品",
        "误工补贴",
        "招待费",
        "维修费",
        "水电费",
        "保洁费",
    ];
    for (v, level) in levels.into_iter().enumerate() {
        let base = (b.villages[v].population / 8).max(120) as f64;
        let normal = base * level;
        let (n, pattern): (usize, &[i32]) = if invented.contains(&v) {
            (normal.max(110.0) as usize, &[4, 4, 3, 3, 3, 3, 3, 2, 2, 2])
        } else if too_few.contains(&v) {
            (60, &[4, 4, 3])
        } else if high.contains(&v) {
            ((normal * 3.0) as usize, &[2, 3, 4])
        } else if mild.contains(&v) {
            ((base * 1.15) as usize, &[2, 3, 4])
        } else {
            (normal as usize, &[2, 3, 4])
        };
        let fake = invented.contains(&v) || too_few.contains(&v);
        let digits: Vec<u32> = if fake {
            (0..n).map(|i| 1 + (i % 9) as u32).collect()
        } else {
            benford_quota(n)
        };
        // Magnitudes cycle within each digit so every digit gets its share.
        let mut seen = [0usize; 10];
        let mut draws: Vec<(u32, i32)> = digits
            .into_iter()
            .map(|d| {
                seen[d as usize] += 1;
                (d, pattern[seen[d as usize] % pattern.len()])
            })
            .collect();
        draws.shuffle(&mut b.rng);
        for (d, magnitude) in draws {
            let scale = 10f64.powi(magnitude);
            let amount =
                ((d as f64 + b.rng.random_range(0.0..0.99)) * scale * 100.0).round() / 100.0;
            let cash = amount <= 1000.0 && b.rng.random_bool(0.3);
            let voucher = b.next_voucher(vouchers, v);
            let pay_date = b.random_date(date(2024, 1, 1), date(2024, 12, 20));
            let payee = if cash {
                names::person(&mut b.rng)
            } else {
                b.villages[v].name.clone() + PAYEES.choose(&mut b.rng).expect("non-empty")
            };
            let summary = *SUMMARIES.choose(&mut b.rng).expect("non-empty");
            table(tables, "village_payments").push(vec![
                ("voucher_no", voucher.as_str().into()),
                ("village_code", b.villages[v].code.as_str().into()),
                ("pay_date", pay_date.into()),
                ("payee_name", payee.into()),
                ("amount", amount.into()),
                ("method", if cash { "现金" } else { "转账" }.into()),
                ("summary", summary.into()),
                ("subject", "管理费用".into()),
            ]);
        }
    }
    for (model, villages) in [
        ("cw.spending_outlier", &high),
        ("cw.benford_village_payments", &invented),
    ] {
        for &v in villages {
            let code = b.villages[v].code.clone();
            b.plant(model, &code, v);
        }
    }
}

/// First digits for `n` values in Benford's proportions, rounded, the
/// remainder given to the digit 1.
fn benford_quota(n: usize) -> Vec<u32> {
    let mut out = Vec::with_capacity(n);
    for d in 2..=9u32 {
        let count = (n as f64 * (1.0 + 1.0 / d as f64).log10()).round() as usize;
        out.extend(std::iter::repeat_n(d, count));
    }
    out.extend(std::iter::repeat_n(1, n.saturating_sub(out.len())));
    out
}

/// Village cadres: four standing cadres per village from households with
/// no relief and no business, and committee members planted from relief
/// households.
fn cadres(b: &mut Builder, relief: &[Relief], tables: &mut Tables) {
    let relief_households: HashSet<usize> = relief.iter().map(|r| r.household).collect();
    // A relief member on the committee of the own village (planted: every
    // member of that household shares its 户号) or of another village
    // (hard negative).
    let members: Vec<usize> = relief_people(b, relief).into_iter().collect();
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
fn vehicles_estate_machinery(
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

/// A relief household owning two properties or more than 300 m² (planted),
/// or one property of exactly 300 m² (hard negative).
fn relief_estate(b: &mut Builder, relief: &[Relief], tables: &mut Tables) {
    for k in 0..3 * b.plants {
        let Some(r) = b.pick(relief, |b, r| b.household_free(r.household)) else {
            break;
        };
        let members = b.households[r.household].members.clone();
        b.used.extend(members.iter().copied());
        let v = b.households[r.household].village;
        let areas: &[f64] = match k % 3 {
            0 => &[86.5, 120.0],
            1 => &[300.0],
            _ => &[312.5],
        };
        for (i, &area) in areas.iter().enumerate() {
            let owner = members[i % members.len()];
            table(tables, "real_estate").push(vec![
                ("owner_id_number", Cell::Id(b.people[owner].id.clone())),
                ("owner_name", b.people[owner].name.as_str().into()),
                (
                    "location",
                    format!("{}{}{}号", COUNTY, b.villages[v].name, 300 + k * 2 + i).into(),
                ),
                ("area_sqm", area.into()),
                ("register_date", date(2019, 8, 12).into()),
            ]);
        }
        if k % 3 != 1 {
            b.plant("mz.real_estate_relief", &r.id.clone(), v);
        }
    }
}

/// One machinery subsidy application.
struct Machine {
    application: String,
    applicant: usize,
    village: usize,
    serial: String,
    engine: String,
    bought: NaiveDate,
    dealer: String,
}

fn push_machine(b: &mut Builder, tables: &mut Tables, m: &Machine) {
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
fn machinery_plants(
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
const ASSET_TYPES: [(&str, f64); 3] = [("耕地", 600.0), ("坑塘", 500.0), ("房屋", 60.0)];

/// Leases of rural villages' assets and their yearly receipts, with every
/// lease case planted a few times.
fn leases(b: &mut Builder, tables: &mut Tables) {
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
struct Leases {
    lessees: Vec<Vec<usize>>,
    n: usize,
    groups: BTreeMap<(String, &'static str), usize>,
    /// Asset type the next lease must have.
    asset_type: Option<&'static str>,
}

impl Leases {
    /// Add a lease and its yearly receipts; `renewing` gives the asset and
    /// start date of a lease that continues an earlier one. Returns the
    /// asset name and end date.
    fn push(
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

/// Deaths as the police cancel them, with a cremation record a few days
/// later for most.
fn deaths_table(b: &mut Builder, tables: &mut Tables) {
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
fn residents_and_villages(
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
