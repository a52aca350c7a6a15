//! Village names to village codes. Many exports name the village (乡镇(街道),
//! 村(社区)) instead of giving its 12-digit code; such a column is read as
//! names ([`key`]) and, once every file is read, resolved through the
//! villages directory (`villages`, 村(社区)名录) of the same folder.
//! A table kept per village often has no village column at all: its file
//! name, sheet name or title rows (西湾村2024年财务支出明细, 填报单位：西湾村)
//! name the village, looked up the same way ([`stated_village`]).
//! A name the directory does not hold, or holds more than once, is a reject
//! naming the candidates: a finding is never placed in a guessed village.

use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;

use polars::prelude::*;
use regex::Regex;
use xuncha_schema::{Reject, RejectAction, SOURCE_COLUMN};

use crate::build::{line_of, RowOrigin};
use crate::normalize::{clean_cell, normalize_village_code, to_half_width};
use crate::stated::Stated;

/// Separates the township from the village in a name key.
const SEPARATOR: char = '\u{1f}';

/// Starts the key of a table whose village is named around it, not in a
/// column: the names follow, to be searched for a village of the directory.
const NAMED: char = '\u{1e}';

/// The value a village-name cell is kept as until it is resolved: a code
/// written in the column stays a code; a name becomes `township␟village`
/// (the township empty when the table has none).
pub fn key(township: Option<&str>, village: &str) -> String {
    if village.starts_with(NAMED) {
        return village.to_string();
    }
    if let Ok(code) = normalize_village_code(village) {
        return code.into_owned();
    }
    let compact = |s: &str| -> String {
        clean_cell(s)
            .chars()
            .filter(|c| !c.is_whitespace() && *c != SEPARATOR)
            .collect()
    };
    let mut out = township.map(compact).unwrap_or_default();
    out.push(SEPARATOR);
    out.push_str(&compact(village));
    out
}

/// Words a village's name may end with that do not tell it apart
/// (西湾社区, 西湾村民委员会 and 西湾 are one village), a word before any
/// that it ends with. The village accounts (三资) name the collective that
/// keeps them: 西湾村股份经济合作社 is 西湾村's.
const VILLAGE_SUFFIXES: &[&str] = &[
    "股份经济合作社",
    "经济股份合作社",
    "股份经济联合社",
    "经济合作社",
    "经济联合社",
    "股份合作社",
    "集体经济组织",
    "社区居民委员会",
    "村民委员会",
    "居民委员会",
    "村委会",
    "居委会",
    "社区",
    "村",
];

/// Words with 村 or 社区 in them that name no one village (农村低保,
/// 村级支出凭证, 村(社区)名录, 城乡社区).
static GENERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"农村|乡村|城乡社区|村\((?:社区|居)\)|村级|村集体|村干部|村民小组|村民|村务|村居|村庄|村两委|村组|村委会成员",
    )
    .expect("generic village words")
});

/// A village named in a text: a word ending 村, 社区, 居委会 or 嘎查 after
/// other characters, or a 12-digit code.
static MENTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\p{Han}(?:村|社区|居委会|嘎查)|(?:^|\D)\d{12}(?:\D|$)").expect("village mention")
});

/// Words saying a table covers more villages than one it names
/// (西湾社区等5个村, 各村, 全镇).
static MANY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:村|社区|居委会|嘎查)等|各村|各社区|全县|全区|全镇|全乡|全市|所有村|\d+个村")
        .expect("many villages")
});

/// May `text` (a file, sheet or title's name) name a village?
fn may_name_village(text: &str) -> bool {
    let text = to_half_width(text);
    MENTION.is_match(&GENERIC.replace_all(&text, " "))
}

/// The village a table's names may state for every row, when no column
/// gives it: `names` are (where, name) pairs (`文件名`, `西湾村财务支出`),
/// most specific first. The value is a key [`Directory::resolve`] looks the
/// village up with once every file is read, in all the names (a title may
/// name the township of the village a sheet names); `None` when no name
/// seems to name a village.
pub fn stated_village(names: &[(&str, &str)]) -> Option<Stated> {
    if names.iter().any(|(_, name)| MANY.is_match(name)) {
        return None;
    }
    let naming: Vec<&(&str, &str)> = names
        .iter()
        .filter(|(_, name)| may_name_village(name))
        .collect();
    if naming.is_empty() {
        return None;
    }
    let from: Vec<String> = naming
        .iter()
        .map(|(label, name)| crate::stated::cite(label, name))
        .collect();
    let from = from.join("、");
    let text: Vec<&str> = names.iter().map(|(_, name)| *name).collect();
    Some(Stated {
        value: format!("{NAMED}{}", text.join(" ")),
        reason: format!("表中无村列，按{from}中的村名查村(社区)名录换成12位区划代码"),
        from,
    })
}

