//! End-to-end speed: generate a county, then run the whole pipeline over it
//! (read, every model of the library, write findings) and time each stage.
//! `cargo bench -p xuncha-tests`; the scale and format come from
//! `XUNCHA_BENCH_SCALE` (default 1) and `XUNCHA_BENCH_FORMAT` (`messy`, the
//! default, or `parquet`). The pipeline runs `XUNCHA_BENCH_RUNS` times
//! (default 3), each run in a fresh process as `xuncha run` is (a second run
//! in the same process would find the allocator's pages already touched), and
//! each stage is printed as the median and range of the runs, with the largest
//! peak resident memory of a run (generation left out) and each model's
//! median time: shared machines vary by ±15 % from one run to the next.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use xuncha_model::Library;
use xuncha_pipeline::{run_batch, Quiet, RunRequest};
use xuncha_synth::{generate, OutputFormat};

// The allocator `xuncha` runs with, so that the times and peak are the ones users see.
xuncha_pipeline::use_jemalloc!();

/// Set for a run's own process: the data folder it runs over.
const RUN_OVER: &str = "XUNCHA_BENCH_RUN_OVER";

/// What one run measured, passed from its process as one JSON line.
#[derive(Serialize, Deserialize)]
struct Run {
    rows_accepted: usize,
    findings: usize,
    ingest_ms: u64,
    models_ms: u64,
    write_ms: u64,
    total_ms: u64,
    data_bytes: u64,
    /// Peak resident memory of the run's process, in MB.
    peak_mb: Option<u64>,
    /// Each model's own time, in the library's order.
    models: Vec<(String, u64)>,
}

/// Peak resident memory of this process, in MB (Linux: `VmHWM`).
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
    if let Ok(data) = std::env::var(RUN_OVER) {
        let run = run_once(Path::new(&data));
        println!(
            "{}",
            serde_json::to_string(&run).expect("measurements as JSON")
        );
        return;
    }
    let scale: f64 = setting("XUNCHA_BENCH_SCALE").unwrap_or(1.0);
    let runs: usize = setting("XUNCHA_BENCH_RUNS").unwrap_or(3).max(1);
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
    let measured: Vec<Run> = (0..runs).map(|_| run_in_own_process(dir.path())).collect();
    print_runs(&measured);
}

/// A benchmark setting from the environment, when set and readable.
fn setting<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok().and_then(|s| s.parse().ok())
}

/// Run the pipeline once over `data` in a new process of this benchmark.
fn run_in_own_process(data: &Path) -> Run {
    let output = Command::new(std::env::current_exe().expect("the benchmark's own binary"))
        .env(RUN_OVER, data)
        .stderr(Stdio::inherit())
        .output()
        .expect("start a run");
    assert!(output.status.success(), "a run failed: {}", output.status);
    let line = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(line.trim()).expect("a run's measurements")
}

/// Read, run every model and write findings over `data`, as `xuncha run` does.
fn run_once(data: &Path) -> Run {
    let out = tempfile::tempdir().expect("temp dir");
    let request = RunRequest {
        data: data.to_path_buf(),
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
    let t = Instant::now();
    let done = run_batch(&request, &Quiet).expect("run");
    let total_ms = t.elapsed().as_millis() as u64;
    let s = &done.summary;
    Run {
        rows_accepted: s.rows_accepted,
        findings: s.findings,
        ingest_ms: done.timings.ingest_ms,
        models_ms: done.timings.models_ms,
        write_ms: done.timings.write_ms,
        total_ms,
        data_bytes: s.data_bytes as u64,
        peak_mb: peak_mb(),
        models: s
            .models
            .iter()
            .map(|o| (o.model_id.clone(), o.elapsed_ms))
            .collect(),
    }
}

/// A stage's median and range over the runs, in seconds: `1.87 s (1.80–2.05)`.
fn seconds(runs: &[Run], ms: impl Fn(&Run) -> u64) -> String {
    let values = sorted(runs, ms);
    let s = |v: u64| v as f64 / 1000.0;
    let (first, last) = (values[0], values[values.len() - 1]);
    match values.len() {
        1 => format!("{:.2} s", s(first)),
        _ => format!(
            "{:.2} s ({:.2}–{:.2})",
            s(median(&values)),
            s(first),
            s(last)
        ),
    }
}

/// One measure of every run, smallest first.
fn sorted(runs: &[Run], measure: impl Fn(&Run) -> u64) -> Vec<u64> {
    let mut values: Vec<u64> = runs.iter().map(measure).collect();
    values.sort_unstable();
    values
}

/// The middle of sorted values (the mean of the two middle ones for an even count).
fn median(sorted: &[u64]) -> u64 {
    let n = sorted.len();
    match n % 2 {
        1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

fn print_runs(runs: &[Run]) {
    let first = &runs[0];
    match runs.len() {
        1 => println!("runs      1, in a process of its own"),
        n => println!("runs      {n}, each in a process of its own: median (fastest–slowest)"),
    }
    println!(
        "ingest    {} rows in {}",
        first.rows_accepted,
        seconds(runs, |r| r.ingest_ms)
    );
    println!(
        "models    {} models, {} findings in {}",
        first.models.len(),
        first.findings,
        seconds(runs, |r| r.models_ms)
    );
    println!("write     {}", seconds(runs, |r| r.write_ms));
    println!(
        "total     {} (read + all models + write findings)",
        seconds(runs, |r| r.total_ms)
    );
    let held = first.data_bytes as f64 / (1 << 20) as f64;
    println!("data      {held:.0} MB held by the loaded datasets");
    match runs.iter().filter_map(|r| r.peak_mb).max() {
        Some(mb) => println!(
            "peak      {mb} MB resident (the largest of the runs), {:.2}x the data",
            mb as f64 / held
        ),
        None => println!("peak      (not known on this system)"),
    }
    for (i, (model, _)) in first.models.iter().enumerate() {
        let times = sorted(runs, |r| r.models[i].1);
        println!("  {model:<36} {:>6} ms", median(&times));
    }
}
