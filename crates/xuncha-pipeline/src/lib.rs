//! The run pipeline as one library call: ingest the exports, run the
//! selected models, apply triage from the run history, write the findings
//! and issue lists, and record the run. The CLI's `run` and `nightly`, the
//! benchmark and the tests all call [`run_batch`].

mod allocator;
pub mod cases;
pub mod exit;
pub mod lock;
pub mod memory;

/// jemalloc, for [`use_jemalloc!`].
#[cfg(all(unix, not(target_os = "emscripten")))]
pub use tikv_jemallocator as jemalloc;

/// Make jemalloc (set up as polars builds it) the allocator of the binary that
/// calls this, giving freed pages back after 1 s. On a scale-10 county the
/// models run ≈ 15 % faster than on the system allocator, which spent a
/// quarter of the CPU time on page faults for fresh large buffers; with
/// jemalloc's default decay (10 s) the peak was ≈ 1.3 GB higher. One arena
/// a CPU (`percpu_arena`) instead of jemalloc's four: a thread then reuses
/// what the threads on its CPU freed, and messy scale 1 touched 15 % fewer
/// fresh pages (the read 3–9 % faster). `_RJEM_MALLOC_CONF` still overrides the
/// setting.
#[macro_export]
macro_rules! use_jemalloc {
    () => {
        #[cfg(all(unix, not(target_os = "emscripten")))]
        #[global_allocator]
        static ALLOCATOR: $crate::jemalloc::Jemalloc = $crate::jemalloc::Jemalloc;

        #[cfg(all(unix, not(target_os = "emscripten")))]
        #[export_name = "_rjem_malloc_conf"]
        static JEMALLOC_CONF: &[u8; 57] =
            b"dirty_decay_ms:1000,muzzy_decay_ms:0,percpu_arena:percpu\0";
    };
}

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use polars::prelude::DataFrame;
use sha2::{Digest, Sha256};
use xuncha_engine::findings::VillageIndex;
use xuncha_engine::gaps::Gap;
use xuncha_engine::summary::DatasetCount;
use xuncha_engine::{
    run_models, run_queries, ModelOutcome, ModelStatus, RunOptions, RunResult, RunSummary,
};
use xuncha_ingest::{read::Encoding, read_datasets, Ingested, Wanted};
use xuncha_model::{load_library, select, Library, Model};
use xuncha_report::issues::{books, GroupBy, ModelInfo, RunInfo};
use xuncha_schema::Finding;
use xuncha_store::{apply_triage, InputFile, ModelRecord, RunRecord, Store, TriageEffect};

pub use exit::{Exit, Failure};

/// Everything one run needs, already parsed.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// Folder of department exports (may hold a `catalog.toml`).
    pub data: PathBuf,
    /// Output folder.
    pub out: PathBuf,
    /// The built-in model library (embedded, a folder, or none).
    pub library: Library,
    /// Analysts' model folders.
    pub extra_models: Vec<PathBuf>,
    /// Model selectors: ids, globs (`mz.*`) or categories; empty runs all.
    pub select: Vec<String>,
    /// "Today" for time-dependent models.
    pub as_of: NaiveDate,
    /// `model_id.param` → value overrides.
    pub params: BTreeMap<String, String>,
    /// Models run at once; `None` uses every core.
    pub threads: Option<usize>,
    /// Forced CSV encoding.
    pub encoding: Option<Encoding>,
    /// Run history and triage store.
    pub store: Option<PathBuf>,
    /// Issue lists to write under `out/reports`.
    pub report: Option<ReportRequest>,
    /// Datasets that must be present, or nothing runs (nightly).
    pub required: Vec<String>,
    /// Where the models' SQL runs.
    pub engine: RunEngine,
}

/// Where a batch's model SQL runs.
#[derive(Debug, Clone, Default)]
pub enum RunEngine {
    /// Here, with polars, over the exports (or a lake) in `data`.
    #[default]
    Local,
    /// Here, with polars' streaming engine over a lake (`xuncha data lake`)
    /// read in batches, one model at a time: for data larger than memory.
    Streaming,
    /// On a Spark Connect server (`sc://host:port`); `data` is then a lake
    /// written by `xuncha data lake`, at the path the cluster sees.
    Spark { remote: String },
}

/// How the issue lists are split and whether they are masked.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    pub by: GroupBy,
    pub unmask: bool,
}

/// A finished run.
pub struct Executed {
    pub summary: RunSummary,
    pub triage: TriageEffect,
    /// The files read, with their hashes, when the run has a store.
    pub inputs: Vec<InputFile>,
    /// Wall time of each stage.
    pub timings: Timings,
}

