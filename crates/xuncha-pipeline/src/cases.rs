//! Model tests as data: the hand-made cases beside a model
//! (`<model>.cases.toml`), each a few export files, the findings expected
//! (subjects and amounts) or none (a hard negative). `xuncha models test`
//! and the workspace test run them, for the built-in library and an
//! analyst's own models alike.
//!
//! ```toml
//! [[case]]
//! name = "超过限额的现金支出"
//! params = { limit = 1000 }                 # optional overrides
//! expect = [{ subject = "PZ1", amount = 1500.0 }]   # [] for a hard negative
//! [case.files]
//! "village_payments.csv" = """
//! 凭证号,村代码,支付日期,收款方,金额,支付方式
//! PZ1,411102001001,2024-01-05,张三,1500,现金
//! """
//! ```
//!
//! Each case also runs on polars' streaming engine (which a county larger
//! than memory, or `--engine streaming`, uses) and must give the same
//! findings there; a model that declares `partition_by` is also run one key
//! value at a time, and must give the same findings as run whole.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::NaiveDate;
use polars::prelude::*;
use serde::Deserialize;
use xuncha_engine::findings::VillageIndex;
use xuncha_engine::{
    run_models, run_queries, stream_query, stream_slices, ModelStatus, Query, RunOptions,
};
use xuncha_ingest::scan::{scan_lake, LakeScan};
use xuncha_ingest::sources::SourceNames;
use xuncha_ingest::{ingest_dir, Ingested, Wanted};
use xuncha_model::Model;
use xuncha_schema::Finding;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cases {
    case: Vec<Case>,
}

/// One hand-made case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    /// "Today" for the model; 2024-12-31 when not given.
    as_of: Option<NaiveDate>,
    #[serde(default)]
    params: BTreeMap<String, toml::Value>,
    /// File name → content; name files after their dataset (`deaths.csv`).
    files: BTreeMap<String, String>,
    /// The findings the case must give, exactly; empty for a hard negative.
    expect: Vec<Expected>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    subject: String,
    amount: Option<f64>,
    /// Words the finding's sentence must contain.
    explain_contains: Option<String>,
}

/// How one case ended.
#[derive(Debug, Clone)]
pub struct CaseOutcome {
    pub name: String,
    /// The case expects findings (otherwise it is a hard negative).
    pub positive: bool,
    /// What did not match; empty when the case passed.
    pub problems: Vec<String>,
}

