//! `xuncha history`, `xuncha diff`, `xuncha triage`: the run history store.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use xuncha_engine::gaps::Gap;
use xuncha_ingest::links::LinkGap;
use xuncha_store::{RunRow, Store, TriageUpdate};

use crate::table::{Align, Table};
use crate::{Exit, Failure};

/// Default store file in the working folder.
pub const DEFAULT_STORE: &str = "xuncha.db";

fn open(path: &Path) -> Result<Store, Failure> {
    if !path.exists() {
        return Err(Failure::from(format!(
            "历史库不存在：{}（先用 xuncha run --store 记录运行）",
            path.display()
        )));
    }
    Ok(Store::open(path)?)
}

/// A run's stored start time (RFC 3339, UTC) as this machine's local time to
/// the second; kept as stored if it does not parse.
fn local_time(stored: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(stored)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_else(|_| stored.to_string())
}

#[derive(clap::Args)]
pub struct HistoryArgs {
    /// 历史库
    #[arg(long, value_name = "PATH", default_value = DEFAULT_STORE)]
    store: PathBuf,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

pub fn history(args: HistoryArgs) -> Result<(), Failure> {
    let runs = open(&args.store)?.runs()?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&runs)?);
        return Ok(());
    }
    let mut table = Table::new(&[
        ("运行", Align::Left),
        ("开始时间", Align::Left),
        ("截至日期", Align::Left),
        ("疑点", Align::Right),
        ("文件", Align::Right),
        ("退出", Align::Right),
        ("数据目录", Align::Left),
    ]);
    for r in &runs {
        table.row(vec![
            r.run_id.clone(),
            local_time(&r.started_at),
            r.as_of.clone(),
            r.findings.to_string(),
            r.inputs.to_string(),
            r.exit_code.to_string(),
            r.data_dir.clone(),
        ]);
    }
    table.print();
    println!("共 {} 次运行", runs.len());
    Ok(())
}

#[derive(clap::Args)]
pub struct DiffArgs {
    /// 较早的运行（默认：倒数第二次）
    run_a: Option<String>,
    /// 较晚的运行（默认：最近一次）
    run_b: Option<String>,
    /// 历史库
    #[arg(long, value_name = "PATH", default_value = DEFAULT_STORE)]
    store: PathBuf,
    /// 新增/持续/已消失疑点的输出目录
    #[arg(long, value_name = "DIR", default_value = "diff")]
    out: PathBuf,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

pub fn diff(args: DiffArgs) -> Result<(), Failure> {
    let store = open(&args.store)?;
    let (a, b) = store.resolve_pair(args.run_a.as_deref(), args.run_b.as_deref())?;
    let diff = store.diff(&a, &b)?;
    xuncha_schema::create_output_dir(&args.out)?;
    for (name, list) in [
        ("new", &diff.new),
        ("persisting", &diff.persisting),
        ("resolved", &diff.resolved),
    ] {
        xuncha_report::write_csv(list, &args.out.join(format!("{name}.csv")))?;
        xuncha_report::write_jsonl(list, &args.out.join(format!("{name}.jsonl")))?;
    }
    let counts = diff.counts();
    let runs = store.runs()?;
    let from: Vec<&RunRow> = runs.iter().filter(|r| r.run_id == diff.from_run).collect();
    let recorded = Recorded::read(&store, &from, &diff.to_run)?;
    let blind = recorded.blind(&counts, &recorded.lost_inputs());
    if args.json {
        let value = serde_json::json!({
            "from_run": diff.from_run, "to_run": diff.to_run,
            "new": diff.new.len(), "persisting": diff.persisting.len(), "resolved": diff.resolved.len(),
            "models": counts.iter().map(|(m, c)| (m.clone(), serde_json::json!({"new": c[0], "persisting": c[1], "resolved": c[2]}))).collect::<serde_json::Map<_, _>>(),
            "resolved_while_blind": blind,
        });
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        println!("从运行 {} 到 {}：", diff.from_run, diff.to_run);
        let mut table = Table::new(&[
            ("模型", Align::Left),
            ("新增", Align::Right),
            ("持续", Align::Right),
            ("消失", Align::Right),
        ]);
        for (m, c) in &counts {
            table.row(vec![
                m.clone(),
                c[0].to_string(),
                c[1].to_string(),
                c[2].to_string(),
            ]);
        }
        table.print();
        println!(
            "合计：新增 {}，持续 {}，消失 {}；明细已写入 {}",
            diff.new.len(),
            diff.persisting.len(),
            diff.resolved.len(),
            args.out.display()
        );
        if !blind.is_empty() {
            println!(
                "注意：较晚的运行数据不完整，以下模型消失的疑点可能随数据一起消失，而非已整改："
            );
            for line in &blind {
                println!("  ！{line}");
            }
        }
    }
    Ok(())
}

/// The recorded summaries of a run and of runs before it (`Null` where
/// none was recorded), read once for what the run could not see.
pub(crate) struct Recorded {
    /// The earlier runs, the latest first: each one's start and summary.
    earlier: Vec<(String, serde_json::Value)>,
    after: serde_json::Value,
}

/// Runs before tonight that a night compares its inputs with: an export lost
/// is warned of every night for a week of nightly runs, and a dataset's rows
/// are held against the most of any of them (a slow decline is seen too).
pub(crate) const LOOKBACK_RUNS: usize = 7;

impl Recorded {
    /// The summaries of `earlier` runs (the latest first) and of run `to`.
    pub(crate) fn read(store: &Store, earlier: &[&RunRow], to: &str) -> Result<Self, Failure> {
        let summary = |run: &str| -> Result<serde_json::Value, Failure> {
            Ok(match store.summary(run)? {
                Some(text) => serde_json::from_str(&text)?,
                None => serde_json::Value::Null,
            })
        };
        Ok(Recorded {
            earlier: (earlier.iter())
                .map(|r| Ok((r.started_at.clone(), summary(&r.run_id)?)))
                .collect::<Result<_, Failure>>()?,
            after: summary(to)?,
        })
    }

