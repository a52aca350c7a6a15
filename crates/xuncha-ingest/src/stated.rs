//! Values a table's names state for every row: the month of a monthly
//! sheet (`3月` in `2024年低保发放.xlsx`) or file (`2024年3月低保发放.csv`),
//! the year of a yearly one (`2024年度危房改造.xlsx`). Departments often
//! leave such a column out of the table because the name already says it;
//! a required month or year no header gives is then taken from the names.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::normalize::to_half_width;
use crate::vocab::{Named, Vocabulary};

/// The names around a table, most specific first.
pub struct Names<'a> {
    pub sheet: Option<&'a str>,
    /// The file name without its extension.
    pub file: &'a str,
    /// Title rows above the header, notes (`制表日期：…`) left out.
    pub title: &'a str,
}

/// A value the names state, with where it was read (for the decision).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stated {
    /// `2024-03` for a month, `2024` for a year.
    pub value: String,
    pub reason: String,
    /// The names it was read from (`文件名“2024年低保发放”`).
    pub from: String,
}

/// A year and month written out: `2024年3月`, `2024-03`, `2024.3`, `202403`
/// ([`read`] leaves out dates such as `2024-03-05` and `2024年3月5日`).
static MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:19|20)\d{2})(?:\s*[年\-./]\s*(\d{1,2})\s*(?:月份?)?|(0[1-9]|1[0-2]))")
        .expect("month pattern")
});
/// A month without its year: `3月`, `03月份`, `三月`, `十二月` ([`read`]
/// leaves out days such as `12月31日`).
static BARE_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月").expect("bare month pattern")
});
/// A year: `2024年`, `2024年度`.
static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"((?:19|20)\d{2})\s*年").expect("year pattern"));
/// Four digits that may be a year written bare ([`read`] keeps those at
/// either end of a name or beside a separator).
static BARE_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:19|20)\d{2}").expect("bare year pattern"));
/// Two years, as a span (`2023-2024年`): both are stated.
static YEAR_SPAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:19|20)\d{2})\s*年?\s*[-~至到—–]\s*((?:19|20)\d{2})")
        .expect("year span pattern")
});
/// Words of a name that covers more than one month (`1-6月`, `1月至6月`,
/// `2023年12月-2024年1月`, `第一季度`, `上半年`, `全年`, `累计`).
static SPAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d\s*(?:月份?)?\s*[-~～至到—–]\s*\d{1,2}\s*月|月份?\s*[-~～至到—–]\s*\d|季度|半年|全年|累计|各月|月度汇总")
        .expect("span pattern")
});

/// A quarter, with its year where written: `2024年第一季度`, `2024年度第3季度`,
/// `一季度`, `2024Q1`.
static QUARTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:((?:19|20)\d{2})\s*年?度?\s*)?第?\s*([1-4一二三四])\s*季度|((?:19|20)\d{2})\s*[-/]?\s*[Qq]([1-4])")
        .expect("quarter pattern")
});

/// Months and years one name states.
#[derive(Default)]
struct Read {
    months: BTreeSet<(u32, u32)>,
    bare: BTreeSet<u32>,
    years: BTreeSet<u32>,
    /// Quarters as (year, quarter), the year 0 where not written.
    quarters: BTreeSet<(u32, u32)>,
    spans: bool,
}

/// The month a Chinese numeral names (一 … 十二), 0 for any other.
pub(crate) fn chinese_month(numeral: &str) -> u32 {
    const DIGITS: &str = "一二三四五六七八九";
    let digit = |c: char| DIGITS.chars().position(|d| d == c).map(|i| i as u32 + 1);
    let chars: Vec<char> = numeral.chars().collect();
    match chars[..] {
        [c] => digit(c).unwrap_or(10 * u32::from(c == '十')),
        ['十', c] => digit(c).map_or(0, |d| 10 + d),
        _ => 0,
    }
}

/// A capture group's number (0 when it did not take part).
fn group(c: &regex::Captures<'_>, i: usize) -> u32 {
    c.get(i).map_or(0, |m| m.as_str().parse().unwrap_or(0))
}

