//! Header meaning: the lexicon of subjects and attributes (`data/lexicon.toml`)
//! and the meanings of each canonical column (`data/datasets.toml`), both
//! embedded at build time. A header is read as subject + attribute + unit;
//! a canonical column is scored against that reading.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use serde::Deserialize;

use crate::normalize::to_half_width;

const LEXICON_TOML: &str = include_str!("../data/lexicon.toml");
const DATASETS_TOML: &str = include_str!("../data/datasets.toml");

/// The same word ending in 时间 for one ending in 日期 (a date), which
/// exports write as often (退休日期, 退休时间).
fn time_variant(word: &str) -> Option<String> {
    let stem = word.strip_suffix("日期").filter(|s| !s.is_empty())?;
    Some(format!("{stem}时间"))
}

/// Units, in a header's brackets (read as a unit rather than a qualifier)
/// or in a units row under the header.
pub(crate) const UNITS: &[&str] = &[
    "元",
    "千元",
    "万元",
    "百万元",
    "亿元",
    "亩",
    "人",
    "户",
    "平方米",
    "㎡",
    "m²",
    "m2",
    "年",
    "月",
    "日",
    "%",
    "个",
    "元/亩",
    "元/月",
    "元/年",
    "元/人",
    "元/户",
    "元/人/月",
    "元/人·月",
    "人民币元",
    "万元人民币",
    "公顷",
    "单位:元",
    "单位:千元",
    "单位:万元",
    "单位:亩",
];

/// Words of a column left for signatures, stamps or fingerprints.
const SIGNATURE_WORDS: &[&str] = &["签字", "签名", "签章", "盖章", "手印", "指印", "捺印"];

/// Headers longer than this are titles or notes, never column names.
const MAX_HEADER_CHARS: usize = 24;

/// The attribute of an amount that was due (应发工资), not paid.
pub const DUE_AMOUNT: &str = "due_amount";
/// How far below what was paid (实发) an amount that was due scores for a
/// column's amount: less than any two kinds of meaning apart.
const DUE_PENALTY: f32 = 0.005;

#[derive(Debug, Deserialize)]
struct LexiconFile {
    subjects: BTreeMap<String, Vec<String>>,
    neutral: WordList,
    due: WordList,
    attributes: BTreeMap<String, Attribute>,
}

/// A section of the lexicon that is a list of words (`[neutral]`, `[due]`).
#[derive(Debug, Deserialize)]
struct WordList {
    words: Vec<String>,
}

/// An attribute of the lexicon: the content it expects and its words.
#[derive(Debug, Deserialize)]
pub struct Attribute {
    pub kind: String,
    pub words: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DatasetFile {
    #[serde(default)]
    hints: Vec<String>,
    #[serde(default)]
    forms: Vec<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    marks: Vec<String>,
    #[serde(default)]
    holds: Vec<String>,
    #[serde(default)]
    never: Vec<String>,
    #[serde(default)]
    named_only: bool,
    #[serde(default)]
    split_with: Option<String>,
    #[serde(default)]
    also_about: Option<String>,
    #[serde(default)]
    when_named: Vec<WhenNamedFile>,
    #[serde(default)]
    when_reasoned: BTreeMap<String, Vec<String>>,
    columns: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    aliases: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    one_person: Option<OnePerson>,
    #[serde(default)]
    stand_ins: BTreeMap<String, String>,
    #[serde(default)]
    row_keys: Vec<String>,
}

/// Aliases that hold in a table whose names hold one of the words.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WhenNamedFile {
    words: Vec<String>,
    aliases: BTreeMap<String, Vec<String>>,
}

/// Exact headers that mean a column in a table whose file, sheet or title
/// holds one of `words` (a cash journal's 贷方, money out): normalized.
#[derive(Debug)]
pub struct WhenNamed {
    pub words: Vec<String>,
    pub aliases: BTreeMap<String, Vec<String>>,
}

/// How a roster of people each supported alone (特困人员) reads as a
/// dataset of households: `datasets.toml`'s `one_person`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnePerson {
    /// The values of the dataset's `program` column whose rows are people
    /// each supported alone.
    pub programs: Vec<String>,
    /// Canonical column → `dataset.column` whose meanings find the person's
    /// own column for it.
    pub columns: BTreeMap<String, String>,
    /// Canonical column → the value every row has.
    #[serde(default)]
    pub constants: BTreeMap<String, String>,
}

/// One way a canonical column can be named.
#[derive(Debug, Clone, PartialEq)]
pub enum Meaning {
    /// `attr`: the attribute with no subject.
    Attr(String),
    /// `role attr`: the attribute about that subject.
    RoleAttr(String, String),
    /// `? attr`: the attribute with no or an unknown subject.
    UnknownAttr(String),
    /// `* attr`: the attribute about any subject.
    AnyAttr(String),
    /// `~ role attr`: the attribute about that subject, taken only when no
    /// header names the column better (a payment list keyed by the
    /// household's head, where the head is the one paid).
    FallbackRoleAttr(String, String),
    /// `role`: a header naming only the subject (户主, 乙方, 所属村).
    Role(String),
}

