//! Column mapping and dataset recognition: score every (header, canonical
//! column) pair by meaning and content, pick a one-to-one assignment per
//! dataset, and choose the dataset a table most likely is — or report that
//! it fits two.

use std::cmp::Reverse;
use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use serde::Serialize;
use xuncha_schema::{ColumnKind, ColumnSpec, DatasetSpec, DATASETS};

use crate::catalog::{names_header, unit_scale, CatalogEntry};
use crate::evidence::{month_date_end, Profile, Verdict};
use crate::header::{self, Header};
use crate::lexicon::{lexicon, normalize_header, strip_unit, Reading, Subject};
use crate::monthly::{self, MonthColumn};
use crate::stated::{self, Names};

/// Where one canonical column's values come from.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnSource {
    /// Header index in the table.
    Header(usize),
    /// A constant from the catalog.
    Constant(String),
    /// The month or program columns of a wide table ([`Mapping::unpivot`]):
    /// a record for each month or program paid.
    Unpivoted,
    /// A column of village names (and the township's, when the table has
    /// one) for `village_code`: resolved through the villages directory
    /// once every file is read ([`crate::places`]).
    VillageName {
        village: usize,
        township: Option<usize>,
    },
    /// One end of the ranges of dates a column holds (租赁期限
    /// 2020.01.01-2029.12.31): the start, or the end when `end`.
    DateRange { index: usize, end: bool },
    /// A date column a register wrote to the month (参加工作时间 2015.08): a
    /// month is read as its first day, or its last when `end`; a whole date
    /// as it is.
    MonthOf { index: usize, end: bool },
    /// The year (or the month, for a period) each value of a column states,
    /// for a year no header gives (批次: 2023年第一批), or a month a summary
    /// states more truly than a date paid (摘要: 2024年2月低保金).
    StatedIn(usize),
    /// A number made of the row's values, for a record's number no header
    /// gives (`row_keys` in `datasets.toml`).
    RowKey,
    /// A date a ledger writes in a month and a day column (月, 日) under a
    /// year ([`Mapping::date_parts`]).
    DateParts,
    /// Not in the file.
    Absent,
}

impl ColumnSource {
    /// Is the column read from a header of the table (not a constant, not
    /// absent)?
    fn is_header(&self) -> bool {
        !matches!(
            self,
            ColumnSource::Constant(_) | ColumnSource::RowKey | ColumnSource::Absent
        )
    }
}

/// Why a canonical column was given the header it has.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub column: String,
    /// The header as written; `None` for a constant.
    pub header: Option<String>,
    /// 0–1; 1 for exact names, aliases and the catalog.
    pub score: f32,
    pub reason: String,
}

/// A header no canonical column took, with the columns it might have been.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unmapped {
    pub header: String,
    /// (canonical column, score), best first.
    pub candidates: Vec<(String, f32)>,
}

/// How a table maps onto one canonical dataset.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub dataset: &'static DatasetSpec,
    /// One entry per canonical column, in the dataset's order.
    pub sources: Vec<ColumnSource>,
    /// Multiplier to 元 per canonical column (万元 columns: 10,000).
    pub scales: Vec<f64>,
    /// Catalog date format per canonical column.
    pub date_formats: Vec<Option<String>>,
    /// Required canonical columns that no header provides.
    pub missing: Vec<&'static str>,
    /// Required columns the table's names stated instead ([`crate::stated`]):
    /// they fill the dataset a table is recognised as, but do not make a
    /// dataset's mapping complete when recognising it.
    pub stated: Vec<&'static str>,
    /// How a wide table of months or programs gives its period or program
    /// and amount; `None` for other tables.
    pub unpivot: Option<Unpivot>,
    /// One decision per mapped column.
    pub decisions: Vec<Decision>,
    /// Headers left over, with their best candidates.
    pub unmapped: Vec<Unmapped>,
    /// Columns another header fitted exactly as well as the one taken.
    pub ties: Vec<Tie>,
    /// Each row is a person supported alone, a household of one (the
    /// dataset's `one_person` in `datasets.toml`): relief households also
    /// give the person as the household's member.
    pub households_of_one: bool,
    /// Per canonical column: a word each label is read with by its
    /// vocabulary, the one the table's names state (a 低保 list's 城市 and
    /// 农村 read as 城市低保 and 农村低保); the label as written stays raw.
    pub qualifiers: Vec<Option<String>>,
    /// Month and date columns of a workbook that stored its months as
    /// numbers (2024.11, 2024.12), so that 2024.10 reads as 2024.1: there a
    /// `YYYY.1` is no month ([`crate::normalize::october_lost`]).
    pub months_as_numbers: Vec<usize>,
    /// The year of a period column of quarters or months written without one.
    pub period_year: Option<PeriodYear>,
    /// Where the one date a ledger writes in parts comes from.
    pub date_parts: Option<DateParts>,
}

/// A date written in parts, as a paper ledger's columns are (`2024年` over
/// `月`, `日`): the canonical column and its month's and day's headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateParts {
    pub column: usize,
    pub year: PeriodYear,
    pub month: usize,
    pub day: usize,
    /// The month's and day's headers (`月、日`), as rejects name them.
    pub label: String,
}

impl DateParts {
    /// The row's date (`2024-3-15`), where its month and day (and year) are
    /// written as numbers; `None` where one is blank or is no number.
    pub fn date(&self, row: &csv::StringRecord) -> Option<String> {
        let number = |i: usize| -> Option<u32> {
            let cell = row.get(i)?.trim().trim_end_matches(['年', '月', '日']);
            crate::normalize::to_half_width(cell).parse().ok()
        };
        let year = match self.year {
            PeriodYear::Column(i) => number(i)?,
            PeriodYear::Stated(year) => year,
        };
        Some(format!(
            "{year}-{}-{}",
            number(self.month)?,
            number(self.day)?
        ))
    }
}

/// A canonical column two or more headers fit equally well: the leftmost
/// was taken, and the user is told so rather than left to find out.
#[derive(Debug, Clone, PartialEq)]
pub struct Tie {
    pub column: &'static str,
    pub taken: String,
    /// The headers left unused that fit as well.
    pub tied: Vec<String>,
}

/// A year written in a header (`2022年`, `2023年度`).
static HEADER_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:19|20)\d{2}\s*年度?").expect("header year pattern"));

impl Tie {
    /// Whether the headers tied differ only by the year each names
    /// (`2022年补贴面积`, `2023年补贴面积`): one column written once a year.
    pub fn by_year(&self) -> bool {
        let mut rest = None;
        let mut years = BTreeSet::new();
        for h in std::iter::once(&self.taken).chain(&self.tied) {
            let Some(year) = HEADER_YEAR.find(h) else {
                return false;
            };
            let left = format!("{}{}", &h[..year.start()], &h[year.end()..]);
            if *rest.get_or_insert_with(|| left.clone()) != left || !years.insert(year.as_str()) {
                return false;
            }
        }
        true
    }
}

impl Mapping {
    /// Number of canonical columns a header provides.
    pub fn matched(&self) -> usize {
        self.sources.iter().filter(|s| s.is_header()).count()
    }

    /// The dataset's required amount column.
    fn amount_column(&self) -> Option<usize> {
        let mut columns = self.dataset.columns.iter();
        columns.position(|c| c.required && c.kind == ColumnKind::Amount)
    }

    /// The header a dataset's required amount is read from (支出 of a cash
    /// journal's payments), if it is one header.
    pub fn amount_header(&self) -> Option<usize> {
        match self.sources[self.amount_column()?] {
            ColumnSource::Header(i) => Some(i),
            _ => None,
        }
    }

    /// Does a header provide canonical column `name`?
    pub fn gives(&self, name: &str) -> bool {
        let columns = self.dataset.columns.iter();
        (columns.zip(&self.sources)).any(|(c, s)| c.name == name && s.is_header())
    }

    /// The canonical columns that take one end of a range of dates, with
    /// whether it is the end ([`ColumnSource::DateRange`]).
    pub fn date_range_ends(&self) -> Vec<(usize, bool)> {
        self.ends(|s| match s {
            ColumnSource::DateRange { end, .. } => Some(*end),
            _ => None,
        })
    }

    /// The canonical date columns written to the month, with whether a
    /// month is read as its last day ([`ColumnSource::MonthOf`]).
    pub fn month_ends(&self) -> Vec<(usize, bool)> {
        self.ends(|s| match s {
            ColumnSource::MonthOf { end, .. } => Some(*end),
            _ => None,
        })
    }

    fn ends(&self, end: impl Fn(&ColumnSource) -> Option<bool>) -> Vec<(usize, bool)> {
        let sources = self.sources.iter().enumerate();
        sources
            .filter_map(|(c, s)| end(s).map(|e| (c, e)))
            .collect()
    }

    /// The canonical columns that take the year or month a column's values
    /// state ([`ColumnSource::StatedIn`]).
    pub fn stated_in_cells(&self) -> Vec<usize> {
        let sources = self.sources.iter().enumerate();
        sources
            .filter_map(|(c, s)| matches!(s, ColumnSource::StatedIn(_)).then_some(c))
            .collect()
    }

    /// The canonical columns given a number made of the row's values
    /// ([`ColumnSource::RowKey`]).
    pub fn row_keys(&self) -> Vec<usize> {
        let sources = self.sources.iter().enumerate();
        sources
            .filter_map(|(c, s)| matches!(s, ColumnSource::RowKey).then_some(c))
            .collect()
    }

    /// Does `village_code` come from village names: a column of them
    /// ([`ColumnSource::VillageName`]) or the table's names?
    pub fn names_villages(&self) -> bool {
        self.sources.iter().any(|s| match s {
            ColumnSource::VillageName { .. } => true,
            ColumnSource::Constant(v) => crate::places::named_text(v).is_some(),
            _ => false,
        })
    }

    /// Sum of the scores of header-fed columns.
    pub fn total(&self) -> f32 {
        self.decisions
            .iter()
            .filter(|d| d.header.is_some())
            .map(|d| d.score)
            .sum()
    }
}

/// The canonical columns a wide table's month or program columns fill,
/// and those columns: each paid cell is a record of its own.
#[derive(Debug, Clone)]
pub struct Unpivot {
    /// What the columns stand for.
    pub by: UnpivotBy,
    /// Canonical column indexes of what each column gives (the period, or
    /// the program) and of the amount.
    pub key: usize,
    pub amount: usize,
    /// Each month or program column's index with the value it gives.
    pub columns: Vec<(usize, KeyValue)>,
    /// The column that gives each row's year (`年度`), when a month column
    /// has no year of its own.
    pub year: Option<usize>,
}

/// What the columns of a wide table stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnpivotBy {
    /// A month each (`1月` … `12月`: [`crate::monthly`]).
    Months,
    /// A benefit program each (两项补贴's 生活补贴 and 护理补贴 side by side).
    Programs,
}

/// The value a month or program column gives its records' key column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyValue {
    /// The same for every row (`2024-03`, `重度残疾人护理补贴`).
    Fixed(String),
    /// This month of the year in each row's year column.
    OfRowYear(u32),
    /// These months (first to last) of this year, or of each row's year
    /// column where `None`: a quarter's or half year's column, a record a
    /// month with the amount in equal shares.
    Span {
        year: Option<u32>,
        first: u32,
        last: u32,
    },
}

/// A label a table's names give every row (a 低保 list's program).
struct StatedLabel {
    /// The vocabulary's name.
    vocabulary: &'static str,
    stated: stated::Stated,
    /// Per header: whether the vocabulary knows none of its sampled values
    /// (a 低保 roster's 家庭类别: 一类, 二类), so that the names' value, not
    /// the column, labels the rows. Only headers with a meaning are looked at.
    foreign: Vec<bool>,
    /// Per header: whether each of its sampled values, read with the names'
    /// value after it, is another value of the vocabulary (城市, 农村 in a
    /// 低保 list: 城市低保, 农村低保), so that the column says which.
    qualified: Vec<bool>,
}

/// A table as recognition sees it: its header read by meaning, a content
/// profile per column, and the words around it.
pub struct TableView<'a> {
    pub header: &'a Header,
    pub readings: Vec<Reading>,
    pub profiles: Vec<Profile>,
    /// Columns that belong to wide household members, not to any column.
    pub excluded: Vec<bool>,
    /// File stem, sheet name and title rows, normalized.
    pub context: String,
    /// File stem alone.
    pub stem: String,
    /// Columns that each name one month's payment ([`crate::monthly`]).
    pub months: Vec<MonthColumn>,
    /// The month and year the sheet, file or title rows state.
    stated: stated::Values,
    /// The village they may state ([`crate::places::stated_village`]).
    village: Option<stated::Stated>,
    /// The value each vocabulary stated by names has in every row, where
    /// the names give one.
    labels: Vec<StatedLabel>,
    /// The registration statuses the sampled reasons of change (注销原因)
    /// come to, as the residents' status vocabulary reads them.
    change_reasons: BTreeSet<&'static str>,
    /// Every sampled row gives a reason of change that reads as a status
    /// (none blank): the reasons say what every row is, not only the few
    /// rows of a register that changed.
    every_row_reasoned: bool,
    /// Some sampled reason of change is one the residents' status
    /// vocabulary cannot read (停保原因: 收入超标): the reasons may be any.
    unread_reason: bool,
    /// Per header: its distinct sampled values (trimmed, not empty), or
    /// `None` where there are more than [`FEW_VALUES`].
    distinct: Vec<Option<BTreeSet<String>>>,
    /// Per header: a summary (摘要, 用途) each of whose sampled values the
    /// vocabulary of a label that names may state reads (a bank's 代发明细:
    /// 2024年3月农村低保金), with that vocabulary's name and a value.
    summarized: Vec<Option<(&'static str, String)>>,
    /// Per header: a summary each of whose sampled values states one month
    /// with its year (2024年3月农村低保金), with a value.
    summary_months: Vec<Option<String>>,
}

/// The attributes of headers giving why a row changed or ended (注销原因,
/// 终止原因), read for what the rows are.
const REASONS: [&str; 2] = ["change_reason", "end_reason"];

/// The most distinct values a header's sample keeps in [`TableView`].
const FEW_VALUES: usize = 16;

