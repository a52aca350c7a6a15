//! Typed columnar input (Parquet, Arrow IPC) whose columns already have the
//! canonical types: validated column by column instead of re-parsed from
//! text. Dates, months and numbers are taken as they are (checked, months
//! truncated, amounts rounded to fen); text kinds (ID numbers, names, codes,
//! village codes, labels) are normalized once per distinct value. Rejects
//! and row accounting are those of the text path.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use xuncha_schema::{ColumnKind, Reject, RejectAction, SOURCE_COLUMN};

use crate::build::{label_columns, normalize_value, Built, Value};
use crate::mapping::{ColumnSource, Mapping};

/// Days between 0001-01-01 (CE) and the Unix epoch, for polars' Date type.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// Whether a source column's type can be taken as the canonical kind's.
fn compatible(kind: ColumnKind, dtype: &DataType) -> bool {
    match kind {
        ColumnKind::Date | ColumnKind::Period => dtype == &DataType::Date,
        ColumnKind::Amount | ColumnKind::Number => dtype.is_float() || dtype.is_integer(),
        ColumnKind::Integer => dtype.is_integer(),
        _ => dtype == &DataType::String,
    }
}

/// One canonical column being built, and per row whether a problem drops it.
enum Out {
    Text(Vec<Option<String>>),
    Id(Vec<Option<String>>, Vec<Option<bool>>),
    Date(Vec<Option<i32>>),
    Float(Vec<Option<f64>>),
    Int(Vec<Option<i64>>),
}

/// Build a dataset from a typed frame, or `None` when a mapped column's type
/// is not the canonical one (or a catalog constant is used): the caller then
/// reads the frame as text.
pub fn build(
    df: &DataFrame,
    mapping: &Mapping,
    file: &str,
    rejects: &mut Vec<Reject>,
) -> Option<PolarsResult<(Built, usize)>> {
    let spec = mapping.dataset;
    let columns = df.columns();
    for (col, source) in spec.columns.iter().zip(&mapping.sources) {
        match source {
            ColumnSource::Header(i) if compatible(col.kind, columns[*i].dtype()) => {}
            ColumnSource::Absent => {}
            _ => return None,
        }
    }
    Some(build_checked(df, mapping, file, rejects))
}

