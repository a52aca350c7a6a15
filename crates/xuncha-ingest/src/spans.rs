//! Periods of more than one month in a monthly column: a quarter
//! (`2024年第一季度`, `2024Q1`), a half or whole year (`2024年上半年`,
//! `2024年度`) or a span of months (`2024年1-3月`, `2023年12月至2024年2月`), as quarterly allowance
//! and cadre pay lists write them. Such a row is read as one record a month,
//! the amount in equal shares, so that monthly models (paid after death,
//! above the monthly standard, twice in a month) compare like with like.

use std::sync::LazyLock;

use regex::Regex;

use crate::normalize::clean_cell;
use crate::stated::chinese_month;

/// A quarter with its year: `2024年第一季度`, `2024年度第3季度`, `2024一季度`.
static QUARTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((?:19|20)\d{2})年?度?第?([1-4一二三四])季度?$").expect("quarter pattern")
});
/// A quarter as `2024Q1`, `2024-Q1`, `Q1 2024`.
static Q_QUARTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:((?:19|20)\d{2})[-/._]?[Qq]([1-4])|[Qq]([1-4])[-/._]?((?:19|20)\d{2}))$")
        .expect("Q quarter pattern")
});
/// A quarter without its year: `第一季度`, `一季度`, `第3季度`, `Q4`.
static YEARLESS_QUARTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:第?([1-4一二三四])季度?|[Qq]([1-4]))$").expect("yearless quarter pattern")
});
/// A whole year, written as one: `2024年度`, `2024年全年`, `2024全年` (not
/// `2024` or `2024年`, which a month column may hold cut short).
static WHOLE_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((?:19|20)\d{2})(?:年度|年?全年|年度全年)$").expect("whole-year pattern")
});
/// A half year: `2024年上半年`, `2024年度下半年`.
static HALF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((?:19|20)\d{2})年?度?(上|下)半年度?$").expect("half-year pattern")
});
/// `2024年1-3月`, `2024年1月至3月`, `2023年12月-2024年2月`: the year with 年,
/// the last month with 月.
static SPAN_IN_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^((?:19|20)\d{2})年(\d{1,2})(?:月份?)?[-~至到—–](?:((?:19|20)\d{2})年)?(\d{1,2})月份?$",
    )
    .expect("span pattern")
});
/// `2024.01-2024.03`, `2024-01至2024-03`, `202401-202403`: both ends with
/// their year.
static SPAN_OF_MONTHS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((?:19|20)\d{2})[./-]?(\d{1,2})月?[-~至到—–]((?:19|20)\d{2})[./-]?(\d{1,2})月?$")
        .expect("span of months pattern")
});

/// Longest span read as months: a year. A longer one is no payment period.
const MAX_MONTHS: u32 = 12;