impl CaseOutcome {
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Run every case of a model; `Ok(None)` when it has no cases file.
pub fn run_cases(model: &Model) -> Result<Option<Vec<CaseOutcome>>, String> {
    let Some(file) = &model.cases else {
        return Ok(None);
    };
    let cases: Cases =
        toml::from_str(&file.text).map_err(|e| format!("{}：{e}", file.path.display()))?;
    cases
        .case
        .iter()
        .map(|c| run_case(model, c))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn param_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn run_case(model: &Model, case: &Case) -> Result<CaseOutcome, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    for (name, text) in &case.files {
        std::fs::write(dir.path().join(name), text).map_err(|e| format!("{name}：{e}"))?;
    }
    let mut data = ingest_dir(dir.path(), None).map_err(|e| e.to_string())?;
    // The case as a lake, for the streaming engine (which scans one).
    let lake = dir.path().join("lake");
    let lake = write_lake(&data, &lake).map_err(|e| format!("无法写出数据湖：{e}"))?;
    // As a run over loaded frames does: the cases check the tokens too.
    data.compact_sources();
    let mut problems: Vec<String> = data
        .errors
        .iter()
        .map(|e| format!("读取失败：{e}"))
        .collect();
    problems.extend(
        data.rejects
            .iter()
            .map(|r| format!("拒收 {} 第 {} 行 {}：{}", r.file, r.row, r.column, r.reason)),
    );
    let opts = RunOptions {
        run_id: "case".into(),
        as_of: case
            .as_of
            .unwrap_or(NaiveDate::from_ymd_opt(2024, 12, 31).expect("valid date")),
        params: case
            .params
            .iter()
            .map(|(k, v)| (format!("{}.{k}", model.spec.id), param_text(v)))
            .collect(),
        threads: Some(1),
    };
    let result = run_models(&[model], &data, &opts, &|_| {});
    if let Some(why) = result.outcomes.first().and_then(|o| not_run(&o.status)) {
        problems.push(format!("模型未正常运行：{why}"));
    }
    problems.extend(streamed_difference(
        model,
        &lake,
        &data,
        &opts,
        &result.findings,
    ));
    problems.extend(sliced_difference(model, &data, &opts, &result.findings));
    let mut found: Vec<&Finding> = result.findings.iter().collect();
    for e in &case.expect {
        match found.iter().position(|f| f.subject_key == e.subject) {
            None => problems.push(format!("应发现 {} 而未发现", e.subject)),
            Some(i) => {
                let f = found.remove(i);
                if let Some(want) = e.amount {
                    if f.amount.is_none_or(|a| (a - want).abs() > 0.005) {
                        problems.push(format!(
                            "{} 的金额为 {:?}，应为 {want}",
                            e.subject, f.amount
                        ));
                    }
                }
                if let Some(words) = &e.explain_contains {
                    if !f.explain.contains(words.as_str()) {
                        problems.push(format!("{} 的说明“{}”不含“{words}”", e.subject, f.explain));
                    }
                }
            }
        }
    }
    problems.extend(
        found
            .iter()
            .map(|f| format!("多发现了 {}：{}", f.subject_key, f.explain)),
    );
    Ok(CaseOutcome {
        name: case.name.clone(),
        positive: !case.expect.is_empty(),
        problems,
    })
}

/// Run `model` on `data` one `partition_by` key value at a time (the
/// strictest slicing, where the streaming engine's slices hold many values
/// each) and say how its findings differ from those of the whole run.
fn sliced_difference(
    model: &Model,
    data: &Ingested,
    opts: &RunOptions,
    whole: &[Finding],
) -> Option<String> {
    let key = model.spec.query.partition_by.as_deref()?;
    let own: Vec<(&String, &DataFrame)> = data
        .datasets
        .iter()
        .filter(|(name, _)| model.spec.datasets.contains(name))
        .collect();
    let mut values = BTreeSet::new();
    for (_, df) in &own {
        let column = df.column(key).and_then(|c| c.cast(&DataType::String));
        if let Ok(column) = column {
            values.extend(column.str().ok()?.iter().map(|v| v.map(str::to_string)));
        }
    }
    if values.is_empty() {
        return None;
    }
    let query = |m: &Model, params: &_| {
        let slices = values.iter().map(|value| {
            let keep = match value {
                Some(v) => col(key).cast(DataType::String).eq(lit(v.clone())),
                None => col(key).is_null(),
            };
            own.iter()
                .map(|(name, df)| ((*name).clone(), (*df).clone().lazy().filter(keep.clone())))
                .collect()
        });
        stream_slices(m, params, opts.as_of, slices)
    };
    let differs = difference(
        model,
        data,
        &data.sources,
        opts,
        whole,
        &query,
        "按 partition_by 分批运行",
    )?;
    Some(format!(
        "{differs}：查询须只在同一 {key} 的行之间分组和关联"
    ))
}

/// Why a model did not run to the end (skipped or failed); `None` if it did.
fn not_run(status: &ModelStatus) -> Option<String> {
    match status {
        ModelStatus::Ok { .. } => None,
        ModelStatus::Skipped { reason } => Some(format!("跳过（{reason}）")),
        ModelStatus::Failed { error } => Some(format!("失败（{error}）")),
    }
}

/// Write each dataset of `data` as `<dataset>.parquet` into `dir`, as
/// `xuncha data lake` does, and scan it as a streaming run does.
fn write_lake(data: &Ingested, dir: &Path) -> Result<LakeScan, String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    for (name, df) in &data.datasets {
        let file = std::fs::File::create(dir.join(format!("{name}.parquet")))
            .map_err(|e| e.to_string())?;
        ParquetWriter::new(file)
            .finish(&mut df.clone())
            .map_err(|e| e.to_string())?;
    }
    let wanted = Wanted {
        datasets: data.datasets.keys().cloned().collect(),
        columns: BTreeMap::new(),
    };
    scan_lake(dir, &wanted).map_err(|e| e.to_string())
}

/// Run `model` over the case's `lake` with polars' streaming engine, as
/// `--engine streaming` (or a county larger than memory) does, and say how
/// its findings differ from those of the in-memory run.
fn streamed_difference(
    model: &Model,
    lake: &LakeScan,
    data: &Ingested,
    opts: &RunOptions,
    whole: &[Finding],
) -> Option<String> {
    let query = |m: &Model, params: &_| stream_query(m, params, opts.as_of, &lake.frames, 1);
    // The lake holds whole source references, not the loaded frames' tokens.
    let names = SourceNames::default();
    difference(model, data, &names, opts, whole, &query, "在流式引擎上运行")
}

/// Run `model` through `query` (`how` it runs; `names` expands its source
/// tokens) and say how its findings differ from `whole`, those of the
/// in-memory run over `data`.
fn difference(
    model: &Model,
    data: &Ingested,
    names: &SourceNames,
    opts: &RunOptions,
    whole: &[Finding],
    query: &Query,
    how: &str,
) -> Option<String> {
    let villages = VillageIndex::new(data.datasets.get("villages"));
    let other = run_queries(&[model], opts, &villages, names, Vec::new(), query, &|_| {});
    let text = |findings: &[Finding]| -> Vec<String> {
        findings
            .iter()
            .map(|f| serde_json::to_string(f).unwrap_or_default())
            .collect()
    };
    if let Some(why) = other.outcomes.first().and_then(|o| not_run(&o.status)) {
        return Some(format!("{how}未正常结束：{why}"));
    }
    if text(&other.findings) == text(whole) {
        return None;
    }
    Some(format!(
        "{how}的结果与在内存中运行不同（{} 条，内存中 {} 条）",
        other.findings.len(),
        whole.len(),
    ))
}