/// Wall time of the stages of a run, in milliseconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub ingest_ms: u64,
    pub models_ms: u64,
    /// Findings, rejects, summary, issue lists and the run record.
    pub write_ms: u64,
}

impl Executed {
    /// The exit a finished run ends with: 2 when a model failed.
    pub fn exit(&self) -> Result<(), Failure> {
        if self.summary.models_failed > 0 {
            return Err(Failure::new(
                Exit::ModelFailed,
                format!(
                    "{} 个模型运行失败，其余结果已输出",
                    self.summary.models_failed
                ),
            ));
        }
        Ok(())
    }
}

/// Model titles, descriptions, bases and 核实要点 for the issue lists.
pub fn model_infos(models: &[Model]) -> Vec<ModelInfo> {
    models
        .iter()
        .map(|m| ModelInfo {
            id: m.spec.id.clone(),
            title: m.spec.title.clone(),
            category: m.spec.category.clone(),
            description: m.spec.description.clone(),
            basis: m.spec.basis.clone(),
            verify: m.spec.verify.clone(),
        })
        .collect()
}

/// Write the workbooks and `report.html`; returns the files written.
pub fn write_reports(
    findings: &[Finding],
    models: &[ModelInfo],
    run: &RunInfo,
    request: &ReportRequest,
    out: &Path,
) -> Result<Vec<PathBuf>, Failure> {
    let list = books(findings, &request.by);
    xuncha_schema::create_output_dir(out)?;
    let mut files = xuncha_report::xlsx::write_workbooks(&list, models, run, request.unmask, out)?;
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
        request.unmask,
        &html,
    )?;
    files.push(html);
    Ok(files)
}

/// What a caller shows of a running batch (a progress bar, nothing).
pub trait Progress: Sync {
    /// The batch is about to run this many models.
    fn start(&self, _models: usize) {}
    /// One model ended; called from worker threads.
    fn done(&self, _outcome: &ModelOutcome) {}
}

/// Shows nothing.
pub struct Quiet;

impl Progress for Quiet {}