/// What the lexicon knows about one canonical dataset.
#[derive(Debug)]
pub struct DatasetWords {
    pub hints: Vec<String>,
    pub forms: Vec<String>,
    /// The one reason a registration change of this dataset has (deaths:
    /// 死亡): a table whose change reasons (注销原因) name others is not it.
    pub reason: Option<String>,
    /// Columns one of which a header must give for a table without a hint
    /// word to be read as this dataset (homesteads: an area or a location).
    pub marks: Vec<String>,
    /// Columns one of which a header must give for any table not named
    /// after the dataset to be read as it, hint words or none (农机补贴: the
    /// applicant's ID number, or the machine's serial or engine number).
    pub holds: Vec<String>,
    /// Attributes no table of this dataset has a header for (a villages
    /// directory names no person's ID number): a table with one is not it.
    pub never: Vec<String>,
    /// Read only where the table's names say it is this dataset (a hint
    /// word, or named after it): its columns alone fit other lists too.
    pub named_only: bool,
    /// The dataset a table may also be, row by row: each row the one whose
    /// amount it fills (a cash journal's 支出 and 收入).
    pub split_with: Option<String>,
    /// The subject (`deceased`) whose ID column makes a table read as
    /// another dataset this one too, every row (a 惠民殡葬补贴 list's 逝者身份证号).
    pub also_about: Option<String>,
    /// Aliases that hold where the table's names say what it is.
    pub when_named: Vec<WhenNamed>,
    /// Aliases that hold, below every meaning, where every row's reason of
    /// change or end is the dataset's `reason` (a 医保 list's 终止日期 where
    /// each 终止原因 is 死亡).
    pub when_reasoned: BTreeMap<String, Vec<String>>,
    pub columns: BTreeMap<String, Vec<Meaning>>,
    /// Normalized exact headers per column.
    pub aliases: BTreeMap<String, Vec<String>>,
    /// Exact headers (written `"~ 补助标准"`) taken for a column only when no
    /// other header means it: a standard stands for what was paid only in a
    /// list that gives nothing else.
    pub fallback_aliases: BTreeMap<String, Vec<String>>,
    /// How a roster of people each supported alone reads as this dataset.
    pub one_person: Option<OnePerson>,
    /// Canonical column → the column whose header it is read from where no
    /// header gives it (a household keyed by its head's ID number).
    pub stand_ins: BTreeMap<String, String>,
    /// Record numbers made of the row's values where no header gives them.
    pub row_keys: Vec<String>,
}

/// The loaded lexicon.
#[derive(Debug)]
pub struct Lexicon {
    /// (word, subject), longest word first.
    subjects: Vec<(String, String)>,
    /// The first word listed for each subject, for messages.
    subject_examples: BTreeMap<String, String>,
    /// Finds the first of `subjects` a text contains.
    subject_finder: WordFinder,
    /// Neutral words, longest first.
    neutral: Vec<String>,
    /// Tells whether a text contains any neutral word.
    neutral_finder: AhoCorasick,
    /// Words that make an amount what was due, not what was paid (应发).
    due: Vec<String>,
    /// (word, attribute), longest word first.
    attribute_words: Vec<(String, String)>,
    /// Finds the first of `attribute_words` of two characters or more a
    /// text contains.
    attribute_finder: WordFinder,
    pub attributes: BTreeMap<String, Attribute>,
    pub datasets: BTreeMap<String, DatasetWords>,
}

/// The subject of a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// No subject words (身份证号, 发放金额).
    None,
    /// A subject of the lexicon.
    Known(String),
    /// Words the lexicon does not know.
    Unknown(String),
}

/// A header read by meaning.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// Normalized header without a bracketed unit.
    pub name: String,
    pub unit: Option<String>,
    pub attribute: Option<String>,
    pub subject: Subject,
}

impl Reading {
    /// Short Chinese account of the reading, for `data inspect`.
    pub fn describe(&self) -> String {
        let subject = match &self.subject {
            Subject::None => "无主体".to_string(),
            Subject::Known(s) => format!("主体 {s}"),
            Subject::Unknown(s) => format!("未知主体“{s}”"),
        };
        match &self.attribute {
            Some(a) => format!("{subject}，属性 {a}"),
            None => format!("{subject}，无已知属性"),
        }
    }
}

/// Finds, in one pass over a text, the first word of a list (in the list's
/// order) that the text contains, as trying `str::find` word by word would:
/// a cell is read against hundreds of words.
#[derive(Debug)]
struct WordFinder {
    automaton: AhoCorasick,
    /// The list index of each word given to the automaton.
    index: Vec<usize>,
}

impl WordFinder {
    /// A finder of the `(list index, word)`s given.
    fn new<'a>(words: impl IntoIterator<Item = (usize, &'a str)>) -> Result<Self, String> {
        let (index, words): (Vec<usize>, Vec<&str>) = words.into_iter().unzip();
        let automaton = AhoCorasick::new(words).map_err(|e| format!("lexicon.toml: {e}"))?;
        Ok(Self { automaton, index })
    }

    /// The list index of the first listed word `text` contains, and the
    /// byte offset of its leftmost occurrence.
    fn first(&self, text: &str) -> Option<(usize, usize)> {
        self.first_where(text, |_| true)
    }

    /// The list index of each listed word `text` contains, with the byte
    /// offset of its first occurrence, in list order.
    fn first_occurrences(&self, text: &str) -> BTreeMap<usize, usize> {
        let mut first = BTreeMap::new();
        for m in self.automaton.find_overlapping_iter(text) {
            let i = self.index[m.pattern().as_usize()];
            let start = first.entry(i).or_insert(m.start());
            *start = (*start).min(m.start());
        }
        first
    }

    /// As [`WordFinder::first`], of the occurrences (byte ranges) `keep`
    /// keeps.
    fn first_where(
        &self,
        text: &str,
        keep: impl Fn(std::ops::Range<usize>) -> bool,
    ) -> Option<(usize, usize)> {
        self.automaton
            .find_overlapping_iter(text)
            .filter(|m| keep(m.range()))
            .map(|m| (self.index[m.pattern().as_usize()], m.start()))
            .min()
    }
}

