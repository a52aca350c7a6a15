//! 公益性岗位: village public-welfare posts (保洁员, 护林员 …) and their monthly
//! pay, with the plants of the models on them.

use super::*;

/// Monthly pay of a public-welfare post, 元.
const POST_PAY: f64 = 500.0;
const POSTS: [&str; 3] = ["保洁员", "护林员", "护路员"];

fn employ(b: &Builder, tables: &mut Tables, p: usize, village: usize, post: &str) {
    employ_months(b, tables, p, village, post, 1..=12);
}

/// Pays the post for the given months of 2024.
pub(super) fn employ_months(
    b: &Builder,
    tables: &mut Tables,
    p: usize,
    village: usize,
    post: &str,
    months: std::ops::RangeInclusive<u32>,
) {
    let person = &b.people[p];
    for m in months {
        table(tables, "welfare_jobs").push(vec![
            ("id_number", Cell::Id(person.id.clone())),
            ("name", person.name.as_str().into()),
            ("village_code", b.villages[village].code.as_str().into()),
            ("post", post.into()),
            ("start_date", date(2023, 1, 1).into()),
            ("period", Cell::Period(month(m))),
            ("amount", Cell::Num(POST_PAY)),
        ]);
    }
}

/// A post in the person's own village all year, the person used; planted
/// for `model` if given.
fn post_at_home(b: &mut Builder, tables: &mut Tables, p: usize, post: &str, model: Option<&str>) {
    b.used.insert(p);
    let v = b.households[b.people[p].household].village;
    employ(b, tables, p, v, post);
    if let Some(model) = model {
        b.plant_person(model, p);
    }
}

/// Aged 25–49 when the year begins: below every retirement age.
fn young(b: &Builder, p: usize) -> bool {
    (25..50).contains(&age_on(b.people[p].birth, month(1)))
}

/// Whether a person may hold a post without meeting any rule but the one
/// planted: young, alive, never a public employee.
fn working_age(b: &Builder, p: usize) -> bool {
    young(b, p) && !b.deaths.contains_key(&p) && !b.employees.contains_key(&p)
}

/// Two residents of each village hold its posts, none from a cadre's
/// household. Planted, each with hard negatives one step away:
/// - a cadre's household member holding a post in the cadre's village
///   (negative: in another village);
/// - people who died in 2024 (before December) still paid after the month
///   of death (negative: paid up to the month of death);
/// - a public employee in office (negative: one who left in 2023);
/// - a man past 60 or a woman past 55 (negative: one who turns that age
///   only after 2024);
/// - two posts in the same months (negative: one post after the other).
pub(super) fn welfare_jobs(b: &mut Builder, tables: &mut Tables) {
    let cadre_households: BTreeSet<usize> =
        b.cadres.iter().map(|c| b.people[c.0].household).collect();
    let cadres: BTreeSet<usize> = b.cadres.iter().map(|c| c.0).collect();
    // Not taken by another plant, not of a cadre's household.
    let available = |b: &Builder, p: usize| {
        !b.used.contains(&p) && !cadre_households.contains(&b.people[p].household)
    };
    let free = |b: &Builder, p: usize| working_age(b, p) && available(b, p);
    let mut by_village: Vec<Vec<usize>> = vec![Vec::new(); b.villages.len()];
    for p in 0..b.people.len() {
        if free(b, p) {
            by_village[b.households[b.people[p].household].village].push(p);
        }
    }
    for (v, people) in by_village.iter().enumerate() {
        for (k, &p) in people.choose_multiple(&mut b.rng, 2).enumerate() {
            employ(b, tables, p, v, POSTS[k % POSTS.len()]);
            b.used.insert(p);
        }
    }
    let mut k = 0;
    for _ in 0..b.plants * 8 {
        if k == b.plants * 2 {
            break;
        }
        let Some((_, v, relative)) = b.pick_cadre_household(false) else {
            break;
        };
        // A relative on a roster too (two cadres of one household) would
        // be a cadre holding a post, a lead of cw.cadre_pay_with_welfare_job.
        if !working_age(b, relative) || cadres.contains(&relative) {
            continue;
        }
        if k % 2 == 0 {
            employ(b, tables, relative, v, "保洁员");
            let id = b.people[relative].id.clone();
            b.plant("rs.cadre_relative_welfare_job", &id, v);
        } else {
            employ(b, tables, relative, (v + 1) % b.villages.len(), "护林员");
        }
        k += 1;
    }
    let died: Vec<(usize, NaiveDate)> = b
        .deaths_before_december()
        .into_iter()
        .filter(|(p, _)| young(b, *p) && !b.employees.contains_key(p) && available(b, *p))
        .collect();
    for (k, (p, death)) in died.into_iter().take(b.plants * 2).enumerate() {
        b.used.insert(p);
        let village = b.households[b.people[p].household].village;
        let paid_after = k % 2 == 0;
        let last = if paid_after { 12 } else { death.month() };
        employ_months(b, tables, p, village, "护路员", 1..=last);
        if paid_after {
            b.plant_person("rs.deceased_welfare_job", p);
        }
    }
    let eligible =
        |b: &Builder, p: usize| young(b, p) && !b.deaths.contains_key(&p) && available(b, p);
    let serving: Vec<usize> = b
        .employees
        .iter()
        .filter(|(p, end)| end.is_none() && eligible(b, **p))
        .map(|(p, _)| *p)
        .collect();
    let former: Vec<usize> = b
        .employees
        .iter()
        .filter(|(p, end)| end.is_some_and(|e| e.year() < 2024) && eligible(b, **p))
        .map(|(p, _)| *p)
        .collect();
    for (planted, people) in [(true, serving), (false, former)] {
        for &p in people.iter().take(b.plants) {
            let model = planted.then_some("rs.public_employee_welfare_job");
            post_at_home(b, tables, p, "保洁员", model);
        }
    }
    let candidate = |b: &Builder, p: usize| {
        !b.deaths.contains_key(&p) && !b.employees.contains_key(&p) && available(b, p)
    };
    for k in 0..b.plants * 2 {
        // Planted: 61–69 (men) or 56–64 (women) when the year begins.
        // Negatives: 59 or 54 when it ends, below the age all year.
        let planted = k % 2 == 0;
        let over = 1 + (k as i32 / 2 % 9);
        let (men, women, on) = if planted {
            (60 + over, 55 + over, month(1))
        } else {
            (59, 54, as_of())
        };
        let people: Vec<usize> = (0..b.people.len())
            .filter(|&p| {
                let person = &b.people[p];
                let limit = if person.male { men } else { women };
                age_on(person.birth, on) == limit && candidate(b, p)
            })
            .collect();
        let Some(&p) = people.choose(&mut b.rng) else {
            continue;
        };
        post_at_home(
            b,
            tables,
            p,
            "护林员",
            planted.then_some("rs.welfare_job_over_age"),
        );
    }
    let pool: Vec<usize> = (0..b.people.len()).filter(|&p| free(b, p)).collect();
    for k in 0..b.plants * 2 {
        let Some(&p) = b.pick(&pool, |b, p| !b.used.contains(p)) else {
            break;
        };
        b.used.insert(p);
        let v = b.households[b.people[p].household].village;
        if k % 2 == 0 {
            employ(b, tables, p, v, "保洁员");
            employ(b, tables, p, v, "护林员");
            b.plant_person("rs.multiple_welfare_jobs", p);
        } else {
            employ_months(b, tables, p, v, "保洁员", 1..=6);
            employ_months(b, tables, p, v, "护林员", 7..=12);
        }
    }
}
