//! 公益性岗位: village public-welfare posts (保洁员, 护林员 …) and their monthly
//! pay, with the plants of the models on them.

use super::*;

/// Monthly pay of a public-welfare post, 元.
const POST_PAY: f64 = 500.0;
const POSTS: [&str; 3] = ["保洁员", "护林员", "护路员"];

fn employ(b: &Builder, tables: &mut Tables, p: usize, village: usize, post: &str) {
    employ_until(b, tables, p, village, post, 12);
}

/// Pays the post from January up to and including month `last` of 2024.
fn employ_until(b: &Builder, tables: &mut Tables, p: usize, village: usize, post: &str, last: u32) {
    let person = &b.people[p];
    for m in 1..=last {
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

/// Two residents of each village hold its posts, none from a cadre's
/// household. Planted: a cadre's household member holding a post in the
/// cadre's village; hard negative: one holding a post in another village.
/// Planted too: people who died in 2024 (before December) still paid after
/// the month of death; hard negative: paid up to the month of death only.
pub(super) fn welfare_jobs(b: &mut Builder, tables: &mut Tables) {
    let cadre_households: BTreeSet<usize> =
        b.cadres.iter().map(|c| b.people[c.0].household).collect();
    let mut by_village: Vec<Vec<usize>> = vec![Vec::new(); b.villages.len()];
    for (p, person) in b.people.iter().enumerate() {
        let age = age_on(person.birth, month(1));
        if (25..60).contains(&age)
            && !cadre_households.contains(&person.household)
            && !b.deaths.contains_key(&p)
        {
            by_village[b.households[person.household].village].push(p);
        }
    }
    for (v, people) in by_village.iter().enumerate() {
        for (k, &p) in people.choose_multiple(&mut b.rng, 2).enumerate() {
            employ(b, tables, p, v, POSTS[k % POSTS.len()]);
        }
    }
    for k in 0..b.plants * 2 {
        let Some((_, v, relative)) = b.pick_cadre_household(false) else {
            break;
        };
        // A relative who died is paid up to the month of death only, so
        // this plant is not also a death plant.
        let last = match b.deaths.get(&relative) {
            Some(d) if d.year() < 2024 => continue,
            Some(d) => d.month(),
            None => 12,
        };
        if k % 2 == 0 {
            employ_until(b, tables, relative, v, "保洁员", last);
            let id = b.people[relative].id.clone();
            b.plant("rs.cadre_relative_welfare_job", &id, v);
        } else {
            let elsewhere = (v + 1) % b.villages.len();
            employ_until(b, tables, relative, elsewhere, "护林员", last);
        }
    }
    let died = b.deaths_before_december();
    for (k, (p, death)) in died.into_iter().take(b.plants * 2).enumerate() {
        let village = b.households[b.people[p].household].village;
        let paid_after = k % 2 == 0;
        let last = if paid_after { 12 } else { death.month() };
        employ_until(b, tables, p, village, "护路员", last);
        if paid_after {
            let id = b.people[p].id.clone();
            b.plant("rs.deceased_welfare_job", &id, village);
        }
    }
}
