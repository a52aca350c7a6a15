//! The run summary: what was read, what ran, what was found. Written as
//! `summary.json` and printed in Chinese.

use serde::Serialize;
use xuncha_ingest::links::{link_gaps, LinkGap};
use xuncha_ingest::{Ingested, RejectAction, TableReport};
use xuncha_schema::format_money;

use crate::{ModelOutcome, ModelStatus, RunOptions, RunResult};

/// Rows accepted for one canonical dataset.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetCount {
    pub dataset: String,
    pub title: String,
    pub rows: usize,
}

/// Everything a user or a scheduler needs to know about one run.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    pub run_id: String,
    pub as_of: String,
    pub data_dir: String,
    pub datasets: Vec<DatasetCount>,
    pub tables: Vec<TableReport>,
    pub rows_accepted: usize,
    pub rows_rejected: usize,
    pub values_cleared: usize,
    pub ingest_errors: Vec<String>,
    pub models_run: usize,
    pub models_skipped: usize,
    pub models_failed: usize,
    pub models: Vec<ModelOutcome>,
    /// Columns selected models read that the data lacks, with the models affected.
    pub gaps: Vec<crate::gaps::Gap>,
    /// Exports citing another's numbers most of which it lacks (numbers
    /// written otherwise); counted over loaded data only, none when the
    /// models scanned a lake (streaming, Spark).
    pub links: Vec<LinkGap>,
    pub findings: usize,
    pub amount: f64,
    /// Leads triaged as false positives, left out of the outputs (with a store).
    pub false_positives_hidden: usize,
    /// Rectified leads found again (with a store).
    pub rebounds: usize,
    /// Issue lists were written with ID numbers unmasked (`--unmask`).
    pub unmasked_reports: bool,
    /// Where the model SQL ran: `polars`, or the Spark Connect server.
    pub engine: String,
    /// Bytes the loaded datasets hold in memory; 0 when the models scanned
    /// a lake instead of loading it (streaming, Spark).
    pub data_bytes: usize,
}

impl RunSummary {
    /// Summarize ingest and model results.
    pub fn new(data_dir: &str, data: &Ingested, result: &RunResult, opts: &RunOptions) -> Self {
        let count =
            |f: fn(&ModelStatus) -> bool| result.outcomes.iter().filter(|o| f(&o.status)).count();
        RunSummary {
            run_id: opts.run_id.clone(),
            as_of: opts.as_of.to_string(),
            data_dir: data_dir.to_string(),
            datasets: data
                .datasets
                .iter()
                .map(|(name, df)| DatasetCount {
                    dataset: name.clone(),
                    title: xuncha_schema::dataset(name)
                        .map_or("", |d| d.title)
                        .to_string(),
                    rows: df.height(),
                })
                .collect(),
            tables: data.tables.clone(),
            rows_accepted: data.tables.iter().map(|t| t.rows_accepted).sum(),
            rows_rejected: data.tables.iter().map(|t| t.rows_rejected).sum(),
            values_cleared: data
                .rejects
                .iter()
                .filter(|r| r.action == RejectAction::ValueCleared)
                .count(),
            ingest_errors: data.errors.iter().map(ToString::to_string).collect(),
            models_run: count(|s| matches!(s, ModelStatus::Ok { .. })),
            models_skipped: count(|s| matches!(s, ModelStatus::Skipped { .. })),
            models_failed: count(|s| matches!(s, ModelStatus::Failed { .. })),
            models: result.outcomes.clone(),
            gaps: result.gaps.clone(),
            links: link_gaps(&data.datasets),
            findings: result.findings.len(),
            amount: xuncha_schema::total_amount(&result.findings),
            false_positives_hidden: 0,
            rebounds: 0,
            unmasked_reports: false,
            engine: "polars".to_string(),
            data_bytes: data.held_bytes(),
        }
    }

    /// A short Chinese report for the terminal.
    pub fn to_chinese(&self) -> String {
        let mut out = String::new();
        let push = |out: &mut String, line: String| {
            out.push_str(&line);
            out.push('\n');
        };
        push(
            &mut out,
            format!("运行 {}（数据截至 {}）", self.run_id, self.as_of),
        );
        if self.engine != "polars" {
            push(&mut out, format!("模型 SQL 在 {} 上运行", self.engine));
        }
        push(
            &mut out,
            format!(
                "读取数据集 {} 个，接收 {} 行，剔除 {} 行，置空 {} 个值（明细见 rejects.csv）",
                self.datasets.len(),
                self.rows_accepted,
                self.rows_rejected,
                self.values_cleared
            ),
        );
        for d in &self.datasets {
            push(
                &mut out,
                format!("  {}（{}）：{} 行", d.title, d.dataset, d.rows),
            );
        }
        for e in &self.ingest_errors {
            push(&mut out, format!("  ！{e}"));
        }
        for g in &self.gaps {
            push(&mut out, format!("  ！{}", g.to_chinese()));
        }
        for l in &self.links {
            push(&mut out, format!("  ！{}", l.to_chinese()));
        }
        push(
            &mut out,
            format!(
                "模型：运行 {}，跳过 {}，失败 {}",
                self.models_run, self.models_skipped, self.models_failed
            ),
        );
        for m in &self.models {
            let line = match &m.status {
                ModelStatus::Ok {
                    findings,
                    amount: Some(amount),
                } => {
                    format!(
                        "  {} {}：{} 条疑点，涉及 {} 元",
                        m.model_id,
                        m.title,
                        findings,
                        format_money(*amount)
                    )
                }
                ModelStatus::Ok {
                    findings,
                    amount: None,
                } => format!("  {} {}：{} 条疑点", m.model_id, m.title, findings),
                ModelStatus::Skipped { reason } => {
                    format!("  {} {}：跳过（{}）", m.model_id, m.title, reason)
                }
                ModelStatus::Failed { error } => {
                    format!("  {} {}：失败（{}）", m.model_id, m.title, error)
                }
            };
            // A model that did not run saw no data, complete or not.
            let ran = !matches!(m.status, ModelStatus::Skipped { .. });
            if m.incomplete.is_empty() || !ran {
                push(&mut out, line);
            } else {
                push(
                    &mut out,
                    format!("{line}（数据不完整：{}）", m.incomplete.join("、")),
                );
            }
        }
        push(
            &mut out,
            format!(
                "共 {} 条疑点，涉及金额 {} 元",
                self.findings,
                format_money(self.amount)
            ),
        );
        out
    }
}
