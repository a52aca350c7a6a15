//! Typed columnar input (Parquet, Arrow IPC) whose columns already have the
//! canonical types: validated column by column instead of re-parsed from
//! text. Dates, months and numbers are taken as they are (checked, months
//! truncated, amounts rounded to fen); text kinds (ID numbers, names, codes,
//! village codes, labels) are normalized once per distinct value. Rejects
//! and row accounting are those of the text path.

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use xuncha_schema::{ColumnKind, Reject, RejectAction, SOURCE_COLUMN};

use crate::build::{label_columns, normalize_value, Built, Value};
use crate::mapping::{ColumnSource, Mapping};
use crate::normalize::{id_valid, is_clean, MAX_AMOUNT};

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

/// A text value of a typed column: none, as in the source, or normalized.
enum Slot<'a> {
    Null,
    Source(&'a str),
    Owned(usize),
}

/// Whether a value is already what normalizing it would give.
fn canonical(kind: ColumnKind, v: &str) -> bool {
    let b = v.as_bytes();
    match kind {
        ColumnKind::IdNumber => {
            b.len() == 18
                && b[..17].iter().all(u8::is_ascii_digit)
                && matches!(b[17], b'0'..=b'9' | b'X')
        }
        ColumnKind::VillageCode => b.len() == 12 && b.iter().all(u8::is_ascii_digit),
        ColumnKind::Name => {
            is_clean(v)
                && !v.contains(|c: char| {
                    c.is_whitespace() || matches!(c, '•' | '‧' | '・' | '･' | '∙' | '⋅' | '●')
                })
        }
        ColumnKind::Code => {
            is_clean(v) && !v.contains(|c: char| c.is_whitespace() || c.is_lowercase())
        }
        _ => is_clean(v),
    }
}

/// Whether a number can be taken as it is: finite, and for money below
/// the bound the text path enforces.
fn plausible(kind: ColumnKind, x: f64) -> bool {
    x.is_finite() && (kind != ColumnKind::Amount || x.abs() < MAX_AMOUNT)
}

/// One canonical column being built, and per row whether a problem drops it.
enum Out {
    Text(StringChunked),
    Id(StringChunked, Vec<Option<bool>>),
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
    // Labels read with a word the names state are built as text.
    if mapping.qualifiers.iter().any(Option::is_some) {
        return None;
    }
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
                            // A finite, plausible number needs no text round trip;
                            // the rest get the text path's checks and reasons.
                            if let Some(x) =
                                v.map(|x| x * scale).filter(|x| plausible(col.kind, *x))
                            {
                                return Some(if col.kind == ColumnKind::Amount {
                                    (x * 100.0).round() / 100.0
                                } else {
                                    x
                                });
                            }
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
                // Values already in canonical form are taken as they are;
                // the others are normalized as on the text path.
                let mut owned: Vec<String> = Vec::new();
                let mut slots: Vec<Slot<'_>> = Vec::with_capacity(n);
                let mut valid = Vec::with_capacity(n);
                for (row, v) in strings.iter().enumerate() {
                    let Some(v) = v.map(str::trim).filter(|t| !t.is_empty()) else {
                        if col.required {
                            problem(row, String::new(), required_empty.clone());
                        }
                        slots.push(Slot::Null);
                        valid.push(None);
                        continue;
                    };
                    if canonical(kind, v) {
                        slots.push(Slot::Source(v));
                        valid.push((kind == ColumnKind::IdNumber).then(|| id_valid(v)));
                        continue;
                    }
                    match normalize_value(kind, v, 1.0, None) {
                        Ok(Value::Id { value, valid: ok }) => {
                            owned.push(value.into_owned());
                            slots.push(Slot::Owned(owned.len() - 1));
                            valid.push(Some(ok));
                        }
                        Ok(Value::Text(t)) if t.is_empty() => {
                            if col.required {
                                problem(row, v.to_string(), required_empty.clone());
                            }
                            slots.push(Slot::Null);
                            valid.push(None);
                        }
                        Ok(Value::Text(t)) => {
                            owned.push(t.into_owned());
                            slots.push(Slot::Owned(owned.len() - 1));
                            valid.push(None);
                        }
                        Ok(_) => {
                            slots.push(Slot::Null);
                            valid.push(None);
                        }
                        Err(reason) => {
                            problem(row, v.to_string(), reason);
                            slots.push(Slot::Null);
                            valid.push(None);
                        }
                    }
                }
                let values = StringChunked::from_iter_options(
                    col.name.into(),
                    slots.iter().map(|s| match s {
                        Slot::Null => None,
                        Slot::Source(v) => Some(*v),
                        Slot::Owned(i) => Some(owned[*i].as_str()),
                    }),
                );
                if kind == ColumnKind::IdNumber {
                    Out::Id(values, valid)
                } else {
                    Out::Text(values)
                }
            }
            (ColumnKind::IdNumber, None) => {
                Out::Id(StringChunked::full_null(col.name.into(), n), vec![None; n])
            }
            (ColumnKind::Date | ColumnKind::Period, None) => Out::Date(vec![None; n]),
            (ColumnKind::Amount | ColumnKind::Number, None) => Out::Float(vec![None; n]),
            (ColumnKind::Integer, None) => Out::Int(vec![None; n]),
            (_, None) => Out::Text(StringChunked::full_null(col.name.into(), n)),
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
    let mask = BooleanChunked::from_iter_values("keep".into(), dropped.iter().map(|d| !*d));
    let keep_all = accepted == n;
    let filtered = |ca: StringChunked| -> PolarsResult<StringChunked> {
        if keep_all {
            Ok(ca)
        } else {
            ca.filter(&mask)
        }
    };
    let mut unknown = Vec::new();
    let mut frame: Vec<Column> = Vec::new();
    for (col, out) in spec.columns.iter().zip(outs) {
        match out {
            Out::Text(v) if col.kind == ColumnKind::Label => {
                let labels: Vec<Option<String>> =
                    filtered(v)?.iter().map(|x| x.map(str::to_string)).collect();
                frame.extend(label_columns(spec.name, col.name, labels, &mut unknown))
            }
            Out::Text(v) => frame.push(filtered(v)?.into_column()),
            Out::Id(v, ok) => {
                frame.push(filtered(v)?.into_column());
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
    let mut sources = StringChunkedBuilder::new(SOURCE_COLUMN.into(), accepted);
    let mut line = String::new();
    for r in (0..n).filter(|r| !dropped[*r]) {
        use std::fmt::Write as _;
        line.clear();
        let _ = write!(line, "{file}:{}", r + 2);
        sources.append_value(&line);
    }
    frame.push(sources.finish().into_column());
    Ok((
        Built {
            frame: DataFrame::new(accepted, frame)?,
            unknown,
        },
        n - accepted,
    ))
}