/// Read the months and years one name states; `bare_years`: also a year
/// written without 年 (not in title rows, where document numbers such as
/// 2023-15 stand).
fn read(name: &str, bare_years: bool) -> Read {
    let name = to_half_width(name);
    let mut out = Read {
        spans: SPAN.is_match(&name),
        ..Default::default()
    };
    // The characters before and after a match: a number goes on past it, or
    // a day follows it.
    let around = |m: regex::Match<'_>| {
        let before = name[..m.start()].chars().next_back();
        (before, name[m.end()..].chars().next())
    };
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    for c in MONTH.captures_iter(&name) {
        let (before, after) = around(c.get(0).expect("match"));
        let day = after.is_some_and(|a| a.is_ascii_digit() || "日号-./".contains(a));
        let (year, month) = (group(&c, 1), group(&c, 2).max(group(&c, 3)));
        if !digit(before) && !day && (1..=12).contains(&month) {
            out.months.insert((year, month));
            out.years.insert(year);
        }
    }
    for c in BARE_MONTH.captures_iter(&name) {
        let (before, after) = around(c.get(0).expect("match"));
        let (month, numeral) = match group(&c, 1) {
            0 => (chinese_month(&c[1]), true),
            month => (month, false),
        };
        // A month in digits right after a year was read as a written-out
        // month above; one in Chinese numerals takes the year as a bare one.
        let joined = before.is_some_and(|b| {
            b.is_ascii_digit()
                || "一二三四五六七八九十".contains(b)
                || (!numeral && "年-./".contains(b))
        });
        if !joined && !digit(after) && (1..=12).contains(&month) {
            out.bare.insert(month);
        }
    }
    for c in QUARTER.captures_iter(&name) {
        let numeral = c.get(2).map_or("", |m| m.as_str());
        let quarter = group(&c, 2).max(group(&c, 4)).max(chinese_month(numeral));
        out.quarters
            .insert((group(&c, 1).max(group(&c, 3)), quarter));
        // The last of a list or span (第一、二季度, 1-2季度): more than one.
        if around(c.get(0).expect("match"))
            .0
            .is_some_and(|b| "、,，-~至到和及与".contains(b))
        {
            out.quarters.insert((0, 0));
        }
    }
    for c in YEAR.captures_iter(&name) {
        if !digit(around(c.get(0).expect("match")).0) {
            out.years.insert(group(&c, 1));
        }
    }
    for c in YEAR_SPAN.captures_iter(&name) {
        out.years.extend([group(&c, 1), group(&c, 2)]);
    }
    // A year written bare at either end of a name or beside a separator
    // (村干部补贴发放表2024, 2024_低保发放, 危房改造(2023)); not one among
    // words or before a unit, where a number is as often an amount
    // (补助标准2000元户名单, 2000元以上).
    let separator =
        |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || "_-()[]【】.".contains(c));
    let bare = bare_years
        .then(|| BARE_YEAR.find_iter(&name))
        .into_iter()
        .flatten();
    for m in bare {
        let (before, after) = around(m);
        let unit = after.is_some_and(|a| "元万亩人户个号".contains(a));
        if !digit(before) && !digit(after) && !unit && (separator(before) || separator(after)) {
            out.years.insert(m.as_str().parse().expect("four digits"));
        }
    }
    out
}

/// The month and year the names state for every row, each name read once.
#[derive(Debug)]
pub struct Values {
    pub month: Option<Stated>,
    pub year: Option<Stated>,
}

/// One name around a table, where it is, and what it states.
struct Place<'a> {
    label: &'static str,
    name: &'a str,
    read: Read,
}

impl Place<'_> {
    fn cite(&self) -> String {
        cite(self.label, self.name)
    }
}

/// A name where it was read, for a decision's reason: `工作表名“3月”`.
pub(crate) fn cite(label: &str, name: &str) -> String {
    format!("{label}“{name}”")
}

