//! `xuncha run`: the main job.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use sha2::{Digest, Sha256};
use xuncha_engine::{run_models, ModelOutcome, ModelStatus, RunOptions, RunSummary};
use xuncha_ingest::{ingest_dir, normalize::parse_date, Ingested};
use xuncha_model::{select, Model};
use xuncha_store::{apply_triage, InputFile, ModelRecord, RunRecord, Store, TriageEffect};

use crate::data_cmd::parse_encoding;
use crate::report_cmd::{model_infos, write_reports, ReportOptions};
use crate::{Failure, ModelSource};

/// Exit code when the batch finished but at least one model failed.
pub const EXIT_MODEL_FAILED: u8 = 2;
/// Exit code when a required dataset is missing (nightly).
pub const EXIT_REQUIRED_MISSING: u8 = 11;
/// Exit code when another run is writing into the same `--out` folder.
pub const EXIT_OUT_BUSY: u8 = 12;

#[derive(clap::Args, Clone)]
pub struct RunArgs {
    /// 数据目录（各部门导出文件，可含 catalog.toml）
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// 输出目录
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    #[command(flatten)]
    pub source: ModelSource,
    /// 选择模型：id、通配符（mz.*）或类别（民政），可重复
    #[arg(long = "select", value_name = "PATTERN")]
    pub select: Vec<String>,
    /// 数据截至日期（默认今天），时间相关模型以此为“今天”
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// 覆盖模型参数：模型id.参数名=值，可重复
    #[arg(long = "param", value_name = "MODEL.NAME=VALUE")]
    pub params: Vec<String>,
    /// 同时运行的模型数上限
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// 强制 CSV 编码（utf-8 / gbk）
    #[arg(long)]
    pub encoding: Option<String>,
    /// 把本次运行记入历史库（SQLite），并按核实结果处理疑点
    #[arg(long, value_name = "PATH")]
    pub store: Option<PathBuf>,
    /// 同时生成问题清单（输出目录下的 reports/）
    #[arg(long)]
    pub report: bool,
    #[command(flatten)]
    pub report_options: ReportOptions,
    /// 在标准输出打印 JSON 摘要
    #[arg(long)]
    pub json: bool,
}

/// A finished run, for callers that do more with it (nightly).
pub struct Executed {
    pub summary: RunSummary,
    pub triage: TriageEffect,
    pub inputs: Vec<InputFile>,
}

pub fn run(args: RunArgs) -> Result<(), Failure> {
    let done = execute(&args, &[])?;
    print_summary(&args, &done)?;
    finish(&done.summary)
}

/// Exit with code 2 when a model failed.
pub fn finish(summary: &RunSummary) -> Result<(), Failure> {
    if summary.models_failed > 0 {
        return Err(Failure {
            code: EXIT_MODEL_FAILED,
            message: format!("{} 个模型运行失败，其余结果已输出", summary.models_failed),
        });
    }
    Ok(())
}

pub fn print_summary(args: &RunArgs, done: &Executed) -> Result<(), Failure> {
    if args.json {
        println!("{}", serde_json::to_string_pretty(&done.summary)?);
    } else {
        print!("{}", done.summary.to_chinese());
        if args.store.is_some() {
            println!(
                "核实结果：隐藏误报 {} 条，整改后反弹 {} 条",
                done.triage.false_positives_hidden, done.triage.rebounds
            );
        }
        println!("结果已写入 {}", args.out.display());
    }
    Ok(())
}

