//! `xuncha report`: issue lists (XLSX per township, village or patrol
//! group) and the HTML report from a run's findings.

use std::path::PathBuf;

use xuncha_engine::gaps::Gap;
use xuncha_pipeline::{model_infos, write_reports, ReportRequest};
use xuncha_report::issues::{GroupBy, PatrolGroups, RunInfo};
use xuncha_schema::config_message::located;

use crate::{Failure, ModelSource};

#[derive(clap::Args, Clone)]
pub struct ReportOptions {
    /// 分册方式：township（按乡镇）、village（按村）、patrol-group（按巡察组）
    #[arg(long, default_value = "township", value_parser = ["township", "village", "patrol-group"])]
    pub by: String,
    /// 巡察组分工（--by patrol-group 时使用）
    #[arg(long, value_name = "FILE", default_value = "patrol_groups.toml")]
    pub groups: PathBuf,
    /// 不对身份证号脱敏（会记录在工作簿属性和摘要中）
    #[arg(long)]
    pub unmask: bool,
}

#[derive(clap::Args)]
pub struct ReportArgs {
    /// 疑点文件（findings.parquet 或 findings.jsonl）
    #[arg(long, value_name = "FILE")]
    findings: PathBuf,
    /// 输出目录
    #[arg(long, value_name = "DIR", default_value = "reports")]
    out: PathBuf,
    #[command(flatten)]
    options: ReportOptions,
    #[command(flatten)]
    source: ModelSource,
}

impl ReportOptions {
    /// The pipeline's report request: the split, with patrol groups read.
    pub fn request(&self) -> Result<ReportRequest, Failure> {
        let by = match self.by.as_str() {
            "village" => GroupBy::Village,
            "patrol-group" => {
                let text = std::fs::read_to_string(&self.groups).map_err(|e| {
                    Failure::from(format!("巡察组分工文件 {}：{e}", self.groups.display()))
                })?;
                let groups: PatrolGroups = toml::from_str(&text).map_err(|e| {
                    Failure::from(format!("{}：{}", self.groups.display(), located(&text, &e)))
                })?;
                GroupBy::PatrolGroup(groups)
            }
            _ => GroupBy::Township,
        };
        Ok(ReportRequest {
            by,
            unmask: self.unmask,
        })
    }
}

pub fn report(args: ReportArgs) -> Result<(), Failure> {
    let findings = xuncha_report::read::read_findings(&args.findings)?;
    let summary_path = args.findings.with_file_name("summary.json");
    let summary: serde_json::Value = std::fs::read_to_string(&summary_path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let run = RunInfo {
        run_id: findings
            .first()
            .map(|f| f.run_id.clone())
            .unwrap_or_default(),
        as_of: summary["as_of"].as_str().map(str::to_string),
        models_run: summary["models_run"].as_u64().unwrap_or(0) as usize,
        false_positives_hidden: summary["false_positives_hidden"].as_u64().unwrap_or(0) as usize,
        gaps: Gap::recorded(&summary)
            .iter()
            .map(Gap::to_chinese)
            .collect(),
    };
    let (models, _) = args.source.load();
    let files = write_reports(
        &findings,
        &model_infos(&models),
        &run,
        &args.options.request()?,
        &args.out,
    )?;
    let note = serde_json::json!({
        "generated_at": chrono::Local::now().to_rfc3339(),
        "findings": args.findings.display().to_string(),
        "unmasked": args.options.unmask,
        "files": files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
    });
    xuncha_report::write_json(&note, &args.out.join("report.json"))?;
    for f in &files {
        println!("{}", f.display());
    }
    println!(
        "已生成 {} 个文件{}",
        files.len(),
        if args.options.unmask {
            "（未脱敏，注意保密）"
        } else {
            "（身份证号和银行账号已脱敏）"
        }
    );
    Ok(())
}
