//! Typed dataset building: normalize each mapped cell by its column kind and
//! collect the columns of a canonical DataFrame, sending unreadable values
//! to the rejects table.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::NaiveDate;
use polars::prelude::*;
use smallvec::SmallVec;
use xuncha_schema::{ColumnKind, DatasetSpec, SOURCE_COLUMN};

use crate::normalize::{
    clean_cell, masked, month_as_date, normalize_code, normalize_id, normalize_name,
    normalize_village_code, parse_amount, parse_date, parse_date_range, parse_integer,
    parse_number, parse_period, scientific,
};
use xuncha_schema::{Reject, RejectAction};

/// Days between 0001-01-01 (CE) and the Unix epoch, for polars' Date type.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

fn date_days(d: NaiveDate) -> i32 {
    use chrono::Datelike;
    d.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE
}

/// What a record number no header gives reads as: [`ROW_KEY_PREFIX`] and
/// 16 hex digits of a SHA-256 of the row's other normalized values. The
/// same record reads the same wherever it stands in whichever export of
/// it (a re-export in another order, a file under a new name), so its
/// findings keep their ids, and two exports whose ranges overlap hold it
/// as one row ([`crate::overlaps`]); repeats within one table are numbered
/// after it ([`number_repeats`]).
fn content_key(values: &[Option<Value<'_>>], skip: &[usize]) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for (i, value) in values.iter().enumerate() {
        if skip.contains(&i) {
            continue;
        }
        match value {
            None => hash.update([0]),
            Some(Value::Text(t) | Value::Id { value: t, .. }) => {
                hash.update([1]);
                hash.update((t.len() as u64).to_le_bytes());
                hash.update(t.as_bytes());
            }
            Some(Value::Date(d)) => {
                hash.update([2]);
                hash.update(date_days(*d).to_le_bytes());
            }
            Some(Value::Float(f)) => {
                hash.update([3]);
                hash.update((f + 0.0).to_bits().to_le_bytes());
            }
            Some(Value::Int(n)) => {
                hash.update([4]);
                hash.update(n.to_le_bytes());
            }
        }
    }
    let mut key = String::from(ROW_KEY_PREFIX);
    for byte in &hash.finalize()[..8] {
        key.push_str(&format!("{byte:02x}"));
    }
    key
}

/// How a record number made of the row's values begins.
pub(crate) const ROW_KEY_PREFIX: &str = "无编号#";

/// Number the repeats of a content key ([`content_key`]) in one table's
/// `column`, in row order: the second row holding the same values reads
/// `…-2`, the third `…-3`, so that rows alike are still told apart (a
/// payment made twice) and the n-th of them in one export is the n-th in
/// another. `seen` carries the counts from the table's earlier frames.
pub(crate) fn number_repeats(
    df: &mut DataFrame,
    column: &str,
    seen: &mut HashMap<String, u32>,
) -> PolarsResult<()> {
    let keys = df.column(column)?.str()?;
    let numbered: StringChunked = keys
        .iter()
        .map(|key| {
            key.map(|key| {
                let n = seen.entry(key.to_string()).or_default();
                *n += 1;
                match *n {
                    1 => key.to_string(),
                    n => format!("{key}-{n}"),
                }
            })
        })
        .collect();
    df.with_column(numbered.with_name(column.into()).into_column())?;
    Ok(())
}

/// A normalized value; text borrows the cell it came from when the cell
/// needed no cleaning.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Text(Cow<'a, str>),
    Id { value: Cow<'a, str>, valid: bool },
    Date(NaiveDate),
    Float(f64),
    Int(i64),
}

/// Normalize one cell by column kind. `scale` converts amounts to 元;
/// `date_format` is a chrono format tried before the built-in forms.
pub fn normalize_value<'a>(
    kind: ColumnKind,
    raw: &'a str,
    scale: f64,
    date_format: Option<&str>,
) -> Result<Value<'a>, String> {
    let with_format = |raw: &str| {
        date_format
            .and_then(|f| NaiveDate::parse_from_str(&clean_cell(raw), f).ok())
            .map_or_else(|| parse_date(raw), Ok)
    };
    Ok(match kind {
        ColumnKind::IdNumber => {
            let id = normalize_id(raw)?;
            Value::Id {
                value: id.value,
                valid: id.valid,
            }
        }
        ColumnKind::Name => Value::Text(normalize_name(raw)),
        ColumnKind::Text | ColumnKind::Label => Value::Text(clean_cell(raw)),
        ColumnKind::Code => {
            let code = normalize_code(raw);
            if let Some(why) = masked("", &code).or_else(|| scientific("", &code)) {
                return Err(why);
            }
            Value::Text(code)
        }
        ColumnKind::VillageCode => Value::Text(normalize_village_code(raw)?),
        ColumnKind::Date => Value::Date(with_format(raw)?),
        ColumnKind::Period => Value::Date(parse_period(raw)?),
        ColumnKind::Amount => Value::Float(parse_amount(raw, scale)?),
        ColumnKind::Number => Value::Float(parse_number(raw, scale)?),
        ColumnKind::Integer => Value::Int(parse_integer(raw)?),
    })
}

