//! `xuncha synth` and `xuncha eval`: the synthetic county and detection quality.

use std::path::PathBuf;
use std::time::Instant;

use xuncha_synth::eval::{read_findings, read_truth, score, Score};
use xuncha_synth::{generate, OutputFormat};

use crate::table::{Align, Table};
use crate::{Exit, Failure};

#[derive(clap::Args)]
pub struct SynthArgs {
    /// 规模：1 约为一个县（约 250 个村、30 万户籍人口）
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// 随机种子：相同种子生成完全相同的文件
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// 输出目录
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// messy：仿各部门导出（默认）；parquet：规范 Parquet（用于基准测试）
    #[arg(long, default_value = "messy", value_parser = ["messy", "parquet"])]
    format: String,
    /// 表头、文件名和取值的写法：0 为默认写法，1 及以上从写法语料中为每个文件抽取（仅 messy）
    #[arg(long, default_value_t = 0)]
    wording: u32,
}

pub fn synth(args: SynthArgs) -> Result<(), Failure> {
    let format = if args.format == "parquet" {
        OutputFormat::Parquet
    } else {
        OutputFormat::Messy
    };
    let started = Instant::now();
    let report = generate(args.scale, args.seed, format, args.wording, &args.out)?;
    for (dataset, rows) in &report.rows {
        println!("  {dataset}: {rows} 行");
    }
    println!(
        "已生成 {} 个文件到 {}，埋设问题 {} 个（truth.csv），用时 {:.1} 秒",
        report.files.len(),
        args.out.display(),
        report.planted,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[derive(clap::Args)]
pub struct EvalArgs {
    /// 埋设问题清单（xuncha synth 生成的 truth.csv）
    #[arg(long, value_name = "FILE")]
    truth: PathBuf,
    /// 运行结果（findings.parquet）
    #[arg(long, value_name = "FILE")]
    findings: PathBuf,
    /// 有埋设问题的模型召回率低于此值时以非零状态退出
    #[arg(long)]
    min_recall: Option<f64>,
    /// 有疑点的模型精确率低于此值时以非零状态退出
    #[arg(long)]
    min_precision: Option<f64>,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{:.1}%", v * 100.0))
}

pub fn eval(args: EvalArgs) -> Result<(), Failure> {
    let truth = read_truth(&args.truth)?;
    let findings = read_findings(&args.findings)?;
    let (rows, total) = score(&truth, &findings);
    if args.json {
        let row = |s: &Score| {
            serde_json::json!({
                "model_id": s.model_id, "planted": s.planted, "found": s.found, "findings": s.findings,
                "false_positives": s.false_positives, "recall": s.recall(), "precision": s.precision(),
            })
        };
        let value = serde_json::json!({ "models": rows.iter().map(row).collect::<Vec<_>>(), "total": row(&total) });
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        let mut table = Table::new(&[
            ("模型", Align::Left),
            ("埋设", Align::Right),
            ("检出", Align::Right),
            ("疑点", Align::Right),
            ("误报", Align::Right),
            ("召回率", Align::Right),
            ("精确率", Align::Right),
        ]);
        for s in rows.iter().chain(std::iter::once(&total)) {
            table.row(vec![
                s.model_id.clone(),
                s.planted.to_string(),
                s.found.to_string(),
                s.findings.to_string(),
                s.false_positives.to_string(),
                percent(s.recall()),
                percent(s.precision()),
            ]);
        }
        table.print();
    }
    let short: Vec<String> = rows
        .iter()
        .filter_map(|s| {
            let recall_low = args
                .min_recall
                .zip(s.recall())
                .is_some_and(|(min, r)| r < min);
            let precision_low = args
                .min_precision
                .zip(s.precision())
                .is_some_and(|(min, p)| p < min);
            (recall_low || precision_low).then(|| s.model_id.clone())
        })
        .collect();
    if short.is_empty() {
        Ok(())
    } else {
        Err(Failure {
            code: Exit::BelowThreshold,
            message: format!("未达标的模型：{}", short.join("、")),
        })
    }
}
