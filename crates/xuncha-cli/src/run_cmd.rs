//! `xuncha run`: the main job.

use std::collections::BTreeMap;
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};
use xuncha_engine::{run_models, ModelOutcome, ModelStatus, RunOptions, RunSummary};
use xuncha_ingest::{ingest_dir, normalize::parse_date};
use xuncha_model::{load_dirs, select};

use crate::data_cmd::parse_encoding;
use crate::{Failure, ModelSource};

/// Exit code when the batch finished but at least one model failed.
pub const EXIT_MODEL_FAILED: u8 = 2;

#[derive(clap::Args)]
pub struct RunArgs {
    /// 数据目录（各部门导出文件，可含 catalog.toml）
    #[arg(long, value_name = "DIR")]
    data: PathBuf,
    /// 输出目录
    #[arg(long, value_name = "DIR", default_value = "out")]
    out: PathBuf,
    #[command(flatten)]
    source: ModelSource,
    /// 选择模型：id、通配符（mz.*）或类别（民政），可重复
    #[arg(long = "select", value_name = "PATTERN")]
    select: Vec<String>,
    /// 数据截至日期（默认今天），时间相关模型以此为“今天”
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// 覆盖模型参数：模型id.参数名=值，可重复
    #[arg(long = "param", value_name = "MODEL.NAME=VALUE")]
    params: Vec<String>,
    /// 同时运行的模型数上限
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// 强制 CSV 编码（utf-8 / gbk）
    #[arg(long)]
    encoding: Option<String>,
    /// 在标准输出打印 JSON 摘要
    #[arg(long)]
    json: bool,
}

pub fn run(args: RunArgs) -> Result<(), Failure> {
    let as_of = match &args.as_of {
        Some(raw) => parse_date(raw).map_err(|e| Failure::from(format!("--as-of：{e}")))?,
        None => chrono::Local::now().date_naive(),
    };
    let params = parse_params(&args.params)?;
    let (models, model_errors) = load_dirs(&args.source.dirs());
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
    let data = ingest_dir(&args.data, parse_encoding(args.encoding.as_deref())?)?;
    let opts = RunOptions {
        run_id: chrono::Local::now().format("%Y%m%dT%H%M%S").to_string(),
        as_of,
        params,
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
            elapsed_ms: 0,
        }));
    std::fs::create_dir_all(&args.out)?;
    let out = |name: &str| args.out.join(name);
    xuncha_report::write_parquet(&result.findings, &out("findings.parquet"))?;
    xuncha_report::write_csv(&result.findings, &out("findings.csv"))?;
    xuncha_report::write_jsonl(&result.findings, &out("findings.jsonl"))?;
    xuncha_report::write_rejects(&data.rejects, &out("rejects.csv"))?;
    let summary = RunSummary::new(&args.data.display().to_string(), &data, &result, &opts);
    xuncha_report::write_json(&summary, &out("summary.json"))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print!("{}", summary.to_chinese());
        println!("结果已写入 {}", args.out.display());
    }
    if summary.models_failed > 0 {
        return Err(Failure {
            code: EXIT_MODEL_FAILED,
            message: format!("{} 个模型运行失败，其余结果已输出", summary.models_failed),
        });
    }
    Ok(())
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
