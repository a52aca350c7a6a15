//! Detection quality: findings scored against the planted truth, per model.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use polars::prelude::*;
use serde::Serialize;

use crate::SynthError;

/// Recall and precision of one model (or the total).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Score {
    pub model_id: String,
    /// Planted cases.
    pub planted: usize,
    /// Planted cases with a finding of this model on their subject.
    pub found: usize,
    /// Findings of this model.
    pub findings: usize,
    /// Findings on subjects not planted for this model.
    pub false_positives: usize,
}

impl Score {
    /// found / planted; `None` when nothing was planted.
    pub fn recall(&self) -> Option<f64> {
        (self.planted > 0).then(|| self.found as f64 / self.planted as f64)
    }

    /// (findings − false positives) / findings; `None` without findings.
    pub fn precision(&self) -> Option<f64> {
        (self.findings > 0)
            .then(|| (self.findings - self.false_positives) as f64 / self.findings as f64)
    }
}

/// Read `truth.csv`: model id → planted subject keys.
pub fn read_truth(path: &Path) -> Result<BTreeMap<String, BTreeSet<String>>, SynthError> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|e| SynthError(format!("{}: {e}", path.display())))?;
    let mut truth: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| SynthError(format!("{}: {e}", path.display())))?;
        let (Some(model), Some(subject)) = (record.get(0), record.get(1)) else {
            return Err(SynthError(format!(
                "{}: 每行应有 model_id 和 subject_key",
                path.display()
            )));
        };
        truth
            .entry(model.to_string())
            .or_default()
            .insert(subject.to_string());
    }
    Ok(truth)
}

/// Read (model id, subject key) of every finding in a findings Parquet file.
pub fn read_findings(path: &Path) -> Result<Vec<(String, String)>, SynthError> {
    let fail = |e: PolarsError| SynthError(format!("{}: {e}", path.display()));
    let file =
        std::fs::File::open(path).map_err(|e| SynthError(format!("{}: {e}", path.display())))?;
    let df = ParquetReader::new(file).finish().map_err(fail)?;
    let models = df
        .column("model_id")
        .and_then(|c| c.str().cloned())
        .map_err(fail)?;
    let subjects = df
        .column("subject_key")
        .and_then(|c| c.str().cloned())
        .map_err(fail)?;
    Ok((0..df.height())
        .map(|i| {
            (
                models.get(i).unwrap_or_default().to_string(),
                subjects.get(i).unwrap_or_default().to_string(),
            )
        })
        .collect())
}

/// Score findings against truth: one row per model that was planted or
/// produced findings, sorted by id, then the total.
pub fn score(
    truth: &BTreeMap<String, BTreeSet<String>>,
    findings: &[(String, String)],
) -> (Vec<Score>, Score) {
    let mut by_model: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (m, s) in findings {
        by_model.entry(m).or_default().push(s);
    }
    let empty = BTreeSet::new();
    let models: BTreeSet<&str> = truth
        .keys()
        .map(String::as_str)
        .chain(by_model.keys().copied())
        .collect();
    let rows: Vec<Score> = models
        .into_iter()
        .map(|m| {
            let planted = truth.get(m).unwrap_or(&empty);
            let found_subjects: BTreeSet<&str> = by_model
                .get(m)
                .map(|v| v.iter().copied().collect())
                .unwrap_or_default();
            let findings = by_model.get(m).map_or(0, Vec::len);
            Score {
                model_id: m.to_string(),
                planted: planted.len(),
                found: planted
                    .iter()
                    .filter(|s| found_subjects.contains(s.as_str()))
                    .count(),
                findings,
                false_positives: by_model
                    .get(m)
                    .map_or(0, |v| v.iter().filter(|s| !planted.contains(**s)).count()),
            }
        })
        .collect();
    let total = rows.iter().fold(
        Score {
            model_id: "合计".into(),
            ..Default::default()
        },
        |mut t, r| {
            t.planted += r.planted;
            t.found += r.found;
            t.findings += r.findings;
            t.false_positives += r.false_positives;
            t
        },
    );
    (rows, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recall_and_precision_per_model() {
        let truth: BTreeMap<String, BTreeSet<String>> = [
            (
                "a".to_string(),
                ["1", "2"].iter().map(|s| s.to_string()).collect(),
            ),
            (
                "b".to_string(),
                ["9"].iter().map(|s| s.to_string()).collect(),
            ),
        ]
        .into();
        let findings: Vec<(String, String)> = [("a", "1"), ("a", "1"), ("a", "3"), ("c", "5")]
            .iter()
            .map(|(m, s)| (m.to_string(), s.to_string()))
            .collect();
        let (rows, total) = score(&truth, &findings);
        let a = &rows[0];
        assert_eq!(
            (a.planted, a.found, a.findings, a.false_positives),
            (2, 1, 3, 1)
        );
        assert_eq!(a.recall(), Some(0.5));
        assert!((a.precision().unwrap() - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(rows[1].recall(), Some(0.0));
        assert_eq!(rows[1].precision(), None);
        assert_eq!(rows[2].recall(), None);
        assert_eq!(rows[2].precision(), Some(0.0));
        assert_eq!(
            (
                total.planted,
                total.found,
                total.findings,
                total.false_positives
            ),
            (3, 1, 4, 2)
        );
    }
}