impl<'a> TableView<'a> {
    /// Do the table's names say it is the dataset: named after it, or
    /// holding one of its hint words?
    pub fn names(&self, dataset: &str) -> bool {
        self.named_after(dataset) || self.hints_of(dataset).next().is_some()
    }

    /// The headers giving each row's reason of change (注销原因) and that
    /// reason, where every sampled reason is the dataset's own (deaths:
    /// 死亡): they say what the rows are, and are read so, not left over.
    pub fn rows_reasoned(&self, dataset: &str) -> Option<(Vec<&str>, &'static str)> {
        let reason = lexicon().dataset(dataset)?.reason.as_deref()?;
        let own = |c: &&str| *c == reason;
        if self.change_reasons.is_empty() || !self.change_reasons.iter().all(own) {
            return None;
        }
        let headers = (self.header.raw.iter().zip(&self.readings))
            .filter(|(_, r)| r.attribute.as_deref().is_some_and(|a| REASONS.contains(&a)))
            .map(|(h, _)| h.as_str())
            .collect();
        Some((headers, reason))
    }

    /// Is the file named after the dataset (`deaths.csv`)?
    pub fn named_after(&self, dataset: &str) -> bool {
        self.stem.eq_ignore_ascii_case(dataset)
    }

    /// The dataset's hint words (死亡, 发放, 合同 …) the file name, sheet or
    /// title rows hold.
    pub fn hints_of(&self, dataset: &str) -> impl Iterator<Item = &'static str> + '_ {
        let words = lexicon().dataset(dataset).into_iter();
        (words.flat_map(|w| &w.hints))
            .filter(|h| self.context.contains(h.as_str()))
            .map(String::as_str)
    }

    /// Build the view of a table. `samples` holds up to
    /// [`crate::evidence::SAMPLE_ROWS`] data rows; `title` the filled cells
    /// of the rows above the header.
    pub fn new(
        header: &'a Header,
        samples: &[&csv::StringRecord],
        excluded: Vec<bool>,
        file: &str,
        sheet: Option<&str>,
        title: &[&str],
    ) -> Self {
        let lex = lexicon();
        let readings: Vec<Reading> = header.raw.iter().map(|h| lex.read(h)).collect();
        let statuses = crate::vocab::for_column("residents", "status");
        let reason_columns: Vec<usize> = (readings.iter().enumerate())
            .filter(|(_, r)| r.attribute.as_deref().is_some_and(|a| REASONS.contains(&a)))
            .map(|(i, _)| i)
            .collect();
        let mut change_reasons = BTreeSet::new();
        let mut every_row_reasoned = !reason_columns.is_empty() && !samples.is_empty();
        let mut unread_reason = false;
        for row in samples {
            let mut reasoned = false;
            for &i in &reason_columns {
                let Some(value) = row.get(i).map(str::trim).filter(|v| !v.is_empty()) else {
                    continue;
                };
                match statuses.and_then(|s| s.canonical(value)) {
                    Some(reason) => {
                        change_reasons.insert(reason);
                        reasoned = true;
                    }
                    None => unread_reason = true,
                }
            }
            every_row_reasoned &= reasoned;
        }
        let distinct: Vec<Option<BTreeSet<String>>> = (0..header.raw.len())
            .map(|i| {
                let mut values = BTreeSet::new();
                let cells = samples.iter().filter_map(|r| r.get(i)).map(str::trim);
                for v in cells.filter(|v| !v.is_empty()) {
                    if !values.contains(v) {
                        values.insert(v.to_string());
                    }
                    if values.len() > FEW_VALUES {
                        return None;
                    }
                }
                Some(values)
            })
            .collect();
        // A summary's sampled values (摘要, 用途), none where it has none.
        let summaries: Vec<Option<Vec<&str>>> = (0..header.raw.len())
            .map(|i| {
                if readings[i].attribute.as_deref() != Some("summary") {
                    return None;
                }
                let cells = samples.iter().filter_map(|r| r.get(i)).map(str::trim);
                let values: Vec<&str> = cells.filter(|v| !v.is_empty()).collect();
                (!values.is_empty()).then_some(values)
            })
            .collect();
        let summarized = (summaries.iter())
            .map(|values| {
                let values = values.as_ref()?;
                let vocab = (crate::vocab::vocabularies().iter())
                    .filter(|v| v.stated_by_names)
                    .find(|v| values.iter().all(|x| v.canonical(x).is_some()))?;
                Some((vocab.name.as_str(), values[0].to_string()))
            })
            .collect();
        let summary_months = (summaries.iter())
            .map(|values| {
                let values = values.as_ref()?;
                let months = values.iter().all(|v| stated::month_of(v).is_some());
                months.then(|| values[0].to_string())
            })
            .collect();
        let profiles = (0..header.raw.len())
            .map(|i| Profile::of(samples.iter().filter_map(|r| r.get(i))))
            .collect();
        let name = file.rsplit('/').next().unwrap_or(file);
        let stem = name.split('.').next().unwrap_or(name).to_string();
        let context = format!("{stem} {} {}", sheet.unwrap_or(""), title.join(" "));
        let notes: Vec<&str> = title
            .iter()
            .copied()
            .filter(|c| !header::is_note(c))
            .collect();
        let names = Names {
            sheet,
            // The stem stops at the first dot (`低保发放2024.03`).
            file: name.rsplit_once('.').map_or(name, |(n, _)| n),
            title: &notes.join(" "),
        };
        // A note above the header may be the one to name the village
        // (填报单位：西湾村民委员会).
        let title = title.join(" ");
        let mut named = Vec::with_capacity(3);
        named.extend(sheet.map(|s| ("工作表名", s)));
        named.push(("文件名", names.file));
        named.push(("标题行", title.as_str()));
        let labels = crate::vocab::vocabularies()
            .iter()
            .filter(|v| v.stated_by_names)
            .filter_map(|v| {
                let stated = names.label(v)?;
                let foreign = (0..header.raw.len())
                    .map(|i| {
                        let mut values = (samples.iter())
                            .filter_map(|r| r.get(i))
                            .map(str::trim)
                            .filter(|v| !v.is_empty())
                            .peekable();
                        readings[i].attribute.is_some()
                            && values.peek().is_some()
                            && values.all(|value| v.canonical(value).is_none())
                    })
                    .collect::<Vec<bool>>();
                let alone = v.canonical(&stated.value);
                let qualified = (0..header.raw.len())
                    .map(|i| {
                        let values = distinct[i].as_ref().filter(|d| !d.is_empty());
                        foreign[i]
                            && values.is_some_and(|d| {
                                d.iter().all(|x| {
                                    let read = v.canonical(&format!("{x}{}", stated.value));
                                    read.is_some() && read != alone
                                })
                            })
                    })
                    .collect();
                Some(StatedLabel {
                    vocabulary: v.name.as_str(),
                    stated,
                    foreign,
                    qualified,
                })
            })
            .collect();
        TableView {
            header,
            readings,
            profiles,
            excluded,
            context: normalize_header(&context),
            stem,
            months: monthly::detect(header),
            stated: names.stated(),
            village: crate::places::stated_village(&named),
            labels,
            change_reasons,
            every_row_reasoned,
            unread_reason,
            distinct,
            summarized,
            summary_months,
        }
    }
}

/// The pairs of canonical columns a term written as a range of dates in
/// one cell gives: its start and its end.
const DATE_PAIRS: &[(&str, &str)] = &[
    ("start_date", "end_date"),
    ("term_start", "term_end"),
    ("issue_date", "expiry_date"),
];

/// A dataset's canonical columns as a table's headers are being assigned
/// to them: the source and decision per column, and the headers taken.
struct Assignment<'v, 'a> {
    dataset: &'static DatasetSpec,
    view: &'v TableView<'a>,
    entry: Option<&'v CatalogEntry>,
    sources: Vec<ColumnSource>,
    decisions: Vec<Option<Decision>>,
    used: Vec<bool>,
    /// Set where each row is read as a household of one.
    households_of_one: bool,
    /// Per column: the word a label is read with ([`Mapping::qualifiers`]).
    qualifiers: Vec<Option<String>>,
}

impl Assignment<'_, '_> {
    /// A column naming the village whose values are names, not codes, gives
    /// `village_code` through the villages directory, with the township's
    /// column beside it when there is one. The column is the one the header
    /// (or the catalog) gives `village_code`, or else an unused header that
    /// names the village (村(社区), 所属村, 村名称), or else an unused header
    /// that names nothing known whose values are villages' names (组别:
    /// 大南村3组).
    fn village_names(&mut self) {
        let (dataset, view, entry) = (self.dataset, self.view, self.entry);
        let Assignment {
            sources,
            decisions,
            used,
            ..
        } = self;
        let Some(c) = dataset
            .columns
            .iter()
            .position(|col| col.kind == ColumnKind::VillageCode)
        else {
            return;
        };
        // The directory itself names its villages beside their codes.
        if dataset.columns.iter().any(|col| col.name == "village_name") {
            return;
        }
        let names = |i: usize| {
            let p = &view.profiles[i];
            p.words >= 0.8 && p.village_code < 0.3
        };
        let names_a = |i: usize, subject: &str| {
            let r = &view.readings[i];
            !used[i]
                && r.subject == Subject::Known(subject.to_string())
                && matches!(r.attribute.as_deref(), None | Some("name"))
                && names(i)
        };
        // A header naming nothing known over villages' names.
        let villages_by_content = |i: usize| {
            let r = &view.readings[i];
            !used[i]
                && r.attribute.is_none()
                && matches!(r.subject, Subject::None | Subject::Unknown(_))
                && view.profiles[i].village_name >= 0.8
        };
        let mut by_content = false;
        let village = match sources[c] {
            ColumnSource::Header(i) if names(i) => i,
            ColumnSource::Absent if !names_header(entry, "village_code") => {
                let headers = 0..view.header.raw.len();
                match headers.clone().find(|&i| names_a(i, "village")) {
                    Some(i) => i,
                    None => match headers.clone().find(|&i| villages_by_content(i)) {
                        Some(i) => {
                            by_content = true;
                            i
                        }
                        None => return,
                    },
                }
            }
            _ => return,
        };
        let township = (0..view.header.raw.len()).find(|&i| names_a(i, "township"));
        used[village] = true;
        if let Some(t) = township {
            used[t] = true;
        }
        let header = &view.header.raw;
        let by_township = township
            .map(|t| format!("（乡镇取自“{}”）", header[t]))
            .unwrap_or_default();
        decisions[c] = Some(Decision {
            column: "village_code".into(),
            header: Some(header[village].clone()),
            score: decisions[c].as_ref().map_or(0.8, |d| d.score),
            reason: format!(
                "{}（{}）：按村(社区)名录{by_township}换成12位区划代码",
                if by_content {
                    "表头未指村，但内容多为村名（可带村民小组）"
                } else {
                    "表头指村，内容为村名"
                },
                view.profiles[village].describe(),
            ),
        });
        sources[c] = ColumnSource::VillageName { village, township };
    }

    /// A column whose values are ranges of dates (租赁期限 2020.01.01-2029.12.31)
    /// gives the start and the end of a dataset's pair of dates that no header
    /// gave, when its header names a term or a date.
    fn date_ranges(&mut self) {
        let (dataset, view, entry) = (self.dataset, self.view, self.entry);
        let Assignment {
            sources,
            decisions,
            used,
            ..
        } = self;
        let lex = lexicon();
        let ranges = |i: usize| view.profiles[i].range >= 0.6;
        for (start, end) in DATE_PAIRS {
            let (Some(start), Some(end)) = (dataset.position(start), dataset.position(end)) else {
                continue;
            };
            // A header of the pair (the catalog's, which names one header for
            // both) that holds ranges, or else an unused one naming a term or
            // a date.
            let given = [start, end].into_iter().find_map(|c| match sources[c] {
                ColumnSource::Header(i) if ranges(i) => Some(i),
                _ => None,
            });
            let named = |c: usize| names_header(entry, dataset.columns[c].name);
            let unused = || {
                (0..view.header.raw.len()).find(|&i| {
                    let reading = &view.readings[i];
                    let term = reading.attribute.as_deref() == Some("term");
                    let dated = term || lex.kind_of(reading) == Some("date");
                    !used[i] && dated && ranges(i)
                })
            };
            let Some(i) = given.or_else(|| (!named(start) && !named(end)).then(unused).flatten())
            else {
                continue;
            };
            used[i] = true;
            for (c, is_end) in [(start, false), (end, true)] {
                if !matches!(sources[c], ColumnSource::Absent)
                    && sources[c] != ColumnSource::Header(i)
                {
                    continue;
                }
                decisions[c] = Some(Decision {
                    column: dataset.columns[c].name.into(),
                    header: Some(view.header.raw[i].clone()),
                    score: decisions[c].as_ref().map_or(0.8, |d| d.score),
                    reason: format!(
                        "按含义：{}；内容为日期区间（{}%），取{}日期",
                        view.readings[i].describe(),
                        (view.profiles[i].range * 100.0).round(),
                        if is_end { "终止" } else { "起始" }
                    ),
                });
                sources[c] = ColumnSource::DateRange {
                    index: i,
                    end: is_end,
                };
            }
        }
    }

    /// A date column whose values are mostly months (参加工作时间 2015.08, 出生年月
    /// 197606), where the column may be written to the month
    /// ([`crate::evidence::month_date_end`]), reads each month as its first day,
    /// or its last for the end of a term.
    fn month_dates(&mut self) {
        let (dataset, view) = (self.dataset, self.view);
        let Assignment {
            sources, decisions, ..
        } = self;
        for (c, col) in dataset.columns.iter().enumerate() {
            let ColumnSource::Header(index) = sources[c] else {
                continue;
            };
            let profile = &view.profiles[index];
            let Some(end) = month_date_end(col.name) else {
                continue;
            };
            if col.kind != ColumnKind::Date || profile.month < 0.8 || profile.date >= 0.8 {
                continue;
            }
            sources[c] = ColumnSource::MonthOf { index, end };
            if let Some(d) = decisions[c].as_mut() {
                d.reason.push_str(&format!(
                    "；内容为月份（{}%），按当月{}计",
                    ((profile.month - profile.date) * 100.0).round(),
                    if end { "最后一天" } else { "第一天" }
                ));
            }
        }
    }