fn by_length_desc(list: &mut [(String, String)]) {
    list.sort_by(|a, b| {
        b.0.chars()
            .count()
            .cmp(&a.0.chars().count())
            .then(a.0.cmp(&b.0))
    });
}

impl Lexicon {
    fn load() -> Result<Self, String> {
        let file: LexiconFile =
            toml::from_str(LEXICON_TOML).map_err(|e| format!("lexicon.toml: {e}"))?;
        let mut subjects: Vec<(String, String)> = file
            .subjects
            .iter()
            .flat_map(|(s, words)| words.iter().map(|w| (normalize_header(w), s.clone())))
            .collect();
        by_length_desc(&mut subjects);
        let subject_examples = file
            .subjects
            .iter()
            .filter_map(|(s, words)| words.first().map(|w| (s.clone(), normalize_header(w))))
            .collect();
        let mut neutral: Vec<String> = file
            .neutral
            .words
            .iter()
            .map(|w| normalize_header(w))
            .collect();
        neutral.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        let mut attribute_words: Vec<(String, String)> = file
            .attributes
            .iter()
            .flat_map(|(a, attr)| attr.words.iter().map(|w| (normalize_header(w), a.clone())))
            .collect();
        // A date's 时间 form, unless the lexicon lists that word itself.
        let listed: BTreeSet<String> = attribute_words.iter().map(|(w, _)| w.clone()).collect();
        let variants: Vec<(String, String)> = (attribute_words.iter())
            .filter(|(_, a)| file.attributes[a].kind == "date")
            .filter_map(|(w, a)| Some((time_variant(w)?, a.clone())))
            .filter(|(v, _)| !listed.contains(v))
            .collect();
        attribute_words.extend(variants);
        by_length_desc(&mut attribute_words);
        let raw: BTreeMap<String, DatasetFile> =
            toml::from_str(DATASETS_TOML).map_err(|e| format!("datasets.toml: {e}"))?;
        let mut datasets = BTreeMap::new();
        for (name, d) in raw {
            let mut columns = BTreeMap::new();
            for (col, meanings) in d.columns {
                let parsed = meanings
                    .iter()
                    .map(|m| parse_meaning(m, &file.subjects, &file.attributes))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| format!("datasets.toml [{name}] {col}: {e}"))?;
                columns.insert(col, parsed);
            }
            // Each alias normalized, and its 时间 twin where it ends in 日期.
            let expand = |list: Vec<&String>| -> Vec<String> {
                (list.into_iter())
                    .map(|a| strip_unit_owned(a.trim_start_matches('~').trim()))
                    .flat_map(|a| std::iter::once(a.clone()).chain(time_variant(&a)))
                    .collect()
            };
            let (mut aliases, mut fallback_aliases) = (BTreeMap::new(), BTreeMap::new());
            for (c, list) in d.aliases {
                let (fallback, plain): (Vec<&String>, Vec<&String>) =
                    list.iter().partition(|a| a.starts_with('~'));
                for (into, list) in [(&mut aliases, plain), (&mut fallback_aliases, fallback)] {
                    if !list.is_empty() {
                        into.insert(c.clone(), expand(list));
                    }
                }
            }
            datasets.insert(
                name,
                DatasetWords {
                    hints: d.hints.iter().map(|h| normalize_header(h)).collect(),
                    forms: d.forms.iter().map(|h| normalize_header(h)).collect(),
                    reason: d.reason.clone(),
                    marks: d.marks,
                    holds: d.holds,
                    never: d.never,
                    named_only: d.named_only,
                    split_with: d.split_with,
                    also_about: d.also_about,
                    when_named: (d.when_named.into_iter())
                        .map(|w| WhenNamed {
                            words: w.words.iter().map(|h| normalize_header(h)).collect(),
                            aliases: (w.aliases.into_iter())
                                .map(|(c, list)| (c, expand(list.iter().collect())))
                                .collect(),
                        })
                        .collect(),
                    when_reasoned: (d.when_reasoned.into_iter())
                        .map(|(c, list)| (c, expand(list.iter().collect())))
                        .collect(),
                    columns,
                    aliases,
                    fallback_aliases,
                    one_person: d.one_person,
                    stand_ins: d.stand_ins,
                    row_keys: d.row_keys,
                },
            );
        }
        // A person's column is looked for by another dataset's meanings.
        for (name, d) in &datasets {
            let referred = (d.one_person.iter()).flat_map(|o| o.columns.values());
            for r in referred {
                let known = r.split_once('.').is_some_and(|(ds, col)| {
                    (datasets.get(ds)).is_some_and(|d| d.columns.contains_key(col))
                });
                if !known {
                    return Err(format!(
                        "datasets.toml [{name}.one_person]: unknown column `{r}`"
                    ));
                }
            }
        }
        let subject_finder = WordFinder::new(subjects.iter().map(|(w, _)| w.as_str()).enumerate())?;
        let neutral_finder =
            AhoCorasick::new(&neutral).map_err(|e| format!("lexicon.toml: {e}"))?;
        let attribute_finder = WordFinder::new(
            attribute_words
                .iter()
                .enumerate()
                .filter(|(_, (w, _))| w.chars().count() >= 2)
                .map(|(i, (w, _))| (i, w.as_str())),
        )?;
        Ok(Lexicon {
            subjects,
            subject_examples,
            subject_finder,
            neutral,
            neutral_finder,
            due: file.due.words,
            attribute_words,
            attribute_finder,
            attributes: file.attributes,
            datasets,
        })
    }

    /// Read a raw header by meaning: an amount a due word qualifies (应发工资)
    /// is what was due (`due_amount`), which stands for a column's amount
    /// only where no header says what was paid ([`Lexicon::score`]).
    pub fn read(&self, raw: &str) -> Reading {
        let mut reading = self.read_words(raw);
        if reading.attribute.as_deref() == Some("amount")
            && self.due.iter().any(|w| reading.name.contains(w.as_str()))
        {
            reading.attribute = Some(DUE_AMOUNT.into());
        }
        reading
    }

    /// Read a raw header by its words: subject, attribute and unit.
    fn read_words(&self, raw: &str) -> Reading {
        // A long cell (a title, a note, a corrupt line) is no header; reading
        // it by meaning would only cost time.
        if raw.chars().take(MAX_HEADER_CHARS * 4 + 1).count() > MAX_HEADER_CHARS * 4 {
            return Reading {
                name: String::new(),
                unit: None,
                attribute: None,
                subject: Subject::None,
            };
        }
        let normalized = normalize_header(raw);
        let (name, unit) = strip_unit(&normalized);
        let name = name.to_string();
        let unit = unit.map(str::to_string);
        if name.is_empty() || name.chars().count() > MAX_HEADER_CHARS {
            return Reading {
                name,
                unit,
                attribute: None,
                subject: Subject::None,
            };
        }
        // 收款人（单位）, 法定代表人（负责人）, 收款单位/个人: a bracket or a
        // slash naming another subject is an alternative, not part of the
        // header's meaning.
        let alternative = name
            .strip_suffix(')')
            .and_then(|n| n.rsplit_once('('))
            .or_else(|| name.split_once('/'));
        let base = match alternative {
            Some((before, other))
                if self.subjects.iter().any(|(w, _)| w == before)
                    && (self.subjects.iter().any(|(w, _)| w == other)
                        || matches!(other, "单位" | "个人" | "人")) =>
            {
                before
            }
            _ => name.as_str(),
        };
        // A header that is just a subject word (乙方, 收款单位, 承包单位) names it,
        // unless it is an attribute word too (工作单位, 号牌).
        let is_attribute = self.attribute_words.iter().any(|(w, _)| w == base);
        if let Some((_, s)) = self
            .subjects
            .iter()
            .find(|(w, _)| w == base && !is_attribute)
        {
            return Reading {
                subject: Subject::Known(s.clone()),
                attribute: None,
                name,
                unit,
            };
        }
        let ending =
            |text: &str| (self.attribute_words.iter()).find(|(w, _)| text.ends_with(w.as_str()));
        // An attribute word a neutral one splits (终止领取时间: 终止时间) says
        // more than the word the header ends with (时间).
        let ends = ending(base);
        let joined = self.without_neutral(base);
        if let Some((w, a)) =
            ending(&joined).filter(|(w, _)| ends.is_some_and(|(end, _)| w.len() > end.len()))
        {
            let rest = &joined[..joined.len() - w.len()];
            return Reading {
                subject: self.subject_of(rest),
                attribute: Some(a.clone()),
                name,
                unit,
            };
        }
        let found = ends.map(|(w, a)| (base.len() - w.len(), w, a)).or_else(|| {
            let (i, at) = self.attribute_finder.first(base)?;
            let (w, a) = &self.attribute_words[i];
            Some((at, w, a))
        });
        // A subject word running into the attribute word, the words after it
        // an attribute of their own (收款单位名称: 收款单位 + 名称, not 收款 +
        // 单位名称), names the subject.
        let crossing = found.and_then(|(at, w, _)| {
            let end = at + w.len();
            let starts = self.subject_finder.first_occurrences(&base[..end]);
            starts.into_iter().find_map(|(i, from)| {
                let to = from + self.subjects[i].0.len();
                let tail = &base[to..];
                (from < at && to > at && to < end)
                    .then(|| self.attribute_words.iter().find(|(w, _)| w == tail))
                    .flatten()
                    .map(|(_, a)| (to, a))
            })
        });
        if let Some((to, a)) = crossing {
            return Reading {
                subject: self.subject_of(&base[..to]),
                attribute: Some(a.clone()),
                name,
                unit,
            };
        }
        let (rest, attribute) = match found {
            Some((at, w, a)) => (
                format!("{}{}", &base[..at], &base[at + w.len()..]),
                Some(a.clone()),
            ),
            None => (base.to_string(), None),
        };
        // A place to sign or stamp on paper (领款人签字, 户主签名（手印）) holds
        // no value, whoever signs it.
        if attribute.is_none() && SIGNATURE_WORDS.iter().any(|w| base.contains(w)) {
            return Reading {
                name,
                unit,
                attribute: None,
                subject: Subject::None,
            };
        }
        let subject = self.subject_of(&rest);
        Reading {
            name,
            unit,
            attribute,
            subject,
        }
    }

    fn subject_of(&self, rest: &str) -> Subject {
        // A subject word inside a longer neutral word (乡 in 城乡, 村 in
        // 农村) is not the subject.
        let neutral: Vec<std::ops::Range<usize>> = (self.neutral_finder)
            .find_overlapping_iter(rest)
            .map(|m| m.range())
            .collect();
        let inside = |r: &std::ops::Range<usize>| {
            neutral
                .iter()
                .any(|n| n.start <= r.start && r.end <= n.end && n.len() > r.len())
        };
        if let Some((i, _)) = self.subject_finder.first_where(rest, |r| !inside(&r)) {
            return Subject::Known(self.subjects[i].1.clone());
        }
        let left: String = self
            .without_neutral(rest)
            .chars()
            .filter(|c| !c.is_ascii_digit() && !"()（）[]:：".contains(*c))
            .collect();
        if left.is_empty() {
            Subject::None
        } else {
            Subject::Unknown(left)
        }
    }

    /// `text` without its neutral words, the longest taken out first
    /// (城乡低保发放金额: 金额).
    fn without_neutral(&self, text: &str) -> String {
        let mut left = text.to_string();
        if self.neutral_finder.is_match(text) {
            for w in &self.neutral {
                // A scan, not a copy, for the words it does not hold.
                if left.contains(w.as_str()) {
                    left = left.replace(w.as_str(), "");
                }
            }
        }
        left
    }

    /// Does a reading's attribute say what was paid: an amount, not what was
    /// due (`1月应发` beside `1月实发`)?
    pub fn paid_amount(&self, reading: &Reading) -> bool {
        (reading.attribute.as_deref())
            .filter(|a| *a != DUE_AMOUNT)
            .and_then(|a| self.attributes.get(a))
            .is_some_and(|a| a.kind == "amount")
    }

    /// The words of a dataset.
    pub fn dataset(&self, name: &str) -> Option<&DatasetWords> {
        self.datasets.get(name)
    }

    /// Content kind a header's attribute expects (`date`, `amount` …).
    pub fn kind_of(&self, reading: &Reading) -> Option<&str> {
        let attribute = self.attributes.get(reading.attribute.as_deref()?)?;
        Some(attribute.kind.as_str())
    }

    /// Does this raw header name anything the lexicon knows (an attribute, or
    /// an exact alias of any dataset)?
    pub fn is_known_header(&self, raw: &str) -> bool {
        let reading = self.read(raw);
        if reading.name.chars().count() > MAX_HEADER_CHARS {
            return false;
        }
        reading.attribute.is_some()
            || self.datasets.values().any(|d| {
                (d.aliases.values().chain(d.fallback_aliases.values()))
                    .flatten()
                    .any(|a| *a == reading.name)
                    || d.columns.keys().any(|c| *c == reading.name)
            })
    }

    /// The score of a header the table's names make an alias of a column
    /// (`when_named`: 贷方 in a 现金日记账), with the reason; `context` is the
    /// normalized names.
    pub fn named_alias(
        &self,
        (dataset, column): (&str, &str),
        context: &str,
        reading: &Reading,
    ) -> Option<(f32, String)> {
        let words = self.datasets.get(dataset)?;
        words.when_named.iter().find_map(|w| {
            let word = w
                .words
                .iter()
                .find(|word| context.contains(word.as_str()))?;
            let aliases = w.aliases.get(column)?;
            if aliases.contains(&reading.name) {
                return Some((1.0, format!("表名含“{word}”时本数据集的表头别名")));
            }
            // A ledger's side restated in brackets (贷方（支出）, 借方（收入）):
            // both parts name the column, one of them by the names.
            let plain = words.aliases.get(column).into_iter().flatten();
            let alias = |part: &str| aliases.iter().chain(plain.clone()).any(|a| a == part);
            let (outer, inner) = bracketed(&reading.name)?;
            let named = aliases.iter().any(|a| a == outer || a == inner);
            (named && alias(outer) && alias(inner)).then(|| {
                let reason = format!("表名含“{word}”时本数据集的表头别名（括号内外各是一个别名）");
                (1.0, reason)
            })
        })
    }

    /// The score of a header that is an alias of a column where every row's
    /// reason is the dataset's own (`when_reasoned`), with the reason: below
    /// every meaning, so that a 死亡日期 beside it is taken first.
    pub fn reasoned_alias(
        &self,
        (dataset, column): (&str, &str),
        reading: &Reading,
    ) -> Option<(f32, String)> {
        let words = self.datasets.get(dataset)?;
        let aliases = words.when_reasoned.get(column)?;
        let reason = words.reason.as_deref()?;
        aliases.contains(&reading.name).then(|| {
            let why = format!("各行原因均为“{reason}”时本数据集的表头别名（无更合适的表头时才取）");
            (0.6, why)
        })
    }

    /// Score one header reading for a canonical column of a dataset, with the
    /// reason; `None` when the header cannot mean the column.
    pub fn score(&self, dataset: &str, column: &str, reading: &Reading) -> Option<(f32, String)> {
        let words = self.datasets.get(dataset)?;
        if reading.name == column {
            return Some((1.0, "标准列名".into()));
        }
        let aliases = words.aliases.get(column);
        if let Some(i) = aliases.and_then(|list| list.iter().position(|a| *a == reading.name)) {
            // Of two aliases in one table the one listed first wins (a pay
            // sheet's 应发合计 over its 基本报酬), not the one further left.
            return Some((1.0 - 0.001 * i as f32, "本数据集的表头别名".into()));
        }
        // What was due is read as an amount, a little below what was paid.
        let (attr, due) = match reading.attribute.as_deref() {
            Some(DUE_AMOUNT) => (Some("amount"), DUE_PENALTY),
            attr => (attr, 0.0),
        };
        let mut best: Option<(f32, String)> = None;
        // Of two headers with equally good meanings, the one whose meaning
        // the dataset lists first wins (a deaths list's 死亡日期 over its
        // 注销日期), not the one further left.
        for (place, m) in words.columns.get(column)?.iter().enumerate() {
            let hit = match m {
                Meaning::RoleAttr(r, a) if attr == Some(a.as_str()) => {
                    (reading.subject == Subject::Known(r.clone())).then_some(0.95)
                }
                Meaning::Attr(a) if attr == Some(a.as_str()) => {
                    (reading.subject == Subject::None).then_some(0.9)
                }
                Meaning::Role(r) if attr.is_none() => {
                    (reading.subject == Subject::Known(r.clone())).then_some(0.85)
                }
                Meaning::UnknownAttr(a) if attr == Some(a.as_str()) => {
                    matches!(reading.subject, Subject::None | Subject::Unknown(_)).then_some(0.75)
                }
                Meaning::AnyAttr(a) if attr == Some(a.as_str()) => Some(0.7),
                Meaning::FallbackRoleAttr(r, a) if attr == Some(a.as_str()) => {
                    (reading.subject == Subject::Known(r.clone())).then_some(0.65)
                }
                _ => None,
            };
            if let Some(s) = hit.map(|s| s - 0.0001 * place as f32 - due) {
                if best.as_ref().is_none_or(|(b, _)| s > *b) {
                    best = Some((s, format!("按含义：{}", reading.describe())));
                }
            }
        }
        let fallback = words.fallback_aliases.get(column);
        if best.is_none() && fallback.is_some_and(|list| list.contains(&reading.name)) {
            // Below every meaning: taken only where no other header fits.
            return Some((0.6, "本数据集的备用表头别名（无更合适的表头时才取）".into()));
        }
        best
    }

    /// What a column is looked for by, for error messages.
    pub fn wanted(&self, dataset: &str, column: &str) -> Vec<String> {
        let Some(words) = self.datasets.get(dataset) else {
            return vec![column.to_string()];
        };
        let mut out = vec![column.to_string()];
        for list in [
            words.aliases.get(column),
            words.fallback_aliases.get(column),
        ] {
            out.extend(list.into_iter().flatten().cloned());
        }
        for m in words.columns.get(column).into_iter().flatten() {
            let (role, attr) = match m {
                Meaning::Attr(a) | Meaning::UnknownAttr(a) | Meaning::AnyAttr(a) => (None, Some(a)),
                Meaning::RoleAttr(r, a) | Meaning::FallbackRoleAttr(r, a) => (Some(r), Some(a)),
                Meaning::Role(r) => (Some(r), None),
            };
            let example = |a: &String| {
                self.attributes
                    .get(a)
                    .and_then(|x| x.words.first())
                    .cloned()
                    .unwrap_or_default()
            };
            let subject = |r: &String| self.subject_examples.get(r).cloned().unwrap_or_default();
            let text = match (role, attr) {
                (Some(r), Some(a)) => format!("{}{}", subject(r), example(a)),
                (None, Some(a)) => example(a),
                (Some(r), None) => subject(r),
                (None, None) => continue,
            };
            if !text.is_empty() && !out.contains(&text) {
                out.push(text);
            }
        }
        out
    }
}