/// The months (`YYYY-MM`, in order) a period cell names when it names more
/// than one and at most a year: a quarter with its year, a half year, a
/// whole year written as one (`2024年度`), or a span from one month to a
/// later one; `None` for one month, a quarter
/// without its year (`第一季度`) and anything else.
pub fn months_spanned(raw: &str) -> Option<Vec<String>> {
    // Most cells are one month (2024-03, 2024年3月): a test a cell, before any pattern.
    let marked = raw.contains([
        '季', '半', '度', '全', '至', '到', '~', '～', '—', '–', 'Q', 'q', 'Ｑ', 'ｑ', '－',
    ]) || (raw.contains('-') && !one_month_or_day(raw));
    if !marked {
        return None;
    }
    let s = compact(raw);
    let number = |m: Option<regex::Match<'_>>| -> Option<u32> {
        let m = m?.as_str();
        m.parse().ok().or_else(|| Some(chinese_month(m)))
    };
    let (from, to) = if let Some(c) = QUARTER.captures(&s) {
        // A 季 must be written, or 2024年3 would be a quarter.
        if !s.contains('季') {
            return None;
        }
        let (year, q) = (number(c.get(1))?, number(c.get(2))?);
        ((year, 3 * q - 2), (year, 3 * q))
    } else if let Some(c) = Q_QUARTER.captures(&s) {
        let year = number(c.get(1).or(c.get(4)))?;
        let q = number(c.get(2).or(c.get(3)))?;
        ((year, 3 * q - 2), (year, 3 * q))
    } else if let Some(c) = WHOLE_YEAR.captures(&s) {
        let year = number(c.get(1))?;
        ((year, 1), (year, 12))
    } else if let Some(c) = HALF.captures(&s) {
        let year = number(c.get(1))?;
        let first = if &c[2] == "上" { 1 } else { 7 };
        ((year, first), (year, first + 5))
    } else if let Some(c) = SPAN_IN_YEAR.captures(&s) {
        let year = number(c.get(1))?;
        let last_year = number(c.get(3)).unwrap_or(year);
        ((year, number(c.get(2))?), (last_year, number(c.get(4))?))
    } else if let Some(c) = SPAN_OF_MONTHS.captures(&s) {
        (
            (number(c.get(1))?, number(c.get(2))?),
            (number(c.get(3))?, number(c.get(4))?),
        )
    } else {
        return None;
    };
    let month_ok = |m: u32| (1..=12).contains(&m);
    if !month_ok(from.1) || !month_ok(to.1) {
        return None;
    }
    let (first, last) = (from.0 * 12 + from.1 - 1, to.0 * 12 + to.1 - 1);
    if last <= first || last - first >= MAX_MONTHS {
        return None;
    }
    Some(
        (first..=last)
            .map(|m| format!("{}-{:02}", m / 12, m % 12 + 1))
            .collect(),
    )
}

/// The quarter a cell names without its year (`第一季度`, `二季度`, `Q4`),
/// for a table whose year is elsewhere (a `年度` column, the file name).
pub fn yearless_quarter(raw: &str) -> Option<u32> {
    if !raw.contains(['季', 'Q', 'q', 'Ｑ', 'ｑ']) {
        return None;
    }
    let s = compact(raw);
    let c = YEARLESS_QUARTER.captures(&s)?;
    if c.get(1).is_some() && !s.contains('季') {
        return None;
    }
    let q = c.get(1).or(c.get(2))?.as_str();
    q.parse().ok().or_else(|| Some(chinese_month(q)))
}

/// A month without its year: `3`, `03`, `3月`, `三月份` (a `发放月份` column
/// beside a `年度` one).
static YEARLESS_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(0?[1-9]|1[0-2])|([一二三四五六七八九十]{1,3}))(月份?)?$")
        .expect("yearless month pattern")
});

/// The month a cell names without its year (`3`, `3月`, `三月`), for a
/// table whose year is elsewhere; Chinese numerals only with 月.
pub fn yearless_month(raw: &str) -> Option<u32> {
    // Most cells are longer (names, IDs, amounts, dates): a test before any pattern.
    if raw.trim().len() > 12 {
        return None;
    }
    let s = compact(raw);
    let c = YEARLESS_MONTH.captures(&s)?;
    let month = match (c.get(1), c.get(2)) {
        (Some(m), _) => m.as_str().parse().ok()?,
        (None, Some(m)) if c.get(3).is_some() => chinese_month(m.as_str()),
        _ => return None,
    };
    (1..=12).contains(&month).then_some(month)
}

/// The three months (`YYYY-MM`) of a quarter of a year.
pub fn quarter_months(year: u32, quarter: u32) -> Vec<String> {
    (3 * quarter - 2..=3 * quarter)
        .map(|m| format!("{year}-{m:02}"))
        .collect()
}

