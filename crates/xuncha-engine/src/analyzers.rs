//! Built-in analyzers (`[query] kind`): the rows of a model's SQL go
//! through a statistical test of `xuncha-stats`; what it flags becomes the
//! model's result rows, which are assembled into findings like SQL rows.

use std::collections::BTreeMap;

use polars::prelude::*;
use xuncha_model::QueryKind;
use xuncha_stats::{benford_test, robust_z, DigitTest};

use crate::findings::SOURCE_PREFIX;

type Params = BTreeMap<String, toml::Value>;

/// Run the analyzer `kind` over the rows of the model's SQL; SQL rows pass through.
pub fn apply(kind: QueryKind, input: DataFrame, params: &Params) -> Result<DataFrame, String> {
    match kind {
        QueryKind::Sql => Ok(input),
        QueryKind::Benford => benford(&input, params),
        QueryKind::PeerOutlier => peer_outlier(&input, params),
    }
}

fn text_param<'p>(params: &'p Params, name: &str) -> Result<&'p str, String> {
    params
        .get(name)
        .and_then(|v| v.as_str())
        .ok_or_else(|| format!("缺少字符串参数 {name}"))
}

fn number_param(params: &Params, name: &str) -> Result<f64, String> {
    match params.get(name) {
        Some(toml::Value::Integer(i)) => Ok(*i as f64),
        Some(toml::Value::Float(f)) => Ok(*f),
        _ => Err(format!("缺少数值参数 {name}")),
    }
}

fn column_as(df: &DataFrame, name: &str, dtype: &DataType) -> Result<Series, String> {
    df.column(name)
        .and_then(|c| c.as_materialized_series().cast(dtype))
        .map_err(|e| format!("列 {name}：{e}"))
}