    /// A payment list whose only month column is headed as a date (发放时间,
    /// 日期) but holds months (2024年3月, 2024-03): that column gives a required
    /// month no header names. A header of full dates does not: a pay date's
    /// month is not always the month paid for.
    fn months_headed_as_dates(&mut self) {
        let (dataset, view, entry) = (self.dataset, self.view, self.entry);
        let Assignment {
            sources,
            decisions,
            used,
            ..
        } = self;
        for (c, col) in dataset.columns.iter().enumerate() {
            let named = names_header(entry, col.name);
            if col.kind != ColumnKind::Period || sources[c] != ColumnSource::Absent || named {
                continue;
            }
            let months: Vec<usize> = (0..view.header.raw.len())
                .filter(|&i| {
                    // A date of nothing in particular (发放时间, 日期), not of an
                    // event (退休时间: a pension's start, in months too).
                    let reading = &view.readings[i];
                    let dated = matches!(reading.attribute.as_deref(), Some("date" | "pay_date"))
                        && reading.subject == Subject::None;
                    let p = &view.profiles[i];
                    !used[i] && dated && p.month >= 0.8 && p.date < 0.3
                })
                .collect();
            let [i] = months[..] else {
                continue;
            };
            used[i] = true;
            sources[c] = ColumnSource::Header(i);
            decisions[c] = Some(Decision {
                column: col.name.into(),
                header: Some(view.header.raw[i].clone()),
                score: 0.8,
                reason: format!(
                    "按含义：{}；内容为月份（{}），作为所属月份（{}）",
                    view.readings[i].describe(),
                    view.profiles[i].describe(),
                    col.name
                ),
            });
        }
    }

    /// A label no header gives (a payment's program) is read from a
    /// summary each of whose sampled values the label's vocabulary reads (a
    /// bank's 代发明细 without 项目: 摘要 2024年3月农村低保金 is 农村低保), the
    /// summary kept as written beside it; before the names' label, which
    /// says less than each row does.
    fn summary_labels(&mut self) {
        let (dataset, view) = (self.dataset, self.view);
        for (c, col) in dataset.columns.iter().enumerate() {
            let Some(vocab) = crate::vocab::for_column(dataset.name, col.name) else {
                continue;
            };
            if !self.open(c) {
                continue;
            }
            let summary = (view.summarized.iter().enumerate())
                .filter(|&(i, _)| !self.used[i])
                .find_map(|(i, s)| s.as_ref().filter(|s| s.0 == vocab.name).map(|s| (i, &s.1)));
            let Some((i, example)) = summary else {
                continue;
            };
            self.used[i] = true;
            self.sources[c] = ColumnSource::Header(i);
            self.decisions[c] = Some(Decision {
                column: col.name.into(),
                header: Some(view.header.raw[i].clone()),
                score: 0.75,
                reason: format!(
                    "按内容：摘要的样本值都写明{}（如“{example}”读作{}），按此读取，原文另存",
                    vocab.name,
                    vocab.canonical(example).unwrap_or_default()
                ),
            });
        }
    }

    /// A payment's month read from a date paid (a bank's 交易日期) is read
    /// instead from a summary each of whose sampled values states one month
    /// with its year (摘要 2024年2月低保金): a month paid late (补发) is the
    /// month it pays for, not a second payment in the month it was paid.
    fn summary_months(&mut self) {
        let (dataset, view) = (self.dataset, self.view);
        let lex = lexicon();
        for (c, col) in dataset.columns.iter().enumerate() {
            let ColumnSource::Header(d) = self.sources[c] else {
                continue;
            };
            if col.kind != ColumnKind::Period || lex.kind_of(&view.readings[d]) != Some("date") {
                continue;
            }
            let Some((i, example)) = (view.summary_months.iter().enumerate())
                .find_map(|(i, m)| m.as_ref().map(|m| (i, m)))
            else {
                continue;
            };
            self.used[i] = true;
            self.used[d] = false;
            self.sources[c] = ColumnSource::StatedIn(i);
            self.decisions[c] = Some(Decision {
                column: col.name.into(),
                header: Some(view.header.raw[i].clone()),
                score: 0.8,
                reason: format!(
                    "按内容：摘要的样本值都写明年月（如“{example}”），取其月份；\
                     “{}”是付款日期，补发的月份会晚于所属月份，未用",
                    view.header.raw[d]
                ),
            });
        }
    }

    /// A label the names give every row (a payment list kept per program)
    /// for a column no header or catalog entry gives; like a catalog
    /// constant, it does not count toward recognising the dataset. A header
    /// whose values the vocabulary knows none of (家庭类别: 一类, 二类) gives
    /// way to it and is left unmapped.
    fn stated_labels(&mut self) {
        let (dataset, view, entry) = (self.dataset, self.view, self.entry);
        let Assignment {
            sources,
            decisions,
            used,
            qualifiers,
            ..
        } = self;
        for (c, col) in dataset.columns.iter().enumerate() {
            if names_header(entry, col.name) {
                continue;
            }
            let vocab = crate::vocab::for_column(dataset.name, col.name);
            let Some(label) =
                vocab.and_then(|v| view.labels.iter().find(|l| l.vocabulary == v.name))
            else {
                continue;
            };
            let mut reason = label.stated.reason.clone();
            match sources[c] {
                ColumnSource::Absent => {}
                ColumnSource::Header(i) if label.qualified[i] => {
                    let value = &label.stated.value;
                    let values = view.distinct[i].iter().flatten();
                    let read: Vec<String> = values.clone().map(|x| format!("{x}{value}")).collect();
                    let written: Vec<&str> = values.map(String::as_str).collect();
                    if let Some(d) = decisions[c].as_mut() {
                        d.reason.push_str(&format!(
                            "；其值（{}）连同{}所述的{value}，读作{}",
                            written.join("、"),
                            label.stated.from,
                            read.join("、"),
                        ));
                    }
                    qualifiers[c] = Some(value.clone());
                    continue;
                }
                ColumnSource::Header(i) if label.foreign[i] => {
                    used[i] = false;
                    reason.push_str(&format!(
                        "；表头“{}”的值都不是词表中的{}，未用",
                        view.header.raw[i], label.vocabulary
                    ));
                }
                _ => continue,
            }
            decisions[c] = Some(Decision {
                column: col.name.into(),
                header: None,
                score: 1.0,
                reason,
            });
            sources[c] = ColumnSource::Constant(label.stated.value.clone());
        }
    }

    /// Whether no header, catalog entry or constant gives column `c` yet.
    fn open(&self, c: usize) -> bool {
        let name = self.dataset.columns[c].name;
        self.sources[c] == ColumnSource::Absent && !names_header(self.entry, name)
    }

    /// A roster of people each supported alone (特困人员名册: no household
    /// number, no head) reads each person as a household of one, as
    /// `datasets.toml`'s `one_person` says: where no header or catalog entry
    /// gives any of its columns and every row's program is one it lists,
    /// each column is the person's own, found by the meanings of the column
    /// it names; all of them or none.
    fn one_person(&mut self) {
        let (dataset, view) = (self.dataset, self.view);
        let lex = lexicon();
        let Some(rule) = lex
            .dataset(dataset.name)
            .and_then(|d| d.one_person.as_ref())
        else {
            return;
        };
        if !(rule.columns.keys()).all(|c| dataset.position(c).is_some_and(|c| self.open(c))) {
            return;
        }
        let vocab = crate::vocab::for_column(dataset.name, "program");
        let canonical = |v: &str| {
            vocab
                .and_then(|voc| voc.canonical(v))
                .unwrap_or(v)
                .to_string()
        };
        let programs: BTreeSet<String> = match dataset.position("program").map(|c| &self.sources[c])
        {
            Some(ColumnSource::Constant(v)) => [canonical(v)].into(),
            Some(ColumnSource::Header(i)) => (view.distinct[*i].iter().flatten())
                .map(|v| canonical(v))
                .collect(),
            _ => return,
        };
        if programs.is_empty() || !programs.iter().all(|p| rule.programs.contains(p)) {
            return;
        }
        let programs = programs.into_iter().collect::<Vec<_>>().join("、");
        let mut found = Vec::with_capacity(rule.columns.len());
        for (column, from) in &rule.columns {
            let Some((ds, col)) = from.split_once('.') else {
                return;
            };
            let Some(spec) = xuncha_schema::dataset(ds).and_then(|d| d.column(col)) else {
                return;
            };
            let best = (0..view.header.raw.len())
                .filter(|&i| !self.used[i])
                .filter_map(|i| {
                    let scored = lex.score(ds, col, &view.readings[i])?;
                    let (score, reason) = weigh(&view.profiles[i], spec, scored)?;
                    Some((score, i, reason))
                })
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
            let (Some(c), Some((score, i, reason))) = (dataset.position(column), best) else {
                return;
            };
            found.push((c, i, score, reason));
        }
        self.households_of_one = true;
        for (c, i, score, reason) in found {
            self.used[i] = true;
            self.sources[c] = ColumnSource::Header(i);
            self.decisions[c] = Some(Decision {
                column: dataset.columns[c].name.into(),
                header: Some(view.header.raw[i].clone()),
                score: score.min(1.0),
                reason: format!("{reason}；{programs}人员名册，一人一户：取本人的列"),
            });
        }
        for (column, value) in &rule.constants {
            let Some(c) = dataset.position(column).filter(|&c| self.open(c)) else {
                continue;
            };
            self.sources[c] = ColumnSource::Constant(value.clone());
            self.decisions[c] = Some(Decision {
                column: column.clone(),
                header: None,
                score: 1.0,
                reason: format!("{programs}人员名册，一人一户：每行为 {value}"),
            });
        }
    }

    /// Columns no header gives, in a table whose names say it is the
    /// dataset, filled as `datasets.toml` says: `stand_ins` read from the
    /// header another column took (a relief roster without a household
    /// number keyed by its head's ID number; the column's decision adds
    /// nothing to the table's score), `row_keys` from the row's place in its
    /// export (a 农机补贴 list without 申请编号).
    fn named_fills(&mut self) {
        let (dataset, view) = (self.dataset, self.view);
        let Some(words) = lexicon().dataset(dataset.name) else {
            return;
        };
        if (words.stand_ins.is_empty() && words.row_keys.is_empty()) || !view.names(dataset.name) {
            return;
        }
        for (column, from) in &words.stand_ins {
            let (Some(c), Some(f)) = (dataset.position(column), dataset.position(from)) else {
                continue;
            };
            let ColumnSource::Header(i) = self.sources[f] else {
                continue;
            };
            if !self.open(c) {
                continue;
            }
            self.sources[c] = ColumnSource::Header(i);
            self.decisions[c] = Some(Decision {
                column: column.clone(),
                header: Some(view.header.raw[i].clone()),
                score: 0.0,
                reason: format!("表中无此列：取{}列（{from}）代替", view.header.raw[i]),
            });
        }
        for column in &words.row_keys {
            let Some(c) = dataset.position(column).filter(|&c| self.open(c)) else {
                continue;
            };
            self.sources[c] = ColumnSource::RowKey;
            self.decisions[c] = Some(Decision {
                column: column.clone(),
                header: None,
                score: 1.0,
                reason: format!(
                    "表中无此列：按该行其他各列的内容生成编号（{}…；内容相同的行依次加 -2、-3），\
                     同一记录在各次导出中编号相同",
                    crate::build::ROW_KEY_PREFIX
                ),
            });
        }
    }
}

/// A header's score for a column as its content weighs it: confirmed
/// (+0.03, said in the reason), left as it is, or ruled out (`None`).
fn weigh(
    profile: &Profile,
    col: &ColumnSpec,
    (score, reason): (f32, String),
) -> Option<(f32, String)> {
    match profile.verdict(col.kind, col.name) {
        Verdict::RulesOut => None,
        Verdict::Fits => Some((
            score + 0.03,
            format!("{reason}；内容相符（{}）", profile.describe()),
        )),
        Verdict::Neutral => Some((score, reason)),
    }
}

/// Content kinds that can stand in for a missing header.
fn content_decides(kind: ColumnKind) -> bool {
    matches!(
        kind,
        ColumnKind::IdNumber
            | ColumnKind::VillageCode
            | ColumnKind::Date
            | ColumnKind::Period
            | ColumnKind::Amount
    )
}

