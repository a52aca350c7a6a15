//! The Spark engine: run the model library on an Apache Spark cluster
//! through Spark Connect. The canonical datasets of a lake (Parquet written
//! by `xuncha data lake`, at a path the cluster can read) are registered as
//! session views, the shared views are created on the cluster, and each
//! model's SQL — rewritten for Spark by `xuncha_model::dialect` — runs there.
//! Its rows come back as Arrow batches and become a polars frame, so
//! analyzers and findings assembly are exactly those of the local engine.

pub mod session;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use polars::prelude::DataFrame;
use xuncha_engine::gaps::{self, Counted, Gap, LATEST, ROWS};
use xuncha_engine::{require_datasets, QueryError};
use xuncha_model::dialect::{self, Engine};
use xuncha_model::Model;
use xuncha_schema::ColumnKind;

pub use session::Session;

/// A batch made ready on the cluster: which datasets the lake holds, and
/// the shared views that could not be created.
#[derive(Debug)]
pub struct Prepared {
    /// Datasets registered as views, with their row counts.
    pub datasets: BTreeMap<String, usize>,
    /// Shared view id → why creating it failed.
    view_errors: BTreeMap<String, String>,
    as_of: NaiveDate,
}

/// Make the view `name` hold the derived columns its lake file lacks (a lake
/// written before they were added) as empty ones, as the polars engines
/// read such a lake; `create` makes the view with extra select items.
fn fill_derived(
    session: &Session,
    name: &str,
    create: impl Fn(&str) -> String,
) -> Result<(), String> {
    let Some(spec) = xuncha_schema::dataset(name) else {
        return Ok(());
    };
    let held = session.sql(&format!("SELECT * FROM {name} LIMIT 0"))?;
    let held = held.get_column_names();
    let absent: String = (spec.columns.iter())
        .filter(|c| c.derived && !held.iter().any(|h| h.as_str() == c.name))
        .map(|c| format!(", CAST(NULL AS {}) AS {}", spark_type(c.kind), c.name))
        .collect();
    if absent.is_empty() {
        return Ok(());
    }
    session.execute(&create(&absent))
}

/// The Spark SQL type of a canonical column kind.
fn spark_type(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Date | ColumnKind::Period => "DATE",
        ColumnKind::Amount | ColumnKind::Number => "DOUBLE",
        ColumnKind::Integer => "BIGINT",
        _ => "STRING",
    }
}

/// Register the `wanted` datasets from `lake`, a folder of
/// `<dataset>.parquet` as the cluster sees it, then create the shared views
/// `models` use. A dataset the lake lacks is left out (its models are
/// skipped); a lake holding none of them is an error.
pub fn prepare(
    session: &Session,
    lake: &str,
    wanted: &BTreeSet<String>,
    models: &[&Model],
    as_of: NaiveDate,
) -> Result<Prepared, String> {
    let lake = lake.trim_end_matches('/');
    let mut datasets = BTreeMap::new();
    let mut unreadable = Vec::new();
    for name in wanted {
        let path = format!("{lake}/{name}.parquet").replace('`', "``");
        let create = |columns: &str| {
            format!("CREATE OR REPLACE TEMP VIEW {name} AS SELECT *{columns} FROM parquet.`{path}`")
        };
        match session
            .execute(&create(""))
            .and_then(|_| fill_derived(session, name, create))
            .and_then(|_| session.sql(&format!("SELECT COUNT(*) AS n FROM {name}")))
        {
            Ok(count) => {
                let rows = count
                    .column("n")
                    .ok()
                    .and_then(|c| c.get(0).ok())
                    .and_then(|v| v.extract::<i64>())
                    .unwrap_or(0);
                datasets.insert(name.clone(), rows.max(0) as usize);
            }
            Err(e) if e.contains("PATH_NOT_FOUND") => {}
            Err(e) if session.is_lost() => return Err(e),
            Err(e) => unreadable.push(format!("{name}：{e}")),
        }
    }
    if !unreadable.is_empty() {
        return Err(format!(
            "Spark 无法读取数据湖 {lake} 中的数据集：\n{}",
            unreadable.join("\n")
        ));
    }
    if datasets.is_empty() {
        return Err(format!(
            "Spark 在 {lake} 下没有找到所选模型需要的任何数据集（<数据集>.parquet）；\
             --data 须是集群能读到的数据湖路径（由 xuncha data lake 写出）"
        ));
    }
    let mut view_errors = BTreeMap::new();
    for view in xuncha_model::shared_views(models.iter().copied()) {
        let absent = view.spec.datasets.iter().any(|d| !datasets.contains_key(d));
        if absent {
            continue;
        }
        let made = view
            .sql(as_of)
            .map_err(|e| e.to_string())
            .and_then(|sql| dialect::create_view(&view.spec.id, &sql, Engine::Spark))
            .and_then(|create| session.execute(&create));
        if let Err(e) = made {
            let error = format!("{}：在 Spark 上创建视图失败：{e}", view.path.display());
            view_errors.insert(view.spec.id.clone(), error);
        }
    }
    Ok(Prepared {
        datasets,
        view_errors,
        as_of,
    })
}

