//! Rows that two tables of one dataset both hold. Exports whose ranges
//! overlap (January–June beside January–December, a township's file beside
//! the county's) would count those rows twice, and a model that looks for
//! repeats (`mz.duplicate_payment`) would report each one.
//!
//! A row of a later table that repeats a row of an earlier table is read
//! once: of a row one table holds `a` times and another `b` times,
//! `max(a, b)` copies are kept, so a repeat within one export (a real
//! duplicate payment is in both exports) stays. Each row left out is a
//! reject naming the table that holds it. Rows are compared by a 64-bit hash
//! of their canonical columns: `_src`, `_raw`, `_valid` and the derived ones
//! aside, so the same record written differently by two exports (a month by
//! itself, or spread from a quarter) is one record.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use polars::prelude::*;
use polars_core::hashing::{columns_to_hashes, IdBuildHasher};
use rayon::prelude::*;
use xuncha_schema::{ColumnSpec, DatasetSpec, Reject, RejectAction};

use crate::build::line_of;
use crate::{FileOutcome, IngestError, Rows};

/// A row value met: the copies kept so far over all tables, and the first
/// table that held it (16 bytes a value, held until the last file is read).
#[derive(Clone, Copy)]
struct Seen {
    kept: u32,
    first: u32,
}

/// Rows met so far, by dataset, and the tables they came from.
#[derive(Default)]
pub(crate) struct Overlaps {
    /// Of each dataset, the only values that more than one table holds,
    /// when all tables were hashed before any is checked ([`Overlaps::narrow`]);
    /// `None` while tables come one after another (each value is then kept).
    shared: Option<HashMap<&'static str, HashSet<u64, IdBuildHasher>>>,
    /// The export tables checked (`None`: all).
    checked: Option<BTreeSet<TableKey>>,
    hasher: PlSeedableRandomStateQuality,
    seen: HashMap<&'static str, HashMap<u64, Seen, IdBuildHasher>>,
    /// The table being checked, and how often it held each value an
    /// earlier table held too.
    current: Option<u32>,
    in_current: HashMap<u64, u32, IdBuildHasher>,
    /// Each table met, as `file[#sheet]`.
    tables: Vec<String>,
}

/// The low bits of a row's hash that [`Overlaps::narrow`] gives its
/// table's number instead (of a dataset fed by more tables than they can
/// number, every value is a candidate).
const TABLE_BITS: u64 = 0xFFFF;

/// The columns rows are compared by: the canonical ones but the derived, so
/// that a month of a quarterly list spread over its months is the same
/// record as that month in a monthly list ([`xuncha_schema::ColumnSpec::derived`]).
fn compared(spec: &DatasetSpec) -> impl Iterator<Item = &ColumnSpec> {
    spec.columns.iter().filter(|c| !c.derived)
}

/// A table of a folder: the file's place in file order, the table's in the file.
pub(crate) type TableKey = (usize, usize);

/// A table's rows as the overlap check sees them.
struct Table<'a> {
    /// Its number from [`Overlaps::table`].
    id: u32,
    file: &'a str,
    sheet: Option<&'a str>,
}

