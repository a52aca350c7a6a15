//! Reading findings back from the files `xuncha run` wrote.

use std::path::Path;

use polars::prelude::*;
use xuncha_schema::{Finding, Severity};

use crate::WriteError;

fn fail(path: &Path, e: impl std::fmt::Display) -> WriteError {
    WriteError {
        path: path.display().to_string(),
        message: format!("无法读取：{e}"),
    }
}

/// Read findings from `findings.jsonl` or `findings.parquet`.
pub fn read_findings(path: &Path) -> Result<Vec<Finding>, WriteError> {
    if path.extension().is_some_and(|e| e == "jsonl") {
        let text = std::fs::read_to_string(path).map_err(|e| fail(path, e))?;
        return text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).map_err(|e| fail(path, e)))
            .collect();
    }
    let file = std::fs::File::open(path).map_err(|e| fail(path, e))?;
    let df = ParquetReader::new(file)
        .finish()
        .map_err(|e| fail(path, e))?;
    let text = |name: &str| -> Result<StringChunked, WriteError> {
        df.column(name)
            .and_then(|c| c.str().cloned())
            .map_err(|e| fail(path, e))
    };
    let names = [
        "finding_id",
        "run_id",
        "model_id",
        "model_title",
        "category",
        "severity",
        "county",
        "township",
        "village_code",
        "village_name",
        "subject_type",
        "subject_key",
        "subject_name",
        "period_from",
        "period_to",
        "explain",
        "evidence",
        "triage",
    ];
    let cols: Vec<StringChunked> = names.iter().map(|n| text(n)).collect::<Result<_, _>>()?;
    let amount = df
        .column("amount")
        .and_then(|c| c.f64().cloned())
        .map_err(|e| fail(path, e))?;
    let sources = df
        .column("sources")
        .and_then(|c| c.list().cloned())
        .map_err(|e| fail(path, e))?;
    (0..df.height())
        .map(|i| {
            let get = |k: usize| cols[k].get(i).map(str::to_string);
            let req = |k: usize| get(k).unwrap_or_default();
            let srcs: Vec<String> = sources
                .get_as_series(i)
                .and_then(|s| {
                    s.str()
                        .ok()
                        .map(|s| s.iter().flatten().map(str::to_string).collect())
                })
                .unwrap_or_default();
            Ok(Finding {
                finding_id: req(0),
                run_id: req(1),
                model_id: req(2),
                model_title: req(3),
                category: req(4),
                severity: Severity::parse(&req(5))
                    .map_err(|e| fail(path, format!("第 {} 条疑点：{e}", i + 1)))?,
                county: get(6),
                township: get(7),
                village_code: get(8),
                village_name: get(9),
                subject_type: req(10),
                subject_key: req(11),
                subject_name: get(12),
                amount: amount.get(i),
                period_from: get(13),
                period_to: get(14),
                explain: req(15),
                evidence: serde_json::from_str(&req(16)).map_err(|e| fail(path, e))?,
                sources: srcs,
                triage: get(17),
            })
        })
        .collect()
}
