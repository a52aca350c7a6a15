//! Sections of a table: a county's list kept by hand often stacks its
//! programs or villages in one sheet (一、城市低保 … 二、农村低保 …, 西湾社区
//! … 南坡村 …), each under a row holding only its label. When no header
//! gives the column such labels name (a payment list's program, its
//! village), the rows under a label take the value it names, over one the
//! table's names state for every row (a title ending with the first
//! section's label), and the label rows are counted as such, not read as
//! records missing their fields.

use std::sync::LazyLock;

use regex::Regex;

use crate::catalog::CatalogEntry;
use crate::header::{self, Header};
use crate::mapping::{ColumnSource, Decision, Mapping};
use crate::places;
use crate::read::RawRow;
use crate::vocab::{Named, Vocabulary};
use xuncha_schema::ColumnKind;

/// What a table report's mapping says of a column section labels give.
pub const LABEL_ROWS: &str = "分节行";

/// A label numbered as a section: 一、, （一）, 1., 第一部分.
static NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（]\s*[一二三四五六七八九十\d]+\s*[)）]|\d+\s*[、.．]|第[一二三四五六七八九十\d]+[部分节类组])",
    )
    .expect("section number")
});

/// What a row below the header of a sectioned table is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A section's label.
    Heading,
    /// A row under the labels read so far: the index of their values
    /// ([`Sections::values_of`]).
    Under(usize),
}

/// What section labels may give a column.
enum Gives {
    /// A value of the vocabulary (农村低保 for 二、农村低保).
    Label(&'static Vocabulary),
    /// The village they name, as a key the directory resolves
    /// ([`places::stated_village`]).
    Village,
}

impl Gives {
    /// The column's name for a user (救助项目, 村).
    fn what(&self) -> &str {
        match self {
            Gives::Label(vocab) => &vocab.name,
            Gives::Village => "村",
        }
    }
}

/// A column section labels may give.
struct Column {
    index: usize,
    gives: Gives,
    /// Did the table's names state a value for every row?
    stated: bool,
    /// Each label that gave it a value, as written, and whether above the
    /// header (there only where the names stated nothing: it is one of them).
    headings: Vec<(String, usize, bool)>,
}

/// The sections of one table, read row by row in order.
pub struct Sections {
    columns: Vec<Column>,
    /// The values labels named (a village's as its key), each once.
    values: Vec<String>,
    /// The value of each column under the labels read so far, one entry
    /// each time a label changed them; the last is the current one.
    states: Vec<Vec<Option<usize>>>,
}

impl Sections {
    /// The sections of a table whose mapping gives a column that labels
    /// may name no header or catalog entry: one that names may state
    /// (the vocabulary's `stated_by_names`), or the village; none, or the
    /// value the names state. `None` for other tables. `above` is the row
    /// right above the header, where the first section's label may sit.
    pub fn of(
        mapping: &Mapping,
        entry: Option<&CatalogEntry>,
        above: Option<&RawRow>,
    ) -> Option<Self> {
        let dataset = mapping.dataset;
        let mut sections = Sections {
            columns: Vec::new(),
            values: Vec::new(),
            states: vec![Vec::new()],
        };
        for (c, col) in dataset.columns.iter().enumerate() {
            let by_catalog = entry.is_some_and(|e| e.gives(col.name));
            let stated = match &mapping.sources[c] {
                _ if by_catalog => continue,
                ColumnSource::Absent => None,
                ColumnSource::Constant(v) => Some(v.as_str()),
                _ => continue,
            };
            let gives = if col.kind == ColumnKind::VillageCode && dataset.name != "villages" {
                Gives::Village
            } else {
                match crate::vocab::for_column(dataset.name, col.name) {
                    Some(vocab) if vocab.stated_by_names => Gives::Label(vocab),
                    _ => continue,
                }
            };
            let value = stated.map(|v| sections.value(v));
            sections.states[0].push(value);
            sections.columns.push(Column {
                index: c,
                gives,
                stated: stated.is_some(),
                headings: Vec::new(),
            });
        }
        if sections.columns.is_empty() {
            return None;
        }
        // A label right above the header is a title the names read too,
        // and gives a column they stated nothing for only when numbered as
        // the first section (一、城市低保), not when a title of its own
        // (2024年3月农村低保资金发放表).
        if let Some((label, mut named)) = above.and_then(|row| sections.heading(row)) {
            if !NUMBERED.is_match(label) {
                for (value, col) in named.iter_mut().zip(&sections.columns) {
                    if !col.stated {
                        *value = None;
                    }
                }
            }
            sections.enter(label, named, true);
        }
        Some(sections)
    }

