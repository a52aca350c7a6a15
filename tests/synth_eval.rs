//! Detection quality on a generated county: every model of the library runs
//! over the full ingest path and must find every planted problem (recall
//! 1.0) while flagging almost nothing else (precision ≥ 0.98). A model
//! added to the library inherits this test by being planted in the generator.

use std::path::Path;

use chrono::NaiveDate;
use xuncha_engine::ModelStatus;
use xuncha_ingest::ingest_dir;
use xuncha_model::Library;
use xuncha_pipeline::{run_batch, Quiet, RunRequest};
use xuncha_synth::eval::{read_truth, score};
use xuncha_synth::{generate, OutputFormat};

fn check(format: OutputFormat, wording: u32, dir: &Path) {
    generate(0.05, 11, format, wording, dir).unwrap();
    let data = ingest_dir(dir, None).unwrap();
    assert!(
        data.errors.is_empty(),
        "wording {wording}: {:?}",
        data.errors
    );
    for t in &data.tables {
        if t.dataset.is_some() {
            assert!(
                t.rows_balance(),
                "wording {wording}: rows not accounted for: {t:?}"
            );
        }
        assert!(
            t.unknown_labels.is_empty(),
            "wording {wording}: labels no vocabulary knows in {}: {:?}",
            t.file,
            t.unknown_labels
        );
    }
    if format == OutputFormat::Messy {
        assert_eq!(
            data.rejects.len(),
            6,
            "only the deliberately broken rows: {:?}",
            data.rejects
        );
    }
    // The whole pipeline, as `xuncha run` runs it.
    let out = tempfile::tempdir().unwrap();
    let request = RunRequest {
        data: dir.to_path_buf(),
        out: out.path().to_path_buf(),
        library: Library::Embedded,
        extra_models: Vec::new(),
        select: Vec::new(),
        as_of: NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
        params: Default::default(),
        threads: None,
        encoding: None,
        store: None,
        report: None,
        required: Vec::new(),
        engine: Default::default(),
    };
    let done = run_batch(&request, &Quiet).unwrap();
    for o in &done.summary.models {
        assert!(matches!(o.status, ModelStatus::Ok { .. }), "{o:?}");
    }
    let findings = xuncha_report::read::read_findings(&out.path().join("findings.jsonl")).unwrap();
    let (models, _) = xuncha_model::load_library(&Library::Embedded, &[]);
    let truth = read_truth(&dir.join("truth.csv")).unwrap();
    let found: Vec<(String, String)> = findings
        .iter()
        .map(|f| (f.model_id.clone(), f.subject_key.clone()))
        .collect();
    let (rows, _) = score(&truth, &found);
    for m in &models {
        let s = rows
            .iter()
            .find(|s| s.model_id == m.spec.id)
            .unwrap_or_else(|| panic!("{} is not planted", m.spec.id));
        assert!(
            s.planted >= 2,
            "{} has too few planted cases: {s:?}",
            m.spec.id
        );
        assert_eq!(s.recall(), Some(1.0), "wording {wording}: {s:?}");
        assert!(s.precision().unwrap() >= 0.98, "wording {wording}: {s:?}");
    }
}

#[test]
fn every_model_finds_its_planted_cases_in_messy_exports() {
    let dir = tempfile::tempdir().unwrap();
    check(OutputFormat::Messy, 0, dir.path());
}

/// Other counties word the same exports differently: headers, file names and
/// value labels drawn from the wording corpus. Recognition must not care.
#[test]
fn every_model_finds_its_planted_cases_whatever_the_wording() {
    for wording in [1, 2, 3, 4, 5] {
        let dir = tempfile::tempdir().unwrap();
        check(OutputFormat::Messy, wording, dir.path());
    }
}

#[test]
fn every_model_finds_its_planted_cases_in_canonical_parquet() {
    let dir = tempfile::tempdir().unwrap();
    check(OutputFormat::Parquet, 0, dir.path());
}