impl Prepared {
    /// The gaps of `models` over the lake, counted on the cluster: each
    /// dataset's rows and the nulls of the columns read (one query each),
    /// and the village codes of the registers every village has rows of,
    /// against the `villages` directory.
    pub fn gaps(
        &self,
        session: &Session,
        models: &[&Model],
        villages: Option<&DataFrame>,
    ) -> Result<Vec<Gap>, String> {
        let read = gaps::read_by_dataset(models);
        let registers_read = gaps::registers_read(&read);
        let (mut counts, mut registers) = (BTreeMap::new(), BTreeMap::new());
        for (d, columns) in read.iter().filter(|(d, _)| self.datasets.contains_key(*d)) {
            let held = session.sql(&format!("SELECT * FROM {d} LIMIT 0"))?;
            let present: Vec<&str> = (columns.iter().map(String::as_str))
                .filter(|c| held.column(c).is_ok())
                .collect();
            let mut select = vec![format!("COUNT(*) AS `{ROWS}`")];
            select.extend((present.iter()).map(|c| format!("COUNT(*) - COUNT(`{c}`) AS `{c}`")));
            if let Some(c) = gaps::record_date(d).filter(|c| held.column(c).is_ok()) {
                select.push(format!("MAX(`{c}`) AS `{LATEST}`"));
            }
            let row = session.sql(&format!("SELECT {} FROM {d}", select.join(", ")))?;
            let counted = Counted::from_row(&row, present).map_err(|e| e.to_string())?;
            counts.insert(d.clone(), counted);
            let register = registers_read.contains(&d.as_str());
            if register && villages.is_some() && held.column("village_code").is_ok() {
                let codes = session.sql(&format!("SELECT DISTINCT village_code FROM {d}"))?;
                registers.insert(d.clone(), codes);
            }
        }
        if let Some(villages) = villages {
            registers.insert("villages".to_string(), villages.clone());
        }
        Ok(gaps::from_counts(models, &counts, &registers, self.as_of))
    }

    /// Run one model's query on the cluster and return its rows.
    pub fn query(
        &self,
        session: &Session,
        model: &Model,
        params: &BTreeMap<String, toml::Value>,
    ) -> Result<DataFrame, QueryError> {
        require_datasets(model, |d| self.datasets.contains_key(d))?;
        if let Some(error) = model
            .views
            .iter()
            .find_map(|v| self.view_errors.get(&v.spec.id))
        {
            return Err(QueryError::Failed(error.clone()));
        }
        let failed = |e: String| {
            QueryError::Failed(format!(
                "{}：在 Spark 上执行失败：{e}",
                model.path.display()
            ))
        };
        let sql = model
            .sql(params, self.as_of)
            .map_err(|e| QueryError::Failed(e.to_string()))?;
        let sql = dialect::to_engine(&sql, Engine::Spark).map_err(failed)?;
        session.sql(&sql).map_err(failed)
    }
}