/// The names a [`stated_village`] key searches, or `None` for another key.
pub fn named_text(key: &str) -> Option<&str> {
    key.strip_prefix(NAMED)
}

/// A key as a user reads it in a reject: the name, or the names searched.
fn shown(key: &str) -> String {
    let key = named_text(key).unwrap_or(key);
    key.replace(SEPARATOR, " ").trim().to_string()
}

/// Words a township's name may end with (后后镇, 后后乡 and 后后 are one).
const TOWNSHIP_SUFFIXES: &[&str] = &["人民政府", "街道办事处", "办事处", "街道", "镇", "乡"];

/// A name without the words that do not tell it apart (西湾社区居委会 →
/// 西湾); the name itself when nothing else would be left.
fn core<'a>(mut name: &'a str, suffixes: &[&str]) -> &'a str {
    while let Some(shorter) = suffixes
        .iter()
        .find_map(|s| name.strip_suffix(s).filter(|c| !c.is_empty()))
    {
        name = shorter;
    }
    name
}

/// A village's group as written after its name: 三组, 3组, 第3村民小组,
/// 二队, 东组.
static GROUP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:第?[0-9一二三四五六七八九十零〇两]+|[东南西北中前后上下]{1,2})(?:村民小组|村民组|居民小组|小组|组|生产队|队)$",
    )
    .expect("village group")
});

/// A village name without a trailing group (张庄村三组, 张庄村第3村民小组):
/// the name up to the 村 or 社区 a group follows, else (what follows
/// ending in 组 or 队) up to its last 村 or 社区.
fn without_group(name: &str) -> Option<&str> {
    if !(name.ends_with('组') || name.ends_with('队')) {
        return None;
    }
    let ends: Vec<usize> = ["社区", "村"]
        .iter()
        .flat_map(|w| name.match_indices(w).map(|(i, w)| i + w.len()))
        .filter(|&end| end < name.len())
        .collect();
    let grouped = ends
        .iter()
        .copied()
        .filter(|&end| GROUP.is_match(&name[end..]));
    let end = grouped.max().or_else(|| ends.iter().copied().max())?;
    Some(&name[..end])
}

/// Does a value read as a village's name (西湾社区, 南坡村村民委员会,
/// 大南村3组): a name before a village's ending, or before its group?
pub fn is_village_name(value: &str) -> bool {
    let named = |ending: &str| {
        value
            .strip_suffix(ending)
            .is_some_and(|name| name.chars().count() >= 2)
    };
    [
        "村",
        "社区",
        "村委会",
        "居委会",
        "村民委员会",
        "居民委员会",
        "嘎查",
    ]
    .into_iter()
    .any(named)
        || without_group(value).is_some_and(|v| v.chars().count() >= 3)
}

/// One village of the directory.
#[derive(Debug)]
struct Place {
    code: String,
    name: String,
    township: Option<String>,
}

/// The villages of a folder's directory, found by name.
#[derive(Debug, Default)]
pub struct Directory {
    places: Vec<Place>,
    /// Core name → places.
    by_name: HashMap<String, Vec<usize>>,
    /// County and township names a cell may start with, longest first,
    /// each with whether it is a township's.
    prefixes: Vec<(String, bool)>,
}