fn build_checked(
    df: &DataFrame,
    mapping: &Mapping,
    file: &str,
    rejects: &mut Vec<Reject>,
) -> PolarsResult<(Built, usize)> {
    let spec = mapping.dataset;
    let n = df.height();
    let mut dropped = vec![false; n];
    let mut problems: Vec<(usize, usize, String, String)> = Vec::new();
    let mut outs = Vec::with_capacity(spec.columns.len());
    for (c, (col, source)) in spec.columns.iter().zip(&mapping.sources).enumerate() {
        let column = match source {
            ColumnSource::Header(i) => Some(&df.columns()[*i]),
            _ => None,
        };
        let mut problem = |row: usize, value: String, reason: String| {
            if col.required {
                dropped[row] = true;
            }
            problems.push((row, c, value, reason));
        };
        let required_empty = "必需字段为空".to_string();
        let out = match (col.kind, column) {
            (ColumnKind::Date | ColumnKind::Period, Some(s)) => {
                let days = s.as_materialized_series().date()?.physical().clone();
                Out::Date(
                    days.iter()
                        .enumerate()
                        .map(|(row, d)| match d {
                            None => {
                                if col.required {
                                    problem(row, String::new(), required_empty.clone());
                                }
                                None
                            }
                            Some(d) if col.kind == ColumnKind::Period => {
                                let date = NaiveDate::from_num_days_from_ce_opt(
                                    d + UNIX_EPOCH_DAYS_FROM_CE,
                                )?;
                                let first = date.with_day(1)?;
                                Some(first.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE)
                            }
                            Some(d) => Some(d),
                        })
                        .collect(),
                )
            }
            (ColumnKind::Amount | ColumnKind::Number, Some(s)) => {
                let values = s.cast(&DataType::Float64)?;
                let scale = mapping.scales[c];
                Out::Float(
                    values
                        .f64()?
                        .iter()
                        .enumerate()
                        .map(|(row, v)| {
                            let raw = v.map(|x| x.to_string()).unwrap_or_default();
                            let text = (v.is_some() || col.required).then_some(raw.as_str());
                            match text.map(|t| normalize_value(col.kind, t, scale, None)) {
                                None => None,
                                Some(Ok(Value::Float(f))) => Some(f),
                                Some(Ok(_)) => None,
                                Some(Err(reason)) => {
                                    let reason = if v.is_none() {
                                        required_empty.clone()
                                    } else {
                                        reason
                                    };
                                    problem(row, raw, reason);
                                    None
                                }
                            }
                        })
                        .collect(),
                )
            }
            (ColumnKind::Integer, Some(s)) => {
                let values = s.cast(&DataType::Int64)?;
                Out::Int(
                    values
                        .i64()?
                        .iter()
                        .enumerate()
                        .map(|(row, v)| {
                            if v.is_none() && col.required {
                                problem(row, String::new(), required_empty.clone());
                            }
                            v
                        })
                        .collect(),
                )
            }
            (kind, Some(s)) => {
                let strings = s.str()?;
                let mut cache: HashMap<&str, Result<Value, String>> = HashMap::new();
                let mut ids = Vec::with_capacity(n);
                let mut valid = Vec::with_capacity(n);
                for (row, v) in strings.iter().enumerate() {
                    let v = v.map(str::trim).filter(|t| !t.is_empty());
                    let Some(v) = v else {
                        if col.required {
                            problem(row, String::new(), required_empty.clone());
                        }
                        ids.push(None);
                        valid.push(None);
                        continue;
                    };
                    // ID numbers are nearly all distinct: no cache for them.
                    let fresh;
                    let normalized = if kind == ColumnKind::IdNumber {
                        fresh = normalize_value(kind, v, 1.0, None);
                        &fresh
                    } else {
                        cache
                            .entry(v)
                            .or_insert_with(|| normalize_value(kind, v, 1.0, None))
                    };
                    match normalized {
                        Ok(Value::Id { value, valid: ok }) => {
                            ids.push(Some(value.clone()));
                            valid.push(Some(*ok));
                        }
                        Ok(Value::Text(t)) if t.is_empty() => {
                            if col.required {
                                problem(row, v.to_string(), required_empty.clone());
                            }
                            ids.push(None);
                            valid.push(None);
                        }
                        Ok(Value::Text(t)) => {
                            ids.push(Some(t.clone()));
                            valid.push(None);
                        }
                        Ok(_) => {
                            ids.push(None);
                            valid.push(None);
                        }
                        Err(reason) => {
                            problem(row, v.to_string(), reason.clone());
                            ids.push(None);
                            valid.push(None);
                        }
                    }
                }
                if kind == ColumnKind::IdNumber {
                    Out::Id(ids, valid)
                } else {
                    Out::Text(ids)
                }
            }
            (ColumnKind::IdNumber, None) => Out::Id(vec![None; n], vec![None; n]),
            (ColumnKind::Date | ColumnKind::Period, None) => Out::Date(vec![None; n]),
            (ColumnKind::Amount | ColumnKind::Number, None) => Out::Float(vec![None; n]),
            (ColumnKind::Integer, None) => Out::Int(vec![None; n]),
            (_, None) => Out::Text(vec![None; n]),
        };
        outs.push(out);
    }
    problems.sort_by_key(|p| (p.0, p.1));
    for (row, c, value, reason) in problems {
        let col = &spec.columns[c];
        let header = match &mapping.sources[c] {
            ColumnSource::Header(i) => df.columns()[*i].name().to_string(),
            _ => col.name.to_string(),
        };
        rejects.push(Reject {
            file: file.to_string(),
            sheet: None,
            row: row + 2,
            column: header,
            dataset: spec.name.to_string(),
            value,
            reason,
            action: if dropped[row] {
                RejectAction::RowDropped
            } else {
                RejectAction::ValueCleared
            },
        });
    }
    fn kept<T: Clone>(v: Vec<T>, dropped: &[bool]) -> Vec<T> {
        v.into_iter()
            .zip(dropped)
            .filter(|(_, d)| !**d)
            .map(|(x, _)| x)
            .collect()
    }
    let accepted = dropped.iter().filter(|d| !**d).count();
    let mut unknown = Vec::new();
    let mut frame: Vec<Column> = Vec::new();
    for (col, out) in spec.columns.iter().zip(outs) {
        match out {
            Out::Text(v) if col.kind == ColumnKind::Label => frame.extend(label_columns(
                spec.name,
                col.name,
                kept(v, &dropped),
                &mut unknown,
            )),
            Out::Text(v) => frame.push(Column::new(col.name.into(), kept(v, &dropped))),
            Out::Id(v, ok) => {
                frame.push(Column::new(col.name.into(), kept(v, &dropped)));
                frame.push(Column::new(
                    format!("{}_valid", col.name).into(),
                    kept(ok, &dropped),
                ));
            }
            Out::Date(v) => frame.push(
                Int32Chunked::from_iter_options(col.name.into(), kept(v, &dropped).into_iter())
                    .into_date()
                    .into_column(),
            ),
            Out::Float(v) => frame.push(Column::new(col.name.into(), kept(v, &dropped))),
            Out::Int(v) => frame.push(Column::new(col.name.into(), kept(v, &dropped))),
        }
    }
    let sources: Vec<String> = (0..n)
        .filter(|r| !dropped[*r])
        .map(|r| format!("{file}:{}", r + 2))
        .collect();
    frame.push(Column::new(SOURCE_COLUMN.into(), sources));
    Ok((
        Built {
            frame: DataFrame::new(accepted, frame)?,
            unknown,
        },
        n - accepted,
    ))
}
