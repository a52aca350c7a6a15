//! Wide monthly exports: one row a person and a column a month (`1月` …
//! `12月`, `2024年1月`, `一月`, `3月发放金额`), as pay sheets, allowance
//! ledgers and cadre pay tables are often kept. Each month paid becomes a
//! row of the dataset with that month as its period and the cell as its
//! amount. A table paid by the quarter or half year has a column a span
//! (`第一季度` … `第四季度`, `1-3月`, `上半年`): each paid becomes a row a
//! month, the amount in equal shares, as a period column's span is read.

use std::sync::LazyLock;

use regex::Regex;

use crate::header::Header;
use crate::lexicon::{lexicon, Subject};
use crate::stated::chinese_month;

/// A month column of a table, or a column of a span of months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthColumn {
    pub index: usize,
    /// The year the header gives (`2024年1月`), if it gives one.
    pub year: Option<u32>,
    pub month: u32,
    /// The span's last month (`第一季度`: 3); `month` for one month.
    pub last: u32,
}

/// A month as a header writes it: an optional year, then the month in
/// digits or Chinese numerals and `月`, or a year and two-digit month
/// (`2024-01`, `202401`), then what the column holds.
static MONTH_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:((?:19|20)\d{2})(?:年|[-./])?)?(?:(\d{1,2}|[一二三四五六七八九十]{1,3})月份?|(0[1-9]|1[0-2]))(.*)$",
    )
    .expect("month header pattern")
});

/// A span of months as a header writes it: an optional year, then a
/// quarter (`第一季度`, `Q1`), a half year (`上半年`) or a range of months
/// (`1-3月`), then what the column holds.
static SPAN_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:((?:19|20)\d{2})(?:年度?|[-./])?)?(?:第?([1-4一二三四])季度|[Qq]([1-4])|(上|下)半年度?|(\d{1,2})月?份?[-~至到—–～](\d{1,2})月份?)(.*)$",
    )
    .expect("span header pattern")
});

/// Words after a month that say the column holds what was paid, besides
/// the lexicon's amount words (`金额`, `补贴额`).
const PAID_WORDS: &[&str] = &[
    "发放",
    "实发",
    "发放数",
    "待遇",
    "工资",
    "报酬",
    "补贴",
    "补助",
];

/// The year (if written) and month of a header that names one month's
/// payment (`3月`, `03月份`, `十二月`, `2024年3月发放金额`, `2024-03`); `None`
/// for any other header, a span (`1-6月`) or a day (`12月31日`) among them.
/// `name` is normalized, without its unit (as [`Header::names`] holds).
pub(crate) fn read_month(name: &str) -> Option<(Option<u32>, u32)> {
    let c = MONTH_HEADER.captures(name)?;
    let year = c.get(1).and_then(|y| y.as_str().parse().ok());
    let month = match (c.get(2), c.get(3)) {
        (Some(m), _) => m
            .as_str()
            .parse()
            .unwrap_or_else(|_| chinese_month(m.as_str())),
        // A month without `月` only after a year.
        (None, Some(m)) if year.is_some() => m.as_str().parse().ok()?,
        _ => return None,
    };
    let rest = c.get(4).map_or("", |r| r.as_str());
    ((1..=12).contains(&month) && is_paid(rest)).then_some((year, month))
}

/// The year a header writes (if it does) and the first and last month it
/// names.
type Months = (Option<u32>, u32, u32);

/// The year (if written) and the first and last month of a header that
/// names a span's payment (`第一季度`, `2024年第二季度发放金额`, `1-3月`,
/// `下半年`); `None` for any other header.
pub(crate) fn read_span(name: &str) -> Option<Months> {
    let c = SPAN_HEADER.captures(name)?;
    let year = c.get(1).and_then(|y| y.as_str().parse().ok());
    let number = |i: usize| -> Option<u32> {
        let m = c.get(i)?.as_str();
        m.parse().ok().or_else(|| Some(chinese_month(m)))
    };
    let (first, last) = if let Some(q) = number(2).or_else(|| number(3)) {
        (3 * q - 2, 3 * q)
    } else if let Some(half) = c.get(4) {
        if half.as_str() == "上" {
            (1, 6)
        } else {
            (7, 12)
        }
    } else {
        (number(5)?, number(6)?)
    };
    let rest = c.get(7).map_or("", |r| r.as_str());
    (first >= 1 && first < last && last <= 12 && is_paid(rest)).then_some((year, first, last))
}

/// Does what follows a month say the column holds an amount paid?
fn is_paid(rest: &str) -> bool {
    if rest.is_empty() || PAID_WORDS.contains(&rest) {
        return true;
    }
    let lex = lexicon();
    let reading = lex.read(rest);
    lex.paid_amount(&reading) && reading.subject == Subject::None
}