    /// The exports of the earlier run lost by the later, a line each: gone
    /// or no longer recognised ([`Recorded::missing_inputs`]), or a dataset
    /// cut short ([`Recorded::shrunk_datasets`]).
    pub(crate) fn lost_inputs(&self) -> Vec<String> {
        let mut lost = self.missing_inputs();
        lost.extend(self.shrunk_datasets());
        lost
    }

    /// When the earlier run `i` (0: the latest) was: `上次`, or how many
    /// runs ago and its day.
    fn when(&self, i: usize) -> String {
        match i {
            0 => "上次".to_string(),
            _ => format!(
                "{} 次运行前（{}）",
                i + 1,
                self.earlier[i].0.get(..10).unwrap_or("")
            ),
        }
    }

    /// The exports the latest earlier run to read their dataset read that
    /// the later run did not (gone from the folder, or there but no longer
    /// recognised), where no new file of that dataset took their place (a
    /// file under a new name, `…_20241202.csv` for `…_20241201.csv`, is the
    /// same export). An export read only by runs before a newer file of its
    /// dataset replaced it is not missed.
    fn missing_inputs(&self) -> Vec<String> {
        // Each table's file and the dataset it was read as (`None`: not recognised).
        let tables = |summary: &serde_json::Value| -> Vec<(String, Option<String>)> {
            (summary["tables"].as_array().into_iter().flatten())
                .filter_map(|t| {
                    let dataset = t["dataset"].as_str().map(str::to_string);
                    Some((t["file"].as_str()?.to_string(), dataset))
                })
                .collect()
        };
        let read = |tables: &[(String, Option<String>)]| -> BTreeMap<String, String> {
            (tables.iter())
                .filter_map(|(f, d)| Some((f.clone(), d.clone()?)))
                .collect()
        };
        // Each dataset's latest earlier run to read it, and its files then.
        let mut last: BTreeMap<String, (usize, Vec<String>)> = BTreeMap::new();
        for (i, (_, summary)) in self.earlier.iter().enumerate() {
            for (file, dataset) in read(&tables(summary)) {
                let (run, files) = last.entry(dataset).or_insert((i, Vec::new()));
                if *run == i {
                    files.push(file);
                }
            }
        }
        let after = tables(&self.after);
        let is_read = read(&after);
        let renewed = |dataset: &String, files: &[String]| {
            (is_read.iter()).any(|(file, d)| d == dataset && !files.contains(file))
        };
        (last.iter())
            .filter(|(dataset, (_, files))| !renewed(dataset, files))
            .flat_map(|(dataset, (i, files))| files.iter().map(move |f| (dataset, *i, f)))
            .filter(|(_, _, file)| !is_read.contains_key(*file))
            .map(|(dataset, i, file)| {
                let now = if after.iter().any(|(f, _)| f == file) {
                    format!("本次未能识别为 {dataset}（表头或格式变了？）")
                } else {
                    "本次不在数据目录中".to_string()
                };
                format!(
                    "文件 {file}（{dataset}）{}读入，{now}：\
                     与其有关的疑点随之消失的不能视为已整改，新的问题也无法发现",
                    self.when(i)
                )
            })
            .collect()
    }

    /// The datasets the later run read less than half the rows of that an
    /// earlier run read at most (an export cut short, a township's file
    /// missing, or a decline night after night).
    fn shrunk_datasets(&self) -> Vec<String> {
        let rows = |summary: &serde_json::Value| -> BTreeMap<String, (String, u64)> {
            (summary["datasets"].as_array().into_iter().flatten())
                .filter_map(|d| {
                    let title = d["title"].as_str().unwrap_or_default().to_string();
                    Some((
                        d["dataset"].as_str()?.to_string(),
                        (title, d["rows"].as_u64()?),
                    ))
                })
                .collect()
        };
        let earlier: Vec<_> = self.earlier.iter().map(|(_, s)| rows(s)).collect();
        (rows(&self.after).iter())
            .filter_map(|(dataset, (title, now))| {
                // The most rows, and the latest run that read them.
                let (i, was) = (earlier.iter().enumerate())
                    .filter_map(|(i, r)| Some((i, r.get(dataset)?.1)))
                    .min_by_key(|&(i, rows)| (std::cmp::Reverse(rows), i))?;
                (now * 2 < was).then(|| {
                    let gap = if i == 0 { " " } else { "" };
                    format!(
                        "{title}（{dataset}）本次读入 {now} 行，{}{gap}{was} 行，少了一半以上：\
                         导出可能不全（缺了乡镇或月份？），随之消失的疑点不能视为已整改",
                        self.when(i)
                    )
                })
            })
            .collect()
    }

