//! `xuncha report`: issue lists (XLSX per township, village or patrol
//! group) and the HTML report from a run's findings.

use std::path::{Path, PathBuf};

use xuncha_report::issues::{books, GroupBy, ModelInfo, PatrolGroups, RunInfo};
use xuncha_schema::Finding;

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

/// Model titles, descriptions, bases and 核实要点 for the issue lists.
pub fn model_infos(source: &ModelSource) -> Vec<ModelInfo> {
    let (models, _) = source.load();
    models
        .into_iter()
        .map(|m| ModelInfo {
            id: m.spec.id,
            title: m.spec.title,
            category: m.spec.category,
            description: m.spec.description,
            basis: m.spec.basis,
            verify: m.spec.verify,
        })
        .collect()
}

/// Write the workbooks and `report.html`; returns the files written.
pub fn write_reports(
    findings: &[Finding],
    models: &[ModelInfo],
    run: &RunInfo,
    options: &ReportOptions,
    out: &Path,
) -> Result<Vec<PathBuf>, Failure> {
    let by = match options.by.as_str() {
        "village" => GroupBy::Village,
        "patrol-group" => {
            let text = std::fs::read_to_string(&options.groups).map_err(|e| {
                Failure::from(format!("巡察组分工文件 {}：{e}", options.groups.display()))
            })?;
            let groups: PatrolGroups = toml::from_str(&text)
                .map_err(|e| Failure::from(format!("{}：{e}", options.groups.display())))?;
            GroupBy::PatrolGroup(groups)
        }
        _ => GroupBy::Township,
    };
    let list = books(findings, &by);
    let mut files = xuncha_report::xlsx::write_workbooks(&list, models, run, options.unmask, out)?;
    let county = findings
        .iter()
        .find_map(|f| f.county.clone())
        .unwrap_or_default();
    let html = out.join("report.html");
    xuncha_report::html::write_html(
        findings,
        models,
        run,
        &format!("{county}巡察数据比对问题清单"),
        options.unmask,
        &html,
    )?;
    files.push(html);
    Ok(files)
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
    };
    let files = write_reports(
        &findings,
        &model_infos(&args.source),
        &run,
        &args.options,
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