/// Run the batch: ingest, run models, apply triage, write outputs, record
/// the run. `required` datasets must be present or nothing runs.
pub fn run_batch(req: &RunRequest, progress: &dyn Progress) -> Result<Executed, Failure> {
    let started = chrono::Local::now();
    let (models, model_errors) = load_library(&req.library, &req.extra_models);
    let (selected, unmatched) = select(&models, &req.select);
    if !unmatched.is_empty() {
        return Err(Failure::from(format!(
            "--select 没有匹配任何模型：{}",
            xuncha_model::unmatched_text(&models, &unmatched)
        )));
    }
    for key in req.params.keys() {
        if !selected
            .iter()
            .any(|m| key.starts_with(&format!("{}.", m.spec.id)))
        {
            return Err(Failure::from(format!(
                "--param {key}：所选模型中没有这个模型 id"
            )));
        }
    }
    let opts = RunOptions {
        run_id: started.format("%Y%m%dT%H%M%S%.3f").to_string(),
        as_of: req.as_of,
        params: req.params.clone(),
        threads: req.threads,
    };
    // A Spark run's data is a path as the cluster sees it.
    if !matches!(req.engine, RunEngine::Spark { .. }) && !req.data.is_dir() {
        return Err(Failure::from(format!(
            "数据目录不存在：{}",
            req.data.display()
        )));
    }
    let mut store = req.store.as_deref().map(Store::open).transpose()?;
    let read_started = std::time::Instant::now();
    // A local run over a lake too large for memory streams the lake it scanned.
    let lake = match req.engine {
        RunEngine::Local => local_lake(req, &selected),
        _ => None,
    };
    let too_large = lake.as_ref().and_then(|l| l.too_large.clone());
    let Ran {
        data,
        mut result,
        mut timings,
        remote_datasets,
    } = match (&req.engine, lake) {
        (RunEngine::Local, Some(lake)) if lake.too_large.is_some() => {
            run_streaming(lake.scan, read_started, req, &selected, &opts, progress)?
        }
        (RunEngine::Local, lake) => run_local(req, &selected, &opts, progress, lake.is_some())?,
        (RunEngine::Streaming, _) => {
            let lake = xuncha_ingest::scan::scan_lake(&req.data, &wanted(req, &selected))?;
            run_streaming(lake, read_started, req, &selected, &opts, progress)?
        }
        (RunEngine::Spark { remote }, _) => run_on_spark(req, remote, &selected, &opts, progress)?,
    };
    let clock = std::time::Instant::now();
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
    let mut summary = RunSummary::new(&req.data.display().to_string(), &data, &result, &opts);
    match &req.engine {
        RunEngine::Spark { remote } => summary.engine = format!("Spark（{remote}）"),
        RunEngine::Streaming => summary.engine = "polars（流式）".to_string(),
        RunEngine::Local => {
            if let Some(why) = too_large {
                summary.engine = format!("polars（流式：{why}）");
            }
        }
    }
    if let Some(counts) = remote_datasets {
        // The lake's rows were accepted when it was written.
        summary.rows_accepted = counts.values().sum();
        summary.datasets = counts
            .into_iter()
            .map(|(dataset, rows)| DatasetCount {
                title: xuncha_schema::dataset(&dataset)
                    .map_or("", |d| d.title)
                    .to_string(),
                dataset,
                rows,
            })
            .collect();
    }
    if summary.datasets.is_empty() && summary.tables.iter().all(|t| t.dataset.is_none()) {
        return Err(Failure::from(nothing_read(&req.data, &summary.tables)));
    }
    summary.false_positives_hidden = triage.false_positives_hidden;
    summary.rebounds = triage.rebounds;
    summary.unmasked_reports = req.report.as_ref().is_some_and(|r| r.unmask);
    xuncha_schema::create_output_dir(&req.out)?;
    // Two runs into one folder would interleave their files: the second stops.
    let _out_lock = lock::Lock::acquire(
        req.out.join(".xuncha-run.lock"),
        Exit::OutBusy,
        "另一个 xuncha 运行正在写入此输出目录",
    )?;
    let out = |name: &str| req.out.join(name);
    // The three findings files are independent: written side by side.
    let findings = &result.findings;
    let (parquet, (csv, jsonl)) = rayon::join(
        || xuncha_report::write_parquet(findings, &out("findings.parquet")),
        || {
            rayon::join(
                || xuncha_report::write_csv(findings, &out("findings.csv")),
                || xuncha_report::write_jsonl(findings, &out("findings.jsonl")),
            )
        },
    );
    parquet?;
    csv?;
    jsonl?;
    xuncha_report::write_rejects(&data.rejects, &out("rejects.csv"))?;
    xuncha_report::write_json(&summary, &out("summary.json"))?;
    if let Some(report) = &req.report {
        let run = RunInfo {
            run_id: opts.run_id.clone(),
            as_of: Some(req.as_of.to_string()),
            models_run: summary.models_run,
            false_positives_hidden: summary.false_positives_hidden,
            gaps: summary.gaps.iter().map(Gap::to_chinese).collect(),
        };
        write_reports(
            &result.findings,
            &model_infos(&models),
            &run,
            report,
            &out("reports"),
        )?;
    }
    // Input hashes are for the history store (what changed since): a run
    // that records none does not read its inputs again to hash them.
    let inputs = match store {
        Some(_) => fingerprints(&req.data, &data)?,
        None => Vec::new(),
    };
    if let Some(store) = store.as_mut() {
        let record = RunRecord {
            run_id: opts.run_id.clone(),
            started_at,
            finished_at: chrono::Local::now().to_rfc3339(),
            as_of: req.as_of.to_string(),
            data_dir: req.data.display().to_string(),
            exit_code: if summary.models_failed > 0 {
                Exit::ModelFailed.code().into()
            } else {
                0
            },
            params: serde_json::to_string(&req.params)?,
            summary: serde_json::to_string(&summary)?,
            inputs: inputs.clone(),
            models: model_records(&selected, &result.outcomes),
        };
        store.record_run(&record, &all_findings)?;
    }
    timings.write_ms = clock.elapsed().as_millis() as u64;
    Ok(Executed {
        summary,
        triage,
        inputs,
        timings,
    })
}

/// What the models phase of a run gives the writers.
struct Ran {
    data: Ingested,
    result: RunResult,
    timings: Timings,
    /// Rows of each dataset of a lake a run queried without loading it
    /// (streaming, Spark); a local run's are in `data`.
    remote_datasets: Option<BTreeMap<String, usize>>,
}

/// The datasets a run reads: what the selected models use, the required
/// ones, and villages, which name the findings' places.
fn wanted_datasets(req: &RunRequest, selected: &[&Model]) -> std::collections::BTreeSet<String> {
    let mut datasets: std::collections::BTreeSet<String> = selected
        .iter()
        .flat_map(|m| m.spec.datasets.iter().cloned())
        .collect();
    datasets.insert("villages".to_string());
    datasets.extend(req.required.iter().cloned());
    datasets
}

