//! The batch executor: share each canonical dataset among models, run the
//! selected models in parallel, and assemble their findings. A failing
//! model is reported and the rest still run.

pub mod analyzers;
pub mod findings;
pub mod gaps;
pub mod slices;
pub mod summary;
pub mod values;

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::time::Instant;

use chrono::NaiveDate;
use polars::prelude::*;
use rayon::prelude::*;
use serde::Serialize;
use xuncha_ingest::{sources::SourceNames, Ingested};
use xuncha_model::validate::{plan, plan_view, polars_message_in_chinese};
use xuncha_model::{Executor, Model};
use xuncha_schema::Finding;

use findings::{assemble, VillageIndex};
pub use summary::RunSummary;

/// Settings of one batch.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub run_id: String,
    /// "Today" for time-dependent models, substituted as `{as_of}`.
    pub as_of: NaiveDate,
    /// `model_id.param` → value overrides.
    pub params: BTreeMap<String, String>,
    /// Models run at once; `None` uses every core.
    pub threads: Option<usize>,
}

/// How one model's run ended.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum ModelStatus {
    /// `amount` is `None` for models that name no amount column.
    Ok {
        findings: usize,
        amount: Option<f64>,
    },
    Skipped {
        reason: String,
    },
    Failed {
        error: String,
    },
}

/// One model's result line.
#[derive(Debug, Clone, Serialize)]
pub struct ModelOutcome {
    pub model_id: String,
    pub title: String,
    pub category: String,
    #[serde(flatten)]
    pub status: ModelStatus,
    /// Columns the model reads that the data lacks: it ran on incomplete data.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub incomplete: Vec<String>,
    /// Wall time of the model's run; in a batch whose queries were
    /// collected together, only its own work after the shared collect.
    pub elapsed_ms: u64,
}

/// Findings and per-model outcomes of a batch, both in a fixed order.
#[derive(Debug, Default)]
pub struct RunResult {
    pub findings: Vec<Finding>,
    pub outcomes: Vec<ModelOutcome>,
    /// Columns selected models read that ingest could not fill.
    pub gaps: Vec<gaps::Gap>,
}

impl RunResult {
    /// Count each model's findings and amount again from `findings`, after
    /// some were left out (false positives hidden by triage).
    pub fn recount(&mut self) {
        for outcome in &mut self.outcomes {
            if let ModelStatus::Ok { findings, amount } = &mut outcome.status {
                let own = self
                    .findings
                    .iter()
                    .filter(|f| f.model_id == outcome.model_id);
                *findings = own.clone().count();
                if let Some(total) = amount {
                    *total = xuncha_schema::total_amount(own);
                }
            }
        }
    }
}

/// Why a model's query gave no rows.
#[derive(Debug, Clone)]
pub enum QueryError {
    /// The model cannot run on this data (a dataset is missing).
    Skipped(String),
    /// The query failed; the message names the model file.
    Failed(String),
}

/// Answers one model's query, parameters resolved, with its result rows.
pub type Query<'a> = dyn Fn(&Model, &Params) -> Result<DataFrame, QueryError> + Sync + 'a;

type Params = BTreeMap<String, toml::Value>;

/// Run models over ingested data. `on_done` is called as each model ends
/// (for progress display), from worker threads.
pub fn run_models(
    models: &[&Model],
    data: &Ingested,
    opts: &RunOptions,
    on_done: &(dyn Fn(&ModelOutcome) + Sync),
) -> RunResult {
    let frames: BTreeMap<String, LazyFrame> = data
        .datasets
        .iter()
        .map(|(k, df)| (k.clone(), df.clone().lazy()))
        .collect();
    let frames = with_computed_views(models, frames, opts.as_of);
    let villages = VillageIndex::new(data.datasets.get("villages"));
    let gaps = gaps::find(models, &data.datasets, &data.tables, opts.as_of);
    // A model's elapsed time in a batch is then its own remaining work
    // (analyzer, findings); time one model's query with a single-model run.
    let together = collect_together(models, &frames, opts);
    let query = |model: &Model, params: &Params| {
        require_datasets(model, |d| frames.contains_key(d))?;
        if let Some(df) = together.as_ref().and_then(|t| t.get(&model.spec.id)) {
            return Ok(df.clone());
        }
        let lf = plan(model, params, opts.as_of, &frames)
            .map_err(|e| QueryError::Failed(e.to_string()))?;
        match model.spec.query.executor {
            Executor::InMemory => lf.collect(),
            Executor::Streaming => collect_streaming(lf),
        }
        .map_err(|e| run_failed(model, e))
    };
    run_queries(
        models,
        opts,
        &villages,
        &data.sources,
        gaps,
        &query,
        on_done,
    )
}