impl Overlaps {
    /// A check of the export tables among `frames` (rows of a dataset, by
    /// table) that can share a row with another table of their dataset
    /// ([`Ranges`]), all hashed before any is checked; the others are not.
    pub(crate) fn among<'a>(
        frames: impl Iterator<Item = (&'static str, TableKey, &'a DataFrame)>,
    ) -> Self {
        let frames: Vec<_> = frames.collect();
        let mut tables: BTreeMap<&str, BTreeSet<TableKey>> = BTreeMap::new();
        for (dataset, table, _) in &frames {
            tables.entry(dataset).or_default().insert(*table);
        }
        // Only a dataset two or more tables feed can repeat rows.
        let frames: Vec<_> = (frames.into_iter())
            .filter(|(dataset, _, _)| tables[dataset].len() > 1)
            .collect();
        let ranges: Vec<Ranges> = frames
            .par_iter()
            .map(|&(dataset, _, df)| {
                let spec = xuncha_schema::dataset(dataset).expect("a canonical dataset");
                Ranges::of(spec, df)
            })
            .collect();
        let mut by_table: BTreeMap<(&'static str, TableKey), Ranges> = BTreeMap::new();
        for ((dataset, table, _), ranges) in frames.iter().zip(ranges) {
            by_table.entry((dataset, *table)).or_default().merge(ranges);
        }
        let mut checked = BTreeSet::new();
        for ((dataset, table), ranges) in &by_table {
            let mut others = (by_table.iter()).filter(|((d, t), _)| d == dataset && t != table);
            if others.any(|(_, other)| ranges.meet(other)) {
                checked.insert(*table);
            }
        }
        Overlaps {
            shared: Some(HashMap::new()),
            checked: Some(checked),
            ..Default::default()
        }
    }

    /// Leave out of the checked export tables of `outcomes` (files in
    /// order) the rows an earlier table gave, each a reject, with one error
    /// a table for the user to see; the tables' reports count them.
    pub(crate) fn leave_out(&mut self, outcomes: &mut [FileOutcome]) {
        // Rows are hashed in parallel, then checked in file order.
        let this = &*self;
        let checked = self.checked.as_ref();
        let hashes: Vec<Vec<Option<PolarsResult<Vec<u64>>>>> = outcomes
            .par_iter()
            .enumerate()
            .map(|(i, outcome)| {
                let frames = outcome.frames.par_iter();
                frames
                    .map(|f| {
                        let table = f.table?;
                        checked
                            .is_none_or(|c| c.contains(&(i, table)))
                            .then_some(())?;
                        let spec = xuncha_schema::dataset(f.dataset).expect("a canonical dataset");
                        Some(this.hashes(spec, &f.df))
                    })
                    .collect()
            })
            .collect();
        if self.shared.is_some() {
            let frames = outcomes
                .iter()
                .zip(&hashes)
                .enumerate()
                .flat_map(|(i, (o, hashes))| {
                    (o.frames.iter().zip(hashes)).filter_map(move |(f, hashes)| {
                        let hashes = hashes.as_ref()?.as_ref().ok()?;
                        Some((f.dataset, (i, f.table?), hashes.as_slice()))
                    })
                });
            self.narrow(frames);
        }
        for (outcome, hashes) in outcomes.iter_mut().zip(hashes) {
            let mut ids = BTreeMap::new();
            // Rows left out, by table and the earlier table that holds them.
            let mut repeats: BTreeMap<(usize, u32), usize> = BTreeMap::new();
            for (frame, hashes) in outcome.frames.iter_mut().zip(hashes) {
                let (Some(t), Some(hashes)) = (frame.table, hashes) else {
                    continue;
                };
                let report = &mut outcome.tables[t];
                let id = *ids
                    .entry(t)
                    .or_insert_with(|| self.table(&report.file, report.sheet.as_deref()));
                let table = Table {
                    id,
                    file: &report.file,
                    sheet: report.sheet.as_deref(),
                };
                let spec = xuncha_schema::dataset(frame.dataset).expect("a canonical dataset");
                let taken = hashes.and_then(|hashes| {
                    self.take(spec, &table, &frame.df, hashes, &mut outcome.rejects)
                });
                let left_out = match taken {
                    Ok(Some((kept, by_earlier))) => {
                        frame.df = kept;
                        for (first, rows) in &by_earlier {
                            *repeats.entry((t, *first)).or_default() += rows;
                        }
                        by_earlier.values().sum()
                    }
                    Ok(None) => 0,
                    Err(e) => {
                        let message = format!("比对重复行失败，此表的行未与其他表比对：{e}");
                        outcome
                            .errors
                            .push(IngestError::file(&report.file, message));
                        0
                    }
                };
                let (accepted, overlapping) = match frame.rows {
                    Rows::Table => (&mut report.rows_accepted, &mut report.overlapping_rows),
                    Rows::Members => (
                        &mut report.members_accepted,
                        &mut report.overlapping_members,
                    ),
                    Rows::Months => (&mut report.months_accepted, &mut report.overlapping_months),
                };
                *accepted -= left_out;
                *overlapping += left_out;
            }
            for ((t, first), rows) in repeats {
                let earlier = self.tables[first as usize].clone();
                let message = format!(
                    "有 {rows} 行与 {earlier} 中的行完全相同（两份导出的范围重叠？），每行只读入一次，略去的行见拒收表；\
                     若两份文件确是不同的记录（如低保与特困各一份、都没有救助类别列），\
                     请重新导出带上区分它们的列，或在 catalog.toml 中为各文件补上（如 constants = {{ program = \"特困供养\" }}）"
                );
                let table = &self.tables[ids[&t] as usize];
                outcome.errors.push(IngestError::file(table, message));
                outcome.tables[t].overlapping_with.push(earlier);
            }
        }
    }

    /// Keep in mind only the values two or more of these tables hold
    /// (`hashes`: of a dataset's rows, by file and table), found by sorting
    /// all of a dataset's hashes: a map of every row (`take` without this)
    /// costs a cache miss a row.
    fn narrow<'a>(&mut self, hashes: impl Iterator<Item = (&'static str, TableKey, &'a [u64])>) {
        // Each row as one number: its hash's top 48 bits, then its table's
        // number. A value is shared when its 48 bits come with two tables;
        // `take` checks the candidates by their whole hash.
        let mut tables: Vec<TableKey> = Vec::new();
        let mut by_dataset: BTreeMap<&'static str, Vec<u64>> = BTreeMap::new();
        for (dataset, table, hashes) in hashes {
            if tables.last() != Some(&table) {
                tables.push(table);
            }
            let id = ((tables.len() - 1) as u64) & TABLE_BITS;
            let all = by_dataset.entry(dataset).or_default();
            all.extend(hashes.iter().map(|&h| (h & !TABLE_BITS) | id));
        }
        if tables.len() > TABLE_BITS as usize {
            self.shared = None;
            return;
        }
        let shared = self.shared.get_or_insert_default();
        for (dataset, mut all) in by_dataset {
            all.par_sort_unstable();
            let values = shared.entry(dataset).or_default();
            for group in all.chunk_by(|a, b| a & !TABLE_BITS == b & !TABLE_BITS) {
                if group[0] != group[group.len() - 1] {
                    values.insert(group[0] & !TABLE_BITS);
                }
            }
        }
    }

    /// Number a table whose rows are checked next (in file order).
    fn table(&mut self, file: &str, sheet: Option<&str>) -> u32 {
        self.tables.push(match sheet {
            Some(sheet) => format!("{file}#{sheet}"),
            None => file.to_string(),
        });
        (self.tables.len() - 1) as u32
    }

    /// The hash of each row of `df` (rows of `spec`) over its [`compared`] columns.
    fn hashes(&self, spec: &DatasetSpec, df: &DataFrame) -> PolarsResult<Vec<u64>> {
        let values: Vec<Column> = compared(spec)
            .filter_map(|c| df.column(c.name).ok().cloned())
            .collect();
        let mut hashes = Vec::with_capacity(df.height());
        let values = DataFrame::new(df.height(), values)?;
        columns_to_hashes(&values, Some(self.hasher.clone()), &mut hashes)?;
        Ok(hashes)
    }

    /// `df` (rows of `spec` from `table`, their [`Overlaps::hashes`])
    /// without the rows earlier tables already gave, each of which is added
    /// to `rejects`, and how many those are by the earlier table that holds
    /// them (`None`: none); a table's frames come in row order, and its
    /// rows' repeats among themselves stay.
    fn take(
        &mut self,
        spec: &'static DatasetSpec,
        table: &Table,
        df: &DataFrame,
        hashes: Vec<u64>,
        rejects: &mut Vec<Reject>,
    ) -> PolarsResult<Option<(DataFrame, BTreeMap<u32, usize>)>> {
        let shared = match &self.shared {
            Some(shared) => match shared.get(spec.name) {
                Some(values) if !values.is_empty() => Some(values),
                _ => return Ok(None),
            },
            None => None,
        };
        let seen = self.seen.entry(spec.name).or_default();
        if self.current != Some(table.id) {
            self.current = Some(table.id);
            self.in_current.clear();
        }
        let mut left_out = Vec::new();
        for (row, hash) in hashes.into_iter().enumerate() {
            if shared.is_some_and(|values| !values.contains(&(hash & !TABLE_BITS))) {
                continue;
            }
            let seen = seen.entry(hash).or_insert(Seen {
                kept: 0,
                first: table.id,
            });
            // A value first met in this table is kept each time; one an
            // earlier table held, once its copies outnumber the kept ones.
            let repeat = seen.first != table.id && {
                let here = self.in_current.entry(hash).or_default();
                *here += 1;
                *here <= seen.kept
            };
            if repeat {
                left_out.push((row, seen.first));
            } else {
                seen.kept += 1;
            }
        }
        if left_out.is_empty() {
            return Ok(None);
        }
        let sources = df.column(xuncha_schema::SOURCE_COLUMN)?.str()?.clone();
        let mut keep = vec![true; df.height()];
        let mut by_earlier = BTreeMap::new();
        for &(row, first) in &left_out {
            keep[row] = false;
            *by_earlier.entry(first).or_default() += 1;
            let line = sources.get(row).and_then(line_of).unwrap_or_default();
            rejects.push(Reject {
                file: table.file.to_string(),
                sheet: table.sheet.map(str::to_string),
                row: line,
                column: "（整行）".to_string(),
                dataset: spec.name.to_string(),
                value: String::new(),
                reason: format!(
                    "与 {} 中的一行完全相同（两份导出的范围重叠？），只读入一次",
                    self.tables[first as usize]
                ),
                action: RejectAction::RowDropped,
            });
        }
        let kept = df.filter(&BooleanChunked::from_slice(PlSmallStr::EMPTY, &keep))?;
        Ok(Some((kept, by_earlier)))
    }
}

