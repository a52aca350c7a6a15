//! Silent gaps: canonical columns a selected model reads that ingest could
//! not fill (no header recognised, or null in every row), datasets whose
//! exports held no row (a header alone), and registers every village has
//! rows of that leave villages of the directory out. Such a model still
//! runs, but its status says it ran on incomplete data.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;
use serde::Serialize;
use xuncha_ingest::coverage::{village_gaps, VillageGap, EVERY_VILLAGE};
use xuncha_ingest::TableReport;
use xuncha_model::columns::ModelReads;
use xuncha_model::Model;

/// A canonical column the data lacks, or a register lacking villages, and
/// the models that read it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// `dataset.column`; the dataset alone for a dataset without rows and
    /// for missing villages.
    pub column: String,
    /// 未识别 (no table provided it), 全部为空 (every row is null),
    /// 没有数据行 (the dataset's exports held a header alone) or 缺 N 个村
    /// (villages of the directory the register holds no row of).
    pub problem: String,
    pub models: Vec<String>,
    /// The villages left out, for a register lacking villages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub villages: Option<VillageGap>,
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
        if let Some(villages) = &self.villages {
            return format!(
                "{}（读取此数据的有 {first}{more}模型）",
                villages.to_chinese()
            );
        }
        if self.problem == NO_ROWS {
            return format!(
                "{} {NO_ROWS}：{first}{more}模型将无法发现与此数据有关的问题\
                 （导出文件只有表头，或每行都被剔除：请核对导出时的查询条件和 rejects.csv）",
                self.column
            );
        }
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

/// The problem of a dataset whose exports held no row.
const NO_ROWS: &str = "没有数据行";

/// Why a column of a dataset of `rows` rows, with `nulls` nulls (`None`:
/// no such column), gives a model nothing to work with, if it does.
fn problem(rows: usize, nulls: Option<usize>) -> Option<&'static str> {
    match nulls {
        None => Some(UNRECOGNISED),
        Some(n) if rows > 0 && n == rows => Some("全部为空"),
        Some(_) => None,
    }
}

/// Canonical columns of `datasets` that none of the `tables` feeding them
/// provided. A lake file holds every canonical column of its dataset: a
/// column of a lake is empty, never unrecognised.
fn unrecognised<'a>(
    tables: &[TableReport],
    datasets: impl IntoIterator<Item = &'a String>,
) -> BTreeSet<(String, String)> {
    let mut provided: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for t in tables {
        if let Some(d) = &t.dataset {
            let cols = provided.entry(d.as_str()).or_default();
            if t.is_lake_file() {
                let spec = xuncha_schema::dataset(d).map_or(&[][..], |s| s.columns);
                cols.extend(spec.iter().map(|c| c.name));
            }
            cols.extend(t.mapping.iter().map(|(c, _)| c.as_str()));
            if let Some(split) = &t.split {
                let cols = provided.entry(split.dataset.as_str()).or_default();
                cols.extend(split.mapping.iter().map(|(c, _)| c.as_str()));
            }
            if t.unpivots_members() {
                provided.entry("relief_members").or_default().extend([
                    "household_id",
                    "id_number",
                    "name",
                    "relation",
                ]);
            }
        }
    }
    let mut out = BTreeSet::new();
    for name in datasets {
        let Some(spec) = xuncha_schema::dataset(name) else {
            continue;
        };
        let have = provided.get(name.as_str());
        for c in spec.columns {
            if have.is_none_or(|h| !h.contains(c.name)) {
                out.insert((name.clone(), c.name.to_string()));
            }
        }
    }
    out
}

/// Gaps of the selected models over the loaded datasets: by column (one
/// counts as 未识别 when no table that fed its dataset had a header for it),
/// then the registers lacking villages, against the models reading them.
pub fn find(
    models: &[&Model],
    datasets: &BTreeMap<String, DataFrame>,
    tables: &[TableReport],
) -> Vec<Gap> {
    let unrecognised = unrecognised(tables, datasets.keys());
    let problem_of = |d: &str, c: &str| {
        let frame = datasets.get(d)?;
        let what = problem(frame.height(), column_nulls(frame, c))?;
        let known = unrecognised.contains(&(d.to_string(), c.to_string()));
        Some(if known { UNRECOGNISED } else { what })
    };
    let rows_of = |d: &str| datasets.get(d).map(DataFrame::height);
    assemble(models, problem_of, rows_of, village_gaps(datasets))
}