fn parse_meaning(
    text: &str,
    subjects: &BTreeMap<String, Vec<String>>,
    attributes: &BTreeMap<String, Attribute>,
) -> Result<Meaning, String> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let attr = |a: &str| {
        attributes
            .contains_key(a)
            .then(|| a.to_string())
            .ok_or_else(|| format!("unknown attribute `{a}`"))
    };
    let role = |r: &str| {
        subjects
            .contains_key(r)
            .then(|| r.to_string())
            .ok_or_else(|| format!("unknown subject `{r}`"))
    };
    match parts.as_slice() {
        [one] if attributes.contains_key(*one) => Ok(Meaning::Attr(one.to_string())),
        [one] => Ok(Meaning::Role(role(one)?)),
        ["?", a] => Ok(Meaning::UnknownAttr(attr(a)?)),
        ["*", a] => Ok(Meaning::AnyAttr(attr(a)?)),
        ["~", r, a] => Ok(Meaning::FallbackRoleAttr(role(r)?, attr(a)?)),
        [r, a] => Ok(Meaning::RoleAttr(role(r)?, attr(a)?)),
        _ => Err(format!("cannot read meaning `{text}`")),
    }
}

/// The lexicon, loaded once.
pub fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| Lexicon::load().expect("embedded lexicon files are checked by tests"))
}

