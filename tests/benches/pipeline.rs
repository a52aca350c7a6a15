//! End-to-end speed: generate a county, then run the whole pipeline over it
//! (read, every model of the library, write findings) and time each stage. `cargo bench -p xuncha-tests`; the scale and format
//! come from `XUNCHA_BENCH_SCALE` (default 1) and `XUNCHA_BENCH_FORMAT`
//! (`messy`, the default, or `parquet`). Prints one line per stage and the
//! peak resident memory of the run (generation left out).

use std::time::Instant;

use chrono::NaiveDate;
use xuncha_model::Library;
use xuncha_pipeline::{run_batch, Quiet, RunRequest};
use xuncha_synth::{generate, OutputFormat};

// The allocator `xuncha` runs with, so that the times and peak are the ones users see.
xuncha_pipeline::use_jemalloc!();

/// Peak resident memory since the last reset, in MB (Linux: `VmHWM`).
fn peak_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024)
}

fn main() {
    // As the CLI: polars' own deprecation notices are not the benchmark's output.
    polars::error::set_warning_function(|message, warning| {
        if !matches!(warning, polars::error::PolarsWarning::Deprecation) {
            eprintln!("polars {warning:?}: {message}");
        }
    });
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

    let out = tempfile::tempdir().expect("temp dir");
    let request = RunRequest {
        data: dir.path().to_path_buf(),
        out: out.path().to_path_buf(),
        library: Library::Embedded,
        extra_models: Vec::new(),
        select: Vec::new(),
        as_of: NaiveDate::from_ymd_opt(2024, 12, 31).expect("date"),
        params: Default::default(),
        threads: None,
        encoding: None,
        store: None,
        report: None,
        required: Vec::new(),
        engine: Default::default(),
    };
    // Reset the peak (Linux `clear_refs`) so that it leaves out generation.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let t = Instant::now();
    let done = run_batch(&request, &Quiet).expect("run");
    let total = t.elapsed().as_secs_f64();
    let s = &done.summary;
    let ms = |v: u64| v as f64 / 1000.0;
    println!(
        "ingest    {} rows in {:.2} s",
        s.rows_accepted,
        ms(done.timings.ingest_ms)
    );
    println!(
        "models    {} models, {} findings in {:.2} s",
        s.models.len(),
        s.findings,
        ms(done.timings.models_ms)
    );
    println!("write     {:.2} s", ms(done.timings.write_ms));
    println!("total     {total:.2} s (read + all models + write findings)");
    let held = s.data_bytes as f64 / (1 << 20) as f64;
    println!("data      {held:.0} MB held by the loaded datasets");
    match peak_mb() {
        Some(mb) => println!(
            "peak      {mb} MB resident (read + models + write), {:.2}x the data",
            mb as f64 / held
        ),
        None => println!("peak      (not known on this system)"),
    }
    for o in &s.models {
        println!("  {:<36} {:>6} ms", o.model_id, o.elapsed_ms);
    }
}
