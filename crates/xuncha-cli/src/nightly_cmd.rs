//! `xuncha nightly --config nightly.toml`: the unattended cross-department
//! check. One run at a time (a lock beside the store), inputs checked for
//! freshness, history kept to a retention, a JSON summary for the scheduler.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use xuncha_schema::config_message::located;
use xuncha_store::{Diff, RunRow, Store};

use xuncha_model::Library;
use xuncha_pipeline::lock::Lock;
use xuncha_pipeline::{run_batch, Quiet, ReportRequest, RunRequest};
use xuncha_report::issues::GroupBy;

use crate::store_cmd::{Recorded, LOOKBACK_RUNS};
use crate::{Exit, Failure};

/// `nightly.toml`. Relative paths are relative to the file's folder.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NightlyConfig {
    data: PathBuf,
    store: PathBuf,
    out: PathBuf,
    /// Analysts' model folders, besides the built-in library.
    #[serde(default)]
    models: Vec<PathBuf>,
    /// The built-in library (default `models`).
    builtin_models: Option<PathBuf>,
    #[serde(default)]
    select: Vec<String>,
    /// Runs kept in the store.
    #[serde(default = "default_keep")]
    keep_runs: usize,
    /// Warn when an input file has not changed for this many days.
    #[serde(default = "default_stale")]
    stale_after_days: i64,
    /// Datasets without which the run fails.
    #[serde(default)]
    required: Vec<String>,
}

fn default_keep() -> usize {
    30
}

fn default_stale() -> i64 {
    7
}

#[derive(clap::Args)]
pub struct NightlyArgs {
    /// 配置文件
    #[arg(long, value_name = "FILE", default_value = "nightly.toml")]
    config: PathBuf,
}

pub fn nightly(args: NightlyArgs) -> Result<(), Failure> {
    let text = std::fs::read_to_string(&args.config)
        .map_err(|e| Failure::from(format!("{}：{e}", args.config.display())))?;
    let config: NightlyConfig = toml::from_str(&text)
        .map_err(|e| Failure::from(format!("{}：{}", args.config.display(), located(&text, &e))))?;
    let base = args.config.parent().unwrap_or(Path::new(".")).to_path_buf();
    let at = |p: &Path| {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            base.join(p)
        }
    };
    let store_path = at(&config.store);
    let out = at(&config.out);
    let _lock = Lock::acquire(
        store_path.with_extension("lock"),
        Exit::Locked,
        "另一个夜间任务正在运行",
    )?;
    let request = RunRequest {
        data: at(&config.data),
        out: out.clone(),
        library: match config.builtin_models.as_deref() {
            Some(dir) => Library::Dir(at(dir)),
            None => Library::Embedded,
        },
        extra_models: config.models.iter().map(|p| at(p)).collect(),
        select: config.select.clone(),
        as_of: chrono::Local::now().date_naive(),
        params: Default::default(),
        threads: None,
        encoding: None,
        store: Some(store_path.clone()),
        report: Some(ReportRequest {
            by: GroupBy::Township,
            unmask: false,
        }),
        required: config.required.clone(),
        engine: Default::default(),
    };
    let report = |value: serde_json::Value| -> Result<(), Failure> {
        xuncha_schema::create_output_dir(&out)?;
        xuncha_report::write_json(&value, &out.join("nightly.json"))?;
        Ok(())
    };
    let done = match run_batch(&request, &Quiet) {
        Ok(done) => done,
        Err(f) => {
            report(
                serde_json::json!({ "status": "failed", "exit_code": f.code.code(), "error": f.message }),
            )?;
            return Err(f);
        }
    };
    let mut store = Store::open(&store_path)?;
    let now = chrono::Local::now();
    let mut warnings = Vec::new();
    for input in &done.inputs {
        if let Some(since) = store.unchanged_since(&input.path, &input.sha256)? {
            let days = chrono::DateTime::parse_from_rfc3339(&since)
                .map_or(0, |t| (now.fixed_offset() - t).num_days());
            if days > config.stale_after_days {
                warnings.push(format!("{} 已 {days} 天未更新（自 {since}）", input.path));
            }
        }
    }
    // Data the models could not see (a column, a register's villages):
    // a night's lead that vanished may have vanished with it.
    warnings.extend(done.summary.gaps.iter().map(|g| g.to_chinese()));
    warnings.extend(done.summary.links.iter().map(|l| l.to_chinese()));
    let runs = store.runs()?;
    let diff = match runs.len() {
        n if n >= 2 => Some(store.diff(&runs[n - 2].run_id, &runs[n - 1].run_id)?),
        _ => None,
    };
    let counts = diff.as_ref().map(Diff::counts);
    let blind = match (&diff, &counts) {
        (Some(d), Some(counts)) => {
            // The nights before tonight, the latest first.
            let earlier: Vec<&RunRow> = runs.iter().rev().skip(1).take(LOOKBACK_RUNS).collect();
            let recorded = Recorded::read(&store, &earlier, &d.to_run)?;
            // An export gone or cut short in the last nights: its leads vanish, and new ones cannot appear.
            let lost = recorded.lost_inputs();
            warnings.extend(lost.iter().cloned());
            recorded.blind(counts, &lost)
        }
        _ => Vec::new(),
    };
    let pruned = store.prune(config.keep_runs)?;
    let exit_code = if done.summary.models_failed > 0 {
        Exit::ModelFailed.code()
    } else {
        0
    };
    report(serde_json::json!({
        "status": if exit_code == 0 { "ok" } else { "models_failed" },
        "exit_code": exit_code,
        "run_id": done.summary.run_id,
        "warnings": warnings,
        "new": diff.as_ref().map(|d| d.new.len()),
        "persisting": diff.as_ref().map(|d| d.persisting.len()),
        "resolved": diff.as_ref().map(|d| d.resolved.len()),
        // Gaps of tonight's data blinding a model whose leads disappeared.
        "resolved_while_blind": blind,
        "by_model": counts,
        "false_positives_hidden": done.triage.false_positives_hidden,
        "rebounds": done.triage.rebounds,
        "runs_pruned": pruned,
        "summary": done.summary,
    }))?;
    println!(
        "夜间比对 {} 完成：{} 条疑点",
        done.summary.run_id, done.summary.findings
    );
    if let Some(d) = &diff {
        println!(
            "与上次相比：新增 {}，持续 {}，消失 {}",
            d.new.len(),
            d.persisting.len(),
            d.resolved.len()
        );
    }
    // The gaps are among the warnings already; the models that did not run are not.
    for w in warnings
        .iter()
        .chain(blind.iter().filter(|b| !warnings.contains(b)))
    {
        println!("警告：{w}");
    }
    done.exit()
}