impl Directory {
    /// The directory of the `villages` frames given.
    pub fn of<'a>(frames: impl IntoIterator<Item = &'a DataFrame>) -> Self {
        let mut dir = Directory::default();
        let mut prefixes = BTreeSet::new();
        let mut codes_seen = HashSet::new();
        for df in frames {
            let text = |name: &str| df.column(name).ok().and_then(|c| c.str().ok().cloned());
            let (Some(codes), Some(names)) = (text("village_code"), text("village_name")) else {
                continue;
            };
            let townships = text("township");
            let counties = text("county");
            for row in 0..df.height() {
                let (Some(code), Some(name)) = (codes.get(row), names.get(row)) else {
                    continue;
                };
                let township = townships.as_ref().and_then(|t| t.get(row));
                if let Some(county) = counties.as_ref().and_then(|c| c.get(row)) {
                    prefixes.insert((county.to_string(), false));
                }
                if let Some(t) = township {
                    prefixes.insert((t.to_string(), true));
                }
                if !codes_seen.insert(code.to_string()) {
                    continue;
                }
                let at = dir.places.len();
                dir.by_name
                    .entry(core(name, VILLAGE_SUFFIXES).to_string())
                    .or_default()
                    .push(at);
                dir.places.push(Place {
                    code: code.to_string(),
                    name: name.to_string(),
                    township: township.map(str::to_string),
                });
            }
        }
        dir.prefixes = prefixes
            .into_iter()
            .filter(|(p, _)| !p.is_empty())
            .collect();
        let longest_first = |(a, _): &(String, bool), (b, _): &(String, bool)| {
            b.chars().count().cmp(&a.chars().count()).then(a.cmp(b))
        };
        dir.prefixes.sort_by(longest_first);
        dir
    }

    /// Does the directory hold no village?
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// The code of the village a [`key`] names, or why it cannot be told.
    pub fn resolve<'a>(&'a self, key: &'a str) -> Result<&'a str, String> {
        if let Some(text) = named_text(key) {
            return self.search(text);
        }
        let Some((township, village)) = key.split_once(SEPARATOR) else {
            // A code written in the column is taken as a code column's is.
            return Ok(key);
        };
        let mut township = (!township.is_empty()).then_some(township);
        // The name as written first; then without a county and township
        // written before it (示范县后后镇西湾社区), then without a group after
        // it (王庄村三组).
        let mut name = village;
        if let Some(found) = self.find(township, name) {
            return found;
        }
        while let Some(((prefix, of_township), rest)) = self
            .prefixes
            .iter()
            .find_map(|p| {
                let rest = name.strip_prefix(p.0.as_str())?;
                Some((
                    p,
                    rest.trim_start_matches(['/', '／', '-', '－', '—', '·', '、', '\\']),
                ))
            })
            .filter(|(_, rest)| !rest.is_empty())
        {
            if township.is_none() && *of_township {
                township = Some(prefix);
            }
            name = rest;
        }
        self.find(township, name)
            .or_else(|| self.find(township, without_group(name)?))
            .unwrap_or_else(|| Err(format!("村名“{village}”不在村(社区)名录中")))
    }

    /// The one village a table's names mention (its full name, its name
    /// with any ending of [`VILLAGE_SUFFIXES`], or its code), or why none
    /// can be told. Of two mentions one inside the other (革新村, 新村) the
    /// longer stands; of two villages of one name, the one whose township
    /// the names mention too.
    fn search(&self, text: &str) -> Result<&str, String> {
        let text: String = to_half_width(text)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        // (place, start, end, named in full)
        let mut hits: Vec<(usize, usize, usize, bool)> = Vec::new();
        for (i, p) in self.places.iter().enumerate() {
            let short = core(&p.name, VILLAGE_SUFFIXES);
            let forms = VILLAGE_SUFFIXES
                .iter()
                .map(|s| (format!("{short}{s}"), false))
                .chain([(p.name.clone(), true), (p.code.clone(), true)]);
            let found = forms.filter_map(|(form, full)| {
                let start = text.find(&form)?;
                Some((i, start, start + form.len(), full || form == p.name))
            });
            if let Some(hit) = found.min_by_key(|&(_, start, end, _)| (start, Reverse(end))) {
                hits.push(hit);
            }
        }
        let within = |a: &(usize, usize, usize, bool), b: &(usize, usize, usize, bool)| {
            b.1 <= a.1 && a.2 <= b.2 && b.2 - b.1 > a.2 - a.1
        };
        let outer: Vec<_> = hits
            .iter()
            .filter(|a| !hits.iter().any(|b| within(a, b)))
            .copied()
            .collect();
        let mut fits: Vec<&Place> = outer.iter().map(|h| &self.places[h.0]).collect();
        if fits.len() > 1 && outer.iter().filter(|h| h.3).count() == 1 {
            fits = outer
                .iter()
                .filter(|h| h.3)
                .map(|h| &self.places[h.0])
                .collect();
        }
        if fits.len() > 1 {
            let in_township = |p: &&Place| {
                (p.township.as_deref()).is_some_and(|t| text.contains(core(t, TOWNSHIP_SUFFIXES)))
            };
            if fits.iter().any(in_township) {
                fits.retain(in_township);
            }
        }
        match fits[..] {
            [one] => Ok(&one.code),
            [] => Err(format!("“{text}”中没有村(社区)名录中的村")),
            _ => {
                let names: Vec<String> = fits.iter().map(describe).collect();
                Err(format!(
                    "“{text}”提到名录中的{}个村：{}，无法确定本表是哪个村的",
                    fits.len(),
                    names.join("、")
                ))
            }
        }
    }

    /// The one place called `name` (in `township` when given), or why it
    /// cannot be told; `None` when the directory has no such name at all.
    fn find(&self, township: Option<&str>, name: &str) -> Option<Result<&str, String>> {
        let all = self.by_name.get(core(name, VILLAGE_SUFFIXES))?;
        let same_township = |p: &Place| match (township, &p.township) {
            (Some(t), Some(pt)) => core(t, TOWNSHIP_SUFFIXES) == core(pt, TOWNSHIP_SUFFIXES),
            _ => true,
        };
        let mut fits: Vec<&Place> = all
            .iter()
            .map(|&i| &self.places[i])
            .filter(|p| same_township(p))
            .collect();
        // 新村 and 新社区 share a core name: the one written in full wins.
        if fits.len() > 1 && fits.iter().filter(|p| p.name == name).count() == 1 {
            fits.retain(|p| p.name == name);
        }
        Some(match fits[..] {
            [one] => Ok(&one.code),
            [] => {
                let elsewhere: Vec<String> =
                    all.iter().map(|&i| describe(&&self.places[i])).collect();
                Err(format!(
                    "村名“{name}”在乡镇“{}”下找不到，名录中同名的村：{}",
                    township.unwrap_or_default(),
                    elsewhere.join("、")
                ))
            }
            _ => {
                let names: Vec<String> = fits.iter().map(describe).collect();
                Err(format!(
                    "村名“{name}”在名录中有{}个：{}，无法确定是哪一个（表中有乡镇列时按乡镇区分）",
                    fits.len(),
                    names.join("、")
                ))
            }
        })
    }
}