/// The datasets a run reads and, of those the models read, only the columns
/// they read.
fn wanted(req: &RunRequest, selected: &[&Model]) -> Wanted {
    let datasets = wanted_datasets(req, selected);
    let mut columns = xuncha_model::columns::frame_columns(selected.iter().copied());
    // Whole: villages (they name the places) and datasets only required.
    columns.retain(|d, _| d != "villages" && !req.required.contains(d));
    Wanted { datasets, columns }
}

/// The data of a local run when it is a lake (`None` for exports).
struct LocalLake {
    scan: xuncha_ingest::scan::LakeScan,
    /// Why the run streams instead of loading the lake: the datasets it
    /// would load need more memory than the process may use.
    too_large: Option<String>,
}

fn local_lake(req: &RunRequest, selected: &[&Model]) -> Option<LocalLake> {
    let wanted = wanted(req, selected);
    let scan = xuncha_ingest::scan::scan_lake(&req.data, &wanted).ok()?;
    let needed = memory::needed(&scan.rows, &wanted);
    let gb = |bytes: u64| bytes as f64 / f64::from(1 << 30);
    let too_large = memory::available()
        .filter(|&available| needed > available)
        .map(|available| {
            format!(
                "数据约需 {:.1} GB 内存，可用 {:.1} GB，已自动改为逐个模型流式读取",
                gb(needed),
                gb(available)
            )
        });
    Some(LocalLake { scan, too_large })
}

/// Run the models (shown as progress) and time it after a read of `ingest_ms`.
fn models_phase(
    models: usize,
    ingest_ms: u64,
    progress: &dyn Progress,
    run: impl FnOnce() -> RunResult,
) -> (RunResult, Timings) {
    progress.start(models);
    let clock = std::time::Instant::now();
    let result = run();
    let timings = Timings {
        ingest_ms,
        models_ms: clock.elapsed().as_millis() as u64,
        ..Default::default()
    };
    (result, timings)
}

/// A lake queried without loading it (the streaming engine, Spark): its
/// tables, its datasets' rows, its villages, which name the places, and
/// the gaps counted over it.
struct Queried {
    data: Ingested,
    rows: BTreeMap<String, usize>,
    villages: Option<DataFrame>,
    gaps: Vec<Gap>,
}

/// The models phase of a run whose rows come from `query`, read since
/// `clock` started.
fn run_queried(
    selected: &[&Model],
    opts: &RunOptions,
    lake: Queried,
    clock: std::time::Instant,
    progress: &dyn Progress,
    query: &xuncha_engine::Query,
) -> Ran {
    let ingest_ms = clock.elapsed().as_millis() as u64;
    let (result, timings) = models_phase(selected.len(), ingest_ms, progress, || {
        run_queries(
            selected,
            opts,
            &VillageIndex::new(lake.villages.as_ref()),
            &lake.data.sources,
            lake.gaps,
            query,
            &|o| progress.done(o),
        )
    });
    Ran {
        data: lake.data,
        result,
        timings,
        remote_datasets: Some(lake.rows),
    }
}

/// Read the exports (or, when `lake`, the lake) the selected models use and
/// run them here.
fn run_local(
    req: &RunRequest,
    selected: &[&Model],
    opts: &RunOptions,
    progress: &dyn Progress,
    lake: bool,
) -> Result<Ran, Failure> {
    let clock = std::time::Instant::now();
    let wanted = wanted(req, selected);
    // Loading a lake frees as much as it keeps (see `allocator`), and so
    // does putting large exports' frames together.
    let no_decay = lake.then(allocator::NoDecay::start);
    let files = read_datasets(&req.data, req.encoding, Some(&wanted))?;
    let no_decay = no_decay.or_else(|| {
        let large = files.held_bytes() >= allocator::GATHER_WITHOUT_DECAY;
        large.then(allocator::NoDecay::start)
    });
    let mut data = files.gather(Some(&wanted))?;
    data.compact_sources();
    drop(no_decay);
    let ingest_ms = clock.elapsed().as_millis() as u64;
    require(&req.required, |d| data.datasets.contains_key(d))?;
    let (result, timings) = models_phase(selected.len(), ingest_ms, progress, || {
        run_models(selected, &data, opts, &|o| progress.done(o))
    });
    Ok(Ran {
        data,
        result,
        timings,
        remote_datasets: None,
    })
}

