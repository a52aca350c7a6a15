//! Same seed, same bytes; another seed, another county.

use std::collections::BTreeMap;
use std::path::Path;

use xuncha_synth::{generate, OutputFormat};

fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_same_seed_gives_byte_identical_files() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let report = generate(0.02, 42, OutputFormat::Messy, 0, a.path()).unwrap();
    generate(0.02, 42, OutputFormat::Messy, 0, b.path()).unwrap();
    generate(0.02, 43, OutputFormat::Messy, 0, c.path()).unwrap();
    let (ca, cb, cc) = (contents(a.path()), contents(b.path()), contents(c.path()));
    assert_eq!(ca.len(), report.files.len());
    assert!(ca.keys().any(|f| f.ends_with(".xlsx")) && ca.keys().any(|f| f.ends_with(".csv")));
    assert_eq!(ca, cb);
    assert_ne!(ca["truth.csv"], cc["truth.csv"]);
    assert_eq!(
        report.rows.len(),
        xuncha_schema::DATASETS.len(),
        "every canonical dataset is generated"
    );
}

#[test]
fn bad_scales_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    assert!(generate(0.0, 1, OutputFormat::Messy, 0, dir.path()).is_err());
    assert!(generate(-1.0, 1, OutputFormat::Parquet, 0, dir.path()).is_err());
}
