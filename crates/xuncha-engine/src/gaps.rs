//! Silent gaps: canonical columns a selected model reads that ingest could
//! not fill (no header recognised, or null in every row), datasets whose
//! exports held no row (a header alone) or end long before the data date
//! that models compute with, and registers every village has rows of that
//! leave villages of the directory out. Such a model still runs, but its
//! status says it ran on incomplete data; one whose lead is a subject missing
//! from a dataset without rows (`not_in`) is skipped.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use xuncha_ingest::coverage::{village_gaps, VillageGap, EVERY_VILLAGE};
use xuncha_ingest::TableReport;
use xuncha_model::columns::ModelReads;
use xuncha_model::Model;

pub use xuncha_schema::record_date;

/// A canonical column the data lacks, a dataset without rows or ending long
/// before the data date, or a register lacking villages, and the models
/// that read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    /// `dataset.column`; the dataset alone for a dataset without rows and
    /// for missing villages.
    pub column: String,
    /// 未识别 (no table provided it), 全部为空 (every row is null),
    /// 没有数据行 (the dataset's exports held a header alone), 最晚为 … (its
    /// record dates end long before the data date) or 缺 N 个村 (villages of
    /// the directory the register holds no row of).
    pub problem: String,
    pub models: Vec<String>,
    /// The villages left out, for a register lacking villages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub villages: Option<VillageGap>,
}

impl Gap {
    /// The gaps a run summary recorded (`summary.json`, or the history
    /// store's copy); none where it has none.
    pub fn recorded(summary: &serde_json::Value) -> Vec<Gap> {
        serde_json::from_value(summary["gaps"].clone()).unwrap_or_default()
    }