/// Run the batch: ingest, run models, apply triage, write outputs, record
/// the run. `required` datasets must be present or nothing runs.
pub fn execute(args: &RunArgs, required: &[String]) -> Result<Executed, Failure> {
    let started = chrono::Local::now();
    let as_of = match &args.as_of {
        Some(raw) => parse_date(raw).map_err(|e| Failure::from(format!("--as-of：{e}")))?,
        None => started.date_naive(),
    };
    let params = parse_params(&args.params)?;
    let (models, model_errors) = args.source.load();
    let (selected, unmatched) = select(&models, &args.select);
    if !unmatched.is_empty() {
        return Err(Failure::from(format!(
            "--select 没有匹配任何模型：{}",
            unmatched.join("、")
        )));
    }
    for key in params.keys() {
        if !selected
            .iter()
            .any(|m| key.starts_with(&format!("{}.", m.spec.id)))
        {
            return Err(Failure::from(format!(
                "--param {key}：所选模型中没有这个模型 id"
            )));
        }
    }
    if !args.data.is_dir() {
        return Err(Failure::from(format!(
            "数据目录不存在：{}",
            args.data.display()
        )));
    }
    let mut store = args.store.as_deref().map(Store::open).transpose()?;
    let data = ingest_dir(&args.data, parse_encoding(args.encoding.as_deref())?)?;
    let missing: Vec<&str> = required
        .iter()
        .filter(|d| !data.datasets.contains_key(*d))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(Failure {
            code: EXIT_REQUIRED_MISSING,
            message: format!("必需的数据集缺失：{}", missing.join("、")),
        });
    }
    let opts = RunOptions {
        run_id: started.format("%Y%m%dT%H%M%S%.3f").to_string(),
        as_of,
        params: params.clone(),
        threads: args.threads,
    };
    let bar = ProgressBar::new(selected.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}").expect("valid template"),
    );
    let mut result = run_models(&selected, &data, &opts, &|o: &ModelOutcome| {
        bar.set_message(o.model_id.clone());
        bar.inc(1);
    });
    bar.finish_and_clear();
    result
        .outcomes
        .extend(model_errors.iter().map(|e| ModelOutcome {
            model_id: e.file.clone(),
            title: "（模型文件无法解析）".to_string(),
            category: String::new(),
            status: ModelStatus::Failed {
                error: e.to_string(),
            },
            incomplete: Vec::new(),
            elapsed_ms: 0,
        }));
    let started_at = started.to_rfc3339();
    // The store keeps every finding (diffs stay exact); outputs leave out false positives.
    let (all_findings, triage) = match &store {
        Some(s) => {
            let all = result.findings.clone();
            let (visible, effect) = apply_triage(
                std::mem::take(&mut result.findings),
                &s.triage_map()?,
                &started_at,
            );
            result.findings = visible;
            result.recount();
            (all, effect)
        }
        None => (Vec::new(), TriageEffect::default()),
    };
    let mut summary = RunSummary::new(&args.data.display().to_string(), &data, &result, &opts);
    summary.false_positives_hidden = triage.false_positives_hidden;
    summary.rebounds = triage.rebounds;
    summary.unmasked_reports = args.report && args.report_options.unmask;
    std::fs::create_dir_all(&args.out)?;
    // Two runs into one folder would interleave their files: the second stops.
    let _out_lock = crate::lock::Lock::acquire(
        args.out.join(".xuncha-run.lock"),
        EXIT_OUT_BUSY,
        "另一个 xuncha 运行正在写入此输出目录",
    )?;
    let out = |name: &str| args.out.join(name);
    xuncha_report::write_parquet(&result.findings, &out("findings.parquet"))?;
    xuncha_report::write_csv(&result.findings, &out("findings.csv"))?;
    xuncha_report::write_jsonl(&result.findings, &out("findings.jsonl"))?;
    xuncha_report::write_rejects(&data.rejects, &out("rejects.csv"))?;
    xuncha_report::write_json(&summary, &out("summary.json"))?;
    if args.report {
        let run = xuncha_report::issues::RunInfo {
            run_id: opts.run_id.clone(),
            as_of: Some(as_of.to_string()),
            models_run: summary.models_run,
            false_positives_hidden: summary.false_positives_hidden,
        };
        write_reports(
            &result.findings,
            &model_infos(&args.source),
            &run,
            &args.report_options,
            &out("reports"),
        )?;
    }
    let inputs = fingerprints(&args.data, &data)?;
    if let Some(store) = store.as_mut() {
        let record = RunRecord {
            run_id: opts.run_id.clone(),
            started_at,
            finished_at: chrono::Local::now().to_rfc3339(),
            as_of: as_of.to_string(),
            data_dir: args.data.display().to_string(),
            exit_code: if summary.models_failed > 0 {
                EXIT_MODEL_FAILED.into()
            } else {
                0
            },
            params: serde_json::to_string(&params)?,
            summary: serde_json::to_string(&summary)?,
            inputs: inputs.clone(),
            models: model_records(&selected, &result.outcomes),
        };
        store.record_run(&record, &all_findings)?;
    }
    Ok(Executed {
        summary,
        triage,
        inputs,
    })
}

/// Path, size and content hash of every input file read.
fn fingerprints(dir: &Path, data: &Ingested) -> Result<Vec<InputFile>, Failure> {
    data.files()
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(dir.join(rel))?;
            Ok(InputFile {
                path: rel.to_string(),
                size: bytes.len() as u64,
                sha256: sha256(&bytes),
            })
        })
        .collect()
}

/// Hex SHA-256 of some bytes.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn model_records(models: &[&Model], outcomes: &[ModelOutcome]) -> Vec<ModelRecord> {
    models
        .iter()
        .map(|m| {
            let outcome = outcomes.iter().find(|o| o.model_id == m.spec.id);
            let (status, findings) = match outcome.map(|o| &o.status) {
                Some(ModelStatus::Ok { findings, .. }) => ("ok", *findings),
                Some(ModelStatus::Skipped { .. }) => ("skipped", 0),
                _ => ("failed", 0),
            };
            ModelRecord {
                model_id: m.spec.id.clone(),
                file_sha256: sha256(m.text.as_bytes()),
                status: status.to_string(),
                findings,
            }
        })
        .collect()
}

fn parse_params(raw: &[String]) -> Result<BTreeMap<String, String>, Failure> {
    raw.iter()
        .map(|p| {
            let (k, v) = p
                .split_once('=')
                .filter(|(k, _)| k.contains('.'))
                .ok_or_else(|| Failure::from(format!("--param {p}：格式应为 模型id.参数名=值")))?;
            Ok((k.trim().to_string(), v.trim().to_string()))
        })
        .collect()
}