/// One model's rows from lazy scans (`frames`) with polars' streaming
/// engine, which reads its inputs in batches: for data larger than memory.
/// A model that declares `partition_by` runs in `parts` slices of its key
/// (see [`slices`]), each alone, so its group-by state is a slice's.
pub fn stream_query(
    model: &Model,
    params: &Params,
    as_of: NaiveDate,
    frames: &BTreeMap<String, LazyFrame>,
    parts: usize,
) -> Result<DataFrame, QueryError> {
    require_datasets(model, |d| frames.contains_key(d))?;
    match &model.spec.query.partition_by {
        Some(key) if parts > 1 => stream_slices(
            model,
            params,
            as_of,
            (0..parts).map(|part| slices::cut(model, key, part, parts, frames)),
        ),
        _ => stream_slices(model, params, as_of, [frames.clone()]),
    }
}

/// One model's rows over each slice of its data in turn (each a set of
/// frames, queried alone with the streaming engine), stacked in order.
pub fn stream_slices(
    model: &Model,
    params: &Params,
    as_of: NaiveDate,
    slices: impl IntoIterator<Item = BTreeMap<String, LazyFrame>>,
) -> Result<DataFrame, QueryError> {
    let mut rows: Option<DataFrame> = None;
    for frames in slices {
        let lf =
            plan(model, params, as_of, &frames).map_err(|e| QueryError::Failed(e.to_string()))?;
        let slice = collect_streaming(lf).map_err(|e| run_failed(model, e))?;
        rows = Some(match rows {
            None => slice,
            Some(mut all) => {
                all.vstack_mut_owned(slice)
                    .map_err(|e| run_failed(model, e))?;
                all
            }
        });
    }
    rows.ok_or_else(|| QueryError::Skipped("没有可查询的数据".into()))
}

/// A plan's rows from polars' streaming engine (one plan gives one frame).
fn collect_streaming(lf: LazyFrame) -> PolarsResult<DataFrame> {
    lf.collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
}

/// Skip a model when a dataset it reads is not `present`.
pub fn require_datasets(model: &Model, present: impl Fn(&str) -> bool) -> Result<(), QueryError> {
    let absent: Vec<&str> = model
        .spec
        .datasets
        .iter()
        .map(String::as_str)
        .filter(|d| !present(d))
        .collect();
    if absent.is_empty() {
        return Ok(());
    }
    Err(QueryError::Skipped(format!(
        "缺少数据集：{}",
        absent.join("、")
    )))
}

/// Why a model is skipped for a dataset it flags subjects missing from
/// (`not_in`) whose exports held no row: over an empty register, everyone
/// would be "not in it".
fn empty_datasets(model: &Model, gaps: &[gaps::Gap]) -> Option<String> {
    let empty: Vec<&str> = (gaps.iter())
        .filter(|g| g.models.contains(&model.spec.id))
        .filter_map(gaps::Gap::without_rows)
        .filter(|d| model.spec.not_in.iter().any(|n| n == d))
        .collect();
    (!empty.is_empty()).then(|| format!("数据集没有数据行：{}", empty.join("、")))
}

/// Run one model; a panic inside polars fails this model, not the batch.
fn run_guarded(
    model: &Model,
    query: &Query,
    opts: &RunOptions,
    villages: &VillageIndex,
    names: &SourceNames,
) -> (ModelStatus, Vec<Finding>) {
    panic::catch_unwind(AssertUnwindSafe(|| {
        run_one(model, query, opts, villages, names)
    }))
    .unwrap_or_else(|cause| {
        let detail = xuncha_schema::panic_message(cause.as_ref());
        let error = format!(
            "{}：执行时内部错误：{detail}（xuncha models validate 可查此模型的问题）",
            model.path.display()
        );
        (ModelStatus::Failed { error }, Vec::new())
    })
}