/// Run the models over a scanned lake here, one at a time, with polars'
/// streaming engine, which reads the scans in batches; `clock` started
/// before the scan.
fn run_streaming(
    lake: xuncha_ingest::scan::LakeScan,
    clock: std::time::Instant,
    req: &RunRequest,
    selected: &[&Model],
    opts: &RunOptions,
    progress: &dyn Progress,
) -> Result<Ran, Failure> {
    require(&req.required, |d| lake.frames.contains_key(d))?;
    let villages = match lake.frames.get("villages") {
        Some(v) => Some(
            v.clone()
                .collect()
                .map_err(|e| Failure::from(format!("无法读取 villages：{e}")))?,
        ),
        None => None,
    };
    // One model at a time unless asked: the point is to fit in memory.
    let opts = RunOptions {
        threads: opts.threads.or(Some(1)),
        ..opts.clone()
    };
    let gaps =
        xuncha_engine::gaps::find_scanned(selected, &lake.frames, villages.as_ref(), opts.as_of)
            .map_err(|e| Failure::from(format!("无法统计数据湖各列的空值：{e}")))?;
    let rows = lake.rows.clone();
    let query = |model: &Model, params: &_| {
        let parts = xuncha_engine::slices::count(model, &rows);
        xuncha_engine::stream_query(model, params, opts.as_of, &lake.frames, parts)
    };
    let queried = Queried {
        data: Ingested {
            tables: lake.tables,
            ..Default::default()
        },
        rows: lake.rows,
        villages,
        gaps,
    };
    Ok(run_queried(
        selected, &opts, queried, clock, progress, &query,
    ))
}

/// Register the lake on a Spark Connect server and run the models' SQL there.
fn run_on_spark(
    req: &RunRequest,
    remote: &str,
    selected: &[&Model],
    opts: &RunOptions,
    progress: &dyn Progress,
) -> Result<Ran, Failure> {
    let clock = std::time::Instant::now();
    let session = xuncha_spark::Session::connect(remote).map_err(Failure::from)?;
    let lake = req.data.display().to_string();
    let prepared = xuncha_spark::prepare(
        &session,
        &lake,
        &wanted_datasets(req, selected),
        selected,
        req.as_of,
    )
    .map_err(Failure::from)?;
    require(&req.required, |d| prepared.datasets.contains_key(d))?;
    let villages = match prepared.datasets.contains_key("villages") {
        true => Some(
            session
                .sql("SELECT * FROM villages")
                .map_err(Failure::from)?,
        ),
        false => None,
    };
    let gaps = prepared
        .gaps(&session, selected, villages.as_ref())
        .map_err(|e| Failure::from(format!("无法在 Spark 上统计各列的空值：{e}")))?;
    let query = |model: &Model, params: &_| prepared.query(&session, model, params);
    let queried = Queried {
        data: Ingested::default(),
        rows: prepared.datasets.clone(),
        villages,
        gaps,
    };
    Ok(run_queried(
        selected, opts, queried, clock, progress, &query,
    ))
}

/// Stop before running when a required dataset is absent.
fn require(required: &[String], present: impl Fn(&str) -> bool) -> Result<(), Failure> {
    let missing: Vec<&str> = required
        .iter()
        .filter(|d| !present(d))
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Failure::new(
        Exit::RequiredMissing,
        format!("必需的数据集缺失：{}", missing.join("、")),
    ))
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

/// A data folder of which no table is any dataset (empty, the wrong folder,
/// or exports none of which was recognised) is an error, not a run in
/// which every model is skipped and no lead is found: an unattended check
/// would report every earlier lead as gone.
fn nothing_read(dir: &Path, tables: &[xuncha_ingest::TableReport]) -> String {
    let mut message = format!("数据目录 {} 中没有读入任何数据：", dir.display());
    if tables.is_empty() {
        message.push_str("目录中没有可读的数据文件（CSV、Excel、Parquet 等）；请核对 --data 指向的是否为导出数据目录");
        return message;
    }
    let _ = write!(message, "{} 个表都未能识别为任何标准数据集", tables.len());
    for t in tables.iter().take(5) {
        let sheet = t
            .sheet
            .as_ref()
            .map(|s| format!("#{s}"))
            .unwrap_or_default();
        let note = t.note.as_deref().unwrap_or("未识别");
        let _ = write!(message, "\n  {}{sheet}：{note}", t.file);
    }
    if tables.len() > 5 {
        let _ = write!(message, "\n  ……另有 {} 个表", tables.len() - 5);
    }
    message.push_str("\n请核对 --data 指向的目录，或在 catalog.toml 中为文件指定 dataset（xuncha data inspect 可看识别详情）");
    message
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