    /// What blinds a model of the later run whose leads disappeared since
    /// the earlier, a line each: the model did not run (skipped, failed),
    /// the inputs `lost` ([`Recorded::lost_inputs`]), numbers one export
    /// cites written otherwise than in the other ([`LinkGap`]), or a data
    /// gap hid what it looks for.
    pub(crate) fn blind(
        &self,
        counts: &BTreeMap<String, [usize; 3]>,
        lost: &[String],
    ) -> Vec<String> {
        if self.after.is_null() {
            return Vec::new();
        }
        let resolved = |m: &str| counts.get(m).map_or(0, |c| c[2]);
        // What blinds every model: said where any lead disappeared.
        let any_gone = counts.values().any(|c| c[2] > 0);
        let lost = if any_gone { lost } else { &[] };
        // Numbers written otherwise: the models joining on them find nothing.
        let links: Vec<String> = match any_gone {
            true => serde_json::from_value::<Vec<LinkGap>>(self.after["links"].clone())
                .unwrap_or_default()
                .iter()
                .map(LinkGap::to_chinese)
                .collect(),
            false => Vec::new(),
        };
        let models = self.after["models"].as_array().into_iter().flatten();
        let not_run = models.filter_map(|m| {
            let id = m["model_id"].as_str()?;
            let why = match m["status"].as_str()? {
                "skipped" => format!("本次未运行（{}）", m["reason"].as_str().unwrap_or("")),
                "failed" => "本次运行失败".to_string(),
                _ => return None,
            };
            let gone = resolved(id);
            (gone > 0).then(|| format!("{id} {why}：上次的 {gone} 条疑点未经比对，不能视为已消失"))
        });
        let gaps = (Gap::recorded(&self.after).iter())
            .filter(|g| g.models.iter().any(|m| resolved(m) > 0))
            .map(Gap::to_chinese)
            .collect::<Vec<_>>();
        not_run
            .chain(lost.iter().cloned())
            .chain(links)
            .chain(gaps)
            .collect()
    }
}

#[derive(clap::Args)]
pub struct TriageArgs {
    /// 疑点编号（finding_id）
    finding_id: Option<String>,
    /// 核实状态：待核实/已核实/误报/已整改（或 open/confirmed/false_positive/rectified）
    #[arg(long)]
    status: Option<String>,
    /// 说明
    #[arg(long, default_value = "")]
    note: String,
    /// 核实人
    #[arg(long, default_value = "")]
    by: String,
    /// 导入核实结果：交回的问题清单工作簿或 CSV（列：疑点编号、核实结果、整改情况、核实人）
    #[arg(long, value_name = "FILE")]
    import: Option<PathBuf>,
    /// 历史库
    #[arg(long, value_name = "PATH", default_value = DEFAULT_STORE)]
    store: PathBuf,
}

pub fn triage(args: TriageArgs) -> Result<(), Failure> {
    let mut store = open(&args.store)?;
    let updates = match (&args.import, &args.finding_id, &args.status) {
        (Some(file), None, None) => read_triage_file(file)?,
        (None, Some(id), Some(status)) => vec![TriageUpdate {
            finding_id: id.clone(),
            status: status.clone(),
            note: args.note.clone(),
            by: args.by.clone(),
            origin: "命令行".to_string(),
        }],
        _ => return Err(Failure::from("用法：xuncha triage 疑点编号 --status 状态 [--note 说明] [--by 核实人]，或 xuncha triage --import 问题清单.xlsx")),
    };
    let now = chrono::Local::now().to_rfc3339();
    match store.triage(&updates, &now)? {
        Ok(n) => {
            println!("已记录 {n} 条核实结果");
            Ok(())
        }
        Err(problems) => {
            for p in &problems {
                println!("{}：{} {}", p.origin, p.finding_id, p.reason);
            }
            Err(Failure {
                code: Exit::TriageRefused,
                message: format!("{} 处问题，未记录任何核实结果", problems.len()),
            })
        }
    }
}

/// Read a returned issue list into triage updates.
fn read_triage_file(path: &Path) -> Result<Vec<TriageUpdate>, Failure> {
    let rows = xuncha_report::returned::read_returned(path)?;
    Ok(rows
        .into_iter()
        .map(|r| TriageUpdate {
            finding_id: r.finding_id,
            status: r.status,
            note: r.note,
            by: r.by,
            origin: r.origin,
        })
        .collect())
}
