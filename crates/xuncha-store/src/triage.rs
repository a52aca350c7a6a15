//! Triage: what the patrol group decided about a lead. Decisions are keyed
//! by finding id, so they outlive runs; every change is kept in history.

use std::collections::HashMap;

use rusqlite::params;
use serde::Serialize;

use crate::{Result, Store};

/// Verification status of a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TriageStatus {
    /// 待核实
    Open,
    /// 已核实
    Confirmed,
    /// 误报
    FalsePositive,
    /// 已整改
    Rectified,
}

impl TriageStatus {
    /// Parse the English or Chinese name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim() {
            "open" | "待核实" => Self::Open,
            "confirmed" | "已核实" | "属实" => Self::Confirmed,
            "false_positive" | "误报" | "不属实" => Self::FalsePositive,
            "rectified" | "已整改" => Self::Rectified,
            _ => return None,
        })
    }

    /// English name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Confirmed => "confirmed",
            Self::FalsePositive => "false_positive",
            Self::Rectified => "rectified",
        }
    }

    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "待核实",
            Self::Confirmed => "已核实",
            Self::FalsePositive => "误报",
            Self::Rectified => "已整改",
        }
    }
}

/// The current decision about one finding.
#[derive(Debug, Clone, Serialize)]
pub struct TriageEntry {
    pub finding_id: String,
    pub status: TriageStatus,
    pub note: String,
    pub by: String,
    pub at: String,
}

/// A decision to record.
#[derive(Debug, Clone)]
pub struct TriageUpdate {
    pub finding_id: String,
    /// As written by the user; checked before anything is stored.
    pub status: String,
    pub note: String,
    pub by: String,
    /// Where it came from (e.g. `file.csv:12`), for problem reports.
    pub origin: String,
}

/// Why an update was refused.
#[derive(Debug, Clone, Serialize)]
pub struct TriageProblem {
    pub origin: String,
    pub finding_id: String,
    pub reason: String,
}

impl Store {
    /// Record decisions, all or none: an unknown finding id or an invalid
    /// status refuses the whole batch and every problem is returned.
    pub fn triage(
        &mut self,
        updates: &[TriageUpdate],
        at: &str,
    ) -> Result<std::result::Result<usize, Vec<TriageProblem>>> {
        let mut problems = Vec::new();
        let mut valid = Vec::new();
        for u in updates {
            let problem = |reason: String| TriageProblem {
                origin: u.origin.clone(),
                finding_id: u.finding_id.clone(),
                reason,
            };
            match TriageStatus::parse(&u.status) {
                None => problems.push(problem(format!(
                    "无效的核实状态“{}”，可用：待核实、已核实、误报、已整改",
                    u.status
                ))),
                Some(_) if !self.knows_finding(&u.finding_id)? => {
                    problems.push(problem("库中没有这个疑点编号".to_string()))
                }
                Some(status) => valid.push((u, status)),
            }
        }
        if !problems.is_empty() {
            return Ok(Err(problems));
        }
        let tx = self.conn.transaction()?;
        for (u, status) in &valid {
            tx.execute(
                "INSERT INTO triage (finding_id, status, note, by, at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(finding_id) DO UPDATE SET status = ?2, note = ?3, by = ?4, at = ?5",
                params![u.finding_id, status.as_str(), u.note, u.by, at],
            )?;
            tx.execute(
                "INSERT INTO triage_history (finding_id, status, note, by, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![u.finding_id, status.as_str(), u.note, u.by, at],
            )?;
        }
        tx.commit()?;
        Ok(Ok(valid.len()))
    }

    /// Current decisions by finding id.
    pub fn triage_map(&self) -> Result<HashMap<String, TriageEntry>> {
        let mut stmt = self
            .conn
            .prepare("SELECT finding_id, status, note, by, at FROM triage")?;
        let rows = stmt.query_map([], entry_from_row)?;
        let mut out = HashMap::new();
        for row in rows {
            let e = row?;
            out.insert(e.finding_id.clone(), e);
        }
        Ok(out)
    }

    /// Every change ever made to one finding's triage, oldest first.
    pub fn triage_history(&self, finding_id: &str) -> Result<Vec<TriageEntry>> {
        let mut stmt =
            self.conn.prepare("SELECT finding_id, status, note, by, at FROM triage_history WHERE finding_id = ?1 ORDER BY id")?;
        let rows = stmt.query_map([finding_id], entry_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// A decision from a `finding_id, status, note, by, at` row.
fn entry_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TriageEntry> {
    let status: String = r.get(1)?;
    Ok(TriageEntry {
        finding_id: r.get(0)?,
        status: TriageStatus::parse(&status).unwrap_or(TriageStatus::Open),
        note: r.get(2)?,
        by: r.get(3)?,
        at: r.get(4)?,
    })
}

/// What triage did to a run's findings.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TriageEffect {
    /// Leads marked false positive, left out of human outputs.
    pub false_positives_hidden: usize,
    /// Rectified leads found again (反弹).
    pub rebounds: usize,
}

/// Apply decisions to a run's findings: false positives are left out,
/// the others carry their status, and a rectified lead found by a run that
/// started after the decision is marked 反弹.
pub fn apply(
    findings: Vec<crate::Finding>,
    decisions: &HashMap<String, TriageEntry>,
    run_started: &str,
) -> (Vec<crate::Finding>, TriageEffect) {
    let mut effect = TriageEffect::default();
    let mut visible = Vec::with_capacity(findings.len());
    for mut f in findings {
        match decisions.get(&f.finding_id) {
            Some(d) if d.status == TriageStatus::FalsePositive => {
                effect.false_positives_hidden += 1;
                continue;
            }
            Some(d) if d.status == TriageStatus::Rectified && d.at.as_str() < run_started => {
                effect.rebounds += 1;
                f.triage = Some("反弹".to_string());
            }
            Some(d) => f.triage = Some(d.status.label().to_string()),
            None => f.triage = Some(TriageStatus::Open.label().to_string()),
        }
        visible.push(f);
    }
    (visible, effect)
}