/// Normalize a header for comparison: half-width, no whitespace, no `*`
/// required-markers, lower case. Bracketed units such as `(元)` are kept;
/// [`strip_unit`] removes them.
pub fn normalize_header(raw: &str) -> String {
    to_half_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .map(|c| match c {
            '【' | '〔' | '［' => '(',
            '】' | '〕' | '］' => ')',
            _ => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Split a trailing bracketed unit off a normalized header:
/// `金额(万元)` → (`金额`, Some(`万元`)). A bracket that holds no unit
/// (`身份证号(户主)`) stays part of the header.
pub fn strip_unit(header: &str) -> (&str, Option<&str>) {
    if let Some(open) = header.rfind('(') {
        if header.ends_with(')') && open > 0 {
            let inside = &header[open + 1..header.len() - 1];
            let unit = inside.trim_start_matches("单位").trim_start_matches(':');
            if UNITS.contains(&inside) || UNITS.contains(&unit) {
                return (&header[..open], Some(unit));
            }
        }
    }
    (header, None)
}

/// A header's two parts, before and within its closing brackets
/// (`贷方(支出)`: `贷方`, `支出`), when both are written.
fn bracketed(name: &str) -> Option<(&str, &str)> {
    let inner = name.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let (outer, inner) = (&inner[..open], &inner[open + 1..]);
    (!outer.is_empty() && !inner.is_empty()).then_some((outer, inner))
}

fn strip_unit_owned(raw: &str) -> String {
    let n = normalize_header(raw);
    strip_unit(&n).0.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The finder answers as `str::find` tried word by word in the
        /// list's order would, overlapping and repeated words included.
        #[test]
        fn word_finder_finds_the_first_listed_word_at_its_leftmost(
            words in proptest::collection::vec("[ab户主名]{1,3}", 1..12),
            text in "[ab户主名]{0,12}",
        ) {
            let finder = WordFinder::new(words.iter().map(String::as_str).enumerate()).unwrap();
            let by_word = words
                .iter()
                .enumerate()
                .find_map(|(i, w)| text.find(w.as_str()).map(|at| (i, at)));
            proptest::prop_assert_eq!(finder.first(&text), by_word);
        }
    }

    #[test]
    fn embedded_files_load_and_name_canonical_columns() {
        let lex = Lexicon::load().unwrap();
        for spec in xuncha_schema::DATASETS {
            let words = lex
                .dataset(spec.name)
                .unwrap_or_else(|| panic!("datasets.toml lacks {}", spec.name));
            for c in spec.columns {
                assert!(
                    words.columns.contains_key(c.name),
                    "{}.{} has no meanings",
                    spec.name,
                    c.name
                );
            }
            let one_person = words.one_person.iter();
            let filled = one_person.flat_map(|o| o.columns.keys().chain(o.constants.keys()));
            let when_named = words.when_named.iter().flat_map(|w| w.aliases.keys());
            let when_reasoned = words.when_reasoned.keys();
            let stand_ins = words.stand_ins.iter().flat_map(|(c, f)| [c, f]);
            let named = (words.columns.keys().chain(words.aliases.keys()))
                .chain(filled)
                .chain(stand_ins)
                .chain(&words.row_keys)
                .chain(&words.marks)
                .chain(&words.holds)
                .chain(when_named)
                .chain(when_reasoned);
            for c in named {
                assert!(
                    spec.column(c).is_some(),
                    "{}.{c} is not canonical",
                    spec.name
                );
            }
            for p in words.one_person.iter().flat_map(|o| &o.programs) {
                let vocab = crate::vocab::for_column(spec.name, "program");
                assert!(
                    vocab.is_some_and(|v| v.rules.iter().any(|r| r.value == *p)),
                    "{}.one_person: {p} is no program of its vocabulary",
                    spec.name
                );
            }
        }
        for (name, words) in &lex.datasets {
            assert!(
                xuncha_schema::dataset(name).is_some(),
                "{name} is not canonical"
            );
            if let Some(other) = &words.split_with {
                let spec = xuncha_schema::dataset(other);
                assert!(
                    spec.is_some(),
                    "{name}.split_with: {other} is not canonical"
                );
            }
        }
        for (a, attr) in &lex.attributes {
            assert!(
                [
                    "idnumber",
                    "date",
                    "period",
                    "amount",
                    "number",
                    "integer",
                    "code",
                    "villagecode",
                    "text"
                ]
                .contains(&attr.kind.as_str()),
                "{a}: unknown kind {}",
                attr.kind
            );
        }
    }

    #[test]
    fn subject_words_belong_to_one_subject() {
        let lex = lexicon();
        let mut seen = std::collections::BTreeMap::new();
        for (w, s) in &lex.subjects {
            if let Some(other) = seen.insert(w.clone(), s.clone()) {
                panic!("{w} is in both {other} and {s}");
            }
        }
    }

    #[test]
    fn headers_split_into_subject_attribute_and_unit() {
        let lex = lexicon();
        let r = lex.read("享受人身份证号");
        assert_eq!(r.attribute.as_deref(), Some("id_number"));
        assert_eq!(r.subject, Subject::Known("recipient".into()));
        let r = lex.read("户主公民身份号码");
        assert_eq!(r.subject, Subject::Known("head".into()));
        let r = lex.read("身份证号码（户主）");
        assert_eq!(r.attribute.as_deref(), Some("id_number"));
        assert_eq!(r.subject, Subject::Known("head".into()));
        let r = lex.read(" 发放金额（元） ");
        assert_eq!(r.attribute.as_deref(), Some("amount"));
        assert_eq!(r.subject, Subject::None);
        assert_eq!(r.unit.as_deref(), Some("元"));
        let r = lex.read("年租金【万元】");
        assert_eq!(r.attribute.as_deref(), Some("rent"));
        assert_eq!(r.unit.as_deref(), Some("万元"));
        let r = lex.read("租赁期限止");
        assert_eq!(r.attribute.as_deref(), Some("end_date"));
        // 乡 (a township) inside 城乡, 村 inside 农村: words of no subject.
        for header in ["城乡类别", "农村低保类别"] {
            let r = lex.read(header);
            assert_eq!(r.attribute.as_deref(), Some("category"), "{header}");
            assert_eq!(r.subject, Subject::None, "{header}");
        }
        assert_eq!(
            lex.read("所在乡镇").subject,
            Subject::Known("township".into())
        );
        // A post's name is the post, not a name of someone.
        for post in ["公益性岗位名称", "岗位名称", "现任职务名称"] {
            assert_eq!(
                lex.read(post).attribute.as_deref(),
                Some("position"),
                "{post}"
            );
        }
        let r = lex.read("收款方统一社会信用代码");
        assert_eq!(r.attribute.as_deref(), Some("credit_code"));
        assert_eq!(r.subject, Subject::Known("payee".into()));
        let r = lex.read("收款人（单位）");
        assert_eq!(
            (r.subject, r.attribute),
            (Subject::Known("payee".into()), None)
        );
        for alternative in [
            "收款单位/个人",
            "收款单位／个人",
            "收款人/收款单位",
            "收款单位（人）",
        ] {
            let r = lex.read(alternative);
            assert_eq!(
                (r.subject, r.attribute),
                (Subject::Known("payee".into()), None),
                "{alternative}"
            );
        }
        // A place to sign holds nobody's value.
        for signature in ["领款人签字", "户主签名（手印）", "收款人签章"] {
            let r = lex.read(signature);
            assert_eq!(
                (r.subject, r.attribute),
                (Subject::None, None),
                "{signature}"
            );
        }
        let r = lex.read("中标单位");
        assert_eq!(
            (r.subject, r.attribute),
            (Subject::Known("counterparty".into()), None)
        );
        // An attribute word a neutral one splits: 终止领取时间 is an end date,
        // not any date; 实际补助金额 stays an amount.
        assert_eq!(
            lex.read("终止领取时间").attribute.as_deref(),
            Some("end_date")
        );
        assert_eq!(lex.read("终止领取时间").subject, Subject::None);
        assert_eq!(
            lex.read("实际补助金额").attribute.as_deref(),
            Some("amount")
        );
        let period = lex.read("发放时段").attribute;
        assert_eq!(period.as_deref(), Some("period"));
        // A subject word running into the attribute word names the subject.
        let r = lex.read("收款单位名称");
        assert_eq!(r.subject, Subject::Known("payee".into()));
        assert_eq!(r.attribute.as_deref(), Some("name"));
        let r = lex.read("开户行及账号");
        assert_eq!(
            (r.subject, r.attribute.as_deref()),
            (Subject::None, Some("account"))
        );
        let r = lex.read("车型");
        assert_eq!(r.attribute.as_deref(), Some("category"));
        assert_eq!(r.subject, Subject::Known("vehicle".into()));
        let r = lex.read("xx县2024年农村低保发放花名册（第一批次）汇总表格");
        assert_eq!(r.attribute, None);
    }

    #[test]
    fn columns_score_by_meaning() {
        let lex = lexicon();
        let exact = |d: &str, c: &str, h: &str| lex.score(d, c, &lex.read(h)).map(|x| x.0);
        // The kind of match, without the ten-thousandths of its place in the list.
        let s = |d: &str, c: &str, h: &str| exact(d, c, h).map(|x| (x * 100.0).round() / 100.0);
        assert_eq!(
            s("relief_households", "head_id_number", "户主身份证号码"),
            Some(0.95)
        );
        assert_eq!(
            s("relief_households", "head_id_number", "成员身份证号"),
            None
        );
        assert_eq!(s("relief_members", "id_number", "户主身份证号"), None);
        assert_eq!(
            s("benefit_payments", "id_number", "领取对象公民身份号码"),
            Some(0.95)
        );
        assert_eq!(s("benefit_payments", "program", "救助类别"), Some(1.0));
        // The head only when nothing better names the one paid.
        assert_eq!(
            s("benefit_payments", "id_number", "户主身份证号码"),
            Some(0.65)
        );
        assert_eq!(s("benefit_payments", "id_number", "成员身份证号"), None);
        assert_eq!(s("public_employees", "end_date", "离职时间"), Some(0.9));
        assert_eq!(s("asset_leases", "end_date", "租赁期限止"), Some(0.9));
        assert_eq!(
            s("village_contracts", "counterparty_name", "乙方"),
            Some(0.85)
        );
        // The program its recipients are under; the household's members counted.
        let program = s("relief_households", "program", "保障对象类型");
        assert_eq!(program, Some(0.95));
        let count = s("relief_households", "member_count", "家庭成员数");
        assert_eq!(count, Some(0.95));
        // How many things is a count, never money.
        for counted in ["承包地块数", "购买数量", "股份数", "支付笔数"] {
            let reading = lexicon().read(counted);
            assert_eq!(reading.attribute.as_deref(), Some("count"), "{counted}");
        }
        // The insured's own premium is no subsidy; the subsidy of it is.
        assert_eq!(
            s("medical_insurance", "subsidy_amount", "个人缴费金额"),
            None
        );
        let subsidy = s("medical_insurance", "subsidy_amount", "个人缴费资助金额");
        assert_eq!(subsidy, Some(0.7));
        assert_eq!(
            s("medical_insurance", "subsidy_amount", "资助金额"),
            Some(1.0)
        );
        // A header that is the recipient alone holds the recipient's name.
        assert_eq!(s("benefit_payments", "name", "领取人"), Some(0.85));
        // How money was paid is no way of letting a lease.
        assert_eq!(s("asset_leases", "procedure", "租金支付方式"), None);
        assert_eq!(s("asset_leases", "procedure", "出租方式"), Some(0.9));
        assert_eq!(s("village_payments", "method", "支付方式"), Some(0.9));
        // Of two meanings of one kind, the one the dataset lists first.
        assert_eq!(s("deaths", "death_date", "注销日期"), Some(0.9));
        assert!(
            exact("deaths", "death_date", "死亡日期") > exact("deaths", "death_date", "注销日期")
        );
        assert!(lex.is_known_header("公民身份号码"));
        assert!(lex.is_known_header("金额(元)"));
        assert!(!lex.is_known_header("××县2024年农村低保发放花名册"));
    }

    #[test]
    fn units_split_only_when_they_are_units() {
        assert_eq!(normalize_header(" 金额（万元）* "), "金额(万元)");
        assert_eq!(strip_unit("金额(万元)"), ("金额", Some("万元")));
        assert_eq!(strip_unit("乡镇(街道)"), ("乡镇(街道)", None));
        assert_eq!(strip_unit("金额"), ("金额", None));
        assert_eq!(normalize_header("ID_Number"), "id_number");
    }
}