/// A cell cleaned ([`clean_cell`]: half-width) without its spaces (`2024 年 第一季度`).
fn compact(raw: &str) -> String {
    clean_cell(raw)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// `2024-03` or `2024-03-05`, as most exports write a month or a day.
fn one_month_or_day(raw: &str) -> bool {
    let b = raw.as_bytes();
    matches!(b.len(), 7 | 10)
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// `total` 元 in `n` shares to the fen, as text: equal but for the fen left
/// over, which the last shares take (100 in three: 33.33, 33.33, 33.34).
pub fn shares(total: f64, n: usize) -> Vec<String> {
    let fen = (total * 100.0).round() as i64;
    let n = n as i64;
    (0..n)
        .map(|i| {
            let share = fen * (i + 1) / n - fen * i / n;
            let sign = if share < 0 { "-" } else { "" };
            format!("{sign}{}.{:02}", share.abs() / 100, share.abs() % 100)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn months(raw: &str) -> Option<Vec<String>> {
        months_spanned(raw)
    }

    #[test]
    fn months_without_their_year_are_read_alone() {
        for (raw, month) in [
            ("3", 3),
            ("03", 3),
            ("3月", 3),
            ("１２", 12),
            ("十二月", 12),
            ("三月份", 3),
        ] {
            assert_eq!(yearless_month(raw), Some(month), "{raw}");
        }
        for raw in ["0", "13", "三", "2024-03", "560", "3.5", "第一季度", ""] {
            assert_eq!(yearless_month(raw), None, "{raw}");
        }
    }

    #[test]
    fn quarters_halves_and_spans_give_their_months() {
        let q1 = Some(vec!["2024-01".into(), "2024-02".into(), "2024-03".into()]);
        for raw in [
            "2024年第一季度",
            "2024年第1季度",
            "2024年1季度",
            "2024年度第一季度",
            "2024 年 第一季度",
            "2024Q1",
            "2024-Q1",
            "Q1 2024",
            "2024.Q1",
            "２０２４Ｑ１",
            "2024一季度",
            "2024年第1季",
            "２０２４年第一季度",
            "2024年1-3月",
            "2024年1月-3月",
            "2024年1月至3月",
            "2024年1月至2024年3月",
            "2024.01-2024.03",
            "2024-01至2024-03",
            "202401-202403",
        ] {
            assert_eq!(months(raw), q1, "{raw}");
        }
        assert_eq!(
            months("2024年第四季度").unwrap(),
            ["2024-10", "2024-11", "2024-12"]
        );
        assert_eq!(months("2024年下半年").unwrap().len(), 6);
        for year in ["2024年度", "2024年全年", "2024全年"] {
            let all = months(year).unwrap();
            assert_eq!(
                (all.len(), all[0].as_str(), all[11].as_str()),
                (12, "2024-01", "2024-12")
            );
        }
        assert_eq!(months("2024年下半年").unwrap()[0], "2024-07");
        assert_eq!(
            months("2023年12月-2024年2月").unwrap(),
            ["2023-12", "2024-01", "2024-02"]
        );
    }

    #[test]
    fn one_month_and_what_is_no_span_are_none() {
        for raw in [
            "2024-03",
            "2024年3月",
            "202403",
            // Dates, not spans of months.
            "2024-01-05",
            "2024/1/5",
            "2024年1月5日",
            // A quarter without its year, a backwards or overlong span.
            "第一季度",
            "一季度",
            "2024年3-1月",
            "2023年1月-2024年6月",
            "2024年3",
            // A year alone may be a month cut short.
            "2024",
            "2024年",
            "豫Q12345",
            "",
        ] {
            assert_eq!(months(raw), None, "{raw}");
        }
    }

    #[test]
    fn a_quarter_without_its_year_is_told_apart() {
        for (raw, q) in [
            ("第一季度", 1),
            ("二季度", 2),
            ("第3季度", 3),
            ("Q4", 4),
            ("４季度", 4),
        ] {
            assert_eq!(yearless_quarter(raw), Some(q), "{raw}");
        }
        for raw in [
            "2024年第一季度",
            "3",
            "第3批",
            "季度",
            "豫Q12345",
            "第5季度",
        ] {
            assert_eq!(yearless_quarter(raw), None, "{raw}");
        }
        assert_eq!(quarter_months(2024, 2), ["2024-04", "2024-05", "2024-06"]);
    }

    #[test]
    fn shares_add_up_to_the_fen() {
        assert_eq!(shares(600.0, 3), ["200.00", "200.00", "200.00"]);
        assert_eq!(shares(100.0, 3), ["33.33", "33.33", "33.34"]);
        assert_eq!(shares(-90.0, 2), ["-45.00", "-45.00"]);
        assert_eq!(shares(0.05, 3), ["0.01", "0.02", "0.02"]);
    }
}