/// Of each canonical column of a table, its smallest and largest value and
/// whether it holds a blank. Two tables can share a row only if in every
/// column their ranges meet or both hold blanks: the tables of an export
/// split by month, village or program never do, and are not hashed. A
/// column whose range could not be taken (`None`) meets any other.
#[derive(Debug, Default)]
struct Ranges(Vec<Option<Range>>);

#[derive(Debug)]
struct Range {
    min: Option<AnyValue<'static>>,
    max: Option<AnyValue<'static>>,
    blank: bool,
}

impl Ranges {
    /// The ranges of `df`, rows of `spec`.
    fn of(spec: &DatasetSpec, df: &DataFrame) -> Ranges {
        let range = |c: &Column| -> PolarsResult<Range> {
            let s = c.as_materialized_series();
            let value = |v: Scalar| (!v.is_null()).then(|| v.value().clone().into_static());
            Ok(Range {
                min: value(s.min_reduce()?),
                max: value(s.max_reduce()?),
                blank: s.null_count() > 0,
            })
        };
        // A column without a range (none could be taken) meets any other.
        let ranges = compared(spec).map(|c| match df.column(c.name) {
            Ok(column) => range(column).ok(),
            Err(_) => Some(Range {
                min: None,
                max: None,
                blank: df.height() > 0,
            }),
        });
        Ranges(ranges.collect())
    }

