//! `xuncha`: run comparison models over department exports.

mod data_cmd;
mod models_cmd;
mod nightly_cmd;
mod report_cmd;
mod run_cmd;
mod store_cmd;
mod synth_cmd;
mod table;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xuncha_model::{load_library, Library, Model, ModelError};

xuncha_pipeline::use_jemalloc!();

/// 巡察比对模型引擎：读取各部门导出数据，运行比对模型，输出问题线索。
#[derive(Parser)]
#[command(name = "xuncha", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 运行模型：读取数据目录，运行模型，输出疑点
    Run(run_cmd::RunArgs),
    /// 模型库：列出、查看、校验
    Models {
        #[command(subcommand)]
        command: models_cmd::ModelsCommand,
    },
    /// 数据：查看数据目录的识别结果
    Data {
        #[command(subcommand)]
        command: data_cmd::DataCommand,
    },
    /// 读取并规范化数据目录，写出标准数据湖（每个数据集一个 Parquet，含 _src），
    /// 供 run --data 直接读取或在 Spark 集群上运行（同 data lake）
    Ingest {
        /// 数据目录（各部门导出文件）
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        /// 数据湖目录
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// 生成埋设了问题的模拟县数据（含 truth.csv）
    Synth(synth_cmd::SynthArgs),
    /// 用 truth.csv 评估检出效果：每个模型的召回率和精确率
    Eval(synth_cmd::EvalArgs),
    /// 生成问题清单：按乡镇/村/巡察组的 Excel 工作簿和 HTML 报告
    Report(report_cmd::ReportArgs),
    /// 列出历史库中的运行
    History(store_cmd::HistoryArgs),
    /// 比较两次运行：新增、持续、消失的疑点
    Diff(store_cmd::DiffArgs),
    /// 记录核实结果（误报的疑点不再进入问题清单）
    Triage(store_cmd::TriageArgs),
    /// 夜间无人值守比对：加锁、检查数据新鲜度、记入历史、输出 JSON 摘要
    Nightly(nightly_cmd::NightlyArgs),
}

/// Where models come from: the built-in library and analysts' folders.
#[derive(clap::Args, Clone)]
pub struct ModelSource {
    /// 追加的模型目录（可重复）
    #[arg(long = "models", value_name = "DIR")]
    pub extra: Vec<PathBuf>,
    /// 用此目录代替程序内置的模型库（默认使用内置模型库，可用 xuncha models export 导出查看）
    #[arg(long, value_name = "DIR", env = "XUNCHA_MODELS")]
    pub builtin: Option<PathBuf>,
    /// 不加载内置模型库，只用 --models 指定的目录
    #[arg(long)]
    pub no_builtin: bool,
}

impl ModelSource {
    /// The built-in library this source asks for.
    pub fn library(&self) -> Library {
        match (&self.builtin, self.no_builtin) {
            (_, true) => Library::None,
            (Some(dir), false) => Library::Dir(dir.clone()),
            (None, false) => Library::Embedded,
        }
    }

    /// Load the built-in library, then the extra folders.
    pub fn load(&self) -> (Vec<Model>, Vec<ModelError>) {
        load_library(&self.library(), &self.extra)
    }
}

pub use xuncha_pipeline::{Exit, Failure};

/// Polars reports its own API deprecations (e.g. for `DATE '…'` literals in
/// model SQL) on stderr; they concern polars' callers, not xuncha's users.
fn polars_warning(message: &str, warning: polars::error::PolarsWarning) {
    if !matches!(warning, polars::error::PolarsWarning::Deprecation) {
        eprintln!("polars {warning:?}: {message}");
    }
}

/// A panic prints one line, `内部错误：…（file:line）`, unless `RUST_BACKTRACE`
/// asks for Rust's own report: a model that panics inside polars (a plan its
/// streaming engine has no node for) is caught and reported as that model's
/// failure, and the batch goes on, so a backtrace would only alarm a user.
fn quiet_panics() {
    if std::env::var_os("RUST_BACKTRACE").is_some() {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        let message = xuncha_schema::panic_message(info.payload());
        let place = (info.location())
            .map(|l| format!("（{}:{}）", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("内部错误：{message}{place}");
    }));
}

fn main() -> ExitCode {
    // Output piped into `head` or `less` that closes early ends the process
    // quietly, as for any command-line tool, instead of panicking on write.
    // SAFETY: setting a signal disposition at start, before any thread runs.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    polars::error::set_warning_function(polars_warning);
    quiet_panics();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run_cmd::run(args),
        Command::Models { command } => models_cmd::run(command),
        Command::Data { command } => data_cmd::run(command),
        Command::Ingest { data, out } => data_cmd::lake(&data, &out),
        Command::Synth(args) => synth_cmd::synth(args),
        Command::Eval(args) => synth_cmd::eval(args),
        Command::Report(args) => report_cmd::report(args),
        Command::History(args) => store_cmd::history(args),
        Command::Diff(args) => store_cmd::diff(args),
        Command::Triage(args) => store_cmd::triage(args),
        Command::Nightly(args) => nightly_cmd::nightly(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("错误：{}", f.message);
            ExitCode::from(f.code.code())
        }
    }
}