/// The month columns of a table, when each names a different month; none
/// when two name the same one (`1月` beside `1月发放金额`: which holds the
/// payment is not for ingest to guess). Columns of spans (`第一季度`) only in
/// a table without month columns (where `第一季度小计` adds months up), and
/// none when two spans share a month.
pub fn detect(header: &Header) -> Vec<MonthColumn> {
    let columns = |read: &dyn Fn(&str) -> Option<Months>| -> Vec<MonthColumn> {
        let names = header.names.iter().enumerate();
        (names.filter_map(|(index, name)| {
            let (year, month, last) = read(name)?;
            Some(MonthColumn {
                index,
                year,
                month,
                last,
            })
        }))
        .collect()
    };
    let mut months = columns(&|name| read_month(name).map(|(year, month)| (year, month, month)));
    if months.is_empty() {
        months = columns(&read_span);
    }
    let mut keys: Vec<(Option<u32>, u32)> = (months.iter())
        .flat_map(|m| (m.month..=m.last).map(|month| (m.year, month)))
        .collect();
    let count = keys.len();
    keys.sort_unstable();
    keys.dedup();
    if keys.len() < count {
        months.clear();
    }
    months
}

/// The month columns as a decision names them: all of up to four
/// (`1月、2月、3月`), else the first two and the last (`1月、2月…12月`).
pub fn label(headers: &[String], columns: impl IntoIterator<Item = usize>) -> String {
    let names: Vec<&str> = columns.into_iter().map(|i| headers[i].as_str()).collect();
    match names[..] {
        [first, second, .., last] if names.len() > 4 => format!("{first}、{second}…{last}"),
        _ => names.join("、"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header;
    use crate::read::RawRow;

    #[test]
    fn month_headers_are_read() {
        let read = |h: &str| read_month(&crate::lexicon::normalize_header(h));
        assert_eq!(read("1月"), Some((None, 1)));
        assert_eq!(read("03月份"), Some((None, 3)));
        assert_eq!(read("十二月"), Some((None, 12)));
        assert_eq!(read("2024年3月"), Some((Some(2024), 3)));
        assert_eq!(read("2024-03"), Some((Some(2024), 3)));
        assert_eq!(read("202403"), Some((Some(2024), 3)));
        assert_eq!(read("３月发放金额"), Some((None, 3)));
        assert_eq!(read("5月实发"), Some((None, 5)));
        assert_eq!(read("6月补贴额"), Some((None, 6)));
        // Not one month's payment.
        for h in [
            "1-6月",
            "12月31日余额",
            "1月人数",
            "13月",
            "出生年月",
            "发放月份",
            "月报酬",
            "合计",
            "03",
        ] {
            assert_eq!(read(h), None, "{h}");
        }
    }

    #[test]
    fn span_headers_are_read() {
        let read = |h: &str| read_span(&crate::lexicon::normalize_header(h));
        assert_eq!(read("第一季度"), Some((None, 1, 3)));
        assert_eq!(read("四季度"), Some((None, 10, 12)));
        assert_eq!(read("2024年第二季度发放金额"), Some((Some(2024), 4, 6)));
        assert_eq!(read("Q3"), Some((None, 7, 9)));
        assert_eq!(read("1-3月"), Some((None, 1, 3)));
        assert_eq!(read("10至12月"), Some((None, 10, 12)));
        assert_eq!(read("下半年"), Some((None, 7, 12)));
        for h in [
            "第一季度人数",
            "3-3月",
            "12-1月",
            "1-13月",
            "季度",
            "上半年度考核",
            "第五季度",
        ] {
            assert_eq!(read(h), None, "{h}");
        }
    }

    #[test]
    fn span_columns_only_without_month_columns_and_never_overlapping() {
        let spans = |cells: &[&str]| -> Vec<(usize, u32, u32)> {
            detect(&header(cells))
                .iter()
                .map(|m| (m.index, m.month, m.last))
                .collect()
        };
        assert_eq!(
            spans(&["姓名", "身份证号", "第一季度", "第二季度", "全年合计"]),
            vec![(2, 1, 3), (3, 4, 6)]
        );
        // A quarter's subtotal beside its months adds them up: the months are read.
        assert_eq!(
            spans(&["姓名", "1月", "2月", "3月", "第一季度小计"]),
            vec![(1, 1, 1), (2, 2, 2), (3, 3, 3)]
        );
        // A half year and a quarter of it: which holds the payment is not for ingest to guess.
        assert!(spans(&["姓名", "上半年", "第二季度"]).is_empty());
    }

    fn header(cells: &[&str]) -> Header {
        let rows = vec![RawRow {
            line: 1,
            cells: csv::StringRecord::from(cells.to_vec()),
        }];
        header::detect(&rows, None).unwrap()
    }

    #[test]
    fn month_columns_are_found_unless_two_name_one_month() {
        let h = header(&["姓名", "身份证号", "1月", "2月", "3月", "合计"]);
        let months: Vec<(usize, u32)> = detect(&h).iter().map(|m| (m.index, m.month)).collect();
        assert_eq!(months, vec![(2, 1), (3, 2), (4, 3)]);
        // What was paid is the 实发 column; 应发 is no payment.
        let h = header(&[
            "姓名",
            "身份证号",
            "1月应发",
            "1月实发",
            "2月应发",
            "2月实发",
        ]);
        let months: Vec<(usize, u32)> = detect(&h).iter().map(|m| (m.index, m.month)).collect();
        assert_eq!(months, vec![(3, 1), (5, 2)]);
        let h = header(&[
            "姓名",
            "身份证号",
            "1月",
            "1月发放金额",
            "2月",
            "2月发放金额",
        ]);
        assert!(detect(&h).is_empty());
    }
}