    /// Mark rows read after those marked before.
    pub fn mark(&mut self, rows: &[RawRow], header: &Header) -> Vec<Mark> {
        rows.iter()
            .map(|row| {
                // A row of one cell first: most rows end the test at their second.
                let heading = self
                    .heading(row)
                    .filter(|_| header::non_data(row, header).is_none());
                match heading {
                    Some((label, named)) => {
                        self.enter(label, named, false);
                        Mark::Heading
                    }
                    None => Mark::Under(self.states.len() - 1),
                }
            })
            .collect()
    }

    /// The values a row marked `Under(state)` takes: (canonical column,
    /// value) for each column a label or the names gave.
    pub fn values_of(&self, state: usize) -> impl Iterator<Item = (usize, &str)> {
        let values = &self.states[state];
        (self.columns.iter().zip(values))
            .filter_map(|(col, v)| Some((col.index, self.values[(*v)?].as_str())))
    }

    /// Do labels give the village ([`crate::build::DatasetBuilder::naming_villages`])?
    pub fn may_name_villages(&self) -> bool {
        self.columns
            .iter()
            .any(|c| matches!(c.gives, Gives::Village))
    }

    /// Did a label name a village?
    pub fn named_villages(&self) -> bool {
        (self.columns.iter()).any(|c| matches!(c.gives, Gives::Village) && !c.headings.is_empty())
    }

    /// The label of a row holding one cell only, and the value it gives
    /// each column it names one of; `None` when it names none.
    fn heading<'r>(&self, row: &'r RawRow) -> Option<(&'r str, Vec<Option<String>>)> {
        let mut filled = row.cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty());
        let label = filled.next()?;
        if filled.next().is_some() {
            return None;
        }
        let named: Vec<Option<String>> = (self.columns.iter())
            .map(|col| match col.gives {
                Gives::Label(vocab) => match vocab.named_in(label) {
                    Named::One(value) => Some(value.to_string()),
                    Named::Nothing | Named::Several => None,
                },
                Gives::Village => places::stated_village(&[(LABEL_ROWS, label)]).map(|s| s.value),
            })
            .collect();
        named.iter().any(Option::is_some).then_some((label, named))
    }

    /// Take the values a label names. A label `above` the header is one of
    /// the names, and is told in a decision only for a column they gave
    /// nothing.
    fn enter(&mut self, label: &str, named: Vec<Option<String>>, above: bool) {
        let mut state = self.states.last().cloned().unwrap_or_default();
        for (k, value) in named.into_iter().enumerate() {
            let Some(value) = value else { continue };
            let at = self.value(&value);
            state[k] = Some(at);
            if !(above && self.columns[k].stated) {
                let heading = (label.to_string(), at, above);
                self.columns[k].headings.push(heading);
            }
        }
        self.states.push(state);
    }

    fn value(&mut self, value: &str) -> usize {
        match self.values.iter().position(|v| v == value) {
            Some(at) => at,
            None => {
                self.values.push(value.to_string());
                self.values.len() - 1
            }
        }
    }

    /// Why each column a label named has its values; for one the names
    /// stated, what follows their decision.
    pub fn decisions(&self, mapping: &Mapping) -> Vec<Decision> {
        let mut out = Vec::new();
        for col in &self.columns {
            if col.headings.is_empty() {
                continue;
            }
            let name = mapping.dataset.columns[col.index].name;
            let shown: Vec<String> = (col.headings.iter().take(8))
                .map(|(label, at, above)| {
                    let at_header = if *above { "（表头上方）" } else { "" };
                    match col.gives {
                        Gives::Label(_) => format!("“{label}”{at_header}→{}", self.values[*at]),
                        Gives::Village => format!("“{label}”{at_header}"),
                    }
                })
                .collect();
            let more = match col.headings.len() {
                n if n > 8 => format!("等{n}个"),
                _ => String::new(),
            };
            // A column the names stated: its decision goes on with this.
            let (lacking, after) = match col.stated {
                true => (String::new(), "其后"),
                false => (format!("表中无{}列，", col.gives.what()), ""),
            };
            let reason = match col.gives {
                Gives::Label(_) => format!(
                    "{lacking}{after}按分节行取其下各行的值：{}{more}",
                    shown.join("、")
                ),
                Gives::Village => format!(
                    "{lacking}{after}按分节行{}{more}中的村名查村(社区)名录换成12位区划代码",
                    shown.join("、")
                ),
            };
            out.push(Decision {
                column: name.to_string(),
                header: None,
                score: 1.0,
                reason,
            });
        }
        out
    }
}