impl Names<'_> {
    /// The month and year the names state (see `month` and `year` below).
    pub fn stated(&self) -> Values {
        let places = self.places();
        let year = year(&places);
        Values {
            month: month(&places, year.as_ref()),
            year: year.map(|(y, from)| Stated {
                value: y.to_string(),
                reason: format!("表中无年度列，按{}取 {y}", from.join("、")),
                from: from.join("、"),
            }),
        }
    }

    /// The one value of `vocab` the names name, when no name names another
    /// or several: a payment list kept per program (`2024年高龄津贴发放名册`)
    /// leaves its program out of the table. Of a name naming a value and
    /// another naming a kind of it (a workbook `低保发放.xlsx`, its sheet or
    /// title `城市低保`), the kind is the one named.
    pub fn label(&self, vocab: &Vocabulary) -> Option<Stated> {
        let mut found: Option<(&str, Vec<String>)> = None;
        for place in self.places() {
            match vocab.named_in(place.name) {
                Named::Nothing => {}
                Named::Several => return None,
                Named::One(value) => match &mut found {
                    Some((first, from)) if *first == value => from.push(place.cite()),
                    Some((first, _)) if vocab.generalizes(value, first) => {}
                    Some((first, from)) if vocab.generalizes(first, value) => {
                        *first = value;
                        *from = vec![place.cite()];
                    }
                    Some(_) => return None,
                    None => found = Some((value, vec![place.cite()])),
                },
            }
        }
        let (value, from) = found?;
        let from = from.join("、");
        Some(Stated {
            value: value.to_string(),
            reason: format!("表中无{}列，按{from}取 {value}", vocab.name),
            from,
        })
    }

    fn places(&self) -> Vec<Place<'_>> {
        let mut places = Vec::with_capacity(3);
        if let Some(sheet) = self.sheet {
            places.push(("工作表名", sheet));
        }
        places.push(("文件名", self.file));
        if !self.title.trim().is_empty() {
            places.push(("标题行", self.title));
        }
        let read_each = places.into_iter().map(|(label, name)| Place {
            label,
            name,
            read: read(name, label != "标题行"),
        });
        read_each.collect()
    }
}