/// The values of one canonical column as rows are accepted.
enum Buffer {
    Text(StringChunkedBuilder),
    /// Labels by index into `distinct`, each distinct label kept once; they
    /// go through the vocabulary once each when the column is finished.
    Label {
        index: PlHashMap<String, u32>,
        distinct: Vec<String>,
        rows: Vec<Option<u32>>,
    },
    Id(StringChunkedBuilder, Vec<Option<bool>>),
    Date(Vec<Option<i32>>),
    Float(Vec<Option<f64>>),
    Int(Vec<Option<i64>>),
}

impl Buffer {
    /// An empty column with room for `rows` values.
    fn new(kind: ColumnKind, name: &str, rows: usize) -> Self {
        match kind {
            ColumnKind::IdNumber => Buffer::Id(
                StringChunkedBuilder::new(name.into(), rows),
                Vec::with_capacity(rows),
            ),
            ColumnKind::Date | ColumnKind::Period => Buffer::Date(Vec::with_capacity(rows)),
            ColumnKind::Amount | ColumnKind::Number => Buffer::Float(Vec::with_capacity(rows)),
            ColumnKind::Integer => Buffer::Int(Vec::with_capacity(rows)),
            ColumnKind::Label => Buffer::Label {
                index: Default::default(),
                distinct: Vec::new(),
                rows: Vec::with_capacity(rows),
            },
            _ => Buffer::Text(StringChunkedBuilder::new(name.into(), rows)),
        }
    }

    fn push(&mut self, value: Option<Value>) {
        match (self, value) {
            (Buffer::Text(v), Some(Value::Text(s))) => v.append_value(&s),
            (
                Buffer::Label {
                    index,
                    distinct,
                    rows,
                },
                Some(Value::Text(s)),
            ) => {
                let i = match index.get(s.as_ref()) {
                    Some(&i) => i,
                    None => {
                        let i = distinct.len() as u32;
                        index.insert(s.to_string(), i);
                        distinct.push(s.into_owned());
                        i
                    }
                };
                rows.push(Some(i));
            }
            (Buffer::Id(v, ok), Some(Value::Id { value, valid })) => {
                v.append_value(&value);
                ok.push(Some(valid));
            }
            (Buffer::Id(v, ok), None) => {
                v.append_null();
                ok.push(None);
            }
            (Buffer::Date(v), Some(Value::Date(d))) => v.push(Some(date_days(d))),
            (Buffer::Float(v), Some(Value::Float(f))) => v.push(Some(f)),
            (Buffer::Int(v), Some(Value::Int(i))) => v.push(Some(i)),
            (Buffer::Text(v), None) => v.append_null(),
            (Buffer::Label { rows, .. }, None) => rows.push(None),
            (Buffer::Date(v), None) => v.push(None),
            (Buffer::Float(v), None) => v.push(None),
            (Buffer::Int(v), None) => v.push(None),
            _ => unreachable!("value kind always matches its column kind"),
        }
    }

    /// The finished columns; a label column becomes its canonical and raw
    /// columns, its unknown labels added to `unknown`.
    fn into_columns(
        self,
        (dataset, name): (&str, &str),
        qualifier: Option<&str>,
        unknown: &mut Vec<UnknownLabel>,
    ) -> Vec<Column> {
        match self {
            Buffer::Text(v) => vec![v.finish().into_column()],
            Buffer::Label { distinct, rows, .. } => {
                let column = (dataset, name);
                let canonical = canonical_labels(column, qualifier, &distinct, &rows, unknown);
                let text = |labels: &[String]| -> StringChunked {
                    rows.iter()
                        .map(|r| r.map(|i| labels[i as usize].as_str()))
                        .collect()
                };
                vec![
                    text(&canonical).with_name(name.into()).into_column(),
                    text(&distinct)
                        .with_name(format!("{name}_raw").into())
                        .into_column(),
                ]
            }
            Buffer::Id(v, ok) => vec![
                v.finish().into_column(),
                Column::new(format!("{name}_valid").into(), ok),
            ],
            Buffer::Date(v) => {
                let days = Int32Chunked::from_iter_options(name.into(), v.into_iter());
                vec![days.into_date().into_column()]
            }
            Buffer::Float(v) => vec![Column::new(name.into(), v)],
            Buffer::Int(v) => vec![Column::new(name.into(), v)],
        }
    }
}