/// Cell texts of a column, nulls as `None`.
fn texts(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>, String> {
    let s = column_as(df, name, &DataType::String)?;
    let ca = s.str().map_err(|e| e.to_string())?;
    Ok(ca.iter().map(|v| v.map(str::to_string)).collect())
}

fn numbers(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>, String> {
    let s = column_as(df, name, &DataType::Float64)?;
    let ca = s.f64().map_err(|e| e.to_string())?;
    Ok(ca.iter().collect())
}

/// A p-value as an officer reads it.
fn p_text(p: f64) -> String {
    if p < 0.0001 {
        "<0.0001".to_string()
    } else {
        format!("{p:.4}")
    }
}

/// Benford first-digit test per group. A group is flagged when it has at
/// least `min_count` values, its MAD exceeds `max_mad` and the chi-square
/// p-value is below `alpha`; `_src_digit` cites the rows whose first digit
/// is the most over-represented one.
fn benford(input: &DataFrame, params: &Params) -> Result<DataFrame, String> {
    let group_column = text_param(params, "group_column")?;
    let value_column = text_param(params, "value_column")?;
    let min_count = number_param(params, "min_count")?;
    let max_mad = number_param(params, "max_mad")?;
    let alpha = number_param(params, "alpha")?;
    let groups = texts(input, group_column)?;
    let values = numbers(input, value_column)?;
    let sources = match input.column(xuncha_schema::SOURCE_COLUMN) {
        Ok(_) => texts(input, xuncha_schema::SOURCE_COLUMN)?,
        Err(_) => vec![None; input.height()],
    };
    let mut by_group: BTreeMap<String, Vec<(f64, Option<String>)>> = BTreeMap::new();
    for ((g, v), src) in groups.into_iter().zip(values).zip(sources) {
        if let (Some(g), Some(v)) = (g, v) {
            by_group.entry(g).or_default().push((v, src));
        }
    }
    let mut out = BenfordRows::default();
    for (group, rows) in by_group {
        let values: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let Some(first) = benford_test(&values, DigitTest::First) else {
            continue;
        };
        if (first.n as f64) < min_count || first.mad <= max_mad || first.p_value >= alpha {
            continue;
        }
        let two = benford_test(&values, DigitTest::FirstTwo);
        let (digit, actual, expected) = first.largest_excess();
        let cited: Vec<String> = rows
            .iter()
            .filter(|r| xuncha_stats::benford::leading_digits(r.0, 1) == Some(digit))
            .filter_map(|r| r.1.clone())
            .collect();
        out.group.push(group);
        out.n.push(first.n as i64);
        out.chi_square
            .push((first.chi_square * 100.0).round() / 100.0);
        out.p_value.push(p_text(first.p_value));
        out.mad.push(format!("{:.4}", first.mad));
        out.conformity.push(first.conformity.label().to_string());
        out.mad_two
            .push(two.as_ref().map(|t| format!("{:.4}", t.mad)));
        out.conformity_two
            .push(two.map(|t| t.conformity.label().to_string()));
        out.excess_digit.push(digit as i64);
        out.actual_share.push((actual * 1000.0).round() / 10.0);
        out.expected_share.push((expected * 1000.0).round() / 10.0);
        out.cited.push(cited);
    }
    out.frame(group_column).map_err(|e| e.to_string())
}

/// Output columns of the Benford analyzer, one entry per flagged group.
#[derive(Default)]
struct BenfordRows {
    group: Vec<String>,
    n: Vec<i64>,
    chi_square: Vec<f64>,
    p_value: Vec<String>,
    mad: Vec<String>,
    conformity: Vec<String>,
    mad_two: Vec<Option<String>>,
    conformity_two: Vec<Option<String>>,
    excess_digit: Vec<i64>,
    actual_share: Vec<f64>,
    expected_share: Vec<f64>,
    cited: Vec<Vec<String>>,
}

impl BenfordRows {
    fn frame(self, group_column: &str) -> PolarsResult<DataFrame> {
        let cited: ListChunked = self
            .cited
            .iter()
            .map(|c| Some(Series::new(PlSmallStr::EMPTY, c)))
            .collect();
        let columns = vec![
            Column::new(group_column.into(), self.group),
            Column::new("n".into(), self.n),
            Column::new("chi_square".into(), self.chi_square),
            Column::new("p_value".into(), self.p_value),
            Column::new("mad".into(), self.mad),
            Column::new("conformity".into(), self.conformity),
            Column::new("mad_two".into(), self.mad_two),
            Column::new("conformity_two".into(), self.conformity_two),
            Column::new("excess_digit".into(), self.excess_digit),
            Column::new("actual_share".into(), self.actual_share),
            Column::new("expected_share".into(), self.expected_share),
            cited
                .with_name(format!("{SOURCE_PREFIX}_digit").into())
                .into_column(),
        ];
        let height = columns[0].len();
        DataFrame::new(height, columns)
    }
}

/// Robust z-score of `metric_column` among the rows sharing `peer_column`
/// (e.g. villages of one township). Peer groups smaller than `min_peers`
/// or without spread are not scored. `direction` is `high`, `low` or
/// `both`; rows beyond `max_z` in that direction are kept, with the peer
/// count, median, MAD and score added. With `min_ratio` (optional), a row
/// must also be that many times the median (high) or under the median by
/// that factor (low): where peers lie close together, a small difference
/// scores a large z.
fn peer_outlier(input: &DataFrame, params: &Params) -> Result<DataFrame, String> {
    let peer_column = text_param(params, "peer_column")?;
    let metric_column = text_param(params, "metric_column")?;
    let max_z = number_param(params, "max_z")?;
    let min_peers = number_param(params, "min_peers")?;
    let direction = text_param(params, "direction")?;
    if !["high", "low", "both"].contains(&direction) {
        return Err(format!(
            "参数 direction 须为 high、low 或 both，而不是 {direction}"
        ));
    }
    let min_ratio = match params.get("min_ratio") {
        None => 1.0,
        Some(_) => match number_param(params, "min_ratio")? {
            r if r >= 1.0 => r,
            r => return Err(format!("参数 min_ratio 须不小于 1，而不是 {r}")),
        },
    };
    let peers = texts(input, peer_column)?;
    let metric = numbers(input, metric_column)?;
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, (p, m)) in peers.iter().zip(&metric).enumerate() {
        if let (Some(p), Some(_)) = (p, m) {
            groups.entry(p.as_str()).or_default().push(i);
        }
    }
    let mut keep = Vec::new();
    let (mut count, mut median, mut mad, mut score) = (vec![], vec![], vec![], vec![]);
    for rows in groups.values() {
        if (rows.len() as f64) < min_peers {
            continue;
        }
        let values: Vec<f64> = rows.iter().filter_map(|&i| metric[i]).collect();
        let Some(scores) = robust_z(&values) else {
            continue;
        };
        for ((&i, &z), &x) in rows.iter().zip(&scores.z).zip(&values) {
            let high = z > max_z && x >= scores.median * min_ratio;
            let low = z < -max_z && x * min_ratio <= scores.median;
            let flagged = match direction {
                "high" => high,
                "low" => low,
                _ => high || low,
            };
            if flagged {
                keep.push(i as IdxSize);
                count.push(rows.len() as i64);
                median.push(scores.median);
                mad.push(scores.mad);
                score.push((z * 100.0).round() / 100.0);
            }
        }
    }
    let idx = IdxCa::from_vec(PlSmallStr::EMPTY, keep);
    let mut out = input.take(&idx).map_err(|e| e.to_string())?;
    for column in [
        Column::new("peers".into(), count),
        Column::new("peer_median".into(), median),
        Column::new("peer_mad".into(), mad),
        Column::new("robust_z".into(), score),
    ] {
        out.with_column(column).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, toml::Value)]) -> Params {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    /// The built-in peer models' settings: villages of a township, z over
    /// 3.5 upwards, five peers at least.
    fn peer_params(metric: &str) -> Params {
        params(&[
            ("peer_column", "township".into()),
            ("metric_column", metric.into()),
            ("max_z", 3.5.into()),
            ("min_peers", 5.into()),
            ("direction", "high".into()),
        ])
    }

    fn str_col(df: &DataFrame, name: &str) -> Vec<String> {
        df.column(name)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap_or_default().to_string())
            .collect()
    }

    fn f64_col(df: &DataFrame, name: &str) -> Vec<f64> {
        df.column(name)
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .map(|v| v.unwrap())
            .collect()
    }

    /// Village A: 180 amounts with uniform first digits (flagged); village
    /// B: 180 amounts in Benford's proportions (not flagged); village C:
    /// 45 uniform amounts, below the minimum count (not tested).
    #[test]
    fn benford_flags_only_groups_that_are_large_enough_and_off_the_law() {
        let mut groups = Vec::new();
        let mut amounts = Vec::new();
        let mut sources = Vec::new();
        let mut add = |g: &str, d: u32, i: usize| {
            groups.push(g.to_string());
            amounts.push(d as f64 * 100.0 + 17.0);
            sources.push(format!("{g}.csv:{}", i + 2));
        };
        for i in 0..180 {
            add("A", 1 + (i % 9) as u32, i);
        }
        let benford_counts = [54, 32, 22, 17, 14, 12, 10, 10, 9];
        let mut i = 0;
        for (d, &count) in benford_counts.iter().enumerate() {
            for _ in 0..count {
                add("B", d as u32 + 1, i);
                i += 1;
            }
        }
        for i in 0..45 {
            add("C", 1 + (i % 9) as u32, i);
        }
        let df = df!(
            "village_code" => groups,
            "amount" => amounts,
            "_src" => sources,
        )
        .unwrap();
        let p = params(&[
            ("group_column", "village_code".into()),
            ("value_column", "amount".into()),
            ("min_count", 100.into()),
            ("max_mad", 0.015.into()),
            ("alpha", 0.001.into()),
        ]);
        let out = apply(QueryKind::Benford, df.clone(), &p).unwrap();
        assert_eq!(str_col(&out, "village_code"), vec!["A"]);
        assert_eq!(str_col(&out, "conformity"), vec!["不符合"]);
        // Uniform digits: MAD 0.059717 (see xuncha-stats), shown to 4 places.
        assert_eq!(str_col(&out, "mad"), vec!["0.0597"]);
        assert_eq!(str_col(&out, "p_value"), vec!["<0.0001"]);
        // Digit 9: 11.1 % actual against 4.6 % expected is the largest excess.
        let digit = out.column("excess_digit").unwrap().i64().unwrap().get(0);
        assert_eq!(digit, Some(9));
        assert_eq!(f64_col(&out, "actual_share"), vec![11.1]);
        assert_eq!(f64_col(&out, "expected_share"), vec![4.6]);
        let cited = out
            .column("_src_digit")
            .unwrap()
            .list()
            .unwrap()
            .get_as_series(0)
            .unwrap();
        assert_eq!(cited.len(), 20);
        assert_eq!(cited.str().unwrap().get(0), Some("A.csv:10"));
    }

    /// Hand-computed (xuncha-stats): 10, 12, 11, 13, 12, 40 → median 12,
    /// MAD 1, z(40) = 18.886. Township Y has three villages, under the
    /// minimum of five peers.
    #[test]
    fn peer_outlier_scores_within_peer_groups() {
        let df = df!(
            "village_code" => ["a", "b", "c", "d", "e", "f", "x", "y", "z"],
            "township" => ["X", "X", "X", "X", "X", "X", "Y", "Y", "Y"],
            "per_resident" => [10.0, 12.0, 11.0, 13.0, 12.0, 40.0, 1.0, 2.0, 300.0],
        )
        .unwrap();
        let mut p = peer_params("per_resident");
        let out = apply(QueryKind::PeerOutlier, df.clone(), &p).unwrap();
        assert_eq!(str_col(&out, "village_code"), vec!["f"]);
        assert_eq!(f64_col(&out, "robust_z"), vec![18.89]);
        assert_eq!(f64_col(&out, "peer_median"), vec![12.0]);
        assert_eq!(f64_col(&out, "peer_mad"), vec![1.0]);
        assert_eq!(out.column("peers").unwrap().i64().unwrap().get(0), Some(6));
        p.insert("direction".into(), "low".into());
        assert_eq!(
            apply(QueryKind::PeerOutlier, df.clone(), &p)
                .unwrap()
                .height(),
            0
        );
        p.insert("direction".into(), "sideways".into());
        assert!(apply(QueryKind::PeerOutlier, df.clone(), &p)
            .unwrap_err()
            .contains("direction"));
    }

    /// Rates close together (median 5.0, MAD 0.1): 6.7 scores z 11.5 but is
    /// only 1.34 times the median, a lead only without `min_ratio`; 15.9
    /// (3.2 times) is one either way. Low: 2.0 is 2.5 times under it.
    #[test]
    fn peer_outlier_min_ratio_leaves_out_small_differences_of_close_peers() {
        let df = df!(
            "village_code" => ["a", "b", "c", "d", "e", "f", "g", "h"],
            "township" => ["X"; 8],
            "rate" => [4.9, 5.0, 5.1, 5.0, 4.9, 5.1, 6.7, 15.9],
        )
        .unwrap();
        let mut p = peer_params("rate");
        let flagged = |p: &Params, df: &DataFrame| {
            str_col(
                &apply(QueryKind::PeerOutlier, df.clone(), p).unwrap(),
                "village_code",
            )
        };
        assert_eq!(flagged(&p, &df), ["g", "h"]);
        p.insert("min_ratio".into(), 1.5.into());
        assert_eq!(flagged(&p, &df), ["h"]);
        let low = df!(
            "village_code" => ["a", "b", "c", "d", "e", "f", "g", "h"],
            "township" => ["X"; 8],
            "rate" => [4.9, 5.0, 5.1, 5.0, 4.9, 5.1, 4.2, 2.0],
        )
        .unwrap();
        p.insert("direction".into(), "both".into());
        assert_eq!(flagged(&p, &low), ["h"]);
        p.insert("min_ratio".into(), 0.5.into());
        assert!(apply(QueryKind::PeerOutlier, df, &p)
            .unwrap_err()
            .contains("min_ratio"));
    }
}