    /// The dataset of a gap of a dataset without rows (没有数据行), which
    /// skips the models flagging subjects missing from it (`not_in`).
    pub fn without_rows(&self) -> Option<&str> {
        (self.problem == NO_ROWS).then_some(self.column.as_str())
    }

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
        if self.problem.starts_with(LATEST_IS) {
            return format!(
                "{} {}：{first}{more}模型按截至日期计算，导出之后的时间会被当作没有记录\
                 （数据不是截至这一天导出的，请用 --as-of 指定导出日期）",
                self.column, self.problem
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
/// count as the column), derived columns aside. SQL that does not parse
/// counts every name.
pub fn columns_read(model: &Model) -> Vec<(String, String)> {
    let reads = ModelReads::of(model);
    let mut out = Vec::new();
    for d in &model.spec.datasets {
        let Some(spec) = xuncha_schema::dataset(d) else {
            continue;
        };
        // A derived column is empty where nothing called for it: no gap.
        for c in spec.columns.iter().filter(|c| !c.derived) {
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

/// How the problem of a dataset ending before the data date begins.
const LATEST_IS: &str = "最晚为";

/// Days a dataset's [`record_date`] may end before the data
/// date: half a year, so sparse records of a few villages pass.
const STALE_AFTER_DAYS: i64 = 183;

/// The name a count query gives the latest record date of a dataset
/// (of its [`record_date`] column).
pub const LATEST: &str = "__latest";

/// The latest date of a frame's date column.
fn latest_in(frame: &DataFrame, column: &str) -> Option<NaiveDate> {
    let days = (frame.column(column).ok()?.cast(&DataType::Date).ok()?)
        .cast(&DataType::Int32)
        .ok()?;
    let max = days.i32().ok()?.max()?;
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::Duration::days(max.into()))
}

/// Whether a model computes with the data date (its SQL or a view's).
fn uses_as_of(model: &Model) -> bool {
    let sql = model.spec.query.sql.as_deref().unwrap_or_default();
    sql.contains("{as_of}") || (model.views.iter()).any(|v| v.spec.sql.contains("{as_of}"))
}

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
    as_of: NaiveDate,
) -> Vec<Gap> {
    let unrecognised = unrecognised(tables, datasets.keys());
    let problem_of = |d: &str, c: &str| {
        let frame = datasets.get(d)?;
        let what = problem(frame.height(), column_nulls(frame, c))?;
        let known = unrecognised.contains(&(d.to_string(), c.to_string()));
        Some(if known { UNRECOGNISED } else { what })
    };
    let extent_of = |d: &str| {
        let frame = datasets.get(d)?;
        let latest = record_date(d).and_then(|c| latest_in(frame, c));
        Some((frame.height(), latest))
    };
    let villages = village_gaps(datasets);
    assemble(models, problem_of, extent_of, as_of, villages)
}

/// One dataset counted where it lies (a lake scanned here, a cluster): its
/// rows, the nulls of each column read that it has and the latest of its
/// record dates.
#[derive(Debug, Clone)]
pub struct Counted {
    pub rows: usize,
    pub nulls: BTreeMap<String, usize>,
    pub latest: Option<NaiveDate>,
}

impl Counted {
    /// Read the one row a count query gave: [`ROWS`], under each column's
    /// name its nulls and, if asked, the latest record date ([`LATEST`]).
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
            latest: latest_in(row, LATEST),
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
    as_of: NaiveDate,
) -> Vec<Gap> {
    let problem_of = |d: &str, c: &str| {
        let counted = counts.get(d)?;
        problem(counted.rows, counted.nulls.get(c).copied())
    };
    let extent_of = |d: &str| counts.get(d).map(|c| (c.rows, c.latest));
    assemble(
        models,
        problem_of,
        extent_of,
        as_of,
        village_gaps(registers),
    )
}

/// Gaps over a lake scanned, not loaded (the streaming engine): one
/// streaming pass per dataset counts its rows and the nulls of the columns
/// read, and the registers' villages are collected, so no dataset is held.
pub fn find_scanned(
    models: &[&Model],
    frames: &BTreeMap<String, LazyFrame>,
    villages: Option<&DataFrame>,
    as_of: NaiveDate,
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
        if let Some(c) = record_date(d).filter(|c| schema.contains(c)) {
            exprs.push(col(c).max().alias(LATEST));
        }
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
    Ok(from_counts(models, &counts, &registers, as_of))
}

/// Nulls of a loaded frame's column; none for a column it lacks.
fn column_nulls(frame: &DataFrame, column: &str) -> Option<usize> {
    frame.column(column).ok().map(Column::null_count)
}

/// The gaps `problem_of` gives each column the models read (`None` for a
/// dataset not there: its models are skipped), the datasets `extent_of`
/// finds without rows or with record dates ending long before `as_of`
/// (rows, latest record date), then the village gaps.
fn assemble(
    models: &[&Model],
    problem_of: impl Fn(&str, &str) -> Option<&'static str>,
    extent_of: impl Fn(&str) -> Option<(usize, Option<NaiveDate>)>,
    as_of: NaiveDate,
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
    // The ids of the models reading a dataset, of those that `keep`.
    let reading = |dataset: &str, keep: fn(&Model) -> bool| {
        let mut ids: Vec<String> = (models.iter())
            .filter(|m| m.spec.datasets.iter().any(|d| d == dataset) && keep(m))
            .map(|m| m.spec.id.clone())
            .collect();
        ids.sort();
        ids
    };
    let every = |_: &Model| true;
    let read: BTreeSet<&String> = models.iter().flat_map(|m| &m.spec.datasets).collect();
    // Each dataset's extent once: over loaded frames it scans a date column.
    let extents: BTreeMap<&String, (usize, Option<NaiveDate>)> = (read.iter())
        .filter_map(|d| Some((*d, extent_of(d)?)))
        .collect();
    let empty = (extents.iter())
        .filter(|(_, (rows, _))| *rows == 0)
        .map(|(d, _)| Gap {
            column: d.to_string(),
            problem: NO_ROWS.to_string(),
            models: reading(d, every),
            villages: None,
        });
    let ending = extents.iter().filter_map(|(d, (_, latest))| {
        let column = record_date(d)?;
        let latest = (*latest)?;
        let days = (as_of - latest).num_days();
        let computing = reading(d, uses_as_of);
        (days > STALE_AFTER_DAYS && !computing.is_empty()).then(|| Gap {
            column: format!("{d}.{column}"),
            problem: format!("{LATEST_IS} {latest}，比数据截至日期（{as_of}）早 {days} 天"),
            models: computing,
            villages: None,
        })
    });
    let villages = villages.into_iter().filter_map(|gap| {
        let models = reading(&gap.dataset, every);
        (!models.is_empty()).then(|| Gap {
            column: gap.dataset.clone(),
            problem: format!("缺 {} 个村", gap.missing.len()),
            models,
            villages: Some(gap),
        })
    });
    columns.chain(empty).chain(ending).chain(villages).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The data date of the tests.
    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 12, 31).unwrap()
    }

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
        let gaps = find(&[&m], &datasets, &read, day());
        assert_eq!(gaps.len(), 1);
        assert_eq!(gaps[0].column, "benefit_payments.program");
        assert_eq!(gaps[0].problem, "全部为空");
        assert_eq!(gaps[0].models, vec!["t.m"]);
        // No table had a header for it.
        let read = [table("benefit_payments", &["id_number", "amount"])];
        let gaps = find(&[&m], &datasets, &read, day());
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
        let loaded = find(&[&m], &datasets, &read, day());
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
        let scanned = find_scanned(&[&m], &frames, datasets.get("villages"), day()).unwrap();
        assert_eq!(scanned, loaded);
        // Without the directory, no village is known to be missing.
        let scanned = find_scanned(&[&m], &frames, None, day()).unwrap();
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
        let loaded = find(&[&m, &other], &datasets, &read, day());
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
        let scanned = find_scanned(&[&m, &other], &frames, None, day()).unwrap();
        assert_eq!(scanned, loaded);
    }

    #[test]
    fn records_ending_long_before_the_data_date_are_a_gap_of_the_models_computing_with_it() {
        let receipts = r#"["lease_receipts"]"#;
        let due = model_over(
            "SELECT lease_no, amount FROM lease_receipts WHERE receipt_date <= {as_of}",
            receipts,
        );
        let undated = model_over("SELECT lease_no, amount FROM lease_receipts", receipts);
        let dates = ["2023-11-05", "2024-05-20"].map(|d| d.parse::<NaiveDate>().unwrap());
        let frame =
            df!("lease_no" => ["Z1", "Z2"], "amount" => [1.0, 2.0], "receipt_date" => dates)
                .unwrap();
        let datasets = BTreeMap::from([("lease_receipts".to_string(), frame)]);
        let read = [table(
            "lease_receipts",
            &["lease_no", "amount", "receipt_date"],
        )];
        let loaded = find(&[&due, &undated], &datasets, &read, day());
        assert_eq!(loaded.len(), 1, "{loaded:?}");
        assert_eq!(loaded[0].column, "lease_receipts.receipt_date");
        assert_eq!(
            loaded[0].problem,
            "最晚为 2024-05-20，比数据截至日期（2024-12-31）早 225 天"
        );
        let line = loaded[0].to_chinese();
        assert!(line.contains("请用 --as-of 指定导出日期"), "{line}");
        let frames: BTreeMap<String, LazyFrame> = (datasets.iter())
            .map(|(d, f)| (d.clone(), f.clone().lazy()))
            .collect();
        let scanned = find_scanned(&[&due, &undated], &frames, None, day()).unwrap();
        assert_eq!(scanned, loaded);
        // Within half a year of the data date, and for a model not computing
        // with it, the records reach far enough.
        let november = NaiveDate::from_ymd_opt(2024, 11, 15).unwrap();
        assert!(find(&[&due], &datasets, &read, november).is_empty());
        assert!(find(&[&undated], &datasets, &read, day()).is_empty());
    }
}
