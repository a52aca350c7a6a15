//! A blank value is not evidence. Every optional column of every dataset of
//! the sample county is blanked in turn (as an export lacking that column, or
//! one whose values could not be read, would leave it) and the models reading
//! that dataset are run again: none may find more than over the full data,
//! except where a blank has a documented meaning (below). A model that grows
//! takes "unknown" for a fact, and a real county's missing column would then
//! flood the issue list with false leads.

mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use polars::prelude::*;
use support::models_dir;
use xuncha_engine::{run_models, ModelStatus, RunOptions};
use xuncha_ingest::{ingest_dir, Ingested};
use xuncha_model::Model;

/// Blanks that models deliberately read as a value, with the reason.
const MEANINGFUL_BLANKS: &[(&str, &str, &str)] = &[
    (
        "public_employees.end_date",
        "*",
        "no end date: still employed (an open record)",
    ),
    (
        "vehicles.status",
        "mz.vehicle_owner_relief",
        "no status: a registered vehicle in use",
    ),
    (
        "businesses.status",
        "mz.business_owner_relief",
        "no status: a registered business in operation",
    ),
    (
        "asset_leases.procedure",
        "zc.non_competitive_lease",
        "a large lease with no recorded procedure shows no open bidding: the lead asks for it",
    ),
    (
        "asset_leases.asset_name",
        "zc.expired_lease_still_paid",
        "rent booked to an expired lease is the lead; the asset name only finds a renewal",
    ),
];

fn sample_county() -> PathBuf {
    models_dir().join("../data-samples/demo-county")
}

fn options() -> RunOptions {
    RunOptions {
        run_id: "test".into(),
        as_of: NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
        params: BTreeMap::new(),
        threads: None,
    }
}

/// Findings per model over these datasets (`what` names them in a failure:
/// a model must run, whatever is blank).
fn counts(models: &[&Model], data: &Ingested, what: &str) -> BTreeMap<String, usize> {
    let result = run_models(models, data, &options(), &|_| {});
    result
        .outcomes
        .iter()
        .map(|o| match &o.status {
            ModelStatus::Ok { findings, .. } => (o.model_id.clone(), *findings),
            other => panic!("{what}: {} {other:?}", o.model_id),
        })
        .collect()
}

/// The frame with `column` (and the `_raw` and `_valid` columns beside it) all null.
fn blanked(df: &DataFrame, column: &str) -> DataFrame {
    let names = [
        column.to_string(),
        format!("{column}_raw"),
        format!("{column}_valid"),
    ];
    let exprs: Vec<Expr> = names
        .iter()
        .filter_map(|n| df.schema().get(n.as_str()).map(|t| (n, t.clone())))
        .map(|(n, t)| lit(NULL).cast(t).alias(n.as_str()))
        .collect();
    df.clone().lazy().with_columns(exprs).collect().unwrap()
}

/// The entry of [`MEANINGFUL_BLANKS`] for this column and model, if any.
fn meaningful(column: &str, model: &str) -> Option<usize> {
    MEANINGFUL_BLANKS
        .iter()
        .position(|(c, m, _)| *c == column && (*m == "*" || *m == model))
}

#[test]
fn no_model_finds_more_when_an_optional_column_is_blank() {
    let mut data = ingest_dir(&sample_county(), None).unwrap();
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    data.compact_sources();
    let (models, errors) = xuncha_model::load_dirs(&[models_dir()]);
    assert!(errors.is_empty(), "{errors:?}");
    let all: Vec<&Model> = models.iter().collect();
    let full = counts(&all, &data, "full data");
    assert!(full.values().sum::<usize>() > 100, "{full:?}");
    let mut grown = Vec::new();
    let mut used = vec![false; MEANINGFUL_BLANKS.len()];
    let mut tried = 0;
    for (name, df) in &data.datasets {
        let spec = xuncha_schema::dataset(name).expect("canonical dataset");
        let readers: Vec<&Model> = models
            .iter()
            .filter(|m| m.spec.datasets.iter().any(|d| d == name))
            .collect();
        let optional = spec.columns.iter().filter(|c| !c.required);
        for col in optional.filter(|c| df.schema().contains(c.name)) {
            let column = format!("{name}.{}", col.name);
            let mut datasets = data.datasets.clone();
            datasets.insert(name.clone(), blanked(df, col.name));
            let changed = Ingested {
                datasets,
                sources: data.sources.clone(),
                ..Default::default()
            };
            tried += 1;
            for (model, n) in counts(&readers, &changed, &format!("{column} blank")) {
                if n <= full[&model] {
                    continue;
                }
                match meaningful(&column, &model) {
                    Some(i) => used[i] = true,
                    None => grown.push(format!("{column} blank: {model} {} -> {n}", full[&model])),
                }
            }
        }
    }
    assert!(tried > 80, "only {tried} optional columns tried");
    assert!(grown.is_empty(), "{}", grown.join("\n"));
    // An entry no model needs any more is stale: remove it.
    let stale: Vec<_> = MEANINGFUL_BLANKS
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .collect();
    assert!(stale.is_empty(), "{stale:?}");
}

/// An export holding a header alone is the blankest of all: every dataset of
/// the sample county emptied in turn skips the models flagging subjects
/// missing from it (`not_in`: over an empty register everyone is "not in
/// it"), and no other model finds more.
#[test]
fn a_dataset_without_rows_skips_the_models_flagging_absence_from_it_and_no_model_finds_more() {
    let mut data = ingest_dir(&sample_county(), None).unwrap();
    data.compact_sources();
    let (models, _) = xuncha_model::load_dirs(&[models_dir()]);
    let all: Vec<&Model> = models.iter().collect();
    let full = counts(&all, &data, "full data");
    for (name, df) in &data.datasets {
        let mut datasets = data.datasets.clone();
        datasets.insert(name.clone(), df.clear());
        let emptied = Ingested {
            datasets,
            sources: data.sources.clone(),
            ..Default::default()
        };
        let result = run_models(&all, &emptied, &options(), &|_| {});
        for o in &result.outcomes {
            let model = models.iter().find(|m| m.spec.id == o.model_id).unwrap();
            let flags_absence = model.spec.not_in.contains(name);
            match &o.status {
                ModelStatus::Skipped { reason } if flags_absence => {
                    assert!(
                        reason.contains(name.as_str()),
                        "{name}: {} {reason}",
                        o.model_id
                    )
                }
                ModelStatus::Ok { findings, .. } if !flags_absence => {
                    let before = full[&o.model_id];
                    assert!(
                        *findings <= before,
                        "{name} empty: {} {before} -> {findings}",
                        o.model_id
                    )
                }
                other => panic!("{name} empty: {} {other:?}", o.model_id),
            }
        }
    }
}