/// One dataset counted where it lies (a lake scanned here, a cluster): its
/// rows and the nulls of each column read that it has.
#[derive(Debug, Clone)]
pub struct Counted {
    pub rows: usize,
    pub nulls: BTreeMap<String, usize>,
}

impl Counted {
    /// Read the one row a count query gave: [`ROWS`] and, under each
    /// column's name, its nulls.
    pub fn from_row<'a>(
        row: &DataFrame,
        columns: impl IntoIterator<Item = &'a str>,
    ) -> PolarsResult<Self> {
        let count = |c: &str| -> PolarsResult<usize> {
            let values = row.column(c)?.cast(&DataType::UInt64)?;
            Ok(values.u64()?.get(0).unwrap_or(0) as usize)
        };
        let nulls = (columns.into_iter())
            .map(|c| Ok((c.to_string(), count(c)?)))
            .collect::<PolarsResult<_>>()?;
        Ok(Counted {
            rows: count(ROWS)?,
            nulls,
        })
    }
}

/// The name a count query gives the rows (no canonical column starts with
/// two underscores).
pub const ROWS: &str = "__rows";

/// The canonical columns the models read, by dataset.
pub fn read_by_dataset(models: &[&Model]) -> BTreeMap<String, BTreeSet<String>> {
    let mut read: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for model in models {
        for (d, c) in columns_read(model) {
            read.entry(d).or_default().insert(c);
        }
    }
    read
}

/// The registers every village has rows of ([`EVERY_VILLAGE`]) among the
/// datasets read: their village codes are what a village gap needs.
pub fn registers_read(read: &BTreeMap<String, BTreeSet<String>>) -> Vec<&'static str> {
    (EVERY_VILLAGE.iter().copied())
        .filter(|d| read.contains_key(*d))
        .collect()
}

/// Gaps of the selected models over datasets counted where they lie
/// (`counts`; a dataset not there skips its models), with the `villages`
/// directory and the village codes of the [`EVERY_VILLAGE`] registers read
/// (`registers`, a column `village_code`). A lake holds every canonical
/// column, so a column no export gave is 全部为空 there.
pub fn from_counts(
    models: &[&Model],
    counts: &BTreeMap<String, Counted>,
    registers: &BTreeMap<String, DataFrame>,
) -> Vec<Gap> {
    let problem_of = |d: &str, c: &str| {
        let counted = counts.get(d)?;
        problem(counted.rows, counted.nulls.get(c).copied())
    };
    let rows_of = |d: &str| counts.get(d).map(|c| c.rows);
    assemble(models, problem_of, rows_of, village_gaps(registers))
}

/// Gaps over a lake scanned, not loaded (the streaming engine): one
/// streaming pass per dataset counts its rows and the nulls of the columns
/// read, and the registers' villages are collected, so no dataset is held.
pub fn find_scanned(
    models: &[&Model],
    frames: &BTreeMap<String, LazyFrame>,
    villages: Option<&DataFrame>,
) -> PolarsResult<Vec<Gap>> {
    let read = read_by_dataset(models);
    let registers_read = registers_read(&read);
    let (mut counts, mut registers) = (BTreeMap::new(), BTreeMap::new());
    for (d, columns) in &read {
        let Some(frame) = frames.get(d) else {
            continue;
        };
        let schema = frame.clone().collect_schema()?;
        let present: Vec<&str> = (columns.iter().map(String::as_str))
            .filter(|c| schema.contains(c))
            .collect();
        let mut exprs: Vec<Expr> = (present.iter())
            .map(|c| col(*c).null_count().alias(*c))
            .collect();
        exprs.push(len().alias(ROWS));
        let row = crate::collect_streaming(frame.clone().select(exprs))?;
        counts.insert(d.clone(), Counted::from_row(&row, present)?);
        let register = registers_read.contains(&d.as_str());
        if register && villages.is_some() && schema.contains("village_code") {
            let codes =
                (frame.clone().select([col("village_code")])).unique(None, UniqueKeepStrategy::Any);
            registers.insert(d.clone(), crate::collect_streaming(codes)?);
        }
    }
    if let Some(villages) = villages {
        registers.insert("villages".to_string(), villages.clone());
    }
    Ok(from_counts(models, &counts, &registers))
}