    /// The ranges of this table's rows and `other`'s together.
    fn merge(&mut self, other: Ranges) {
        if self.0.is_empty() {
            *self = other;
            return;
        }
        // Keep `b` where it lies beyond `a` in the direction `beyond`.
        let extreme = |a: &mut Option<AnyValue<'static>>, b: Option<AnyValue<'static>>, beyond| {
            if let Some(b) = b {
                if a.as_ref()
                    .is_none_or(|a: &AnyValue| b.partial_cmp(a) == Some(beyond))
                {
                    *a = Some(b);
                }
            }
        };
        for (mine, theirs) in self.0.iter_mut().zip(other.0) {
            let (Some(m), Some(theirs)) = (mine.as_mut(), theirs) else {
                *mine = None;
                continue;
            };
            extreme(&mut m.min, theirs.min, Ordering::Less);
            extreme(&mut m.max, theirs.max, Ordering::Greater);
            m.blank |= theirs.blank;
        }
    }

    /// Can a row of this table equal a row of `other`?
    fn meet(&self, other: &Ranges) -> bool {
        self.0.iter().zip(&other.0).all(|(a, b)| {
            let (Some(a), Some(b)) = (a, b) else {
                return true;
            };
            let values_meet = match (&a.min, &a.max, &b.min, &b.max) {
                (Some(a_min), Some(a_max), Some(b_min), Some(b_max)) => {
                    !(a_max < b_min || b_max < a_min)
                }
                _ => false,
            };
            (a.blank && b.blank) || values_meet
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows of `values` as table `file` of benefit payments.
    fn frame(file: &str, values: &[&str]) -> DataFrame {
        let sources: Vec<String> = (0..values.len())
            .map(|i| format!("{file}:{}", i + 2))
            .collect();
        df!("id_number" => values, "_src" => sources).unwrap()
    }

    #[test]
    fn of_a_value_the_most_copies_one_table_holds_are_kept() {
        let spec = xuncha_schema::dataset("benefit_payments").unwrap();
        let mut overlaps = Overlaps::default();
        let mut rejects = Vec::new();
        let mut kept = Vec::new();
        let mut repeats = Vec::new();
        let tables = [
            ("a", vec!["x", "x", "y"]),
            ("b", vec!["x"]),
            ("c", vec!["x", "x", "x", "z"]),
        ];
        for (file, values) in tables {
            let id = overlaps.table(file, None);
            let table = Table {
                id,
                file,
                sheet: None,
            };
            let df = frame(file, &values);
            let hashes = overlaps.hashes(spec, &df).unwrap();
            let taken = overlaps.take(spec, &table, &df, hashes, &mut rejects);
            let df = match taken.unwrap() {
                Some((kept, by_earlier)) => {
                    repeats.push((id, by_earlier.into_iter().collect::<Vec<_>>()));
                    kept
                }
                None => df,
            };
            let sources = df.column("_src").unwrap().str().unwrap();
            kept.extend(sources.iter().flatten().map(str::to_string));
        }
        assert_eq!(kept, ["a:2", "a:3", "a:4", "c:4", "c:5"]);
        let left_out: Vec<_> = rejects
            .iter()
            .map(|r| format!("{}:{}", r.file, r.row))
            .collect();
        assert_eq!(left_out, ["b:2", "c:2", "c:3"]);
        assert!(rejects
            .iter()
            .all(|r| r.reason.contains("与 a 中的一行完全相同")));
        assert_eq!(repeats, [(1, vec![(0, 1)]), (2, vec![(0, 2)])]);
    }

    #[test]
    fn only_tables_whose_ranges_meet_are_checked() {
        let frame = |villages: &[&str], amounts: &[Option<f64>]| {
            df!("village_code" => villages, "amount" => amounts).unwrap()
        };
        let north = frame(
            &["411102001001", "411102001002"],
            &[Some(100.0), Some(300.0)],
        );
        let south = frame(&["411102002001"], &[Some(200.0)]);
        let county = frame(&["411102001002", "411102002005"], &[Some(50.0), Some(60.0)]);
        let blank_a = frame(&["411102003001"], &[None]);
        let blank_b = frame(&["411102003001"], &[None]);
        let checked = |frames: Vec<(&'static str, TableKey, &DataFrame)>| {
            let overlaps = Overlaps::among(frames.into_iter());
            overlaps.checked.unwrap().into_iter().collect::<Vec<_>>()
        };
        // Apart by village, or by amount.
        assert!(checked(vec![
            ("benefit_payments", (0, 0), &north),
            ("benefit_payments", (1, 0), &south)
        ])
        .is_empty());
        assert!(checked(vec![
            ("benefit_payments", (0, 0), &north),
            ("benefit_payments", (1, 0), &county)
        ])
        .is_empty());
        // The county's villages and amounts both span the south's.
        assert_eq!(
            checked(vec![
                ("benefit_payments", (0, 0), &north),
                ("benefit_payments", (1, 0), &south),
                (
                    "benefit_payments",
                    (1, 1),
                    &frame(
                        &["411102001001", "411102003001"],
                        &[Some(150.0), Some(250.0)]
                    )
                ),
            ]),
            [(0, 0), (1, 0), (1, 1)]
        );
        // Blanks meet blanks; one table of a dataset is never checked.
        assert_eq!(
            checked(vec![
                ("benefit_payments", (0, 0), &blank_a),
                ("benefit_payments", (2, 0), &blank_b),
                ("deaths", (3, 0), &north),
            ]),
            [(0, 0), (2, 0)]
        );
    }
}