/// Run models whose result rows `query` gives (the built-in engine, or a
/// remote one such as Spark): analyzers and findings assembly run here,
/// the models in parallel; a failing model fails alone.
pub fn run_queries(
    models: &[&Model],
    opts: &RunOptions,
    villages: &VillageIndex,
    names: &SourceNames,
    gaps: Vec<gaps::Gap>,
    query: &Query,
    on_done: &(dyn Fn(&ModelOutcome) + Sync),
) -> RunResult {
    let run = |model: &&Model| {
        let started = Instant::now();
        let (status, found) = match empty_datasets(model, &gaps) {
            Some(reason) => (ModelStatus::Skipped { reason }, Vec::new()),
            None => run_guarded(model, query, opts, villages, names),
        };
        let incomplete = gaps
            .iter()
            .filter(|g| g.models.contains(&model.spec.id))
            .map(|g| format!("{} {}", g.column, g.problem))
            .collect();
        let outcome = ModelOutcome {
            model_id: model.spec.id.clone(),
            title: model.spec.title.clone(),
            category: model.spec.category.clone(),
            status,
            incomplete,
            elapsed_ms: started.elapsed().as_millis() as u64,
        };
        on_done(&outcome);
        (outcome, found)
    };
    let results: Vec<_> = match opts.threads {
        Some(n) => at_most(n, models, run),
        None => models.par_iter().map(run).collect(),
    };
    let mut out = RunResult {
        gaps,
        ..Default::default()
    };
    for (outcome, found) in results {
        out.outcomes.push(outcome);
        out.findings.extend(found);
    }
    out.outcomes.sort_by(|a, b| a.model_id.cmp(&b.model_id));
    out.findings.sort_by(|a, b| {
        (&a.model_id, &a.village_code, &a.subject_key, &a.finding_id).cmp(&(
            &b.model_id,
            &b.village_code,
            &b.subject_key,
            &b.finding_id,
        ))
    });
    out
}

/// `frames` and the rows of each view that two or more of the models read,
/// computed once (on polars' streaming engine, faster here for a view's
/// group-by) and added under the view's id: [`plan`] then reads them instead
/// of compiling the view into every model's plan. A model alone computes its
/// views itself, so its time includes them; a view that cannot be computed is
/// left out, and each model reading it reports the error as before.
fn with_computed_views(
    models: &[&Model],
    mut frames: BTreeMap<String, LazyFrame>,
    as_of: NaiveDate,
) -> BTreeMap<String, LazyFrame> {
    let runnable: Vec<&Model> = models
        .iter()
        .copied()
        .filter(|m| require_datasets(m, |d| frames.contains_key(d)).is_ok())
        .collect();
    // Every view comes after those it reads, which are then computed already.
    for view in xuncha_model::shared_views(runnable.iter().copied()) {
        let id = &view.spec.id;
        let mut readers = runnable
            .iter()
            .filter(|m| m.views.iter().any(|v| v.spec.id == *id));
        let (Some(reader), Some(_)) = (readers.next(), readers.next()) else {
            continue;
        };
        let rows = panic::catch_unwind(AssertUnwindSafe(|| {
            let lf = plan_view(reader, id, as_of, &frames).ok()?;
            collect_streaming(lf).ok()
        }));
        if let Ok(Some(df)) = rows {
            frames.insert(id.clone(), df.lazy());
        }
    }
    frames
}

/// The query results of a batch of models collected in one polars call,
/// which runs their plans side by side on polars' own thread pool (15–20 %
/// faster on the models phase of a scale-10 county than each model calling
/// polars from its own thread); models that ask for the streaming executor
/// are left out and run alone. Sub-plans the queries have in common are not
/// shared: that needs polars' `cse` feature, measured without gain (docs/performance.md).
/// `None` for a single model, when the run bounds how many models run at
/// once (`threads`: all queries at once would ignore it), or when the batch
/// fails or panics: each model then runs on its own and a failing one fails
/// alone, as before.
fn collect_together(
    models: &[&Model],
    frames: &BTreeMap<String, LazyFrame>,
    opts: &RunOptions,
) -> Option<BTreeMap<String, DataFrame>> {
    if models.len() < 2 || opts.threads.is_some() {
        return None;
    }
    // Planning parses each model's SQL and resolves its schemas: in
    // parallel, in the models' order.
    let planned: Vec<(String, LazyFrame)> = models
        .par_iter()
        .filter(|model| require_datasets(model, |d| frames.contains_key(d)).is_ok())
        .filter(|model| model.spec.query.executor == Executor::InMemory)
        .filter_map(|model| {
            let params = model.params(&opts.params).ok()?;
            let lf = plan(model, &params, opts.as_of, frames).ok()?;
            Some((model.spec.id.clone(), lf))
        })
        .collect();
    let flags = planned.first()?.1.get_current_optimizations();
    let (ids, plans): (Vec<String>, Vec<_>) = planned
        .into_iter()
        .map(|(id, lf)| (id, lf.logical_plan))
        .unzip();
    let collected = panic::catch_unwind(AssertUnwindSafe(|| {
        LazyFrame::collect_all_with_engine(plans, Engine::Auto, flags)
    }));
    let frames = collected.ok()?.ok()?;
    Some(ids.into_iter().zip(frames).collect())
}

