//! The store: every run with its inputs, models and findings, diffs
//! between runs, and triage decisions that outlive runs, in one SQLite file.

mod migrations;
mod triage;

use std::collections::HashMap;
use std::path::Path;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use xuncha_schema::{FieldValue, Finding, FINDING_FIELDS};

pub use migrations::{MIGRATIONS, SCHEMA_VERSION};
pub use triage::{
    apply as apply_triage, TriageEffect, TriageEntry, TriageProblem, TriageStatus, TriageUpdate,
};

/// A store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库错误：{0}")]
    Sql(#[from] rusqlite::Error),
    #[error("{0}")]
    Invalid(String),
}

type Result<T> = std::result::Result<T, StoreError>;

/// One input file as it was when a run read it.
#[derive(Debug, Clone, Serialize)]
pub struct InputFile {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

/// One model as it was when a run used it.
#[derive(Debug, Clone, Serialize)]
pub struct ModelRecord {
    pub model_id: String,
    pub file_sha256: String,
    /// ok / skipped / failed.
    pub status: String,
    pub findings: usize,
}

/// Everything recorded about one run besides its findings.
#[derive(Debug, Clone, Serialize)]
pub struct RunRecord {
    pub run_id: String,
    pub started_at: String,
    pub finished_at: String,
    pub as_of: String,
    pub data_dir: String,
    pub exit_code: i32,
    /// Parameter overrides, as JSON.
    pub params: String,
    /// The run summary, as JSON.
    pub summary: String,
    pub inputs: Vec<InputFile>,
    pub models: Vec<ModelRecord>,
}

/// A line of `xuncha history`.
#[derive(Debug, Clone, Serialize)]
pub struct RunRow {
    pub run_id: String,
    pub started_at: String,
    pub finished_at: String,
    pub as_of: String,
    pub data_dir: String,
    pub exit_code: i32,
    pub findings: usize,
    pub inputs: usize,
}

/// Findings of run B against run A.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Diff {
    pub from_run: String,
    pub to_run: String,
    /// In B, not in A.
    pub new: Vec<Finding>,
    /// In both (as found in B).
    pub persisting: Vec<Finding>,
    /// In A, not in B.
    pub resolved: Vec<Finding>,
}

/// Findings columns the store keeps (triage has a table of its own).
fn stored_fields() -> impl Iterator<Item = &'static str> {
    FINDING_FIELDS.iter().copied().filter(|n| *n != "triage")
}

impl Diff {
    /// Per model: (new, persisting, resolved).
    pub fn counts(&self) -> std::collections::BTreeMap<String, [usize; 3]> {
        let mut counts: std::collections::BTreeMap<String, [usize; 3]> = Default::default();
        for (i, list) in [&self.new, &self.persisting, &self.resolved]
            .into_iter()
            .enumerate()
        {
            for f in list {
                counts.entry(f.model_id.clone()).or_default()[i] += 1;
            }
        }
        counts
    }
}