/// Cells of a row kept on the stack, not allocated for each row read (the
/// widest dataset has 11 columns); a wider row spills to the heap.
pub const ROW_CELLS: usize = 16;

/// Where a row came from, for rejects and the source column.
#[derive(Debug, Clone, Copy)]
pub struct RowOrigin<'a> {
    pub file: &'a str,
    pub sheet: Option<&'a str>,
    pub line: usize,
}

impl RowOrigin<'_> {
    /// Append `file[#sheet]:row`, the form findings cite, to `out`.
    pub fn cite_into(&self, out: &mut String) {
        // Once per row read: pushed piece by piece, not through `format!`.
        out.push_str(self.file);
        if let Some(sheet) = self.sheet {
            out.push('#');
            out.push_str(sheet);
        }
        out.push(':');
        out.push_str(itoa::Buffer::new().format(self.line));
    }

    /// A reject of this row's `value` in the column headed `column`.
    pub fn reject(
        &self,
        (column, dataset): (&str, &str),
        value: String,
        reason: String,
        action: RejectAction,
    ) -> Reject {
        Reject {
            file: self.file.to_string(),
            sheet: self.sheet.map(str::to_string),
            row: self.line,
            column: column.to_string(),
            dataset: dataset.to_string(),
            value,
            reason,
            action,
        }
    }
}

/// The row number at the end of a `file[#sheet]:row` reference
/// ([`RowOrigin::cite_into`]).
pub(crate) fn line_of(source: &str) -> Option<usize> {
    source.rsplit(':').next()?.parse().ok()
}

/// One raw cell for a canonical column: the value and the header it came from.
#[derive(Debug, Clone)]
pub struct Cell<'a> {
    pub raw: Option<&'a str>,
    pub header: &'a str,
    pub scale: f64,
    pub date_format: Option<&'a str>,
}

/// A label no vocabulary rule knows, with how often it occurred.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnknownLabel {
    pub column: String,
    pub value: String,
    pub count: usize,
}

/// A finished dataset frame and the labels its vocabularies did not know.
pub struct Built {
    pub frame: DataFrame,
    pub unknown: Vec<UnknownLabel>,
}

/// The canonical form of each distinct label of a column, read with the
/// `qualifier` after it where there is one (a label no vocabulary rule
/// knows stays as it is and is reported in `unknown` with how many of
/// `rows` hold it).
fn canonical_labels(
    (dataset, name): (&str, &str),
    qualifier: Option<&str>,
    distinct: &[String],
    rows: &[Option<u32>],
    unknown: &mut Vec<UnknownLabel>,
) -> Vec<String> {
    let vocab = crate::vocab::for_column(dataset, name);
    let mut counts = vec![0usize; distinct.len()];
    for i in rows.iter().flatten() {
        counts[*i as usize] += 1;
    }
    let mut misses: std::collections::BTreeMap<&str, usize> = Default::default();
    let canonical = distinct
        .iter()
        .zip(&counts)
        .map(|(label, count)| {
            match vocab.and_then(|v| match qualifier {
                Some(q) => v.canonical(&format!("{label}{q}")),
                None => v.canonical(label),
            }) {
                Some(c) => c.to_string(),
                None => {
                    *misses.entry(label).or_default() += count;
                    label.clone()
                }
            }
        })
        .collect();
    unknown.extend(misses.into_iter().map(|(value, count)| UnknownLabel {
        column: name.to_string(),
        value: value.to_string(),
        count,
    }));
    canonical
}

/// Map a label column through its vocabulary: (canonical, raw) columns and
/// the labels no rule knows. Each distinct label is looked up once.
pub(crate) fn label_columns(
    dataset: &str,
    name: &str,
    labels: Vec<Option<String>>,
    unknown: &mut Vec<UnknownLabel>,
) -> Vec<Column> {
    let mut buffer = Buffer::new(ColumnKind::Label, name, 0);
    for label in labels {
        buffer.push(label.map(|l| Value::Text(Cow::Owned(l))));
    }
    buffer.into_columns((dataset, name), None, unknown)
}

