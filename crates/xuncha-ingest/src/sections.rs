//! Sections of a table: a county's list kept by hand often stacks its
//! programs in one sheet (一、城市低保 … 二、农村低保 …), each under a row
//! holding only its label. When no header gives the column such labels
//! name (a payment list's program), the rows under a label take the value
//! it names, over one the table's names state for every row (a title
//! ending with the first section's label), and the label rows are counted
//! as such, not read as records missing their fields.

use crate::catalog::CatalogEntry;
use crate::header::{self, Header};
use crate::mapping::{ColumnSource, Decision, Mapping};
use crate::read::RawRow;
use crate::vocab::{Named, Vocabulary};

/// What a row below the header of a sectioned table is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A section's label.
    Heading,
    /// A row under the section of value `values[i]`, or under none yet.
    Under(Option<usize>),
}

/// The sections of one table, read row by row in order.
pub struct Sections {
    /// The canonical column the labels give.
    pub column: usize,
    vocab: &'static Vocabulary,
    /// The values the labels named, each once.
    pub values: Vec<String>,
    /// Each label as written and the value it named.
    headings: Vec<(String, usize)>,
    current: Option<usize>,
    /// Did the names state a value, and did a label below the header name one?
    stated: bool,
    below: bool,
}

impl Sections {
    /// The sections of a table whose mapping gives a column that names may
    /// state (the vocabulary's `stated_by_names`) no header or catalog
    /// entry: none, or the value the names state; `None` for other tables.
    /// `above` is the row right above the header, where the first
    /// section's label may sit.
    pub fn of(
        mapping: &Mapping,
        entry: Option<&CatalogEntry>,
        above: Option<&RawRow>,
    ) -> Option<Self> {
        let dataset = mapping.dataset;
        let (column, vocab, stated) = dataset.columns.iter().enumerate().find_map(|(c, col)| {
            let vocab = crate::vocab::for_column(dataset.name, col.name)?;
            let by_catalog = entry.is_some_and(|e| e.constants.contains_key(col.name));
            let stated = match &mapping.sources[c] {
                ColumnSource::Absent => None,
                ColumnSource::Constant(v) if !by_catalog => Some(v.as_str()),
                _ => return None,
            };
            vocab.stated_by_names.then_some((c, vocab, stated))
        })?;
        let mut sections = Sections {
            column,
            vocab,
            values: stated.map(str::to_string).into_iter().collect(),
            headings: Vec::new(),
            current: stated.map(|_| 0),
            stated: stated.is_some(),
            below: false,
        };
        if let Some((label, value)) = above.and_then(|row| sections.heading(row)) {
            sections.enter(label, value);
        }
        Some(sections)
    }

    /// Mark rows read after those marked before.
    pub fn mark(&mut self, rows: &[RawRow], header: &Header) -> Vec<Mark> {
        rows.iter()
            .map(|row| {
                // A row of one cell first: most rows end the test at their second.
                let heading =
                    (self.heading(row)).filter(|_| header::non_data(row, header).is_none());
                match heading {
                    Some((label, value)) => {
                        self.enter(label, value);
                        self.below = true;
                        Mark::Heading
                    }
                    None => Mark::Under(self.current),
                }
            })
            .collect()
    }

    /// The label of a row holding one cell only, when it names one value.
    fn heading<'r>(&self, row: &'r RawRow) -> Option<(&'r str, &'static str)> {
        let mut filled = row.cells.iter().map(str::trim).filter(|c| !c.is_empty());
        let label = filled.next()?;
        if filled.next().is_some() {
            return None;
        }
        match self.vocab.named_in(label) {
            Named::One(value) => Some((label, value)),
            Named::Nothing | Named::Several => None,
        }
    }

    fn enter(&mut self, label: &str, value: &str) {
        let at = match self.values.iter().position(|v| v == value) {
            Some(at) => at,
            None => {
                self.values.push(value.to_string());
                self.values.len() - 1
            }
        };
        self.headings.push((label.to_string(), at));
        self.current = Some(at);
    }

    /// Why the column has its values, when some label named one: a label
    /// above the header alone only says what the names would have.
    pub fn decision(&self, mapping: &Mapping) -> Option<Decision> {
        if self.headings.is_empty() || (self.stated && !self.below) {
            return None;
        }
        let column = mapping.dataset.columns[self.column].name;
        let shown: Vec<String> = (self.headings.iter().take(8))
            .map(|(label, at)| format!("“{label}”→{}", self.values[*at]))
            .collect();
        let more = match self.headings.len() {
            n if n > 8 => format!("等{n}个"),
            _ => String::new(),
        };
        Some(Decision {
            column: column.to_string(),
            header: None,
            score: 1.0,
            reason: format!(
                "表中无{}列，按分节行取其下各行的值：{}{more}",
                self.vocab.name,
                shown.join("、")
            ),
        })
    }
}