/// Nulls of a loaded frame's column; none for a column it lacks.
fn column_nulls(frame: &DataFrame, column: &str) -> Option<usize> {
    frame.column(column).ok().map(Column::null_count)
}

/// The gaps `problem_of` gives each column the models read (`None` for a
/// dataset not there: its models are skipped), the datasets `rows_of` finds
/// without rows, then the village gaps.
fn assemble(
    models: &[&Model],
    problem_of: impl Fn(&str, &str) -> Option<&'static str>,
    rows_of: impl Fn(&str) -> Option<usize>,
    villages: Vec<VillageGap>,
) -> Vec<Gap> {
    let mut gaps: BTreeMap<(String, &'static str), Vec<String>> = BTreeMap::new();
    for model in models {
        for (d, c) in columns_read(model) {
            if let Some(what) = problem_of(&d, &c) {
                gaps.entry((format!("{d}.{c}"), what))
                    .or_default()
                    .push(model.spec.id.clone());
            }
        }
    }
    let columns = gaps.into_iter().map(|((column, problem), mut models)| {
        models.sort();
        models.dedup();
        Gap {
            column,
            problem: problem.to_string(),
            models,
            villages: None,
        }
    });
    let reading = |dataset: &str| {
        let mut ids: Vec<String> = (models.iter())
            .filter(|m| m.spec.datasets.iter().any(|d| d == dataset))
            .map(|m| m.spec.id.clone())
            .collect();
        ids.sort();
        ids
    };
    let read: BTreeSet<&String> = models.iter().flat_map(|m| &m.spec.datasets).collect();
    let empty = (read.into_iter())
        .filter(|d| rows_of(d) == Some(0))
        .map(|d| Gap {
            column: d.clone(),
            problem: NO_ROWS.to_string(),
            models: reading(d),
            villages: None,
        });
    let villages = villages.into_iter().filter_map(|gap| {
        let models = reading(&gap.dataset);
        (!models.is_empty()).then(|| Gap {
            column: gap.dataset.clone(),
            problem: format!("缺 {} 个村", gap.missing.len()),
            models,
            villages: Some(gap),
        })
    });
    columns.chain(empty).chain(villages).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn model(sql: &str) -> Model {
        model_over(sql, r#"["benefit_payments"]"#)
    }

    fn model_over(sql: &str, datasets: &str) -> Model {
        let text = format!(
            r#"id = "t.m"
title = "t"
category = "民政"
severity = "low"
description = "d"
basis = "b"
datasets = {datasets}
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

    /// A table read into `dataset` that had a header for `columns`.
    fn table(dataset: &str, columns: &[&str]) -> TableReport {
        TableReport {
            dataset: Some(dataset.to_string()),
            mapping: (columns.iter())
                .map(|c| (c.to_string(), format!("{c}列")))
                .collect(),
            ..Default::default()
        }
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
        let read = [table(
            "benefit_payments",
            &["id_number", "program", "amount"],
        )];
        let gaps = find(&[&m], &datasets, &read);
        assert_eq!(gaps.len(), 1);
        assert_eq!(gaps[0].column, "benefit_payments.program");
        assert_eq!(gaps[0].problem, "全部为空");
        assert_eq!(gaps[0].models, vec!["t.m"]);
        // No table had a header for it.
        let read = [table("benefit_payments", &["id_number", "amount"])];
        let gaps = find(&[&m], &datasets, &read);
        assert_eq!(gaps[0].problem, "未识别");
        let line = gaps[0].to_chinese();
        assert!(
            line.contains("benefit_payments.program 未识别：t.m"),
            "{line}"
        );
        assert!(line.contains("catalog.toml"), "{line}");
    }

    #[test]
    fn a_register_lacking_villages_is_a_gap_loaded_or_scanned() {
        let m = model_over(
            "SELECT p.id_number, p.amount FROM benefit_payments p \
             JOIN residents r ON r.id_number = p.id_number",
            r#"["benefit_payments", "residents"]"#,
        );
        let datasets = BTreeMap::from([
            (
                "villages".to_string(),
                df!("village_code" => ["411102001001", "411102001002"],
                    "village_name" => ["东村", "西村"])
                .unwrap(),
            ),
            (
                "residents".to_string(),
                df!("id_number" => ["1", "2"],
                    "village_code" => [Some("411102001001"), None])
                .unwrap(),
            ),
            (
                "benefit_payments".to_string(),
                df!("id_number" => ["1", "2"], "amount" => [None::<f64>, None]).unwrap(),
            ),
        ]);
        let read = [
            table("benefit_payments", &["id_number", "amount"]),
            table("residents", &["id_number", "village_code"]),
        ];
        let loaded = find(&[&m], &datasets, &read);
        let columns: Vec<(&str, &str)> = (loaded.iter())
            .map(|g| (g.column.as_str(), g.problem.as_str()))
            .collect();
        assert_eq!(
            columns,
            [
                ("benefit_payments.amount", "全部为空"),
                ("residents", "缺 1 个村")
            ]
        );
        let gap = &loaded[1];
        assert_eq!(gap.models, ["t.m"]);
        let line = gap.to_chinese();
        assert!(line.contains("缺 西村（411102001002）"), "{line}");
        assert!(line.contains("读取此数据的有 t.m 模型"), "{line}");
        // Scanned instead of loaded: the same gaps from the counts.
        let frames: BTreeMap<String, LazyFrame> = (datasets.iter())
            .map(|(d, f)| (d.clone(), f.clone().lazy()))
            .collect();
        let scanned = find_scanned(&[&m], &frames, datasets.get("villages")).unwrap();
        assert_eq!(scanned, loaded);
        // Without the directory, no village is known to be missing.
        let scanned = find_scanned(&[&m], &frames, None).unwrap();
        assert_eq!(scanned.len(), 1);
    }

    #[test]
    fn a_dataset_without_rows_is_a_gap_loaded_or_scanned() {
        let m = model_over(
            "SELECT p.id_number, p.amount FROM benefit_payments p \
             JOIN deaths d ON d.id_number = p.id_number",
            r#"["benefit_payments", "deaths"]"#,
        );
        let other = model("SELECT id_number, amount FROM benefit_payments");
        let datasets = BTreeMap::from([
            (
                "benefit_payments".to_string(),
                df!("id_number" => ["1"], "amount" => [1.0]).unwrap(),
            ),
            (
                "deaths".to_string(),
                df!("id_number" => Vec::<String>::new()).unwrap(),
            ),
        ]);
        let read = [
            table("benefit_payments", &["id_number", "amount"]),
            table("deaths", &["id_number"]),
        ];
        let loaded = find(&[&m, &other], &datasets, &read);
        assert_eq!(loaded.len(), 1, "{loaded:?}");
        assert_eq!(
            (loaded[0].column.as_str(), loaded[0].problem.as_str()),
            ("deaths", "没有数据行")
        );
        assert_eq!(loaded[0].models, ["t.m"]);
        let line = loaded[0].to_chinese();
        assert!(
            line.starts_with("deaths 没有数据行：t.m 模型将无法发现与此数据有关的问题"),
            "{line}"
        );
        let frames: BTreeMap<String, LazyFrame> = (datasets.iter())
            .map(|(d, f)| (d.clone(), f.clone().lazy()))
            .collect();
        let scanned = find_scanned(&[&m, &other], &frames, None).unwrap();
        assert_eq!(scanned, loaded);
    }
}