/// Map a table onto a dataset: catalog columns and constants first, then the
/// best one-to-one assignment of headers by meaning and content, then, for a
/// required column still missing, the one column whose content fits it.
pub fn map_columns(
    dataset: &'static DatasetSpec,
    view: &TableView<'_>,
    entry: Option<&CatalogEntry>,
) -> Mapping {
    let lex = lexicon();
    let header = view.header;
    let n = header.raw.len();
    let mut used: Vec<bool> = view.excluded.clone();
    used.resize(n, true);
    for (i, r) in view.readings.iter().enumerate() {
        if r.name.is_empty() {
            used[i] = true;
        }
    }
    let mut sources = vec![ColumnSource::Absent; dataset.columns.len()];
    let mut decisions: Vec<Option<Decision>> = vec![None; dataset.columns.len()];
    // The month columns of a wide monthly table give a dataset of payments
    // its period and amount; no other header may take them.
    let monthly = monthly_targets(dataset, view, entry);
    if let Some((period, amount)) = monthly {
        for m in &view.months {
            used[m.index] = true;
        }
        sources[period] = ColumnSource::Unpivoted;
        sources[amount] = ColumnSource::Unpivoted;
    }
    // A wide table of programs gives a dataset of payments by program its
    // program and amount the same way.
    let programs = monthly
        .is_none()
        .then(|| program_targets(dataset, view, entry))
        .flatten();
    if let Some((key, amount, columns)) = &programs {
        for (i, _) in columns {
            used[*i] = true;
        }
        sources[*key] = ColumnSource::Unpivoted;
        sources[*amount] = ColumnSource::Unpivoted;
    }
    // Catalog first.
    for (c, col) in dataset.columns.iter().enumerate() {
        if let Some(value) = entry.and_then(|e| e.constants.get(col.name)) {
            sources[c] = ColumnSource::Constant(value.clone());
            decisions[c] = Some(Decision {
                column: col.name.into(),
                header: None,
                score: 1.0,
                reason: format!("catalog.toml 常量“{value}”"),
            });
        } else if let Some(h) = entry.and_then(|e| e.columns.get(col.name)) {
            let wanted = normalize_header(h);
            let bare = strip_unit(&wanted).0.to_string();
            let found = (0..n).find(|&i| {
                !used[i] && (normalize_header(&header.raw[i]) == wanted || header.names[i] == bare)
            });
            if let Some(i) = found {
                used[i] = true;
                sources[c] = ColumnSource::Header(i);
                decisions[c] = Some(Decision {
                    column: col.name.into(),
                    header: Some(header.raw[i].clone()),
                    score: 1.0,
                    reason: "catalog.toml 指定".into(),
                });
            }
        }
    }
    // Every remaining pair, scored.
    let reasoned = view.every_row_reasoned && view.rows_reasoned(dataset.name).is_some();
    let mut pairs: Vec<(f32, usize, usize, String)> = Vec::new();
    let mut lost: Vec<Vec<(String, f32)>> = vec![Vec::new(); n];
    for (c, col) in dataset.columns.iter().enumerate() {
        let catalog_named = names_header(entry, col.name);
        for i in 0..n {
            if view.excluded.get(i).copied().unwrap_or(false) || view.readings[i].name.is_empty() {
                continue;
            }
            let reading = &view.readings[i];
            let named = lex.named_alias((dataset.name, col.name), &view.context, reading);
            let Some((score, reason)) = (named
                .or_else(|| lex.score(dataset.name, col.name, reading)))
            .or_else(|| reasoned.then(|| lex.reasoned_alias((dataset.name, col.name), reading))?) else {
                continue;
            };
            let Some((score, reason)) = weigh(&view.profiles[i], col, (score, reason)) else {
                continue;
            };
            lost[i].push((col.name.to_string(), score));
            if sources[c] == ColumnSource::Absent && !used[i] && !catalog_named {
                pairs.push((score, i, c, reason));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (score, i, c, reason) in &pairs {
        let (i, c) = (*i, *c);
        if used[i] || sources[c] != ColumnSource::Absent {
            continue;
        }
        used[i] = true;
        sources[c] = ColumnSource::Header(i);
        decisions[c] = Some(Decision {
            column: dataset.columns[c].name.into(),
            header: Some(header.raw[i].clone()),
            score: score.min(1.0),
            reason: reason.clone(),
        });
    }
    // Content stands in for a required column no header names.
    for (c, col) in dataset.columns.iter().enumerate() {
        if !col.required || sources[c] != ColumnSource::Absent || !content_decides(col.kind) {
            continue;
        }
        if names_header(entry, col.name) {
            continue;
        }
        let fitting: Vec<usize> = (0..n)
            .filter(|&i| {
                !used[i]
                    && view.profiles[i].verdict(col.kind, col.name) == Verdict::Fits
                    && view.readings[i].attribute.is_none()
            })
            .collect();
        if let [i] = fitting[..] {
            used[i] = true;
            sources[c] = ColumnSource::Header(i);
            decisions[c] = Some(Decision {
                column: col.name.into(),
                header: Some(header.raw[i].clone()),
                score: 0.5,
                reason: format!(
                    "表头未识别，按内容判断：唯一相符的列（{}）",
                    view.profiles[i].describe()
                ),
            });
        }
    }
    let mut assignment = Assignment {
        dataset,
        view,
        entry,
        sources,
        decisions,
        used,
        households_of_one: false,
        qualifiers: vec![None; dataset.columns.len()],
    };
    assignment.village_names();
    assignment.date_ranges();
    assignment.month_dates();
    assignment.months_headed_as_dates();
    assignment.summary_labels();
    assignment.summary_months();
    assignment.stated_labels();
    assignment.one_person();
    assignment.named_fills();
    let Assignment {
        mut sources,
        mut decisions,
        mut used,
        households_of_one,
        qualifiers,
        ..
    } = assignment;
    let months = monthly.and_then(|(period, amount)| {
        let (columns, year) = month_periods(dataset, view, &mut decisions, (period, amount));
        if columns.is_empty() {
            sources[period] = ColumnSource::Absent;
            return None;
        }
        Some(Unpivot {
            by: UnpivotBy::Months,
            key: period,
            amount,
            columns,
            year,
        })
    });
    let unpivot = months.or_else(|| {
        let (key, amount, columns) = programs?;
        let label = monthly::label(&header.raw, columns.iter().map(|(i, _)| *i));
        let read: Vec<String> = (columns.iter())
            .map(|(i, program)| format!("{}→{program}", header.raw[*i]))
            .collect();
        let decision = |c: usize, reason: String| Decision {
            column: dataset.columns[c].name.into(),
            header: Some(label.clone()),
            score: 1.0,
            reason,
        };
        let reason = format!(
            "按 {} 个救助项目列拆分，每人每个有发放的项目一行：{}",
            read.len(),
            read.join("、")
        );
        decisions[key] = Some(decision(key, reason));
        decisions[amount] = Some(decision(amount, "各项目列的金额".into()));
        Some(Unpivot {
            by: UnpivotBy::Programs,
            key,
            amount,
            columns: (columns.into_iter())
                .map(|(i, program)| (i, KeyValue::Fixed(program)))
                .collect(),
            year: None,
        })
    });
    if let Some(year) = unpivot.as_ref().and_then(|m| m.year) {
        used[year] = true;
    }
    // A year column the catalog names (as a written catalog does) whose
    // values state years in words (批次: 2023年第一批) reads each one's.
    for (c, col) in dataset.columns.iter().enumerate() {
        let named = names_header(entry, col.name);
        if let ColumnSource::Header(i) = sources[c] {
            if named && col.name == "year" && view.profiles[i].year >= 0.9 {
                sources[c] = ColumnSource::StatedIn(i);
            }
        }
    }
    let period_year = periods_of_a_year(dataset, view, (&mut sources, &mut used), &mut decisions);
    // A month, year or village the table's names state stands in for a
    // column no header gives (a monthly sheet, a yearly file, a village's
    // accounts): any village or year column, required months. (A year a
    // dataset may lack, 耕地地力保护补贴's, is still each row's year where the
    // names state it: the models compare by it.)
    let mut stated_columns = Vec::new();
    for (c, col) in dataset.columns.iter().enumerate() {
        let village = col.kind == ColumnKind::VillageCode;
        let year = col.kind == ColumnKind::Integer && col.name == "year";
        if !(col.required || village || year) || sources[c] != ColumnSource::Absent {
            continue;
        }
        // Month columns without a year take no month from the names.
        if monthly.is_some_and(|(period, _)| period == c) {
            continue;
        }
        if names_header(entry, col.name) {
            continue;
        }
        // A column whose values (nine in ten at least) state a year (批次:
        // 2023年第一批) gives each row its own, before the one the names state.
        let stating = || (0..n).find(|&i| !used[i] && view.profiles[i].year >= 0.9);
        if let Some(i) = year.then(stating).flatten() {
            used[i] = true;
            decisions[c] = Some(Decision {
                column: col.name.into(),
                header: Some(header.raw[i].clone()),
                score: 0.8,
                reason: format!(
                    "表中无年度列，“{}”的值写明年份（{}%），取其年份",
                    header.raw[i],
                    (view.profiles[i].year * 100.0).round()
                ),
            });
            sources[c] = ColumnSource::StatedIn(i);
            continue;
        }
        let stated = match col.kind {
            ColumnKind::Period => view.stated.month.clone(),
            ColumnKind::Integer if col.name == "year" => view.stated.year.clone(),
            // Not in the directory itself, which names its villages.
            ColumnKind::VillageCode if dataset.name != "villages" => view.village.clone(),
            _ => None,
        };
        if let Some(stated) = stated {
            if col.required {
                stated_columns.push(col.name);
            }
            decisions[c] = Some(Decision {
                column: col.name.into(),
                header: None,
                score: 1.0,
                reason: stated.reason,
            });
            sources[c] = ColumnSource::Constant(stated.value);
        }
    }
    let date_parts = date_parts(
        dataset,
        view,
        entry,
        (&mut sources, &mut used),
        &mut decisions,
    );
    let mut scales = Vec::with_capacity(dataset.columns.len());
    let mut date_formats = Vec::with_capacity(dataset.columns.len());
    let mut missing = Vec::new();
    for (c, col) in dataset.columns.iter().enumerate() {
        if col.required && sources[c] == ColumnSource::Absent {
            missing.push(col.name);
        }
        let unit = entry
            .and_then(|e| e.units.get(col.name).cloned())
            .or_else(|| match &sources[c] {
                ColumnSource::Header(i) => header.units[*i].clone(),
                ColumnSource::Unpivoted => (unpivot.as_ref())
                    .and_then(|m| m.columns.first())
                    .and_then(|(i, _)| header.units[*i].clone()),
                _ => None,
            });
        // An amount without a unit of its own takes the one a note above
        // the header gives the table (`单位：万元`), and its decision says so.
        let noted = match (&unit, &sources[c], col.kind) {
            (None, ColumnSource::Header(_) | ColumnSource::Unpivoted, ColumnKind::Amount) => {
                header.money_unit
            }
            _ => None,
        };
        if let (Some(noted), Some(decision)) = (noted, decisions[c].as_mut()) {
            decision
                .reason
                .push_str(&format!("；单位取自表头上方的“单位：{noted}”"));
        }
        // Only money is converted to 元; other measures keep their canonical unit
        // (registered capital, for one, is canonically in 万元).
        let scale = match col.kind {
            ColumnKind::Amount => (unit.as_deref().or(noted))
                .and_then(unit_scale)
                .unwrap_or(1.0),
            _ => 1.0,
        };
        scales.push(scale);
        date_formats.push(entry.and_then(|e| e.date_formats.get(col.name).cloned()));
    }
    let unmapped = (0..n)
        .filter(|&i| {
            !used[i]
                && !header.raw[i].trim().is_empty()
                && !view.excluded.get(i).copied().unwrap_or(false)
        })
        .map(|i| {
            let mut candidates = lost[i].clone();
            candidates.sort_by(|a, b| b.1.total_cmp(&a.1));
            candidates.truncate(3);
            Unmapped {
                header: header.raw[i].clone(),
                candidates,
            }
        })
        .collect();
    let ties = ties(&pairs, &sources, &used, &mut decisions, dataset, header);
    Mapping {
        dataset,
        sources,
        scales,
        date_formats,
        missing,
        stated: stated_columns,
        unpivot,
        decisions: decisions.into_iter().flatten().collect(),
        unmapped,
        ties,
        households_of_one,
        qualifiers,
        months_as_numbers: Vec::new(),
        period_year,
        date_parts,
    }
}

/// Where the year of a column of quarters or months written without one
/// (`第一季度`, `3月`), or of a date written in parts (`月`, `日`), comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodYear {
    /// Each row's year column (`年度`, a ledger's `年`).
    Column(usize),
    /// The one year the table's names state.
    Stated(u32),
}

/// The period of a payment dataset no header gives (or that a written
/// catalog names), from the one column whose values are quarters without
/// their year (`季度`: 第一季度, 二季度) or, under a header meaning the
/// month paid, months without it (`发放月份`: 3, 3月), where the year is each
/// row's year column's or else the one the names state: the year's source,
/// the rows then read as the quarter's months or the month of that year.
/// `None`, the sources unchanged, without such a column or a year.
fn periods_of_a_year(
    dataset: &DatasetSpec,
    view: &TableView<'_>,
    (sources, used): (&mut [ColumnSource], &mut [bool]),
    decisions: &mut [Option<Decision>],
) -> Option<PeriodYear> {
    let (period, _) = paid_month(dataset)?;
    let quarters = |i: usize| view.profiles[i].quarter >= 0.8;
    // A number from 1 to 12 is a month only where the header says so.
    let months = |i: usize| {
        view.profiles[i].month_of_year >= 0.8
            && view.readings[i].attribute.as_deref() == Some("period")
    };
    let yearless = |i: usize| quarters(i) || months(i);
    let i = match sources[period] {
        // As a written catalog names it.
        ColumnSource::Header(i) if yearless(i) => i,
        ColumnSource::Absent => {
            let mut found = (0..view.profiles.len()).filter(|&i| !used[i] && yearless(i));
            let (i, None) = (found.next()?, found.next()) else {
                return None;
            };
            i
        }
        _ => return None,
    };
    let (year, from) = match (year_column(view).filter(|&y| !used[y]), &view.stated.year) {
        (Some(y), _) => (
            PeriodYear::Column(y),
            format!("各行的“{}”列", view.header.raw[y]),
        ),
        (None, Some(stated)) => (
            PeriodYear::Stated(stated.value.parse().ok()?),
            stated.from.clone(),
        ),
        (None, None) => return None,
    };
    if let PeriodYear::Column(y) = year {
        used[y] = true;
    }
    used[i] = true;
    sources[period] = ColumnSource::Header(i);
    let profile = &view.profiles[i];
    let reason = if quarters(i) {
        format!(
            "内容为不写年份的季度（{}%），年份按{from}，按月拆开读入",
            (profile.quarter * 100.0).round()
        )
    } else {
        format!(
            "内容为不写年份的月份（{}%），年份按{from}",
            (profile.month_of_year * 100.0).round()
        )
    };
    match &mut decisions[period] {
        Some(named) => named.reason = format!("{}；{reason}", named.reason),
        none => {
            *none = Some(Decision {
                column: dataset.columns[period].name.into(),
                header: Some(view.header.raw[i].clone()),
                score: 0.8,
                reason,
            })
        }
    }
    Some(year)
}

/// The columns whose header was taken over others left unused that fit
/// exactly as well (`月保障金额` and `本月发放金额` both an amount); each
/// decision's reason names them too.
fn ties(
    pairs: &[(f32, usize, usize, String)],
    sources: &[ColumnSource],
    used: &[bool],
    decisions: &mut [Option<Decision>],
    dataset: &'static DatasetSpec,
    header: &Header,
) -> Vec<Tie> {
    let mut ties = Vec::new();
    for (c, decision) in decisions.iter_mut().enumerate() {
        let (
            Some(decision),
            ColumnSource::Header(taken) | ColumnSource::MonthOf { index: taken, .. },
        ) = (decision, &sources[c])
        else {
            continue;
        };
        let score_of = |i: usize| pairs.iter().find(|p| p.1 == i && p.2 == c).map(|p| p.0);
        let Some(best) = score_of(*taken) else {
            continue;
        };
        let tied: Vec<String> = (0..header.raw.len())
            .filter(|&i| i != *taken && !used[i] && score_of(i) == Some(best))
            .map(|i| header.raw[i].clone())
            .collect();
        if tied.is_empty() {
            continue;
        }
        let list = tied.join("”“");
        decision
            .reason
            .push_str(&format!("；“{list}”同样符合，未用"));
        ties.push(Tie {
            column: dataset.columns[c].name,
            taken: header.raw[*taken].clone(),
            tied,
        });
    }
    ties
}

/// A monthly payment dataset's period and amount (canonical indexes):
/// where a wide table's month columns go, and what a period of several
/// months is spread over.
pub(crate) fn paid_month(dataset: &DatasetSpec) -> Option<(usize, usize)> {
    let period =
        (dataset.columns.iter()).position(|c| c.required && c.kind == ColumnKind::Period)?;
    Some((period, dataset.position("amount")?))
}

/// The period and amount columns of a dataset of payments (by index) that
/// a table's month columns give: it has month columns, and neither another
/// header (`发放月份`) nor the catalog gives its period or amount.
fn monthly_targets(
    dataset: &DatasetSpec,
    view: &TableView<'_>,
    entry: Option<&CatalogEntry>,
) -> Option<(usize, usize)> {
    if view.months.is_empty() {
        return None;
    }
    let columns = dataset.columns;
    let (period, amount) = paid_month(dataset)?;
    let catalog = entry.is_some_and(|e| [period, amount].iter().any(|&c| e.gives(columns[c].name)));
    let month = |i: usize| view.months.iter().any(|m| m.index == i);
    let period_header = (0..view.readings.len())
        .any(|i| !month(i) && view.readings[i].attribute.as_deref() == Some("period"));
    (!catalog && !period_header).then_some((period, amount))
}

/// The program and amount columns (canonical indexes) of a dataset of
/// payments by program, and the program each of a table's program columns
/// gives ([`crate::programs`]): none where a header (`补贴类别`) or the
/// catalog gives the program or the amount.
fn program_targets(
    dataset: &DatasetSpec,
    view: &TableView<'_>,
    entry: Option<&CatalogEntry>,
) -> Option<(usize, usize, crate::programs::ProgramColumns)> {
    let columns = dataset.columns;
    let key = dataset.position("program")?;
    let (_, amount) = paid_month(dataset)?;
    if entry.is_some_and(|e| [key, amount].iter().any(|&c| e.gives(columns[c].name))) {
        return None;
    }
    let vocabulary = crate::vocab::for_column(dataset.name, columns[key].name)?;
    // A column of programs (补贴类别: 护理补贴, 生活补贴) says each row's.
    let program_header = (0..view.readings.len()).any(|i| {
        let values = view.distinct[i].iter().flatten();
        view.readings[i].attribute.as_deref() == Some("category")
            && values.clone().next().is_some()
            && values
                .map(String::as_str)
                .all(|v| vocabulary.canonical(v).is_some())
    });
    let stated = (view.labels.iter()).find(|l| l.vocabulary == vocabulary.name);
    let found = crate::programs::detect(
        &view.readings,
        &view.profiles,
        &view.excluded,
        vocabulary,
        stated.map(|l| l.stated.value.as_str()),
    );
    (!program_header && !found.is_empty()).then_some((key, amount, found))
}

/// The one date a dataset needs that no header gives, from a ledger's
/// month and day columns (`月`, `日`) and its `年` column or the year its
/// names state (`东关村2024年现金日记账`); none where the dataset needs more
/// than one such date (which would it be?).
fn date_parts(
    dataset: &DatasetSpec,
    view: &TableView<'_>,
    entry: Option<&CatalogEntry>,
    (sources, used): (&mut [ColumnSource], &mut [bool]),
    decisions: &mut [Option<Decision>],
) -> Option<DateParts> {
    let mut open = (dataset.columns.iter().enumerate()).filter(|(c, col)| {
        col.required
            && col.kind == ColumnKind::Date
            && sources[*c] == ColumnSource::Absent
            && !names_header(entry, col.name)
    });
    let (column, col) = open.next()?;
    if open.next().is_some() {
        return None;
    }
    let names = &view.header.names;
    let find = |name: &str| (0..names.len()).find(|&i| !used[i] && names[i] == name);
    let (month, day) = (find("月")?, find("日")?);
    let (year, from) = match find("年") {
        Some(i) => (
            PeriodYear::Column(i),
            format!("各行的“{}”列", view.header.raw[i]),
        ),
        None => {
            let stated = view.stated.year.as_ref()?;
            (
                PeriodYear::Stated(stated.value.parse().ok()?),
                stated.from.clone(),
            )
        }
    };
    used[month] = true;
    used[day] = true;
    if let PeriodYear::Column(y) = year {
        used[y] = true;
    }
    let raw = &view.header.raw;
    let label = format!("{}、{}", raw[month], raw[day]);
    decisions[column] = Some(Decision {
        column: col.name.into(),
        header: Some(label.clone()),
        score: 0.9,
        reason: format!(
            "表中无日期列，按“{}”“{}”两列的月、日，年份取自{from}",
            raw[month], raw[day]
        ),
    });
    sources[column] = ColumnSource::DateParts;
    Some(DateParts {
        column,
        year,
        month,
        day,
        label,
    })
}

/// The period each month column gives (its own year, else each row's in
/// the table's one year column, else the one the table's names state),
/// with the period and amount decisions and that year column; none when a
/// month column has no year.
fn month_periods(
    dataset: &DatasetSpec,
    view: &TableView<'_>,
    decisions: &mut [Option<Decision>],
    (period, amount): (usize, usize),
) -> (Vec<(usize, KeyValue)>, Option<usize>) {
    let stated = view.stated.year.as_ref();
    let stated_year = stated.and_then(|s| s.value.parse::<u32>().ok());
    let without_year = view.months.iter().any(|m| m.year.is_none());
    // A row's own year comes before one the names state (a ledger named
    // for the year it was printed may hold earlier years' rows).
    let year_column = without_year.then(|| year_column(view)).flatten();
    let periods: Option<Vec<(usize, KeyValue)>> = view
        .months
        .iter()
        .map(|m| {
            let year = match (m.year, year_column, stated_year) {
                (Some(year), _, _) | (None, None, Some(year)) => Some(year),
                (None, Some(_), _) => None,
                (None, None, None) => return None,
            };
            let (first, last) = (m.month, m.last);
            Some(match year {
                _ if first < last => (m.index, KeyValue::Span { year, first, last }),
                Some(year) => (m.index, KeyValue::Fixed(format!("{year}-{first:02}"))),
                None => (m.index, KeyValue::OfRowYear(first)),
            })
        })
        .collect();
    let Some(periods) = periods else {
        return (Vec::new(), None);
    };
    let label = monthly::label(&view.header.raw, view.months.iter().map(|m| m.index));
    let spans = view.months.iter().any(|m| m.month < m.last);
    let mut reason = if spans {
        format!(
            "按 {} 个期间列（季度、半年或数月）拆分，每人每期按月拆开、金额按月均分",
            periods.len()
        )
    } else {
        format!(
            "按 {} 个月份列拆分，每人每个有发放的月份一行",
            periods.len()
        )
    };
    if let Some(i) = year_column {
        reason.push_str(&format!("；年份按各行的“{}”列", view.header.raw[i]));
    } else if let Some(stated) = stated.filter(|_| without_year) {
        reason.push_str(&format!("；年份按{}取 {}", stated.from, stated.value));
    }
    let decision = |c: usize, reason: String| Decision {
        column: dataset.columns[c].name.into(),
        header: Some(label.clone()),
        score: 1.0,
        reason,
    };
    decisions[period] = Some(decision(period, reason));
    decisions[amount] = Some(decision(amount, "各月份列的金额".into()));
    (periods, year_column)
}

/// The one column whose header names a year and nothing else (`年度`,
/// `所属年度`); none when there is none or more than one.
fn year_column(view: &TableView<'_>) -> Option<usize> {
    let mut years = (0..view.readings.len()).filter(|&i| {
        let reading = &view.readings[i];
        !view.excluded[i]
            && reading.attribute.as_deref() == Some("year")
            && reading.subject == Subject::None
    });
    let first = years.next()?;
    years.next().is_none().then_some(first)
}

/// A dataset's standing for one table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub dataset: String,
    /// Sum of matched column scores plus the name hints.
    pub score: f32,
    pub complete: bool,
    /// A hint word for the dataset in the file name, sheet or title.
    pub hinted: bool,
}

/// The outcome of dataset recognition for one table.
#[derive(Debug, Clone)]
pub struct Recognition {
    /// The dataset chosen, if one stands out.
    pub mapping: Option<Mapping>,
    /// Datasets the table fits about equally well, when no single one stands out.
    pub ambiguous: Vec<Candidate>,
    /// Every dataset with at least two matched columns, best first.
    pub ranked: Vec<Candidate>,
    /// The dataset the table is too, row by row (a cash journal's income
    /// beside its payments: `split_with` in `datasets.toml`), or every row
    /// (`also_about`: a funeral subsidy's deceased).
    pub split: Option<Mapping>,
    /// Every row is the split dataset's too, not only those filling its amount.
    pub every_row: bool,
}

/// How a dataset ranks for a table, most important first.
#[derive(Debug, Clone, Copy)]
struct Rank {
    /// The file is named after the dataset (`deaths.csv`).
    named: bool,
    /// A hint word for it is in the file name, sheet or title.
    hinted: bool,
    /// Every required column was found.
    complete: bool,
    /// Every required column was found or stated by the table's names (a
    /// year in its title): of two incomplete datasets, the one the table can
    /// be read as wins.
    readable: bool,
    /// Every row's reason of change (注销原因) is the dataset's own (deaths:
    /// 死亡): what the rows are, whatever other columns the list carries (a
    /// 户口 cancellation list with 性别 and 户籍地址 is still a list of deaths).
    reasoned: bool,
    /// Headers left unmapped: of two hinted complete datasets, the one that
    /// reads the whole table wins (村干部报酬发放表 has pay columns that the
    /// cadre roster cannot take, though 村(社区)干部 is the longer hint).
    unmapped: usize,
    /// Length of the longest hint word found: 养老保险 says more than 发放.
    hint_len: usize,
    /// How many of its hint words were found: 机关事业单位退休人员名册 names
    /// retirees' pensions twice (机关事业, 退休人员), staff in post once.
    hints: usize,
    /// Sum of column scores, plus the list-word bonus.
    score: f32,
}

impl Rank {
    fn class(&self) -> (bool, bool, bool, bool, bool, Reverse<usize>, usize, usize) {
        (
            self.named,
            // Rows that all say what they are (终止原因: 死亡) name the
            // dataset as a hint word would, where they complete it.
            self.hinted || (self.reasoned && self.complete),
            self.complete,
            self.readable,
            self.reasoned,
            Reverse(self.unmapped),
            self.hint_len,
            self.hints,
        )
    }
}

/// Weight of a dataset's hint words in the file name, sheet or title.
const FORM_BONUS: f32 = 0.5;
/// Two complete candidates closer than this are ambiguous.
const AMBIGUITY_MARGIN: f32 = 0.3;

/// Pick the canonical dataset a table most likely is. A file named after a
/// dataset wins; then one whose name, sheet or title has a hint word for it
/// (死亡, 发放, 合同 …), so a death list missing its date column is reported
/// as such rather than read as something else, or one every row of which
/// gives its reason (终止原因: 死亡) and which it completes; then complete mappings beat
/// incomplete ones; then one the table's names complete (a year in its
/// title) beats one still missing a column; then one whose own reason of
/// change (死亡) every row gives; then the one leaving fewer
/// headers unmapped; then the
/// longer hint word (养老保险 over 发放); then more hint words found; then the
/// sum of column scores (plus list words such as 花名册, 台账). Tables matching fewer than two columns are not recognised;
/// two complete candidates that score about the same are reported as
/// ambiguous instead of guessed.
pub fn recognize(view: &TableView<'_>) -> Recognition {
    let lex = lexicon();
    let mut scored: Vec<(Rank, Mapping, Candidate)> = DATASETS
        .iter()
        .filter_map(|d| {
            let mapping = map_columns(d, view, None);
            let exact = view.named_after(d.name);
            if !exact && mapping.matched() < 2 {
                return None;
            }
            let words = lex.dataset(d.name);
            let reason = words.and_then(|w| w.reason.as_deref());
            // A list whose reasons of change are not all the dataset's own
            // (死亡 beside 迁出, or 收入超标, which no status reads) is not it.
            let other_reason =
                view.unread_reason || view.change_reasons.iter().any(|c| Some(*c) != reason);
            if !exact && reason.is_some() && other_reason {
                return None;
            }
            // The reason column of a list whose every reason is this dataset's
            // (注销原因: 死亡) says what each row is: it is read, not left over.
            let reasoned = view.rows_reasoned(d.name);
            let reasons = reasoned
                .as_ref()
                .map_or(&[][..], |(headers, _)| &headers[..]);
            let unread = (mapping.unmapped.iter())
                .filter(|u| !reasons.contains(&u.header.as_str()))
                .count();
            let found: Vec<usize> = (view.hints_of(d.name)).map(|h| h.chars().count()).collect();
            let hint = found.iter().copied().max().unwrap_or(0);
            // A table may not have a header the dataset never has (a roster
            // of people with their village code is no villages directory).
            let never = words.map_or(&[][..], |w| &w.never[..]);
            let foreign = |r: &Reading| r.attribute.as_ref().is_some_and(|a| never.contains(a));
            if !exact && view.readings.iter().any(foreign) {
                return None;
            }
            // A table that does not name the dataset must give a column
            // that says what it holds, where the dataset lists them, and
            // names it where nothing else can tell.
            if !exact && hint == 0 && words.is_some_and(|w| w.named_only) {
                return None;
            }
            let marks = words.map_or(&[][..], |w| &w.marks[..]);
            if !exact && hint == 0 && !marks.is_empty() && !marks.iter().any(|m| mapping.gives(m)) {
                return None;
            }
            let holds = words.map_or(&[][..], |w| &w.holds[..]);
            if !exact && !holds.is_empty() && !holds.iter().any(|m| mapping.gives(m)) {
                return None;
            }
            let form =
                words.is_some_and(|w| w.forms.iter().any(|h| view.context.contains(h.as_str())));
            let score = mapping.total() + if form { FORM_BONUS } else { 0.0 };
            let complete = mapping.missing.is_empty() && mapping.stated.is_empty();
            let candidate = Candidate {
                dataset: d.name.to_string(),
                score,
                complete,
                hinted: hint > 0,
            };
            let rank = Rank {
                named: exact,
                hinted: hint > 0,
                complete,
                readable: mapping.missing.is_empty(),
                reasoned: reasoned.is_some() && view.every_row_reasoned,
                unmapped: unread,
                hint_len: hint,
                hints: found.len(),
                score,
            };
            Some((rank, mapping, candidate))
        })
        .collect();
    scored.sort_by(|a, b| {
        b.0.class()
            .cmp(&a.0.class())
            .then(b.0.score.total_cmp(&a.0.score))
    });
    let ranked: Vec<Candidate> = scored.iter().map(|s| s.2.clone()).collect();
    let mut ambiguous = Vec::new();
    if let [first, second, ..] = &scored[..] {
        let (a, b) = (first.0, second.0);
        if a.class() == b.class() && !a.named && a.complete && a.score - b.score < AMBIGUITY_MARGIN
        {
            ambiguous = vec![first.2.clone(), second.2.clone()];
        }
    }
    let partner = split_partner(&scored);
    let also = partner
        .is_none()
        .then(|| also_partner(&scored, view))
        .flatten();
    let partner = partner.or(also);
    if partner.is_some() {
        ambiguous.clear();
    }
    let mut split = None;
    let mapping = if ambiguous.is_empty() {
        let mut mappings = scored.into_iter().map(|s| s.1).enumerate();
        let first = mappings.next().map(|(_, m)| m);
        split = mappings.find(|(i, _)| Some(*i) == partner).map(|(_, m)| m);
        first
    } else {
        None
    };
    Recognition {
        mapping,
        ambiguous,
        ranked,
        split,
        every_row: also.is_some(),
    }
}

/// The place among `scored` of a dataset every row of the table is too
/// (`also_about` in `datasets.toml`): complete, its ID column from a header
/// about its subject (逝者身份证号), which the best one leaves unread.
fn also_partner(scored: &[(Rank, Mapping, Candidate)], view: &TableView<'_>) -> Option<usize> {
    let lex = lexicon();
    let first = &scored.first()?.1;
    let unread = |i: usize| !first.sources.contains(&ColumnSource::Header(i));
    scored.iter().position(|(_, m, _)| {
        let Some(subject) = lex
            .dataset(m.dataset.name)
            .and_then(|w| w.also_about.as_deref())
        else {
            return false;
        };
        let id = (m.dataset.columns.iter()).position(|c| c.kind == ColumnKind::IdNumber);
        let about = id.and_then(|c| match m.sources[c] {
            ColumnSource::Header(i) => Some(i),
            _ => None,
        });
        m.dataset.name != first.dataset.name
            && first.missing.is_empty()
            && m.missing.is_empty()
            && about.is_some_and(|i| {
                unread(i) && view.readings[i].subject == Subject::Known(subject.to_string())
            })
    })
}

/// The place among `scored` of the dataset the best one splits a table
/// with, either way (`split_with`: a cash journal's income beside its
/// payments): each complete, the amount of each from a header of its own
/// that means an amount plainly (支出 and 收入; not 合同金额, nor 借方 and
/// 贷方 outside a journal).
fn split_partner(scored: &[(Rank, Mapping, Candidate)]) -> Option<usize> {
    let amount = |m: &Mapping| {
        let name = m.dataset.columns[m.amount_column()?].name;
        let plain = m
            .decisions
            .iter()
            .any(|d| d.column == name && d.score >= 0.9);
        m.amount_header().filter(|_| plain)
    };
    let lex = lexicon();
    let splits = |a: &str, b: &str| {
        lex.dataset(a)
            .is_some_and(|w| w.split_with.as_deref() == Some(b))
    };
    let first = &scored.first()?.1;
    let own = amount(first).filter(|_| first.missing.is_empty())?;
    scored.iter().position(|(_, m, _)| {
        let (a, b) = (first.dataset.name, m.dataset.name);
        (splits(a, b) || splits(b, a))
            && m.missing.is_empty()
            && amount(m).is_some_and(|i| i != own)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::detect;
    use crate::read::RawRow;

    fn rows(cells: &[&[&str]]) -> Vec<RawRow> {
        cells
            .iter()
            .enumerate()
            .map(|(i, r)| RawRow {
                line: i + 1,
                cells: r.iter().map(|c| c.to_string()).collect(),
            })
            .collect()
    }

    fn recognise(file: &str, table: &[&[&str]]) -> Recognition {
        let rows = rows(table);
        let header = detect(&rows, None).unwrap();
        let samples: Vec<&csv::StringRecord> =
            rows[header.data_start..].iter().map(|r| &r.cells).collect();
        let view = TableView::new(
            &header,
            &samples,
            vec![false; header.raw.len()],
            file,
            None,
            &[],
        );
        recognize(&view)
    }

    fn mapped(m: &Mapping) -> Vec<(String, String)> {
        m.decisions
            .iter()
            .map(|d| (d.column.clone(), d.header.clone().unwrap_or_default()))
            .collect()
    }

    #[test]
    fn recognises_datasets_from_chinese_headers() {
        let r = recognise(
            "殡葬火化.csv",
            &[&["序号", "姓名", "公民身份号码", "死亡日期", "数据来源"]],
        );
        let m = r.mapping.unwrap();
        assert_eq!(m.dataset.name, "deaths");
        assert!(m.missing.is_empty());
        assert_eq!(
            m.unmapped
                .iter()
                .map(|u| u.header.as_str())
                .collect::<Vec<_>>(),
            vec!["序号"]
        );

        let r = recognise(
            "a.xlsx",
            &[&[
                "户主姓名",
                "户主身份证号",
                "家庭编号",
                "救助类别",
                "保障人数",
            ]],
        );
        assert_eq!(r.mapping.unwrap().dataset.name, "relief_households");

        let r = recognise(
            "x.csv",
            &[&[
                "姓名",
                "身份证号",
                "发放月份",
                "发放金额(元)",
                "银行账号",
                "救助类别",
            ]],
        );
        assert_eq!(r.mapping.unwrap().dataset.name, "benefit_payments");
    }

    #[test]
    fn other_wordings_map_by_meaning() {
        let r = recognise(
            "data.csv",
            &[
                &[
                    "领取对象姓名",
                    "领取对象公民身份号码",
                    "保障类型",
                    "资金所属期",
                    "实发金额（元）",
                    "惠农卡号",
                ],
                &[
                    "张三",
                    "110101199003074514",
                    "农村低保",
                    "2024年3月",
                    "500",
                    "6228480100000011",
                ],
            ],
        );
        let m = r.mapping.unwrap();
        assert_eq!(m.dataset.name, "benefit_payments");
        let got = mapped(&m);
        for (c, h) in [
            ("program", "保障类型"),
            ("id_number", "领取对象公民身份号码"),
            ("name", "领取对象姓名"),
            ("period", "资金所属期"),
            ("amount", "实发金额（元）"),
            ("bank_account", "惠农卡号"),
        ] {
            assert!(
                got.contains(&(c.into(), h.into())),
                "{c} ← {h} not in {got:?}"
            );
        }
    }

    #[test]
    fn a_payment_list_keyed_by_the_head_pays_the_head() {
        let head = ["户主姓名", "户主身份证号码"];
        let rest = [
            "保障人数",
            "保障类别",
            "发放月份",
            "本月发放金额（元）",
            "银行账号",
        ];
        let data = [
            "张三",
            "110101199003074514",
            "2",
            "农村低保",
            "2024年3月",
            "760",
            "6228480100000011",
        ];
        let headers: Vec<&str> = head.iter().chain(&rest).copied().collect();
        let r = recognise("2024年3月农村低保资金发放花名册.csv", &[&headers, &data]);
        let m = r.mapping.unwrap();
        assert_eq!(m.dataset.name, "benefit_payments");
        assert!(m.missing.is_empty(), "{:?}", m.missing);
        let got = mapped(&m);
        for (c, h) in [("id_number", "户主身份证号码"), ("name", "户主姓名")] {
            assert!(
                got.contains(&(c.into(), h.into())),
                "{c} ← {h} not in {got:?}"
            );
        }

        // Where the list names the one paid, the head stays unmapped,
        // wherever its columns stand.
        let own = ["姓名", "身份证号"];
        let headers: Vec<&str> = head.iter().chain(&own).chain(&rest).copied().collect();
        let mut data = data.to_vec();
        data.splice(2..2, ["李四", "110101199507071234"]);
        let r = recognise("低保发放明细.csv", &[&headers, &data]);
        let m = r.mapping.unwrap();
        assert_eq!(m.dataset.name, "benefit_payments");
        let got = mapped(&m);
        for (c, h) in [("id_number", "身份证号"), ("name", "姓名")] {
            assert!(
                got.contains(&(c.into(), h.into())),
                "{c} ← {h} not in {got:?}"
            );
        }
        assert!(m.ties.is_empty(), "{:?}", m.ties);
    }

    #[test]
    fn a_list_kept_per_program_takes_its_program_from_its_name() {
        let header: &[&str] = &["姓名", "身份证号", "发放月份", "发放金额"];
        let r = recognise("2024年高龄津贴发放名册.csv", &[header]);
        let m = r.mapping.unwrap();
        assert_eq!(m.dataset.name, "benefit_payments");
        assert_eq!(m.sources[0], ColumnSource::Constant("高龄津贴".into()));
        let program = m.decisions.iter().find(|d| d.column == "program").unwrap();
        assert!(
            program.reason.contains("文件名“2024年高龄津贴发放名册”"),
            "{}",
            program.reason
        );

        // Two programs named, or a program column: nothing is stated.
        let r = recognise("城乡低保特困人员发放表.csv", &[header]);
        assert_eq!(r.mapping.unwrap().sources[0], ColumnSource::Absent);
        let with_column: &[&str] = &["救助类别", "姓名", "身份证号", "发放月份", "发放金额"];
        let r = recognise("2024年高龄津贴发放名册.csv", &[with_column]);
        assert_eq!(r.mapping.unwrap().sources[0], ColumnSource::Header(0));
    }

    /// A 低保 roster's 家庭类别 (一类, 二类: the class of need) is no program:
    /// the program its name states labels the rows, and the header is left
    /// unmapped; a column of programs the vocabulary knows stays.
    #[test]
    fn a_column_naming_no_program_gives_way_to_the_one_the_name_states() {
        let header: &[&str] = &[
            "户主姓名",
            "户主身份证号码",
            "家庭类别",
            "保障人数",
            "低保证号",
        ];
        let classes: &[&str] = &["张三", "110101199003074514", "一类", "3", "DB001"];
        let r = recognise("城乡低保对象花名册.csv", &[header, classes]);
        let m = r.mapping.unwrap();
        assert_eq!(m.dataset.name, "relief_households");
        assert_eq!(m.sources[1], ColumnSource::Constant("低保".into()));
        let program = m.decisions.iter().find(|d| d.column == "program").unwrap();
        assert!(
            program.reason.contains("“家庭类别”的值都不是"),
            "{}",
            program.reason
        );
        assert!(m.unmapped.iter().any(|u| u.header == "家庭类别"));

        let programs: &[&str] = &["张三", "110101199003074514", "农村低保", "3", "DB001"];
        let r = recognise("城乡低保对象花名册.csv", &[header, programs]);
        assert_eq!(r.mapping.unwrap().sources[1], ColumnSource::Header(2));
    }

    /// Exports that once took the wrong header for a column: each now reads
    /// as its dataset, the column from the header that means it, no tie.
    #[test]
    fn exports_take_the_header_that_means_the_column() {
        let pensions: &[&str] = &[
            "姓名",
            "公民身份号码",
            "待遇类型",
            "发放年月",
            "基础养老金",
            "个人账户养老金",
            "合计",
        ];
        let vehicles: &[&str] = &[
            "号牌种类",
            "号牌号码",
            "车辆类型",
            "所有人",
            "身份证明号码",
            "初次登记日期",
            "机动车状态",
        ];
        let machinery: &[&str] = &[
            "申请编号",
            "村",
            "购机者姓名",
            "身份证号码",
            "机具品目",
            "机具型号",
            "出厂编号",
            "发动机号",
            "购买数量",
            "购机日期",
            "单台补贴额",
            "总补贴额",
        ];
        let works: &[&str] = &[
            "合同编号",
            "村名",
            "合同名称",
            "承包方（乙方）",
            "统一社会信用代码",
            "合同价款（万元）",
        ];
        // (file, headers, dataset, (column, the header it must take))
        type Case<'a> = (&'a str, &'a [&'a str], &'a str, (&'a str, &'a str));
        let cases: &[Case] = &[
            // 待遇类型 made benefit_payments (whose program takes it) read more
            // of the table than pension_payments, outranking 养老保险.
            (
                "城乡居民养老保险待遇发放明细.csv",
                pensions,
                "pension_payments",
                ("scheme", "待遇类型"),
            ),
            // … and paid the total, not its first part.
            (
                "城乡居民养老保险待遇发放明细.csv",
                pensions,
                "pension_payments",
                ("amount", "合计"),
            ),
            // 交管 exports put 号牌种类 (小型汽车) before 车辆类型 (小型轿车).
            (
                "机动车信息.csv",
                vehicles,
                "vehicles",
                ("vehicle_type", "车辆类型"),
            ),
            // The death date, not the cremation a few days later …
            (
                "殡葬信息.csv",
                &["逝者姓名", "证件号码", "火化日期", "死亡日期", "殡仪馆"],
                "deaths",
                ("death_date", "死亡日期"),
            ),
            // … which a cremation list without a death date gives.
            (
                "火化信息.csv",
                &["逝者姓名", "证件号码", "火化日期"],
                "deaths",
                ("death_date", "火化日期"),
            ),
            // A pay sheet's total, not the first of its parts.
            (
                "2024年村干部报酬发放表.csv",
                &[
                    "村代码",
                    "姓名",
                    "身份证号",
                    "职务",
                    "发放月份",
                    "基本报酬",
                    "绩效报酬",
                    "应发合计",
                    "实发金额",
                ],
                "cadre_pay",
                ("amount", "应发合计"),
            ),
            // A disability card's number is its holder's ID and two digits:
            // a register or a subsidy list keyed by it is read by it …
            (
                "持证残疾人信息.csv",
                &["姓名", "残疾人证号", "残疾类别", "残疾等级", "发证日期"],
                "disability_certificates",
                ("id_number", "残疾人证号"),
            ),
            (
                "2024年残疾人两项补贴发放.csv",
                &["姓名", "残疾证号", "补贴类别", "发放月份", "发放金额"],
                "benefit_payments",
                ("id_number", "残疾证号"),
            ),
            // … but the ID itself where the table has it.
            (
                "持证残疾人信息.csv",
                &["姓名", "残疾人证号", "身份证号", "残疾类别", "残疾等级"],
                "disability_certificates",
                ("id_number", "身份证号"),
            ),
            // A machine's model (机具型号, shared by every machine of it) is
            // no factory serial, which the duplicate-serial model compares …
            (
                "2024年农机购置补贴实施情况.csv",
                machinery,
                "machinery_subsidies",
                ("factory_serial", "出厂编号"),
            ),
            // … and the total subsidy, not one machine's, is what was paid.
            (
                "2024年农机购置补贴实施情况.csv",
                machinery,
                "machinery_subsidies",
                ("subsidy_amount", "总补贴额"),
            ),
            // The area a contract grants, not the measured one left of it.
            (
                "农村土地承包经营权登记簿.csv",
                &[
                    "村",
                    "承包方代表姓名",
                    "证件号码",
                    "实测面积(亩)",
                    "合同面积(亩)",
                ],
                "land_contracts",
                ("contract_area_mu", "合同面积(亩)"),
            ),
            // A date written 时间 as often as 日期: an alias …
            (
                "离退休人员养老金发放名册.csv",
                &[
                    "单位名称",
                    "姓名",
                    "身份证号码",
                    "退休时间",
                    "人员类别",
                    "月养老金(元)",
                ],
                "employee_pensions",
                ("start_date", "退休时间"),
            ),
            // … and a word of the lexicon.
            (
                "全县财政供养人员信息.csv",
                &[
                    "单位名称",
                    "姓名",
                    "身份证号",
                    "编制类型",
                    "参加工作时间",
                    "调出时间",
                ],
                "public_employees",
                ("end_date", "调出时间"),
            ),
            // Starting work is no pension's start: a roster of staff in post
            // is no list of retirees …
            (
                "机关事业单位在编人员.csv",
                &[
                    "单位名称",
                    "姓名",
                    "公民身份号码",
                    "人员类别",
                    "编制性质",
                    "参加工作时间",
                ],
                "public_employees",
                ("start_date", "参加工作时间"),
            ),
            // … nor of residents, though it gives their sex and birth …
            (
                "全县行政事业单位人员花名册.csv",
                &[
                    "序号",
                    "单位名称",
                    "姓名",
                    "性别",
                    "身份证号码",
                    "出生年月",
                    "参加工作时间",
                    "人员状态",
                    "离职时间",
                ],
                "public_employees",
                ("end_date", "离职时间"),
            ),
            // … and a retirees' roster starts their pensions at retirement.
            (
                "机关事业单位退休人员名册.csv",
                &[
                    "单位名称",
                    "姓名",
                    "身份证号",
                    "参加工作时间",
                    "退休时间",
                    "月养老金",
                ],
                "employee_pensions",
                ("start_date", "退休时间"),
            ),
            // A list paying parts pays their total …
            (
                "特困人员供养金发放表.csv",
                &[
                    "序号",
                    "村（居）",
                    "供养对象姓名",
                    "身份证号码",
                    "发放月份",
                    "基本生活费（元）",
                    "照料护理费（元）",
                    "合计（元）",
                ],
                "benefit_payments",
                ("amount", "合计（元）"),
            ),
            // … and a village may be named 所属社区/村.
            (
                "常住人口登记表.csv",
                &["户号", "姓名", "公民身份号码", "与户主关系", "所属社区/村"],
                "residents",
                ("village_code", "所属社区/村"),
            ),
            // A renovation list pays what it paid, not the standard …
            (
                "危房改造补助发放表.csv",
                &[
                    "户主",
                    "身份证号码",
                    "村",
                    "补助标准（万元）",
                    "拨付金额（元）",
                ],
                "housing_renovation",
                ("amount", "拨付金额（元）"),
            ),
            // … which stands for it only where nothing else does.
            (
                "危房改造补助发放表.csv",
                &["户主", "身份证号码", "村", "补助标准（万元）"],
                "housing_renovation",
                ("amount", "补助标准（万元）"),
            ),
            // 付款单位（人）: a bracket naming who else may pay.
            (
                "村集体经济组织收入明细.csv",
                &["村", "日期", "凭证号", "摘要", "收入金额", "付款单位（人）"],
                "village_income",
                ("payer_name", "付款单位（人）"),
            ),
            // A cadre roster's 任现职时间 starts the term.
            (
                "村两委成员信息表.csv",
                &[
                    "所在村",
                    "姓名",
                    "出生年月",
                    "现任职务",
                    "任现职时间",
                    "身份证号",
                ],
                "village_cadres",
                ("term_start", "任现职时间"),
            ),
            // A check list's subsidised area, not the contracted one left of it.
            (
                "2024年度耕地地力保护补贴面积核实表.csv",
                &[
                    "村民小组",
                    "农户姓名",
                    "身份证号码",
                    "承包面积",
                    "实际种植面积",
                    "补贴面积",
                ],
                "farmland_subsidies",
                ("subsidy_area_mu", "补贴面积"),
            ),
            // A vehicle's 注册日期 is its registration.
            (
                "机动车信息.csv",
                &[
                    "车牌号",
                    "车辆类型",
                    "所有人",
                    "证件号码",
                    "注册日期",
                    "状态",
                ],
                "vehicles",
                ("register_date", "注册日期"),
            ),
            // A welfare post's wage (工资) is its pay.
            (
                "村级公益性岗位人员工资表.csv",
                &[
                    "姓名",
                    "身份证号码",
                    "岗位",
                    "所在村",
                    "发放月份",
                    "工资（元）",
                ],
                "welfare_jobs",
                ("amount", "工资（元）"),
            ),
            // A pension list paid what it paid (实发), not what was due.
            (
                "城乡居民养老保险待遇支付明细.csv",
                &[
                    "村（社区）",
                    "姓名",
                    "身份证号",
                    "支付年月",
                    "应发金额",
                    "实发金额",
                ],
                "pension_payments",
                ("amount", "实发金额"),
            ),
            // A homestead approval names the applicant, who holds the plot.
            (
                "宅基地审批登记表.csv",
                &[
                    "序号",
                    "村组",
                    "申请人",
                    "申请人身份证号码",
                    "宅基地面积（平方米）",
                    "审批时间",
                ],
                "homesteads",
                ("id_number", "申请人身份证号码"),
            ),
            // 合同相对人 is a contract's counterparty.
            (
                "村级合同管理台账.csv",
                &[
                    "合同编号",
                    "村",
                    "合同名称",
                    "合同相对人",
                    "相对人证件号码",
                    "合同金额（元）",
                ],
                "village_contracts",
                ("counterparty_name", "合同相对人"),
            ),
            // A works contract's 承包方 is its counterparty.
            (
                "村级工程项目合同登记表.csv",
                works,
                "village_contracts",
                ("counterparty_name", "承包方（乙方）"),
            ),
            (
                "村级工程项目合同登记表.csv",
                works,
                "village_contracts",
                ("counterparty_code", "统一社会信用代码"),
            ),
            // A column left for signatures (领款人签字) is no name: no tie with
            // the head's, and the land's category (地类) is no project.
            (
                "征地补偿费兑付花名册.csv",
                &[
                    "序号",
                    "户主",
                    "身份证号",
                    "地类",
                    "面积(亩)",
                    "补偿款(元)",
                    "领款人签字",
                    "兑付时间",
                ],
                "land_compensation",
                ("name", "户主"),
            ),
            // A business register's one person is its legal representative:
            // an ID number with no subject is theirs.
            (
                "市场主体名录.csv",
                &[
                    "主体名称",
                    "统一社会信用代码",
                    "法定代表人(负责人)",
                    "证件号码",
                    "成立日期",
                    "经营状态",
                ],
                "businesses",
                ("legal_rep_id_number", "证件号码"),
            ),
        ];
        for (file, headers, dataset, (column, header)) in cases {
            let m = recognise(file, &[headers]).mapping.unwrap();
            assert_eq!(m.dataset.name, *dataset, "{file}");
            let got = mapped(&m);
            let want = (column.to_string(), header.to_string());
            assert!(got.contains(&want), "{file}: {want:?} not in {got:?}");
            assert!(m.ties.is_empty(), "{file}: {:?}", m.ties);
            assert!(
                !got.iter().any(|(_, h)| h == "地类" || h == "领款人签字"),
                "{file}: {got:?}"
            );
        }
    }

    #[test]
    fn headers_that_fit_a_column_equally_well_are_reported() {
        let r = recognise(
            "低保资金发放花名册.csv",
            &[
                &[
                    "姓名",
                    "身份证号",
                    "发放月份",
                    "月保障金额(元)",
                    "本月发放金额（元）",
                ],
                &["张三", "110101199003074514", "2024年3月", "760", "800"],
            ],
        );
        let m = r.mapping.unwrap();
        assert_eq!(
            m.ties,
            vec![Tie {
                column: "amount",
                taken: "月保障金额(元)".into(),
                tied: vec!["本月发放金额（元）".into()],
            }]
        );
        let amount = m.decisions.iter().find(|d| d.column == "amount").unwrap();
        assert!(
            amount.reason.contains("“本月发放金额（元）”同样符合，未用"),
            "{}",
            amount.reason
        );
    }

    #[test]
    fn household_and_member_ids_are_told_apart_by_header() {
        let r = recognise(
            "低保家庭.csv",
            &[&[
                "家庭编号",
                "成员身份证号",
                "户主身份证号",
                "户主姓名",
                "成员姓名",
            ]],
        );
        let m = r.mapping.unwrap();
        assert_eq!(m.dataset.name, "relief_households");
        assert!(mapped(&m).contains(&("head_id_number".into(), "户主身份证号".into())));
    }

    #[test]
    fn content_fills_a_required_column_without_a_known_header() {
        let r = recognise(
            "死亡注销.csv",
            &[
                &["姓名", "公民身份号码", "注销原因", "登记事项"],
                &["张三", "110101199003074514", "死亡", "2024年3月5日"],
                &["李四", "110101199003074514", "死亡", "2024年4月5日"],
            ],
        );
        let m = r.mapping.unwrap();
        assert_eq!(m.dataset.name, "deaths");
        let d = m
            .decisions
            .iter()
            .find(|d| d.column == "death_date")
            .unwrap();
        assert_eq!(d.header.as_deref(), Some("登记事项"));
        assert!(d.reason.contains("按内容"));
    }

    /// A wage sheet's 发放时间 holding months gives the month paid; one
    /// holding whole dates does not.
    #[test]
    fn months_headed_as_a_date_give_the_month_paid() {
        let header: &[&str] = &[
            "村代码",
            "姓名",
            "身份证号码",
            "岗位",
            "工资（元）",
            "发放时间",
        ];
        let months: &[&str] = &[
            "411122001001",
            "甲",
            "110101199003074514",
            "保洁员",
            "500",
            "2024年3月",
        ];
        let r = recognise("公益性岗位人员工资表.csv", &[header, months]);
        let m = r.mapping.unwrap();
        assert_eq!(m.dataset.name, "welfare_jobs");
        assert!(m.missing.is_empty(), "{:?}", m.missing);
        assert!(mapped(&m).contains(&("period".into(), "发放时间".into())));

        // A retirees' roster with months stays retirees' pensions.
        let r = recognise(
            "企业退休人员养老金名册.csv",
            &[
                &["姓名", "身份证号码", "退休时间", "月养老金"],
                &["甲", "110101199003074514", "2010.05", "2850"],
            ],
        );
        let m = r.mapping.unwrap();
        assert_eq!(m.dataset.name, "employee_pensions");
        assert!(mapped(&m).contains(&("start_date".into(), "退休时间".into())));

        let dates: &[&str] = &[
            "411122001001",
            "甲",
            "110101199003074514",
            "保洁员",
            "500",
            "2024-03-05",
        ];
        let r = recognise("公益性岗位人员工资表.csv", &[header, dates]);
        let m = r.mapping.unwrap();
        assert!(m.missing.contains(&"period"), "{:?}", m.missing);
    }

    /// Amounts of five digits and cents (22610.00) are eight characters
    /// like 20240305, and parse as Excel serials: they are still amounts.
    #[test]
    fn amounts_with_cents_are_no_dates() {
        let r = recognise(
            "村级支出凭证.csv",
            &[
                &["凭证号", "村代码", "支付日期", "收款方", "借方金额", "摘要"],
                &[
                    "PZ1",
                    "411122001001",
                    "2024-04-22",
                    "张三",
                    "22610.00",
                    "工程款",
                ],
                &[
                    "PZ2",
                    "411122001001",
                    "2024-04-23",
                    "李四",
                    "10450.50",
                    "材料款",
                ],
            ],
        );
        let m = r.mapping.unwrap();
        assert!(m.missing.is_empty(), "{:?}", m.missing);
        assert!(mapped(&m).contains(&("amount".into(), "借方金额".into())));
    }

    /// A journal's balance (余额: what the account holds after each entry)
    /// is no amount paid: a cash journal with only 收入, 支出 and 余额 is not
    /// read as payments of its running balance.
    #[test]
    fn a_balance_is_no_amount() {
        let r = recognise(
            "西湾社区现金日记账.csv",
            &[
                &["日期", "凭证号", "摘要", "余额"],
                &["2024-01-05", "记-1", "付保洁费", "5200"],
            ],
        );
        let read = r.mapping.map(|m| mapped(&m));
        assert!(
            read.as_ref()
                .is_none_or(|m| !m.iter().any(|(_, h)| h == "余额")),
            "{read:?}"
        );
    }

    /// A cash journal (收入 and 支出 in one table) is read as both its
    /// datasets, row by row; a payment list whose other amount is a
    /// contract's (合同金额) is no journal.
    #[test]
    fn a_journal_is_payments_and_income_row_by_row() {
        let header: &[&str] = &[
            "日期",
            "凭证号",
            "摘要",
            "村代码",
            "对方单位",
            "收入",
            "支出",
            "余额",
        ];
        let row: &[&str] = &[
            "2024-01-05",
            "记-1",
            "收鱼塘承包费",
            "411122001001",
            "钱五",
            "6000",
            "",
            "6000",
        ];
        let r = recognise("收支明细账.csv", &[header, row]);
        let m = r.mapping.unwrap();
        let split = r.split.unwrap();
        let mut read = [
            (m.dataset.name, mapped(&m)),
            (split.dataset.name, mapped(&split)),
        ];
        read.sort();
        // The other party is whom each row paid or was paid by.
        let wanted = [
            (
                "village_income",
                [("amount", "收入"), ("payer_name", "对方单位")],
            ),
            (
                "village_payments",
                [("amount", "支出"), ("payee_name", "对方单位")],
            ),
        ];
        for ((dataset, got), (name, pairs)) in read.iter().zip(wanted) {
            assert_eq!(*dataset, name);
            for (c, h) in pairs {
                assert!(got.contains(&(c.into(), h.into())), "{name}: {got:?}");
            }
        }
        assert!(r.ambiguous.is_empty());

        // A cash or bank journal writes money in as 借方, money out as 贷方;
        // a ledger not named a journal says neither, and is not split.
        let header: &[&str] = &["日期", "凭证号", "摘要", "村代码", "借方金额", "贷方金额"];
        let row: &[&str] = &["2024-01-05", "记-1", "收租金", "411122001001", "6000", ""];
        let r = recognise("南坡村银行存款日记账.csv", &[header, row]);
        let (m, split) = (r.mapping.unwrap(), r.split.unwrap());
        assert_eq!(m.dataset.name, "village_payments");
        assert!(mapped(&m).contains(&("amount".into(), "贷方金额".into())));
        assert!(mapped(&split).contains(&("amount".into(), "借方金额".into())));
        let r = recognise("管理费用明细账.csv", &[header, row]);
        assert!(r.split.is_none());

        let header: &[&str] = &[
            "凭证号",
            "村代码",
            "支付日期",
            "收款单位",
            "金额",
            "合同金额",
        ];
        let row: &[&str] = &[
            "记-1",
            "411122001001",
            "2024-01-05",
            "某公司",
            "3000",
            "90000",
        ];
        let r = recognise("村级支出凭证.csv", &[header, row]);
        assert_eq!(r.mapping.unwrap().dataset.name, "village_payments");
        assert!(r.split.is_none());
    }

    /// Rosters of people, not of payments or plots: a 特困 roster is no
    /// homestead register (it names relief), and an age is no amount paid.
    #[test]
    fn rosters_of_people_are_not_read_as_something_else() {
        let header: &[&str] = &["村（居）", "姓名", "身份证号", "供养方式", "认定时间"];
        let row: &[&str] = &[
            "西湾社区",
            "赵四",
            "110101199003074514",
            "分散供养",
            "2018-03-01",
        ];
        let r = recognise("特困人员名册.csv", &[header, row]);
        let m = r.mapping.unwrap();
        assert_eq!(m.dataset.name, "relief_households");
        assert!(m.missing.is_empty(), "{:?}", m.missing);

        let r = recognise(
            "高龄津贴领取人员名单.csv",
            &[
                &["姓名", "年龄", "身份证号码", "所在村"],
                &["钱老", "84", "110101199003074514", "西湾社区"],
            ],
        );
        let m = r.mapping.unwrap();
        assert!(
            !mapped(&m).iter().any(|(_, h)| h == "年龄"),
            "{:?}",
            mapped(&m)
        );
    }

    /// A 特困 roster lists people each supported alone: with no household
    /// number or head, each person is a household of one (their ID its
    /// number). A list of people of another program, or of several, is
    /// not, nor is a roster that names the household.
    #[test]
    fn people_supported_alone_are_households_of_one() {
        let header: &[&str] = &["村（居）", "姓名", "身份证号", "认定时间"];
        let row: &[&str] = &["西湾社区", "赵四", "110101199003074514", "2018-03-01"];
        let m = recognise("特困人员名册.csv", &[header, row])
            .mapping
            .unwrap();
        assert_eq!(m.dataset.name, "relief_households");
        assert!(m.missing.is_empty(), "{:?}", m.missing);
        let got = mapped(&m);
        for (c, h) in [
            ("household_id", "身份证号"),
            ("head_id_number", "身份证号"),
            ("head_name", "姓名"),
        ] {
            assert!(
                got.contains(&(c.into(), h.into())),
                "{c} ← {h} not in {got:?}"
            );
        }
        assert_eq!(m.sources[5], ColumnSource::Constant("1".into()));
        let d = m
            .decisions
            .iter()
            .find(|d| d.column == "household_id")
            .unwrap();
        assert!(d.reason.contains("一人一户"), "{}", d.reason);

        // A column stating the program for every row: 特困 forms alone.
        let typed: &[&str] = &["救助类别", "村（居）", "姓名", "身份证号", "认定时间"];
        let alone = ["西湾社区", "赵四", "110101199003074514", "2018-03-01"];
        let other = ["东岭村", "钱五", "110101199507071234", "2019-05-01"];
        let with = |program: &'static str, rest: [&'static str; 4]| -> Vec<&'static str> {
            std::iter::once(program).chain(rest).collect()
        };
        let (a, b) = (with("分散供养特困", alone), with("集中供养", other));
        let m = recognise("救助对象名册.csv", &[typed, &a, &b])
            .mapping
            .unwrap();
        assert!(m.missing.is_empty(), "{:?}", m.missing);
        let (a, b) = (with("特困供养", alone), with("农村低保", other));
        let mixed: &[&[&str]] = &[typed, &a, &b];
        let m = recognise("特困人员名册.csv", mixed).mapping.unwrap();
        assert_eq!(m.dataset.name, "relief_households");
        assert!(m.missing.contains(&"household_id"), "{:?}", m.missing);

        // 供养方式 (分散, 集中供养) says the program where nothing else does.
        let ways: &[&str] = &["村（居）", "姓名", "身份证号", "供养方式"];
        let dispersed: &[&str] = &["西湾社区", "赵四", "110101199003074514", "分散供养"];
        let m = recognise("救助对象花名册.csv", &[ways, dispersed])
            .mapping
            .unwrap();
        assert_eq!(m.dataset.name, "relief_households");
        assert!(m.missing.is_empty(), "{:?}", m.missing);
        assert_eq!(m.sources[1], ColumnSource::Header(3));

        // 低保 is kept per household: a list of its people is refused.
        let m = recognise("低保对象名册.csv", &[header, row])
            .mapping
            .unwrap();
        assert!(m.missing.contains(&"household_id"), "{:?}", m.missing);

        // A roster naming the household keeps its own columns.
        let households: &[&str] = &["家庭编号", "户主姓名", "户主身份证号", "保障人数"];
        let row: &[&str] = &["TK001", "赵四", "110101199003074514", "2"];
        let m = recognise("特困人员名册.csv", &[households, row])
            .mapping
            .unwrap();
        let got = mapped(&m);
        assert!(
            got.contains(&("household_id".into(), "家庭编号".into())),
            "{got:?}"
        );
        assert!(
            got.contains(&("member_count".into(), "保障人数".into())),
            "{got:?}"
        );
    }

    /// A roster of people with a village and a date (party members,
    /// veterans, a monitoring list) fits the 户籍 register, a homestead or
    /// property register, or a cadre roster whole, but names none of them
    /// and gives none of their own columns: it is read as none of them
    /// (read as the 户籍, it would leave everyone else paid "unregistered";
    /// as homesteads, a person on two lists would hold two plots).
    #[test]
    fn a_roster_of_people_is_no_register_it_does_not_name() {
        let id = "110101199003074514";
        let rosters: &[(&str, &[&str], &[&str])] = &[
            (
                "党员花名册.csv",
                &["姓名", "性别", "身份证号", "所在村", "入党时间"],
                &["赵四", "男", id, "西湾社区", "2010-07-01"],
            ),
            (
                "脱贫人口监测对象.csv",
                &["姓名", "公民身份号码", "村组", "登记日期"],
                &["孙六", id, "西湾社区", "2020-05-01"],
            ),
        ];
        let generic = ["residents", "homesteads", "real_estate", "village_cadres"];
        for (file, header, row) in rosters {
            let r = recognise(file, &[header, row]);
            let read = r.mapping.as_ref().map(|m| m.dataset.name);
            assert!(
                read.is_none_or(|d| !generic.contains(&d)),
                "{file} read as {read:?}"
            );
            assert!(
                r.ranked
                    .iter()
                    .all(|c| !generic.contains(&c.dataset.as_str())),
                "{file}: {:?}",
                r.ranked
            );
        }

        // With a column of its own, or a name that says what it is, each is.
        let cases: &[(&str, &[&str], &[&str], &str)] = &[
            (
                "人员信息.csv",
                &["姓名", "身份证号", "户号", "与户主关系", "所在村"],
                &["赵四", id, "H0001", "户主", "西湾社区"],
                "residents",
            ),
            (
                "农户用地登记.csv",
                &[
                    "户主姓名",
                    "身份证号",
                    "所在村",
                    "坐落",
                    "占地面积",
                    "登记日期",
                ],
                &["赵四", id, "西湾社区", "西湾一组", "160", "2020-05-01"],
                "homesteads",
            ),
            (
                "宅基地审批名单.csv",
                &["姓名", "身份证号", "所在村", "批准日期"],
                &["赵四", id, "西湾社区", "2020-05-01"],
                "homesteads",
            ),
            (
                "人员名单.csv",
                &["姓名", "身份证号", "所在村", "职务", "任职时间"],
                &["赵四", id, "西湾社区", "村委会主任", "2021-01-01"],
                "village_cadres",
            ),
        ];
        for (file, header, row, dataset) in cases {
            let m = recognise(file, &[header, row]).mapping.unwrap();
            assert_eq!(m.dataset.name, *dataset, "{file}");
        }
    }

    #[test]
    fn content_rules_out_a_header_candidate() {
        // 编号 holds names here: it cannot be the ID column.
        let r = recognise(
            "财政供养人员.csv",
            &[
                &["姓名", "身份证号", "工作单位", "入职时间"],
                &["张三", "张三", "县教育局", "2020-01-01"],
            ],
        );
        let m = r.mapping.unwrap();
        assert_eq!(m.missing, vec!["id_number"]);
    }

    #[test]
    fn a_table_fitting_two_datasets_is_reported() {
        let r = recognise("名单.csv", &[&["姓名", "身份证号", "发放月份", "发放金额"]]);
        assert!(r.mapping.is_none());
        let fits: Vec<&str> = r.ambiguous.iter().map(|c| c.dataset.as_str()).collect();
        assert_eq!(fits, ["benefit_payments", "pension_payments"]);
    }

    #[test]
    fn the_dataset_reading_the_whole_table_beats_a_longer_hint() {
        let header = ["姓名", "身份证号", "村代码", "职务", "发放年月", "应发报酬"];
        let r = recognise("村（社区）干部基本报酬发放表.csv", &[&header]);
        assert_eq!(r.mapping.unwrap().dataset.name, "cadre_pay");
        let roster = ["姓名", "身份证号", "村代码", "职务", "任职日期"];
        let r = recognise("村（社区）干部花名册.csv", &[&roster]);
        assert_eq!(r.mapping.unwrap().dataset.name, "village_cadres");
    }

    #[test]
    fn incomplete_best_match_names_missing_columns() {
        let r = recognise("支出凭证.csv", &[&["凭证号", "村代码", "收款方", "金额"]]);
        let m = r.mapping.unwrap();
        assert_eq!(m.dataset.name, "village_payments");
        assert_eq!(m.missing, vec!["pay_date"]);
    }

    #[test]
    fn catalog_columns_constants_and_units_apply() {
        let rows = rows(&[&["姓名", "证件", "发放月份", "金额"]]);
        let header = detect(&rows, None).unwrap();
        let view = TableView::new(&header, &[], vec![false; 4], "x.csv", None, &[]);
        let entry = CatalogEntry {
            dataset: "benefit_payments".into(),
            columns: [("id_number".to_string(), "证件".to_string())].into(),
            constants: [("program".to_string(), "特困供养".to_string())].into(),
            units: [("amount".to_string(), "万元".to_string())].into(),
            ..Default::default()
        };
        let m = map_columns(
            xuncha_schema::dataset("benefit_payments").unwrap(),
            &view,
            Some(&entry),
        );
        assert!(m.missing.is_empty());
        assert_eq!(m.sources[0], ColumnSource::Constant("特困供养".into()));
        assert_eq!(m.sources[1], ColumnSource::Header(1));
        let amount = m
            .dataset
            .columns
            .iter()
            .position(|c| c.name == "amount")
            .unwrap();
        assert_eq!(m.scales[amount], 10_000.0);
    }
}