/// The one year the names state, if they state exactly one, and the names
/// that state it.
fn year(places: &[Place<'_>]) -> Option<(u32, Vec<String>)> {
    let mut years = BTreeSet::new();
    let mut from = Vec::new();
    for place in places.iter().filter(|p| !p.read.years.is_empty()) {
        years.extend(&place.read.years);
        from.push(place.cite());
    }
    match years.len() {
        1 => years.pop_first().map(|y| (y, from)),
        _ => None,
    }
}

/// The month of every row: stated by the most specific name that states
/// exactly one (a bare month takes the one `year` the names state), and
/// contradicted by no other name that states one; where no name states a
/// month, the [`quarter`] they state; `None` otherwise.
fn month(places: &[Place<'_>], year: Option<&(u32, Vec<String>)>) -> Option<Stated> {
    let found = agreed(places, |place| {
        let read = &place.read;
        match (read.months.len(), read.bare.len()) {
            _ if read.spans => None,
            (1, _) => read.months.first().copied(),
            (0, 1) => year.zip(read.bare.first()).map(|((y, _), m)| (*y, *m)),
            _ => None,
        }
    });
    let ((y, m), from) = match found {
        Ok(Some(found)) => found,
        Ok(None) => return quarter(places, year),
        Err(Disagree) => return None,
    };
    let from = with_year(from, year);
    Some(Stated {
        value: format!("{y}-{m:02}"),
        reason: format!("表中无月份列，按{from}取 {y}-{m:02}"),
        from,
    })
}

/// The quarter of every row where no name states a month: stated by the
/// most specific name that states exactly one (a quarter without its year
/// takes the one `year` the names state), and contradicted by no other name
/// that states one. Its rows are spread over its months ([`crate::spans`]).
fn quarter(places: &[Place<'_>], year: Option<&(u32, Vec<String>)>) -> Option<Stated> {
    let found = agreed(places, |place| {
        let quarters = &place.read.quarters;
        let &(y, q) = quarters.first().filter(|_| quarters.len() == 1)?;
        Some((if y == 0 { year?.0 } else { y }, q))
    });
    let ((y, q), from) = found.ok()??;
    let from = with_year(from, year);
    Some(Stated {
        value: format!("{y}年第{q}季度"),
        reason: format!("表中无月份列，按{from}取 {y}年第{q}季度（按月拆开读入）"),
        from,
    })
}

/// Two names state different values.
struct Disagree;

/// The value the most specific name states (`stated` reads one name), with
/// that name cited, when no other name states another.
fn agreed<T: PartialEq>(
    places: &[Place<'_>],
    stated: impl Fn(&Place<'_>) -> Option<T>,
) -> Result<Option<(T, String)>, Disagree> {
    let mut found: Option<(T, String)> = None;
    for place in places {
        let Some(value) = stated(place) else { continue };
        match &found {
            Some((first, _)) if *first != value => return Err(Disagree),
            Some(_) => {}
            None => found = Some((value, place.cite())),
        }
    }
    Ok(found)
}

/// `from`, and the names the year came from where others than it.
fn with_year(mut from: String, year: Option<&(u32, Vec<String>)>) -> String {
    if let Some((_, years)) = year.filter(|(_, f)| !f.contains(&from)) {
        from.push_str(&format!("及{}", years.join("、")));
    }
    from
}

/// The one year a label states and no month with it (`2024年`,
/// `2024年度发放情况`), as a group label over month columns does.
pub(crate) fn year_of(label: &str) -> Option<u32> {
    let read = read(label, true);
    match (
        read.years.len(),
        read.months.is_empty() && read.bare.is_empty(),
    ) {
        (1, true) => read.years.first().copied(),
        _ => None,
    }
}

/// The one month with its year a label states (`2024年3月农村低保金`,
/// `低保金2024-03`), its first day; none for a span or a quarter, or a month
/// without its year.
pub(crate) fn month_of(label: &str) -> Option<chrono::NaiveDate> {
    let read = read(label, false);
    let one = read.months.len() == 1 && read.bare.is_empty() && read.quarters.is_empty();
    let &(year, month) = read.months.first().filter(|_| one && !read.spans)?;
    chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok().filter(|y| *y > 0)?, month, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_states_one_month_with_its_year() {
        let first = |y, m| chrono::NaiveDate::from_ymd_opt(y, m, 1);
        assert_eq!(month_of("2024年3月农村低保金"), first(2024, 3));
        assert_eq!(month_of("补发2023年12月高龄津贴"), first(2023, 12));
        assert_eq!(month_of("低保金2024-03"), first(2024, 3));
        // A span, a quarter, a month without its year, two months: none.
        assert_eq!(month_of("2024年1-3月高龄津贴"), None);
        assert_eq!(month_of("2024年第一季度高龄津贴"), None);
        assert_eq!(month_of("3月份低保金"), None);
        assert_eq!(month_of("2024年2月、3月低保金"), None);
        assert_eq!(month_of("代发工资"), None);
    }

    fn names<'a>(sheet: Option<&'a str>, file: &'a str, title: &'a str) -> Names<'a> {
        Names { sheet, file, title }
    }

    fn month(sheet: Option<&str>, file: &str, title: &str) -> Option<String> {
        names(sheet, file, title).stated().month.map(|s| s.value)
    }

    #[test]
    fn a_program_is_read_when_the_names_agree_on_one() {
        let program = crate::vocab::for_column("benefit_payments", "program").unwrap();
        let label = |sheet, file, title| names(sheet, file, title).label(program);
        let stated = label(Some("特困供养"), "2024年救助资金发放", "").unwrap();
        assert_eq!(stated.value, "特困供养");
        assert_eq!(stated.from, "工作表名“特困供养”");
        let both = label(None, "高龄津贴发放", "2024年高龄津贴发放名册").unwrap();
        assert_eq!(
            both.from,
            "文件名“高龄津贴发放”、标题行“2024年高龄津贴发放名册”"
        );
        // Names that disagree, or one naming two programs, state none.
        assert_eq!(label(Some("特困供养"), "高龄津贴发放", ""), None);
        assert_eq!(label(None, "2024年发放", "城乡低保特困人员发放表"), None);
        assert_eq!(label(None, "2024年3月发放", ""), None);
        // A name naming a kind of what another names names the kind.
        for (sheet, title) in [(Some("城市低保"), ""), (None, "2024年1月城市低保发放表")]
        {
            let kind = label(sheet, "2024年低保发放", title).unwrap();
            assert_eq!(kind.value, "城市低保");
            assert!(kind.from.contains("城市低保") && !kind.from.contains("文件名"));
        }
        assert_eq!(label(Some("农村低保"), "城市低保发放", ""), None);
    }

    #[test]
    fn a_month_is_read_from_the_sheet_file_or_title() {
        assert_eq!(
            month(None, "2024年3月城乡低保发放", ""),
            Some("2024-03".into())
        );
        assert_eq!(month(None, "低保发放202411", ""), Some("2024-11".into()));
        assert_eq!(month(None, "低保发放_2024.03", ""), Some("2024-03".into()));
        assert_eq!(
            month(Some("3月"), "2024年低保发放", ""),
            Some("2024-03".into())
        );
        assert_eq!(
            month(Some("Sheet1"), "低保", "2024年12月份城乡低保资金发放表"),
            Some("2024-12".into())
        );
        // The sheet's month within a file covering half a year.
        assert_eq!(
            month(Some("5月"), "2024年1-6月低保发放", ""),
            Some("2024-05".into())
        );
        assert_eq!(
            month(Some("十一月"), "2024年低保发放", ""),
            Some("2024-11".into())
        );
        assert_eq!(
            month(None, "2024年三月低保发放", ""),
            Some("2024-03".into())
        );
        assert_eq!(month(Some("二十月"), "2024年低保发放", ""), None);
        let stated = names(Some("3月"), "2024年低保发放", "")
            .stated()
            .month
            .unwrap();
        assert_eq!(
            stated.reason,
            "表中无月份列，按工作表名“3月”及文件名“2024年低保发放”取 2024-03"
        );
    }

    #[test]
    fn a_quarter_the_names_state_is_spread_over_its_months() {
        let quarter = |sheet, file| month(sheet, file, "");
        assert_eq!(
            quarter(None, "2024年第一季度高龄津贴发放").as_deref(),
            Some("2024年第1季度")
        );
        assert_eq!(
            quarter(None, "高龄津贴2024Q3").as_deref(),
            Some("2024年第3季度")
        );
        // A sheet a quarter in a workbook of the year.
        let stated = names(Some("二季度"), "2024年高龄津贴发放", "")
            .stated()
            .month
            .unwrap();
        assert_eq!(stated.value, "2024年第2季度");
        assert_eq!(
            stated.reason,
            "表中无月份列，按工作表名“二季度”及文件名“2024年高龄津贴发放”取 2024年第2季度（按月拆开读入）"
        );
        assert_eq!(
            crate::spans::months_spanned(&stated.value).unwrap(),
            ["2024-04", "2024-05", "2024-06"]
        );
        // A month is more specific; two quarters, or one without a year, none.
        assert_eq!(
            quarter(Some("5月"), "2024年第二季度发放").as_deref(),
            Some("2024-05")
        );
        assert_eq!(quarter(None, "2024年第一、二季度发放"), None);
        assert_eq!(quarter(Some("一季度"), "2024年第二季度发放"), None);
        assert_eq!(quarter(Some("一季度"), "高龄津贴发放"), None);
    }

    #[test]
    fn no_month_when_the_names_span_months_disagree_or_lack_a_year() {
        assert_eq!(month(None, "2024年1-6月低保发放", ""), None);
        assert_eq!(month(None, "2024年1月至6月低保发放", ""), None);
        assert_eq!(month(None, "2024年度低保发放", ""), None);
        assert_eq!(month(Some("3月"), "低保发放", ""), None);
        assert_eq!(month(Some("3月"), "2024年4月低保发放", ""), None);
        assert_eq!(month(None, "2023年12月-2024年1月低保发放", ""), None);
        // A date (an export's) is no month.
        assert_eq!(month(None, "低保发放2024-03-05导出", ""), None);
        assert_eq!(month(None, "低保发放20240305", ""), None);
        assert_eq!(month(Some("截至12月31日"), "2024年低保", ""), None);
        assert_eq!(month(None, "2024年3月、2024年4月低保发放", ""), None);
        assert_eq!(month(Some("3月、4月"), "2024年低保", ""), None);
        // A village code is no month.
        assert_eq!(month(None, "低保发放_411122001", ""), None);
    }

    #[test]
    fn a_year_is_read_when_the_names_state_one() {
        let year = |file| names(None, file, "").stated().year.map(|s| s.value);
        assert_eq!(year("2024年度农村危房改造"), Some("2024".into()));
        // A bare year at either end of a name, or between separators …
        assert_eq!(year("村干部补贴发放表2024"), Some("2024".into()));
        assert_eq!(year("2024_农村危房改造"), Some("2024".into()));
        assert_eq!(year("危房改造(2023)"), Some("2023".into()));
        // … but not a number among words, nor one inside a longer number.
        assert_eq!(year("补助标准2000元户名单"), None);
        assert_eq!(year("2000元以上补助名单"), None);
        // Title rows hold document numbers: only 2024年 states a year there.
        let titled = |title| {
            names(None, "危房改造", title)
                .stated()
                .year
                .map(|s| s.value)
        };
        assert_eq!(titled("编号 2023-15"), None);
        assert_eq!(titled("2023年危房改造"), Some("2023".into()));
        assert_eq!(year("危房改造411122001"), None);
        assert_eq!(year("2024年3月危房改造"), Some("2024".into()));
        assert_eq!(year("2023-2024年危房改造"), None);
        assert_eq!(year("危房改造"), None);
    }
}
