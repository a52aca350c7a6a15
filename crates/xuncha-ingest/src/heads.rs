//! Households keyed by their head. A relief roster without household
//! numbers keys each household by its head's ID number (`stand_ins` in
//! `datasets.toml`); a members' or payments' list from another system may
//! key the same households by a household number. Such a number names no
//! household of the rosters, but its rows hold the head: it is read as the
//! head's ID number, so the members join their household (or each would be
//! a person outside every relief household: a false lead).

use std::collections::HashMap;

use polars::prelude::*;

/// Datasets whose rows name their household (`household_id`) and their
/// person (`id_number`).
pub const LISTS: &[&str] = &["relief_members", "benefit_payments"];

/// How a members' list writes that a member is the household's head.
const HEAD_RELATIONS: &[&str] = &["本人", "户主", "户主本人", "本人(户主)", "户主(本人)"];

/// Household numbers of `lists` that name no household of `rosters`, each
/// mapped to the ID number of the one head among its rows of a household a
/// roster keys by its head (`household_id` = `head_id_number`); a number
/// whose rows hold two such heads is left as it is. Where a list says each
/// member's relation to the head, only a row saying 本人 or 户主 links.
pub fn links(
    rosters: Vec<LazyFrame>,
    lists: Vec<LazyFrame>,
) -> PolarsResult<HashMap<String, String>> {
    if rosters.is_empty() || lists.is_empty() {
        return Ok(HashMap::new());
    }
    let rosters = concat(rosters, UnionArgs::default())?
        .select([col("household_id"), col("head_id_number")])
        .collect()?;
    let heads = (rosters.clone().lazy())
        .filter(col("household_id").eq(col("head_id_number")))
        .select([col("head_id_number").alias("id_number")])
        .collect()?;
    if heads.height() == 0 {
        return Ok(HashMap::new());
    }
    let head_said = (HEAD_RELATIONS.iter()).fold(col("relation").is_null(), |any, r| {
        any.or(col("relation").eq(lit(*r)))
    });
    let mut keyed = Vec::with_capacity(lists.len());
    for mut lf in lists {
        let relation = match lf.collect_schema()?.get("relation") {
            Some(_) => col("relation").str().strip_chars(lit(NULL)),
            None => lit(NULL).cast(DataType::String),
        };
        let columns = [
            col("household_id"),
            col("id_number"),
            relation.alias("relation"),
        ];
        keyed.push(lf.select(columns));
    }
    let found = concat(keyed, UnionArgs::default())?
        .filter(col("household_id").is_not_null().and(head_said))
        .join(
            rosters.lazy().select([col("household_id")]),
            [col("household_id")],
            [col("household_id")],
            JoinArgs::new(JoinType::Anti),
        )
        .join(
            heads.lazy(),
            [col("id_number")],
            [col("id_number")],
            JoinArgs::new(JoinType::Semi),
        )
        .group_by([col("household_id")])
        .agg([
            col("id_number").n_unique().alias("heads"),
            col("id_number").first(),
        ])
        .filter(col("heads").eq(lit(1)))
        .collect()?;
    let numbers = found.column("household_id")?.str()?;
    let heads = found.column("id_number")?.str()?;
    Ok((numbers.iter().zip(heads.iter()))
        .filter_map(|(n, h)| Some((n?.to_string(), h?.to_string())))
        .collect())
}

/// Replace each household number of `df` that `links` maps by the head's
/// ID number; the number of rows changed.
pub fn rekey(df: &mut DataFrame, links: &HashMap<String, String>) -> PolarsResult<usize> {
    if links.is_empty() {
        return Ok(0);
    }
    let mut changed = 0;
    let keyed: StringChunked = (df.column("household_id")?.str()?.iter())
        .map(|h| {
            h.map(|h| match links.get(h) {
                Some(head) => {
                    changed += 1;
                    head.as_str()
                }
                None => h,
            })
        })
        .collect();
    if changed > 0 {
        df.with_column(keyed.with_name("household_id".into()).into_column())?;
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(columns: &[(&str, &[Option<&str>])]) -> DataFrame {
        DataFrame::new(
            columns[0].1.len(),
            columns
                .iter()
                .map(|(name, values)| Column::new((*name).into(), values.to_vec()))
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn numbers_holding_one_head_are_read_as_the_head() {
        let rosters = text(&[
            ("household_id", &[Some("H1"), Some("H2"), Some("DB9")]),
            ("head_id_number", &[Some("H1"), Some("H2"), Some("P9")]),
        ]);
        let members = text(&[
            (
                "household_id",
                &[
                    Some("DB1"),
                    Some("DB1"),
                    Some("DB2"),
                    Some("DB2"),
                    Some("DB9"),
                    Some("DB3"),
                    None,
                    Some("DB4"),
                ],
            ),
            (
                "id_number",
                &[
                    Some("H1"),
                    Some("C1"),
                    Some("H2"),
                    Some("H1"),
                    Some("H2"),
                    Some("C3"),
                    Some("H1"),
                    Some("H2"),
                ],
            ),
            (
                "relation",
                &[
                    Some("本人"),
                    Some("子"),
                    None,
                    Some("户主"),
                    None,
                    Some("本人"),
                    None,
                    Some("女婿"),
                ],
            ),
        ]);
        let links = links(vec![rosters.lazy()], vec![members.clone().lazy()]).unwrap();
        // DB1 holds the head H1; DB2 two heads; DB9 is a roster's own
        // number; DB3 holds no head; DB4 holds H2 as a son-in-law, not as
        // its head.
        assert_eq!(links, HashMap::from([("DB1".into(), "H1".into())]));
        let mut members = members;
        assert_eq!(rekey(&mut members, &links).unwrap(), 2);
        let keyed: Vec<Option<&str>> = members
            .column("household_id")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(
            keyed,
            [
                Some("H1"),
                Some("H1"),
                Some("DB2"),
                Some("DB2"),
                Some("DB9"),
                Some("DB3"),
                None,
                Some("DB4")
            ]
        );
    }

    #[test]
    fn rosters_with_household_numbers_link_nothing() {
        let rosters = text(&[
            ("household_id", &[Some("DB1")]),
            ("head_id_number", &[Some("H1")]),
        ]);
        let members = text(&[
            ("household_id", &[Some("X1")]),
            ("id_number", &[Some("H1")]),
        ]);
        let links = links(vec![rosters.lazy()], vec![members.lazy()]).unwrap();
        assert!(links.is_empty());
    }
}