/// A place as a reject names it: 小寨乡南坡村（411122002001）.
fn describe(p: &&Place) -> String {
    format!(
        "{}{}（{}）",
        p.township.as_deref().unwrap_or(""),
        p.name,
        p.code
    )
}

/// The outcome of resolving one frame's village names.
pub struct Resolved {
    /// The rows kept: all of them, unless a required code could not be told.
    pub frame: DataFrame,
    pub rejects: Vec<Reject>,
    /// Source rows left out (a required code not told), and frame rows.
    pub rows_dropped: usize,
    pub frame_rows_dropped: usize,
}

/// Where the rejects of a frame's village names go: its table's file,
/// sheet and village header, and the dataset.
pub struct Origin<'a> {
    pub file: &'a str,
    pub sheet: Option<&'a str>,
    pub header: &'a str,
    pub dataset: &'a str,
    /// Is `village_code` required in the dataset?
    pub required: bool,
}

/// Replace the name keys of a frame's `village_code` by the directory's
/// codes. A name that cannot be told is a reject; the value is cleared, or
/// the row left out where the code is required.
pub fn resolve_frame(
    df: DataFrame,
    dir: &Directory,
    origin: &Origin<'_>,
) -> PolarsResult<Resolved> {
    let keys = df.column("village_code")?.str()?.clone();
    let sources = df.column(SOURCE_COLUMN)?.str()?.clone();
    let mut answers: HashMap<&str, Result<&str, String>> = HashMap::new();
    let missing =
        "按村名换算区划代码需要村(社区)名录（villages），数据目录中没有可用的名录".to_string();
    let mut codes: Vec<Option<&str>> = Vec::with_capacity(df.height());
    let mut keep: Vec<bool> = Vec::with_capacity(df.height());
    let mut rejects = Vec::new();
    let mut dropped_rows = BTreeSet::new();
    for (key, src) in keys.iter().zip(sources.iter()) {
        let Some(key) = key else {
            codes.push(None);
            keep.push(true);
            continue;
        };
        let answer = answers.entry(key).or_insert_with(|| {
            if dir.is_empty() && (key.contains(SEPARATOR) || key.starts_with(NAMED)) {
                Err(missing.clone())
            } else {
                dir.resolve(key)
            }
        });
        match answer {
            Ok(code) => {
                codes.push(Some(code));
                keep.push(true);
            }
            Err(why) => {
                let row = RowOrigin {
                    file: origin.file,
                    sheet: origin.sheet,
                    line: src.and_then(line_of).unwrap_or(0),
                };
                let action = if origin.required {
                    dropped_rows.insert(row.line);
                    RejectAction::RowDropped
                } else {
                    RejectAction::ValueCleared
                };
                let value = shown(key);
                let column = (origin.header, origin.dataset);
                rejects.push(row.reject(column, value, why.clone(), action));
                codes.push(None);
                keep.push(!origin.required);
            }
        }
    }
    // A person's months share one source row: one reject for it.
    rejects.dedup_by(|a, b| a.row == b.row && a.value == b.value);
    let column = StringChunked::from_iter_options("village_code".into(), codes.into_iter());
    let mut df = df;
    df.with_column(column.into_column())?;
    let kept = keep.iter().filter(|k| **k).count();
    let frame_rows_dropped = df.height() - kept;
    if frame_rows_dropped > 0 {
        let mask = BooleanChunked::from_slice("keep".into(), &keep);
        df = df.filter(&mask)?;
    }
    Ok(Resolved {
        frame: df,
        rejects,
        rows_dropped: dropped_rows.len(),
        frame_rows_dropped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory() -> Directory {
        let df = df!(
            "village_code" => ["411122001001", "411122002001", "411122001003", "411122002003", "411122002004", "411122002005", "411122001009"],
            "village_name" => ["西湾社区", "南坡村", "王庄村", "王庄村", "新村", "新社区", "后后镇村"],
            "township" => ["后后镇", "小寨乡", "后后镇", "小寨乡", "小寨乡", "小寨乡", "后后镇"],
            "county" => ["示范县"; 7],
        )
        .unwrap();
        Directory::of([&df])
    }

    #[test]
    fn names_are_found_however_they_are_written() {
        let dir = directory();
        let code = |t: Option<&str>, v: &str| dir.resolve(&key(t, v)).map(str::to_string);
        assert_eq!(code(None, "西湾社区").as_deref(), Ok("411122001001"));
        assert_eq!(code(None, " 西湾 ").as_deref(), Ok("411122001001"));
        assert_eq!(code(None, "南坡村民委员会").as_deref(), Ok("411122002001"));
        assert_eq!(code(None, "西湾社区居委会").as_deref(), Ok("411122001001"));
        assert_eq!(
            code(Some("后后镇人民政府"), "王庄村村委会").as_deref(),
            Ok("411122001003")
        );
        assert_eq!(
            code(None, "示范县后后镇西湾社区").as_deref(),
            Ok("411122001001")
        );
        assert_eq!(code(Some("后后"), "王庄村").as_deref(), Ok("411122001003"));
        assert_eq!(
            code(Some("小寨乡"), "王庄村二组").as_deref(),
            Ok("411122002003")
        );
        assert_eq!(
            code(Some("小寨乡"), "王庄村第3村民小组").as_deref(),
            Ok("411122002003")
        );
        assert_eq!(
            code(None, "南坡村第二村民小组").as_deref(),
            Ok("411122002001")
        );
        assert_eq!(code(None, "西湾社区东组").as_deref(), Ok("411122001001"));
        assert_eq!(code(None, "后后镇王庄村").as_deref(), Ok("411122001003"));
        assert_eq!(code(None, "后后镇/西湾社区").as_deref(), Ok("411122001001"));
        assert_eq!(code(None, "新村").as_deref(), Ok("411122002004"));
        assert_eq!(
            code(None, "南坡村股份经济合作社").as_deref(),
            Ok("411122002001")
        );
        assert_eq!(
            code(None, "西湾社区经济联合社").as_deref(),
            Ok("411122001001")
        );
        assert_eq!(
            code(Some("后后镇"), "王庄村集体经济组织").as_deref(),
            Ok("411122001003")
        );
        // A village named as a township begins is found as written.
        assert_eq!(code(None, "后后镇村").as_deref(), Ok("411122001009"));
        // A code written in the name column stays the code.
        assert_eq!(code(None, "411122002001").as_deref(), Ok("411122002001"));
    }

    /// The village the names around a table state, as resolved.
    fn stated(names: &[(&str, &str)]) -> Option<Result<String, String>> {
        let dir = directory();
        let stated = stated_village(names)?;
        Some(dir.resolve(&key(None, &stated.value)).map(str::to_string))
    }

    #[test]
    fn a_table_kept_per_village_takes_the_village_its_names_give() {
        let file = |name| stated(&[("文件名", name)]);
        assert_eq!(
            file("西湾社区2024年财务支出明细"),
            Some(Ok("411122001001".into()))
        );
        assert_eq!(
            file("南坡村股份经济合作社记账凭证"),
            Some(Ok("411122002001".into()))
        );
        assert_eq!(
            file("支出明细_411122002001"),
            Some(Ok("411122002001".into()))
        );
        // A note above the header names it (notes count here); the
        // township tells the two 王庄村 apart.
        assert_eq!(
            stated(&[
                ("文件名", "2024年支出明细"),
                ("标题行", "核算单位：后后镇王庄村")
            ]),
            Some(Ok("411122001003".into()))
        );
        // A sheet per village, the township in the title.
        assert_eq!(
            stated(&[
                ("工作表名", "王庄村"),
                ("文件名", "2024年3月低保发放"),
                ("标题行", "小寨乡2024年3月农村低保资金发放表")
            ]),
            Some(Ok("411122002003".into()))
        );
        // 新村 inside 革新村 is no mention of 新村; 新社区 is the one written.
        assert_eq!(file("新社区低保名单"), Some(Ok("411122002005".into())));
        let why = |name| file(name).unwrap().unwrap_err();
        assert!(why("王庄村低保名单").contains("2个村"));
        assert!(why("西湾社区和南坡村支出").contains("2个村"));
        assert!(why("东河村2024年支出明细").contains("没有村(社区)名录中的村"));
        // Words for any village's affairs name no village: the table keeps
        // asking for its village column.
        for generic in [
            "2024年村级支出凭证",
            "农村低保发放",
            "村(社区)干部花名册",
            "村集体收入",
            "乡村公益性岗位",
            "城乡社区低保",
            "村干部报酬",
            "耕地地力保护补贴_411122001",
            // A table of more villages than the one it names names none.
            "西湾社区等5个村低保名单",
            "后后镇各村财务支出",
            "全镇低保发放（含西湾社区）",
        ] {
            assert_eq!(file(generic), None, "{generic}");
        }
    }

    #[test]
    fn a_village_inside_a_longer_name_is_not_that_village() {
        let df = df!(
            "village_code" => ["411122002004", "411122002009"],
            "village_name" => ["新村", "革新村"],
        )
        .unwrap();
        let dir = Directory::of([&df]);
        let code = |name| {
            let key = stated_village(&[("文件名", name)]).unwrap().value;
            dir.resolve(&key).map(str::to_string)
        };
        assert_eq!(code("革新村支出明细").as_deref(), Ok("411122002009"));
        assert_eq!(code("新村支出明细").as_deref(), Ok("411122002004"));
    }

    #[test]
    fn names_that_cannot_be_told_are_not_guessed() {
        let dir = directory();
        let why = |t: Option<&str>, v: &str| dir.resolve(&key(t, v)).unwrap_err();
        let both = why(None, "王庄村");
        assert!(
            both.contains("有2个")
                && both.contains("411122001003")
                && both.contains("411122002003")
        );
        let elsewhere = why(Some("后后镇"), "南坡村");
        assert!(elsewhere.contains("后后镇") && elsewhere.contains("小寨乡南坡村"));
        assert!(why(None, "东河村").contains("不在村(社区)名录中"));
    }

    #[test]
    fn a_frame_keeps_its_rows_and_rejects_what_it_cannot_place() {
        let dir = directory();
        let df = df!(
            "village_code" => [Some(key(None, "西湾社区")), Some(key(None, "王庄村")), None],
            SOURCE_COLUMN => ["a.csv:2", "a.csv:3", "a.csv:4"],
        )
        .unwrap();
        let origin = |required| Origin {
            file: "a.csv",
            sheet: None,
            header: "村(社区)",
            dataset: "benefit_payments",
            required,
        };
        let cleared = resolve_frame(df.clone(), &dir, &origin(false)).unwrap();
        let codes: Vec<_> = cleared
            .frame
            .column("village_code")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(codes, [Some("411122001001"), None, None]);
        assert_eq!(cleared.rejects.len(), 1);
        assert_eq!(
            (cleared.rejects[0].row, cleared.rejects[0].action),
            (3, RejectAction::ValueCleared)
        );
        assert_eq!(cleared.rejects[0].value, "王庄村");
        let dropped = resolve_frame(df.clone(), &dir, &origin(true)).unwrap();
        assert_eq!(dropped.frame.height(), 2);
        assert_eq!(
            (dropped.rows_dropped, dropped.rejects[0].action),
            (1, RejectAction::RowDropped)
        );
        // Without a directory the names are cleared, each a reject saying why.
        let none = resolve_frame(df, &Directory::default(), &origin(false)).unwrap();
        assert_eq!(none.rejects.len(), 2);
        assert!(none.rejects[0].reason.contains("需要村(社区)名录"));
    }
}
