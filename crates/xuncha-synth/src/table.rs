//! In-memory canonical tables of the synthetic county, before export.

use chrono::NaiveDate;

/// One value of a canonical column.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// An ID number: exported with the noise real exports have.
    Id(String),
    Date(NaiveDate),
    /// A month, stored as its first day.
    Period(NaiveDate),
    /// Money in 元 or a measure.
    Num(f64),
    Int(i64),
    Null,
}

impl Cell {
    /// The text of a text or ID value.
    pub fn text(&self) -> Option<&str> {
        match self {
            Cell::Text(s) | Cell::Id(s) => Some(s),
            _ => None,
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Self {
        Cell::Date(d)
    }
}

impl From<f64> for Cell {
    fn from(v: f64) -> Self {
        Cell::Num(v)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Cell::Null, Into::into)
    }
}

/// Rows of one canonical dataset; `columns` are canonical names.
#[derive(Debug, Clone)]
pub struct Table {
    pub dataset: &'static str,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    /// The rows continue a table of this dataset already written (large
    /// datasets are generated and written in parts).
    pub continued: bool,
}

impl Table {
    /// An empty table with all columns of the canonical dataset.
    pub fn new(dataset: &'static str) -> Self {
        let spec = xuncha_schema::dataset(dataset).expect("canonical dataset");
        Table {
            dataset,
            columns: spec.columns.iter().map(|c| c.name).collect(),
            rows: Vec::new(),
            continued: false,
        }
    }

    /// Hand over the rows so far, leaving an empty table that continues them.
    pub fn take_part(&mut self) -> Table {
        let next = Table {
            continued: true,
            ..Table::new(self.dataset)
        };
        std::mem::replace(self, next)
    }

    /// Add a row given as (column, value) pairs; absent columns are null.
    pub fn push(&mut self, values: Vec<(&'static str, Cell)>) {
        let mut row = vec![Cell::Null; self.columns.len()];
        for (col, value) in values {
            let i = self
                .columns
                .iter()
                .position(|c| *c == col)
                .unwrap_or_else(|| panic!("{}.{col}", self.dataset));
            row[i] = value;
        }
        self.rows.push(row);
    }

    /// Index of a column.
    pub fn col(&self, name: &str) -> usize {
        self.columns
            .iter()
            .position(|c| *c == name)
            .expect("known column")
    }
}
