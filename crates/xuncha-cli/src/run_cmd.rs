//! `xuncha run`: the main job.

use std::collections::BTreeMap;
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};
use xuncha_engine::ModelOutcome;
use xuncha_ingest::normalize::parse_date;
use xuncha_pipeline::{run_batch, Executed, Progress, RunEngine, RunRequest};

use crate::data_cmd::parse_encoding;
use crate::report_cmd::ReportOptions;
use crate::{Failure, ModelSource};

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
    /// 执行模型 SQL 的引擎：polars（本机）；streaming（本机流式：分批读取数据湖、逐个运行模型，
    /// 内存占用低，用于数据超过内存的大县、市）；spark（Spark Connect 集群，--data 为集群可读的数据湖路径）
    #[arg(long, default_value = "polars", value_parser = ["polars", "streaming", "spark"])]
    pub engine: String,
    /// Spark Connect 服务地址（--engine spark 时必需），如 sc://localhost:15002
    #[arg(long, env = "SPARK_REMOTE", value_name = "sc://HOST:PORT")]
    pub remote: Option<String>,
}

pub fn run(args: RunArgs) -> Result<(), Failure> {
    let request = args.request()?;
    let bar = Bar(ProgressBar::new(0));
    let done = run_batch(&request, &bar);
    bar.0.finish_and_clear();
    let done = done?;
    print_summary(&args, &done)?;
    done.exit()
}

/// A progress bar on stderr (hidden when stderr is not a terminal).
pub struct Bar(pub ProgressBar);

impl Progress for Bar {
    fn start(&self, models: usize) {
        self.0.set_length(models as u64);
        self.0.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}").expect("valid template"),
        );
    }

    fn done(&self, outcome: &ModelOutcome) {
        self.0.set_message(outcome.model_id.clone());
        self.0.inc(1);
    }
}

impl RunArgs {
    /// The pipeline request these arguments ask for.
    pub fn request(&self) -> Result<RunRequest, Failure> {
        let as_of = match &self.as_of {
            Some(raw) => parse_date(raw).map_err(|e| Failure::from(format!("--as-of：{e}")))?,
            None => chrono::Local::now().date_naive(),
        };
        Ok(RunRequest {
            data: self.data.clone(),
            out: self.out.clone(),
            library: self.source.library(),
            extra_models: self.source.extra.clone(),
            select: self.select.clone(),
            as_of,
            params: parse_params(&self.params)?,
            threads: self.threads,
            encoding: parse_encoding(self.encoding.as_deref())?,
            store: self.store.clone(),
            report: if self.report {
                Some(self.report_options.request()?)
            } else {
                None
            },
            required: Vec::new(),
            engine: self.engine()?,
        })
    }

    fn engine(&self) -> Result<RunEngine, Failure> {
        match (self.engine.as_str(), &self.remote) {
            ("spark", Some(remote)) => Ok(RunEngine::Spark {
                remote: remote.clone(),
            }),
            ("spark", None) => Err(Failure::from(
                "--engine spark 需要 --remote sc://主机:端口（或环境变量 SPARK_REMOTE）",
            )),
            ("streaming", _) => Ok(RunEngine::Streaming),
            _ => Ok(RunEngine::Local),
        }
    }
}

fn print_summary(args: &RunArgs, done: &Executed) -> Result<(), Failure> {
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
        let t = done.timings;
        let secs = |ms: u64| ms as f64 / 1000.0;
        let held = match done.summary.data_bytes {
            0 => String::new(),
            bytes if bytes >= 1_000_000_000 => {
                format!("；载入的数据占内存 {:.2} GB", bytes as f64 / 1e9)
            }
            bytes => format!("；载入的数据占内存 {:.1} MB", bytes as f64 / 1e6),
        };
        println!(
            "用时：读取 {:.2} 秒，模型 {:.2} 秒，写出 {:.2} 秒{held}",
            secs(t.ingest_ms),
            secs(t.models_ms),
            secs(t.write_ms)
        );
        println!("结果已写入 {}", args.out.display());
        if args.as_of.is_none() {
            println!(
                "提示：未指定 --as-of，数据截至日期按今天（{}）计算；数据不是今天导出的，请用 --as-of 写明导出日期",
                done.summary.as_of
            );
        }
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