/// `run` over `models` with at most `n` at a time, on plain threads: in a
/// rayon pool of `n`, a thread waiting on polars' own pool would start
/// another model meanwhile, and their memory would add up.
fn at_most<T: Send>(n: usize, models: &[&Model], run: impl Fn(&&Model) -> T + Sync) -> Vec<T> {
    if n <= 1 {
        return models.iter().map(run).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done: Vec<Vec<(usize, T)>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..n.min(models.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(model) = models.get(i) else { break };
                        done.push((i, run(model)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a model's panic is caught in run"))
            .collect()
    });
    let mut done: Vec<(usize, T)> = done.into_iter().flatten().collect();
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, t)| t).collect()
}

/// A model that failed while running, named by its file.
fn run_failed(model: &Model, error: impl std::fmt::Display) -> QueryError {
    let error = polars_message_in_chinese(&error.to_string());
    QueryError::Failed(format!("{}：执行失败：{error}", model.path.display()))
}

fn run_one(
    model: &Model,
    query: &Query,
    opts: &RunOptions,
    villages: &VillageIndex,
    names: &SourceNames,
) -> (ModelStatus, Vec<Finding>) {
    let rows = model
        .params(&opts.params)
        .map_err(|e| QueryError::Failed(e.to_string()))
        .and_then(|params| {
            let df = query(model, &params)?;
            analyzers::apply(model.spec.query.kind, df, &params).map_err(|e| run_failed(model, e))
        });
    match rows {
        Ok(df) => {
            let found = assemble(model, &df, &opts.run_id, villages, names);
            let amount = model
                .spec
                .finding
                .amount
                .as_ref()
                .map(|_| xuncha_schema::total_amount(&found));
            (
                ModelStatus::Ok {
                    findings: found.len(),
                    amount,
                },
                found,
            )
        }
        Err(QueryError::Skipped(reason)) => (ModelStatus::Skipped { reason }, Vec::new()),
        Err(QueryError::Failed(error)) => (ModelStatus::Failed { error }, Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

    fn model(id: &str, query: &str) -> Model {
        let text = format!(
            "id = \"{id}\"\ntitle = \"t\"\ncategory = \"t\"\nseverity = \"low\"\n\
             datasets = [\"payments\"]\n[query]\n{query}\n\
             [finding]\nsubject = \"id_number\"\namount = \"paid\"\n\
             explain = \"{{id_number}} 于 {{period}} 领取 {{paid}} 元\"\n"
        );
        Model::parse(std::path::Path::new("m.toml"), &text).unwrap()
    }

    /// A run's options as of 2024-12-31, `threads` models at a time.
    fn options(threads: Option<usize>) -> RunOptions {
        RunOptions {
            run_id: "t".into(),
            as_of: NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
            params: BTreeMap::new(),
            threads,
        }
    }

    /// Loaded data holding the test dataset `payments`.
    fn loaded(payments: DataFrame) -> Ingested {
        Ingested {
            datasets: BTreeMap::from([("payments".to_string(), payments)]),
            ..Default::default()
        }
    }

    /// Payments where A (2024-01) and C (2024-03) were paid twice in a month.
    fn repeated_payments() -> DataFrame {
        df!(
            "id_number" => ["A", "A", "A", "B", "C", "C"],
            "period" => ["2024-01", "2024-01", "2024-02", "2024-01", "2024-03", "2024-03"],
            "amount" => [100.0, 50.0, 100.0, 80.0, 20.0, 30.0],
        )
        .unwrap()
    }

    /// A model that asks for the streaming executor is left out of the
    /// batch's shared collect and runs alone, with the findings the in-memory
    /// engine gives for the same query.
    #[test]
    fn streaming_models_run_alone_with_the_same_findings() {
        let sql = "sql = \"SELECT id_number, period, SUM(amount) AS paid FROM payments \
                   GROUP BY id_number, period HAVING COUNT(*) > 1\"";
        let in_memory = model("t.in_memory", sql);
        let streaming = model("t.streaming", &format!("executor = \"streaming\"\n{sql}"));
        let other = model(
            "t.other",
            "sql = \"SELECT id_number, 0.0 AS paid FROM payments\"",
        );
        assert_eq!(streaming.spec.query.executor, Executor::Streaming);
        let models = [&in_memory, &streaming, &other];
        let payments = repeated_payments();
        let opts = options(None);
        let frames = BTreeMap::from([("payments".to_string(), payments.clone().lazy())]);
        let together = collect_together(&models, &frames, &opts).unwrap();
        assert_eq!(
            together.keys().collect::<Vec<_>>(),
            ["t.in_memory", "t.other"]
        );

        let data = loaded(payments);
        let result = run_models(&models, &data, &opts, &|_| {});
        assert!(result
            .outcomes
            .iter()
            .all(|o| matches!(o.status, ModelStatus::Ok { .. })));
        let found = |id: &str| {
            result
                .findings
                .iter()
                .filter(|f| f.model_id == id)
                .map(|f| (f.subject_key.clone(), f.amount, f.explain.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            found("t.streaming"),
            [
                (
                    "A".to_string(),
                    Some(150.0),
                    "A 于 2024-01 领取 150.00 元".to_string()
                ),
                (
                    "C".to_string(),
                    Some(50.0),
                    "C 于 2024-03 领取 50.00 元".to_string()
                ),
            ]
        );
        assert_eq!(found("t.streaming"), found("t.in_memory"));
    }

    /// A shared view over `payments` (`sql` its query, reading `reads`).
    fn view(id: &str, reads: &[&str], sql: &str) -> xuncha_model::View {
        let text = format!(
            "id = \"{id}\"\ntitle = \"t\"\ndescription = \"t\"\n\
             datasets = [\"payments\"]\nviews = {reads:?}\nsql = \"{sql}\"\n"
        );
        xuncha_model::View::parse(std::path::Path::new("v.toml"), &text).unwrap()
    }

    /// `model` reading `views` (each after those it reads, as loading attaches them).
    fn reading(mut model: Model, views: &[&xuncha_model::View]) -> Model {
        model.views = views.iter().map(|v| (*v).clone()).collect();
        model
    }

    /// A view that two models of a batch read (one through another view) is
    /// computed once and they read its rows, with the findings each model
    /// gives alone; a view only one model reads is left to it.
    #[test]
    fn a_view_two_models_read_is_computed_once_with_the_same_findings() {
        let multi = view(
            "multi_paid",
            &[],
            "SELECT id_number, period, SUM(amount) AS paid FROM payments \
             GROUP BY id_number, period HAVING COUNT(*) > 1",
        );
        let large = view(
            "large_multi",
            &["multi_paid"],
            "SELECT * FROM multi_paid WHERE paid > 60",
        );
        let a = reading(
            model("t.a", "sql = \"SELECT * FROM multi_paid\""),
            &[&multi],
        );
        let b = reading(
            model(
                "t.b",
                "executor = \"streaming\"\nsql = \"SELECT * FROM large_multi\"",
            ),
            &[&multi, &large],
        );
        let payments = repeated_payments();
        let opts = options(None);
        let frames = BTreeMap::from([("payments".to_string(), payments.clone().lazy())]);
        let frames = with_computed_views(&[&a, &b], frames, opts.as_of);
        assert_eq!(
            frames.keys().collect::<Vec<_>>(),
            ["multi_paid", "payments"]
        );
        let rows = frames["multi_paid"].clone().collect().unwrap();
        assert_eq!(rows.height(), 2);

        let data = loaded(payments);
        let subjects = |models: &[&Model]| {
            let result = run_models(models, &data, &opts, &|_| {});
            result
                .findings
                .iter()
                .map(|f| (f.model_id.clone(), f.subject_key.clone(), f.amount))
                .collect::<Vec<_>>()
        };
        let batch = subjects(&[&a, &b]);
        assert_eq!(
            batch,
            [
                ("t.a".to_string(), "A".to_string(), Some(150.0)),
                ("t.a".to_string(), "C".to_string(), Some(50.0)),
                ("t.b".to_string(), "A".to_string(), Some(150.0)),
            ]
        );
        let alone = [subjects(&[&a]), subjects(&[&b])].concat();
        assert_eq!(batch, alone);
    }

    /// A shared view that fails while it is computed is not computed for the
    /// batch: each model reading it fails with the reason, the others run.
    #[test]
    fn a_shared_view_that_fails_fails_its_models_alone() {
        let broken = view(
            "broken",
            &[],
            "SELECT id_number, period, amount AS paid FROM payments WHERE amount > 'abc'",
        );
        let a = reading(model("t.a", "sql = \"SELECT * FROM broken\""), &[&broken]);
        let b = reading(model("t.b", "sql = \"SELECT * FROM broken\""), &[&broken]);
        let good = model(
            "t.good",
            "sql = \"SELECT id_number, period, amount AS paid FROM payments\"",
        );
        let payments = df!(
            "id_number" => ["A"],
            "period" => ["2024-01"],
            "amount" => [100.0],
        )
        .unwrap();
        let opts = options(None);
        let frames = BTreeMap::from([("payments".to_string(), payments.clone().lazy())]);
        let frames = with_computed_views(&[&a, &b, &good], frames, opts.as_of);
        assert!(!frames.contains_key("broken"));
        let result = run_models(&[&a, &b, &good], &loaded(payments), &opts, &|_| {});
        for outcome in &result.outcomes {
            match (&outcome.status, outcome.model_id.as_str()) {
                (ModelStatus::Ok { findings: 1, .. }, "t.good") => {}
                (ModelStatus::Failed { error }, "t.a" | "t.b") => {
                    assert!(error.contains("文字和数值不能直接比较"), "{error}")
                }
                (status, id) => panic!("{id}: {status:?}"),
            }
        }
    }

    /// A model whose query fails while it runs (text compared with a number
    /// passes planning) fails alone, with the reason in Chinese; the batch's
    /// other model still gives its findings.
    #[test]
    fn a_model_failing_at_run_time_fails_alone_in_chinese() {
        let good = model(
            "t.good",
            "sql = \"SELECT id_number, period, amount AS paid FROM payments WHERE amount > 60\"",
        );
        let bad = model(
            "t.bad",
            "sql = \"SELECT id_number, period, amount AS paid FROM payments WHERE amount > 'abc'\"",
        );
        let payments = df!(
            "id_number" => ["A", "B"],
            "period" => ["2024-01", "2024-01"],
            "amount" => [100.0, 50.0],
        )
        .unwrap();
        let data = loaded(payments);
        let opts = options(None);
        let result = run_models(&[&good, &bad], &data, &opts, &|_| {});
        let status = |id: &str| {
            let outcome = result.outcomes.iter().find(|o| o.model_id == id).unwrap();
            outcome.status.clone()
        };
        assert!(matches!(status("t.good"), ModelStatus::Ok { .. }));
        match status("t.bad") {
            ModelStatus::Failed { error } => assert!(
                error.contains("执行失败：文字和数值不能直接比较"),
                "{error}"
            ),
            other => panic!("{other:?}"),
        }
        let subjects: Vec<&str> = result
            .findings
            .iter()
            .map(|f| f.subject_key.as_str())
            .collect();
        assert_eq!(subjects, ["A"]);
    }

    /// With `n` threads at most `n` models run at once, even when a query
    /// waits on another thread pool (as polars' queries do), where a rayon
    /// worker would start the next model meanwhile.
    #[test]
    fn n_threads_run_at_most_n_models_at_a_time() {
        let models: Vec<Model> = (0..6)
            .map(|i| {
                let text = format!(
                    "id = \"t.m{i}\"\ntitle = \"t\"\ncategory = \"t\"\nseverity = \"low\"\n\
                     datasets = [\"persons\"]\n[query]\nsql = \"SELECT id_number FROM persons\"\n\
                     [finding]\nsubject = \"id_number\"\nexplain = \"x\"\n"
                );
                Model::parse(std::path::Path::new("m.toml"), &text).unwrap()
            })
            .collect();
        let models: Vec<&Model> = models.iter().collect();
        let other = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let (running, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let query = |_: &Model, _: &Params| {
            most.fetch_max(running.fetch_add(1, SeqCst) + 1, SeqCst);
            other.install(|| std::thread::sleep(std::time::Duration::from_millis(20)));
            running.fetch_sub(1, SeqCst);
            Err(QueryError::Skipped("test".into()))
        };
        for threads in [1, 2] {
            most.store(0, SeqCst);
            let opts = options(Some(threads));
            let villages = VillageIndex::new(None);
            let result = run_queries(
                &models,
                &opts,
                &villages,
                &SourceNames::default(),
                Vec::new(),
                &query,
                &|_| {},
            );
            let ids: Vec<&str> = result
                .outcomes
                .iter()
                .map(|o| o.model_id.as_str())
                .collect();
            assert_eq!(ids, ["t.m0", "t.m1", "t.m2", "t.m3", "t.m4", "t.m5"]);
            assert_eq!(most.load(SeqCst), threads);
        }
    }
}
