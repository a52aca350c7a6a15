//! Silent gaps: canonical columns a selected model reads that ingest could
//! not fill (no header recognised, or null in every row). Such a model still
//! runs, but its status says it ran on incomplete data.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;
use serde::Serialize;
use xuncha_model::columns::ModelReads;
use xuncha_model::Model;

/// A canonical column the data lacks, and the models that read it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// `dataset.column`.
    pub column: String,
    /// 未识别 (no table provided it) or 全部为空 (every row is null).
    pub problem: String,
    pub models: Vec<String>,
}

impl Gap {
    /// The console line: what is missing, which models it blinds, and for a
    /// column no header gave, how the catalog can supply it.
    pub fn to_chinese(&self) -> String {
        let first = self.models.first().map_or("", String::as_str);
        let more = if self.models.len() > 1 {
            format!(" 等 {} 个", self.models.len())
        } else {
            " ".to_string()
        };
        let hint = if self.problem == UNRECOGNISED {
            "（表头写法不同的，可在 catalog.toml 的 columns 中指明；文件中每行取值相同的，\
             如只含一个救助项目的发放表，可用 constants 给出）"
        } else {
            ""
        };
        format!(
            "{} {}：{first}{more}模型将无法发现与此列有关的问题{hint}",
            self.column, self.problem
        )
    }
}

/// The canonical `(dataset, column)` pairs a model reads: every column of its
/// datasets named in its SQL (or its views') through that dataset, a bare
/// name or a CTE, or named in its parameters (`<col>_valid` and `<col>_raw`
/// count as the column). SQL that does not parse counts every name.
pub fn columns_read(model: &Model) -> Vec<(String, String)> {
    let reads = ModelReads::of(model);
    let mut out = Vec::new();
    for d in &model.spec.datasets {
        let Some(spec) = xuncha_schema::dataset(d) else {
            continue;
        };
        for c in spec.columns {
            let names = [
                c.name.to_string(),
                format!("{}_valid", c.name),
                format!("{}_raw", c.name),
            ];
            if names.iter().any(|n| reads.names(d, n)) {
                out.push((d.clone(), c.name.to_string()));
            }
        }
    }
    out
}

/// The problem of a column no table had a header for.
const UNRECOGNISED: &str = "未识别";

/// Why a column of a loaded dataset gives a model nothing to work with, if it does.
fn problem(frame: &DataFrame, column: &str) -> Option<&'static str> {
    match frame.column(column) {
        Err(_) => Some(UNRECOGNISED),
        Ok(c) if frame.height() > 0 && c.null_count() == frame.height() => Some("全部为空"),
        Ok(_) => None,
    }
}

/// Gaps of the selected models over the loaded datasets, by column. A column
/// counts as 未识别 when no table that fed its dataset had a header for it.
pub fn find(
    models: &[&Model],
    datasets: &BTreeMap<String, DataFrame>,
    unrecognised: &BTreeSet<(String, String)>,
) -> Vec<Gap> {
    let mut gaps: BTreeMap<(String, &'static str), Vec<String>> = BTreeMap::new();
    for model in models {
        for (d, c) in columns_read(model) {
            let Some(frame) = datasets.get(&d) else {
                continue;
            };
            let Some(mut what) = problem(frame, &c) else {
                continue;
            };
            if unrecognised.contains(&(d.clone(), c.clone())) {
                what = UNRECOGNISED;
            }
            gaps.entry((format!("{d}.{c}"), what))
                .or_default()
                .push(model.spec.id.clone());
        }
    }
    gaps.into_iter()
        .map(|((column, problem), mut models)| {
            models.sort();
            models.dedup();
            Gap {
                column,
                problem: problem.to_string(),
                models,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn model(sql: &str) -> Model {
        let text = format!(
            r#"id = "t.m"
title = "t"
category = "民政"
severity = "low"
description = "d"
basis = "b"
datasets = ["benefit_payments"]
[params]
programs = ["高龄津贴"]
[query]
sql = """{sql}"""
[finding]
subject = "id_number"
explain = "x"
"#
        );
        Model::parse(Path::new("t.toml"), &text).unwrap()
    }

    #[test]
    fn columns_named_in_sql_are_read() {
        let m = model("SELECT id_number, amount FROM benefit_payments WHERE program IN ({programs}) AND id_number_valid");
        let cols = columns_read(&m);
        assert!(cols.contains(&("benefit_payments".into(), "program".into())));
        assert!(cols.contains(&("benefit_payments".into(), "id_number".into())));
        assert!(!cols.contains(&("benefit_payments".into(), "bank_account".into())));
    }

    #[test]
    fn null_and_unrecognised_columns_are_gaps() {
        let m = model("SELECT id_number, program, amount FROM benefit_payments");
        let frame = df!(
            "id_number" => ["1", "2"],
            "program" => [None::<&str>, None],
            "amount" => [1.0, 2.0],
        )
        .unwrap();
        let datasets = BTreeMap::from([("benefit_payments".to_string(), frame)]);
        let gaps = find(&[&m], &datasets, &BTreeSet::new());
        assert_eq!(gaps.len(), 1);
        assert_eq!(gaps[0].column, "benefit_payments.program");
        assert_eq!(gaps[0].problem, "全部为空");
        assert_eq!(gaps[0].models, vec!["t.m"]);
        let unrecognised =
            BTreeSet::from([("benefit_payments".to_string(), "program".to_string())]);
        let gaps = find(&[&m], &datasets, &unrecognised);
        assert_eq!(gaps[0].problem, "未识别");
        let line = gaps[0].to_chinese();
        assert!(
            line.contains("benefit_payments.program 未识别：t.m"),
            "{line}"
        );
        assert!(line.contains("catalog.toml"), "{line}");
    }
}