/// Accumulates the rows of one canonical dataset.
pub struct DatasetBuilder {
    spec: &'static DatasetSpec,
    buffers: Vec<Buffer>,
    sources: StringChunkedBuilder,
    /// Rows accepted.
    height: usize,
    /// Reused to write each row's source.
    cite: String,
    /// How each column's cells are read, where some are not by their kind
    /// alone; empty when all are.
    modes: Vec<CellMode>,
    /// Per column: a word its labels are read with by the vocabulary
    /// ([`crate::mapping::Mapping::qualifiers`]); empty when none is.
    qualifiers: Vec<Option<String>>,
    /// Columns given a number made of the row's values.
    row_keys: Vec<usize>,
    /// Month and date columns whose `YYYY.1` may be October
    /// ([`crate::mapping::Mapping::months_as_numbers`]).
    months_as_numbers: Vec<usize>,
}

/// How the cells of a column are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CellMode {
    /// By the column's kind ([`normalize_value`]).
    ByKind,
    /// As a village name, kept as a [`crate::places::key`] to be resolved
    /// once every file is read.
    VillageName,
    /// As a range of dates, of which the start or the end is taken.
    RangeStart,
    RangeEnd,
    /// As a date or a month, a month read as its first day or its last.
    MonthStart,
    MonthEnd,
    /// As text stating one year (2023年第一批), or for a period one month
    /// with its year (2024年2月低保金), which is taken.
    Stated,
}

impl DatasetBuilder {
    /// An empty builder with room for `rows` rows.
    pub fn new(spec: &'static DatasetSpec, rows: usize) -> Self {
        Self {
            spec,
            buffers: spec
                .columns
                .iter()
                .map(|c| Buffer::new(c.kind, c.name, rows))
                .collect(),
            sources: StringChunkedBuilder::new(SOURCE_COLUMN.into(), rows),
            height: 0,
            cite: String::new(),
            modes: Vec::new(),
            qualifiers: Vec::new(),
            row_keys: Vec::new(),
            months_as_numbers: Vec::new(),
        }
    }

    /// Read each label column's labels with its qualifier after them
    /// (城市 in a 低保 list as 城市低保); the labels as written stay raw.
    pub fn qualifying_labels(mut self, qualifiers: Vec<Option<String>>) -> Self {
        self.qualifiers = qualifiers;
        self
    }

    /// Read column `c`'s cells in `mode`.
    fn read_as(&mut self, c: usize, mode: CellMode) {
        self.modes.resize(self.spec.columns.len(), CellMode::ByKind);
        self.modes[c] = mode;
    }

    /// Read these date columns' cells as ranges of dates, taking the
    /// start, or the end where marked ([`crate::mapping::Mapping::date_range_ends`]).
    pub fn with_date_ranges(self, ends: Vec<(usize, bool)>) -> Self {
        self.reading_ends(ends, (CellMode::RangeStart, CellMode::RangeEnd))
    }

    /// Read these date columns' cells as dates or months, a month as its
    /// first day, or its last where marked
    /// ([`crate::mapping::Mapping::month_ends`]).
    pub fn with_months(self, ends: Vec<(usize, bool)>) -> Self {
        self.reading_ends(ends, (CellMode::MonthStart, CellMode::MonthEnd))
    }

    fn reading_ends(
        mut self,
        ends: Vec<(usize, bool)>,
        (start, end): (CellMode, CellMode),
    ) -> Self {
        for (c, is_end) in ends {
            self.read_as(c, if is_end { end } else { start });
        }
        self
    }

    /// Read these columns' cells as text stating a year, or a month for a
    /// period ([`crate::mapping::Mapping::stated_in_cells`]).
    pub fn with_stated(mut self, columns: Vec<usize>) -> Self {
        for c in columns {
            self.read_as(c, CellMode::Stated);
        }
        self
    }

    /// Give these columns, a record's number no header gives, a number
    /// made of the row's other values ([`content_key`]).
    pub fn with_row_keys(mut self, columns: Vec<usize>) -> Self {
        self.row_keys = columns;
        self
    }

