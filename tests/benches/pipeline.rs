//! End-to-end speed: generate a county, then time ingest and every model of
//! the library over it. `cargo bench -p xuncha-tests`; the scale and format
//! come from `XUNCHA_BENCH_SCALE` (default 1) and `XUNCHA_BENCH_FORMAT`
//! (`messy`, the default, or `parquet`). Prints one line per stage.

use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use xuncha_engine::{run_models, RunOptions};
use xuncha_ingest::ingest_dir;
use xuncha_synth::{generate, OutputFormat};

fn main() {
    let scale: f64 = std::env::var("XUNCHA_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let format = match std::env::var("XUNCHA_BENCH_FORMAT").as_deref() {
        Ok("parquet") => OutputFormat::Parquet,
        _ => OutputFormat::Messy,
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let t = Instant::now();
    let report = generate(scale, 1, format, 0, dir.path()).expect("generate");
    let rows: usize = report.rows.iter().map(|r| r.1).sum();
    println!(
        "generate  scale {scale} {format:?}: {rows} rows in {:.2} s",
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let data = ingest_dir(dir.path(), None).expect("ingest");
    let accepted: usize = data.datasets.values().map(|d| d.height()).sum();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "ingest    {accepted} rows in {secs:.2} s ({:.0} rows/s)",
        accepted as f64 / secs
    );

    let models_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../models");
    let (models, _) = xuncha_model::load_dirs(&[models_dir]);
    let selected: Vec<_> = models.iter().collect();
    let opts = RunOptions {
        run_id: "bench".into(),
        as_of: NaiveDate::from_ymd_opt(2024, 12, 31).expect("date"),
        params: Default::default(),
        threads: None,
    };
    let t = Instant::now();
    let result = run_models(&selected, &data, &opts, &|_| {});
    println!(
        "models    {} models, {} findings in {:.2} s",
        selected.len(),
        result.findings.len(),
        t.elapsed().as_secs_f64()
    );
    for o in &result.outcomes {
        println!("  {:<36} {:>6} ms", o.model_id, o.elapsed_ms);
    }
}