/// The embedded store.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Open (or create) a store and bring its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations::apply(&mut conn)?;
        Ok(Store { conn })
    }

    /// SQLite's own consistency check: `ok` when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// The schema version of the open store.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Record a run and all its findings in one transaction: either all of
    /// it is stored or, if the process dies midway, none of it.
    pub fn record_run(&mut self, run: &RunRecord, findings: &[Finding]) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO runs (run_id, started_at, finished_at, as_of, data_dir, exit_code, params, summary)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![run.run_id, run.started_at, run.finished_at, run.as_of, run.data_dir, run.exit_code, run.params, run.summary],
        )?;
        {
            let mut input = tx.prepare(
                "INSERT INTO run_inputs (run_id, path, size, sha256) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for f in &run.inputs {
                input.execute(params![run.run_id, f.path, f.size as i64, f.sha256])?;
            }
            let mut model = tx.prepare(
                "INSERT INTO run_models (run_id, model_id, file_sha256, status, findings) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for m in &run.models {
                model.execute(params![
                    run.run_id,
                    m.model_id,
                    m.file_sha256,
                    m.status,
                    m.findings as i64
                ])?;
            }
            let names: Vec<&str> = stored_fields().collect();
            let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
            let mut finding = tx.prepare(&format!(
                "INSERT INTO findings ({}) VALUES ({})",
                names.join(", "),
                placeholders.join(", ")
            ))?;
            for f in findings {
                let values = names.iter().map(|name| match f.field(name) {
                    _ if *name == "run_id" => SqlValue::Text(run.run_id.clone()),
                    FieldValue::Text(t) => {
                        t.map_or(SqlValue::Null, |t| SqlValue::Text(t.into_owned()))
                    }
                    FieldValue::Amount(a) => a.map_or(SqlValue::Null, SqlValue::Real),
                    FieldValue::Sources(list) => {
                        SqlValue::Text(serde_json::to_string(list).unwrap_or_default())
                    }
                });
                finding.execute(rusqlite::params_from_iter(values))?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The summary a run recorded (JSON), if the run is known.
    pub fn summary(&self, run_id: &str) -> Result<Option<String>> {
        let summary = (self.conn)
            .query_row(
                "SELECT summary FROM runs WHERE run_id = ?1",
                [run_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(summary)
    }

    /// Runs, oldest first.
    pub fn runs(&self) -> Result<Vec<RunRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT r.run_id, r.started_at, r.finished_at, r.as_of, r.data_dir, r.exit_code,
                    (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.run_id),
                    (SELECT COUNT(*) FROM run_inputs i WHERE i.run_id = r.run_id)
             FROM runs r ORDER BY r.started_at, r.run_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(RunRow {
                run_id: r.get(0)?,
                started_at: r.get(1)?,
                finished_at: r.get(2)?,
                as_of: r.get(3)?,
                data_dir: r.get(4)?,
                exit_code: r.get(5)?,
                findings: r.get::<_, i64>(6)? as usize,
                inputs: r.get::<_, i64>(7)? as usize,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The findings of one run, in the order they were written.
    pub fn findings(&self, run_id: &str) -> Result<Vec<Finding>> {
        let names: Vec<&str> = stored_fields().collect();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {} FROM findings WHERE run_id = ?1 ORDER BY rowid",
            names.join(", ")
        ))?;
        let at = |name: &str| names.iter().position(|n| *n == name);
        let rows = stmt.query_map([run_id], |r| {
            // Columns the store does not keep (triage) read as empty.
            let text =
                |name: &str| at(name).and_then(|i| r.get::<_, Option<String>>(i).ok().flatten());
            let sources: Vec<String> = text("sources")
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or_default();
            let amount = at("amount").map_or(Ok(None), |i| r.get(i))?;
            Finding::from_fields(text, amount, sources).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Run ids by id or the latest two by default.
    pub fn resolve_pair(&self, a: Option<&str>, b: Option<&str>) -> Result<(String, String)> {
        let runs: Vec<String> = self.runs()?.into_iter().map(|r| r.run_id).collect();
        let known = |id: &str| {
            runs.iter()
                .find(|r| r.as_str() == id)
                .cloned()
                .ok_or_else(|| {
                    StoreError::Invalid(format!("没有运行 {id}（xuncha history 列出全部运行）"))
                })
        };
        match (a, b) {
            (Some(a), Some(b)) => Ok((known(a)?, known(b)?)),
            (Some(a), None) => {
                let a = known(a)?;
                let b = runs.last().cloned().unwrap_or_default();
                Ok((a, b))
            }
            _ if runs.len() >= 2 => {
                Ok((runs[runs.len() - 2].clone(), runs[runs.len() - 1].clone()))
            }
            _ => Err(StoreError::Invalid(format!(
                "需要至少两次运行才能比较，库中只有 {} 次",
                runs.len()
            ))),
        }
    }

    /// New, persisting and resolved findings from run `a` to run `b`.
    pub fn diff(&self, a: &str, b: &str) -> Result<Diff> {
        let before = self.findings(a)?;
        let after = self.findings(b)?;
        let in_before: HashMap<&str, ()> =
            before.iter().map(|f| (f.finding_id.as_str(), ())).collect();
        let in_after: HashMap<&str, ()> =
            after.iter().map(|f| (f.finding_id.as_str(), ())).collect();
        let mut diff = Diff {
            from_run: a.to_string(),
            to_run: b.to_string(),
            ..Default::default()
        };
        for f in &after {
            if in_before.contains_key(f.finding_id.as_str()) {
                diff.persisting.push(f.clone());
            } else {
                diff.new.push(f.clone());
            }
        }
        diff.resolved = before
            .into_iter()
            .filter(|f| !in_after.contains_key(f.finding_id.as_str()))
            .collect();
        Ok(diff)
    }

    /// Whether any run produced this finding.
    pub fn knows_finding(&self, finding_id: &str) -> Result<bool> {
        let found: Option<i64> = self
            .conn
            .query_row(
                "SELECT 1 FROM findings WHERE finding_id = ?1 LIMIT 1",
                [finding_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(found.is_some())
    }

    /// When the file at `path` was first seen with this content, over the
    /// unbroken run of recent runs that read it unchanged.
    pub fn unchanged_since(&self, path: &str, sha256: &str) -> Result<Option<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT r.started_at, i.sha256 FROM runs r JOIN run_inputs i ON i.run_id = r.run_id
             WHERE i.path = ?1 ORDER BY r.started_at DESC, r.run_id DESC",
        )?;
        let rows = stmt.query_map([path], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut since = None;
        for row in rows {
            let (started, hash) = row?;
            if hash != sha256 {
                break;
            }
            since = Some(started);
        }
        Ok(since)
    }

    /// Keep the latest `keep` runs; older runs, their inputs and findings go.
    /// Triage decisions are kept.
    pub fn prune(&mut self, keep: usize) -> Result<usize> {
        let runs = self.runs()?;
        let drop: Vec<String> = runs
            .iter()
            .take(runs.len().saturating_sub(keep))
            .map(|r| r.run_id.clone())
            .collect();
        let tx = self.conn.transaction()?;
        for id in &drop {
            for table in ["findings", "run_inputs", "run_models", "runs"] {
                tx.execute(&format!("DELETE FROM {table} WHERE run_id = ?1"), [id])?;
            }
        }
        tx.commit()?;
        Ok(drop.len())
    }
}