    /// The columns given a number made of the row's values.
    pub fn row_key_columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.row_keys.iter().map(|&c| self.spec.columns[c].name)
    }

    /// Refuse these columns' `YYYY.1`, which may be January or October.
    pub fn with_months_as_numbers(mut self, columns: Vec<usize>) -> Self {
        self.months_as_numbers = columns;
        self
    }

    /// Read `village_code` cells as village names (`names`: the mapping
    /// takes them from a names column); the cell after the dataset's own,
    /// when a row has one, is the township's.
    pub fn naming_villages(mut self, names: bool) -> Self {
        let columns = self.spec.columns.iter();
        let village = columns
            .clone()
            .position(|c| c.kind == ColumnKind::VillageCode);
        if let Some(c) = village.filter(|_| names) {
            self.read_as(c, CellMode::VillageName);
        }
        self
    }

    /// Normalize and add a row (one cell per canonical column). A required
    /// value that is empty or unreadable drops the row; an unreadable
    /// optional value is cleared. Either way a reject is recorded.
    /// Returns whether the row was accepted.
    pub fn push_row(
        &mut self,
        cells: &[Cell<'_>],
        origin: RowOrigin<'_>,
        rejects: &mut Vec<Reject>,
    ) -> bool {
        let mut values: SmallVec<[Option<Value>; ROW_CELLS]> = SmallVec::new();
        let mut problems: Vec<(usize, String, String)> = Vec::new();
        for (i, (col, cell)) in self.spec.columns.iter().zip(cells).enumerate() {
            if self.row_keys.contains(&i) {
                // Filled below from the row's other values.
                values.push(None);
                continue;
            }
            let raw = cell.raw.map(str::trim).filter(|r| !r.is_empty());
            if let Some(raw) = raw.filter(|r| {
                self.months_as_numbers.contains(&i) && crate::normalize::year_dot_one(r)
            }) {
                let reason = format!(
                    "“{raw}”无法确定是1月还是10月：本列的月份存成了数字（另有 11、12 月），\
                     10月也会显示为“{raw}”；请把该列设为文本格式后重新导出"
                );
                problems.push((i, raw.to_string(), reason));
                values.push(None);
                continue;
            }
            let value = match raw {
                None if col.required => {
                    problems.push((i, String::new(), "必需字段为空".to_string()));
                    None
                }
                None => None,
                Some(raw) => match self.modes.get(i).copied().unwrap_or(CellMode::ByKind) {
                    CellMode::ByKind => {
                        match normalize_value(col.kind, raw, cell.scale, cell.date_format) {
                            Ok(Value::Text(t)) if t.is_empty() && col.required => {
                                problems.push((i, raw.to_string(), "必需字段为空".to_string()));
                                None
                            }
                            Ok(Value::Text(t)) if t.is_empty() => None,
                            Ok(v) => Some(v),
                            Err(reason) => {
                                problems.push((i, raw.to_string(), reason));
                                None
                            }
                        }
                    }
                    CellMode::VillageName => {
                        let township = cells.get(self.spec.columns.len()).and_then(|t| t.raw);
                        Some(Value::Text(Cow::Owned(crate::places::key(township, raw))))
                    }
                    CellMode::Stated if col.kind == ColumnKind::Period => {
                        match crate::stated::month_of(raw) {
                            Some(month) => Some(Value::Date(month)),
                            None => {
                                let reason = format!("“{raw}”未写明年月");
                                problems.push((i, raw.to_string(), reason));
                                None
                            }
                        }
                    }
                    CellMode::Stated => match crate::stated::year_of(raw) {
                        Some(year) => Some(Value::Int(i64::from(year))),
                        None => {
                            problems.push((i, raw.to_string(), format!("“{raw}”未写明年份")));
                            None
                        }
                    },
                    mode @ (CellMode::MonthStart | CellMode::MonthEnd) => {
                        let last = mode == CellMode::MonthEnd;
                        match normalize_value(col.kind, raw, 1.0, cell.date_format)
                            .or_else(|_| month_as_date(raw, last).map(Value::Date))
                        {
                            Ok(v) => Some(v),
                            Err(reason) => {
                                problems.push((i, raw.to_string(), reason));
                                None
                            }
                        }
                    }
                    mode @ (CellMode::RangeStart | CellMode::RangeEnd) => {
                        match parse_date_range(raw) {
                            Ok((from, to)) => match (mode, to) {
                                (CellMode::RangeEnd, Some(to)) => Some(Value::Date(to)),
                                // Still open (至今): no end, which a required one must have.
                                (CellMode::RangeEnd, None) if col.required => {
                                    let reason = "区间未写明终止日期（至今）".to_string();
                                    problems.push((i, raw.to_string(), reason));
                                    None
                                }
                                (CellMode::RangeEnd, None) => None,
                                _ => Some(Value::Date(from)),
                            },
                            Err(reason) => {
                                problems.push((i, raw.to_string(), reason));
                                None
                            }
                        }
                    }
                },
            };
            values.push(value);
        }
        let dropped = problems
            .iter()
            .any(|(i, _, _)| self.spec.columns[*i].required);
        let action = if dropped {
            RejectAction::RowDropped
        } else {
            RejectAction::ValueCleared
        };
        for (i, value, reason) in problems {
            let column = (cells[i].header, self.spec.name);
            rejects.push(origin.reject(column, value, reason, action));
        }
        if dropped {
            return false;
        }
        if !self.row_keys.is_empty() {
            let key = content_key(&values, &self.row_keys);
            for &c in &self.row_keys {
                values[c] = Some(Value::Text(Cow::Owned(key.clone())));
            }
        }
        for (buffer, value) in self.buffers.iter_mut().zip(values) {
            buffer.push(value);
        }
        self.cite.clear();
        origin.cite_into(&mut self.cite);
        self.sources.append_value(&self.cite);
        self.height += 1;
        true
    }

    /// The canonical DataFrame of the rows accepted, label columns mapped
    /// through their vocabularies.
    pub fn finish(self) -> PolarsResult<Built> {
        let mut unknown = Vec::new();
        let mut columns: Vec<Column> = Vec::new();
        let columns_of = self.buffers.into_iter().zip(self.spec.columns).enumerate();
        for (c, (buffer, col)) in columns_of {
            let qualifier = self.qualifiers.get(c).and_then(Option::as_deref);
            let column = (self.spec.name, col.name);
            columns.extend(buffer.into_columns(column, qualifier, &mut unknown));
        }
        columns.push(self.sources.finish().into_column());
        Ok(Built {
            frame: DataFrame::new(self.height, columns)?,
            unknown,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(raw: &str) -> Cell<'_> {
        Cell {
            raw: Some(raw),
            header: "h",
            scale: 1.0,
            date_format: None,
        }
    }

    #[test]
    fn rows_become_typed_columns_and_bad_rows_rejects() {
        let spec = xuncha_schema::dataset("deaths").unwrap();
        let mut b = DatasetBuilder::new(spec, 0);
        let mut rejects = Vec::new();
        let origin = |line| RowOrigin {
            file: "d.csv",
            sheet: None,
            line,
        };
        assert!(b.push_row(
            &[
                cell("11010519491231002x"),
                cell("张三"),
                cell("2024年3月5日"),
                cell("火化")
            ],
            origin(2),
            &mut rejects
        ));
        assert!(!b.push_row(
            &[
                cell("11010519491231002X"),
                cell("李四"),
                cell("不详"),
                cell("")
            ],
            origin(3),
            &mut rejects
        ));
        assert_eq!(rejects.len(), 1);
        assert_eq!(rejects[0].row, 3);
        assert_eq!(rejects[0].action, RejectAction::RowDropped);
        assert!(rejects[0].reason.contains("不详"));
        let df = b.finish().unwrap().frame;
        assert_eq!(df.height(), 1);
        assert_eq!(df.column("death_date").unwrap().dtype(), &DataType::Date);
        assert_eq!(
            df.column("id_number_valid").unwrap().bool().unwrap().get(0),
            Some(true)
        );
        assert_eq!(
            df.column(SOURCE_COLUMN).unwrap().str().unwrap().get(0),
            Some("d.csv:2")
        );
        assert_eq!(df.schema().as_ref(), &spec.schema());
    }

    #[test]
    fn unreadable_optional_values_are_cleared_not_dropped() {
        let spec = xuncha_schema::dataset("public_employees").unwrap();
        let mut b = DatasetBuilder::new(spec, 0);
        let mut rejects = Vec::new();
        let origin = RowOrigin {
            file: "e.xlsx",
            sheet: Some("在编"),
            line: 7,
        };
        let ok = b.push_row(
            &[
                cell("11010519491231002X"),
                cell("王五"),
                cell("乡政府"),
                cell("??"),
                cell(""),
            ],
            origin,
            &mut rejects,
        );
        assert!(ok);
        assert_eq!(rejects[0].action, RejectAction::ValueCleared);
        assert_eq!(
            b.finish()
                .unwrap()
                .frame
                .column(SOURCE_COLUMN)
                .unwrap()
                .str()
                .unwrap()
                .get(0),
            Some("e.xlsx#在编:7")
        );
    }
}
