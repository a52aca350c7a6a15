//! Normalizers for the values real exports hold: ID numbers, names, dates,
//! periods, amounts, codes. Each returns a Chinese reason on failure, which
//! ends up in the rejects table.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};
pub use xuncha_schema::idcard::{id_birth_date, id_check_char, id_gender};

/// Convert full-width ASCII (U+FF01..U+FF5E) and the ideographic space to ASCII.
pub fn to_half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Whether [`clean_cell`] would leave a cell as it is: no full-width
/// characters, nothing to trim at either end. Most cells are clean.
pub fn is_clean(raw: &str) -> bool {
    let edge = |c: char| {
        !c.is_whitespace()
            && !('\u{FF01}'..='\u{FF5E}').contains(&c)
            && !matches!(c, '\'' | '`' | '"' | '=')
    };
    // ASCII text (most cells: digits, codes) holds no full-width character.
    raw.chars().next().is_some_and(edge)
        && raw.chars().next_back().is_some_and(edge)
        && (raw.is_ascii()
            || !raw.contains(|c: char| ('\u{FF01}'..='\u{FF5E}').contains(&c) || c == '\u{3000}'))
}

/// Whether an 18-character ID number has a real birth date and the right
/// check character.
pub fn id_valid(id: &str) -> bool {
    id.len() == 18
        && id_birth_date(id).is_some()
        && id_check_char(&id[..17]) == Some(id.as_bytes()[17] as char)
}

/// Trim a raw cell: half-width, surrounding whitespace, leading apostrophes
/// and tabs that Excel users add to keep digits as text. A clean cell is
/// borrowed, not copied (this and the normalizers below run on every cell).
pub fn clean_cell(raw: &str) -> Cow<'_, str> {
    if is_clean(raw) {
        return Cow::Borrowed(raw);
    }
    let s = to_half_width(raw);
    Cow::Owned(
        s.trim()
            .trim_start_matches(['\'', '`', '\t', '='])
            .trim_matches('"')
            .trim()
            .to_string(),
    )
}

/// Why a masked value (脱敏: some characters replaced by `*`, as in lists
/// published or handed out) cannot be read: two people's masked numbers
/// can be the same text, so comparing them would make false leads. `None`
/// for a value without `*` (after [`clean_cell`], so `＊` too).
pub fn masked(what: &str, value: &str) -> Option<String> {
    value.contains('*').then(|| {
        format!("{what}“{value}”已脱敏（部分字符以*遮盖），无法与其他数据比对，请索取未脱敏的数据")
    })
}

/// A normalized 18-character ID number with its check-digit validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdNumber<'a> {
    pub value: Cow<'a, str>,
    pub valid: bool,
}

/// Normalize an ID number: strip spaces and apostrophes, full-width to ASCII,
/// `x` to `X`, upgrade 15-digit numbers to 18 digits with a recomputed check
/// digit, and read a third-generation disability certificate number (the
/// ID followed by category 1–7 and grade 1–4) as its ID. A wrong check digit
/// is kept, flagged `valid = false`.
pub fn normalize_id(raw: &str) -> Result<IdNumber<'_>, String> {
    // Already canonical: 17 digits and a digit or X.
    let b = raw.as_bytes();
    if b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && matches!(b[17], b'0'..=b'9' | b'X')
    {
        return checked(Cow::Borrowed(raw));
    }
    let s: String = clean_cell(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if let Some(why) = scientific("身份证号", &s) {
        return Err(why);
    }
    if let Some(why) = masked("身份证号", &s) {
        return Err(why);
    }
    if !s.is_ascii() {
        return Err(format!("身份证号“{s}”含有非数字字符"));
    }
    let value = match s.len() {
        18 if s[..17].bytes().all(|b| b.is_ascii_digit())
            && matches!(s.as_bytes()[17], b'0'..=b'9' | b'X') =>
        {
            s
        }
        15 if s.bytes().all(|b| b.is_ascii_digit()) => {
            let first17 = format!("{}19{}", &s[..6], &s[6..]);
            let check = id_check_char(&first17).expect("17 digits");
            format!("{first17}{check}")
        }
        // 残疾人证号: only when the first 18 are a valid ID, so no other
        // 20-digit number passes for one.
        20 if matches!(s.as_bytes()[18], b'1'..=b'7')
            && matches!(s.as_bytes()[19], b'1'..=b'4')
            && id_valid(&s[..18]) =>
        {
            s[..18].to_string()
        }
        // A cooperative or company among people (a 农机补贴 公示's 购机者).
        18 if xuncha_schema::idcard::credit_code_valid(&s) => {
            return Err(format!("“{s}”是单位的统一社会信用代码，不是个人身份证号"));
        }
        _ => return Err(format!("身份证号“{s}”不是15位或18位号码")),
    };
    checked(Cow::Owned(value))
}

/// An 18-character ID number with its validity: a real birth date and the
/// right check character. An invalid one ending in `000` is refused: it is
/// the ID a spreadsheet kept as a number (15 digits, the rest zeros), which
/// other people's IDs born the same day in the same county also become.
fn checked(value: Cow<'_, str>) -> Result<IdNumber<'_>, String> {
    let valid = id_valid(&value);
    if !valid && truncated_id(&value) {
        return Err(format!(
            "身份证号“{value}”末三位为000且校验位不符：表格软件按数值保存时只保留15位，后三位已丢失"
        ));
    }
    Ok(IdNumber { value, valid })
}

/// Could this 18-digit ID be what a spreadsheet leaves of one kept as a
/// number (the last three digits zeros)? It is taken for one when its check
/// digit is wrong too.
pub fn truncated_id(id: &str) -> bool {
    id.len() == 18 && id.ends_with("000")
}

/// Why a number written in scientific notation (`4.11122E+17`: a spreadsheet
/// shortened an ID or account number typed as a number) cannot be read as
/// an ID or code: its digits are lost. `None` for any other text.
pub fn scientific(what: &str, value: &str) -> Option<String> {
    // Checked on every code: most hold no `E`, found faster by byte.
    let at = value.bytes().position(|b| b == b'E' || b == b'e')?;
    let (mantissa, exponent) = (&value[..at], &value[at + 1..]);
    let (whole, fraction) = mantissa.trim_start_matches('-').split_once('.')?;
    let exponent = exponent.trim_start_matches('+');
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(whole) && digits(fraction) && digits(exponent))
        .then(|| format!("{what}“{value}”被表格软件转成了科学计数法，位数已丢失"))
}

/// one form of the middle dot used in minority names, ASCII brackets.
pub fn normalize_name(raw: &str) -> Cow<'_, str> {
    let plain =
        |c: char| !c.is_whitespace() && !matches!(c, '•' | '‧' | '・' | '･' | '∙' | '⋅' | '●');
    if is_clean(raw) && raw.chars().all(plain) {
        return Cow::Borrowed(raw);
    }
    clean_cell(raw)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '•' | '‧' | '・' | '･' | '∙' | '⋅' | '●' => '·',
            _ => c,
        })
        .collect()
}

/// Normalize a code (credit code, account, plate, serial): no whitespace, upper case.
pub fn normalize_code(raw: &str) -> Cow<'_, str> {
    let plain = |b: u8| b.is_ascii_graphic() && !b.is_ascii_lowercase();
    if is_clean(raw) && raw.bytes().all(plain) {
        return Cow::Borrowed(raw);
    }
    clean_cell(raw)
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Normalize a village code to 12 digits; 9-digit township codes get `000`,
/// and a village group's 14-digit code (a 确权 register's 发包方编码: the
/// village's 12 and the group's 2) is its village's.
pub fn normalize_village_code(raw: &str) -> Result<Cow<'_, str>, String> {
    if raw.len() == 12 && raw.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Cow::Borrowed(raw));
    }
    let s: String = clean_cell(raw)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("区划代码“{s}”含有非数字字符"));
    }
    match s.len() {
        12 => Ok(Cow::Owned(s)),
        9 => Ok(Cow::Owned(format!("{s}000"))),
        14 => Ok(Cow::Owned(s[..12].to_string())),
        n => Err(format!(
            "区划代码“{s}”应为12位（或9位乡镇代码、14位村民小组代码），实际{n}位"
        )),
    }
}

/// Excel's day zero for serial dates (1900 date system, leap-year bug included).
fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid date")
}

/// Date of an Excel serial number (fractional part = time of day, dropped).
pub fn excel_serial_to_date(serial: f64) -> Option<NaiveDate> {
    // Serial 0 is Excel's "1900-01-00": an empty date cell, not a date.
    if !(1.0..3_000_000.0).contains(&serial) {
        return None;
    }
    excel_epoch().checked_add_days(chrono::Days::new(serial.floor() as u64))
}

/// Split a cleaned date-like string into its leading numeric groups.
fn digit_groups(s: &str) -> Vec<&str> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect()
}

/// The digit groups of `2024-03-05` (N = 3) or `2024-03` (N = 2) written
/// exactly so, the form most exports use; `None` for anything else.
fn dashed<const N: usize>(raw: &str) -> Option<[&str; N]> {
    let b = raw.as_bytes();
    let shape = b.len() == 3 * N + 1
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    shape.then(|| std::array::from_fn(|i| &raw[[0, 5, 8][i]..[4, 7, 10][i]]))
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    if y.len() != 4 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// English month names, as a spreadsheet shows a date formatted `mmm-yy`.
const ENGLISH_MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A month or date written with an English month name, as a spreadsheet
/// shows a cell formatted so (`Mar-24`, `March 2024`, `5-Mar-24`,
/// `Mar 5, 2024`): the year, the month and the day if written. A two-digit
/// year is read as the spreadsheet reads it (`00`–`29` this century).
fn english_date(s: &str) -> Option<(i32, u32, Option<u32>)> {
    if !s.bytes().any(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut month = None;
    let mut numbers = Vec::new();
    for token in s.split([' ', '-', '/', ',', '.']).filter(|t| !t.is_empty()) {
        if token.bytes().all(|b| b.is_ascii_digit()) {
            numbers.push(token);
            continue;
        }
        let name = token.to_ascii_lowercase();
        // A name or its first three letters or more (Mar, Sept, March).
        let known = (ENGLISH_MONTHS.iter()).position(|m| name.len() >= 3 && m.starts_with(&*name));
        if month.is_some() || known.is_none() {
            return None;
        }
        month = known.map(|m| m as u32 + 1);
    }
    let year = |y: &str| -> Option<i32> {
        let n: i32 = y.parse().ok()?;
        match y.len() {
            4 => Some(n),
            2 if n < 30 => Some(2000 + n),
            2 => Some(1900 + n),
            _ => None,
        }
    };
    let (y, d) = match numbers[..] {
        [y] => (year(y)?, None),
        // The four-digit number is the year; of two short ones, the day first (5-Mar-24).
        [a, b] if a.len() == 4 => (year(a)?, Some(b.parse().ok()?)),
        [a, b] => (year(b)?, Some(a.parse().ok()?)),
        _ => return None,
    };
    Some((y, month?, d))
}

/// Why a cleaned cell whose digits look like a date or month is not one: a
/// quarter (`2024年第3季度`, `2024Q4`), a numbered batch (`2024年第3批`) or a
/// span (`2024年1-3月`, `2024年3月至6月`). Read by its digits alone, each
/// would be a month it does not name (March, April, January). `what` is the
/// value the column holds (月份, 日期).
fn not_one_date(s: &str, what: &str) -> Option<String> {
    if quarter(s) {
        return Some(format!("“{s}”是季度，不是一个{what}"));
    }
    if s.contains('第') {
        return Some(format!("“{s}”是第几期（批），不是一个{what}"));
    }
    // 年, 月 and 日 each close the group they name: the first, second and
    // third; a 月 after the third group closes a span of months.
    let mut groups = 0;
    let mut in_digits = false;
    let mut misplaced = false;
    for c in s.chars() {
        let digit = c.is_ascii_digit();
        groups += usize::from(digit && !in_digits);
        in_digits = digit;
        misplaced |= match c {
            '年' => groups != 1,
            '月' => groups != 2,
            '日' | '号' => groups != 3,
            _ => false,
        };
    }
    // A second date after 至 or ~ makes a span; 至今 (2021-03-01至今) or 到期
    // after one date does not.
    let span = s
        .split_once(['至', '到', '~', '—', '–'])
        .is_some_and(|(_, rest)| rest.bytes().any(|b| b.is_ascii_digit()));
    (misplaced || span).then(|| format!("“{s}”是一段时间（起止区间），不是一个{what}"))
}

/// Whether a cell names a quarter (`2024年第一季度`, `一季度`, `2024Q4`,
/// `Q1 2024`; not a plate number such as `豫Q12345`).
pub fn quarter(s: &str) -> bool {
    let b = s.as_bytes();
    s.contains('季')
        || b.iter().enumerate().any(|(i, &c)| {
            matches!(c, b'Q' | b'q')
                && matches!(b.get(i + 1), Some(b'1'..=b'4'))
                && !b.get(i + 2).is_some_and(u8::is_ascii_alphanumeric)
                && (i == 0 || matches!(b[i - 1], b'0'..=b'9' | b'-' | b' ' | b'/'))
        })
}

/// Parse a date written as 2024-03-05, 2024/3/5, 20240305, 2024年3月5日,
/// 2024.03.05, an Excel serial number, or a datetime with any of these dates.
pub fn parse_date(raw: &str) -> Result<NaiveDate, String> {
    if let Some([y, m, d]) = dashed(raw) {
        return ymd(y, m, d).ok_or_else(|| format!("无法识别的日期“{raw}”"));
    }
    let s = clean_cell(raw);
    let fail = || format!("无法识别的日期“{s}”");
    if let Ok(serial) = s.parse::<f64>() {
        if s.len() == 8 && !s.contains('.') {
            return ymd(&s[..4], &s[4..6], &s[6..]).ok_or_else(fail);
        }
        if (10_000.0..200_000.0).contains(&serial) {
            return excel_serial_to_date(serial).ok_or_else(fail);
        }
        return Err(fail());
    }
    if let Some((y, m, Some(d))) = english_date(&s) {
        return NaiveDate::from_ymd_opt(y, m, d).ok_or_else(fail);
    }
    if let Some(why) = not_one_date(&s, "日期") {
        return Err(why);
    }
    let groups = digit_groups(&s);
    match groups.as_slice() {
        // Two dates (2020.01.01-2029.12.31) are a range, not a date and a time.
        [_, _, _, y2, _, _, ..] if y2.len() == 4 => {
            Err(format!("“{s}”是日期区间（起止两个日期），不是一个日期"))
        }
        [y, m, d, ..] => ymd(y, m, d).ok_or_else(fail),
        [compact] if compact.len() == 8 => {
            ymd(&compact[..4], &compact[4..6], &compact[6..]).ok_or_else(fail)
        }
        _ => Err(fail()),
    }
}

/// Parse a range of dates written in one cell (租赁期限 2020.01.01-2029.12.31,
/// 2020年1月1日至2029年12月31日), of months (2020.1-2029.12: the first day of
/// the first, the last day of the second) or of years (2020-2029). A range
/// still open (任职时间 2021.01-至今) has no end.
pub fn parse_date_range(raw: &str) -> Result<(NaiveDate, Option<NaiveDate>), String> {
    let s = clean_cell(raw);
    let fail = || format!("无法识别的日期区间“{s}”");
    if let Some(start) = open_start(&s) {
        let from = match digit_groups(start).as_slice() {
            [y, m, d] => ymd(y, m, d),
            [y, m] if m.len() <= 2 => ymd(y, m, "1"),
            [y] => ymd(y, "1", "1"),
            _ => None,
        };
        return from.map(|from| (from, None)).ok_or_else(fail);
    }
    let range = match digit_groups(&s).as_slice() {
        [y1, m1, d1, y2, m2, d2] if y2.len() == 4 => ymd(y1, m1, d1).zip(ymd(y2, m2, d2)),
        [y1, m1, y2, m2] if y2.len() == 4 && m1.len() <= 2 => {
            ymd(y1, m1, "1").zip(ymd(y2, m2, "1").and_then(last_of_month))
        }
        [y1, y2] if y1.len() == 4 && y2.len() == 4 => ymd(y1, "1", "1").zip(ymd(y2, "12", "31")),
        _ => None,
    };
    range
        .filter(|(a, b)| a <= b)
        .map(|(a, b)| (a, Some(b)))
        .ok_or_else(fail)
}

/// Words ending a range that is still open (`2021.01-至今`), longest first.
const OPEN_ENDS: [&str; 4] = ["至今", "至现在", "现在", "今"];

/// What comes before the end of a range still open (`2021.01` of
/// `2021.01-至今`), or `None` where the value is no such range.
pub(crate) fn open_start(s: &str) -> Option<&str> {
    let start = OPEN_ENDS.iter().find_map(|e| s.strip_suffix(e))?;
    Some(start.trim_end_matches(['-', '—', '－', '~', '～', '至', ' ']))
}

/// The last day of the month that begins on `first`.
fn last_of_month(first: NaiveDate) -> Option<NaiveDate> {
    first.checked_add_months(chrono::Months::new(1))?.pred_opt()
}

/// Parse a date a register wrote to the month only (参加工作时间 2015.08,
/// 201508, 2015年8月): the month's first day, or its last when `last`.
/// `2015.1` is refused: a spreadsheet keeps 2015.10 as that number.
pub fn month_as_date(raw: &str, last: bool) -> Result<NaiveDate, String> {
    let s = clean_cell(raw);
    if dotted_month(&s) && s.ends_with(".1") {
        return Err(format!(
            "“{s}”可能是{}年1月，也可能是表格软件把{s}0存成的数字，无法确定月份",
            &s[..4]
        ));
    }
    let fail = || format!("无法识别的日期或月份“{s}”");
    let first = parse_period(&s).map_err(|_| fail())?;
    if last {
        last_of_month(first).ok_or_else(fail)
    } else {
        Ok(first)
    }
}

/// Whether a value is a month written as a decimal number (2015.08, 1976.6),
/// as personnel registers write months: a year from 1900 to 2100, a point and
/// a month of one or two digits.
pub fn dotted_month(s: &str) -> bool {
    let Some((year, month)) = s.split_once('.') else {
        return false;
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    year.len() == 4
        && digits(year)
        && (1..=2).contains(&month.len())
        && digits(month)
        && (1900..=2100).contains(&year.parse::<u32>().unwrap_or(0))
        && (1..=12).contains(&month.parse::<u32>().unwrap_or(0))
}

/// Parse a month written as 2024-03, 202403, 2024年3月, 2024.3 or a full date;
/// returns the first day of that month.
pub fn parse_period(raw: &str) -> Result<NaiveDate, String> {
    if let Some([y, m]) = dashed(raw) {
        return ymd(y, m, "1").ok_or_else(|| format!("无法识别的月份“{raw}”"));
    }
    let s = clean_cell(raw);
    let fail = || format!("无法识别的月份“{s}”");
    if let Some((y, m, _)) = english_date(&s) {
        return NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(fail);
    }
    if let Some(why) = not_one_date(&s, "月份") {
        return Err(why);
    }
    let first_of = |y: &str, m: &str| ymd(y, m, "1");
    let groups = digit_groups(&s);
    let date = match groups.as_slice() {
        [compact] if compact.len() == 6 => first_of(&compact[..4], &compact[4..]),
        [y, m] => first_of(y, m),
        _ => parse_date(&s)
            .ok()
            .and_then(|d| first_of(&d.year().to_string(), &d.month().to_string())),
    };
    date.ok_or_else(fail)
}

/// Parse a number with thousands separators and a unit suffix (元, 万元, 亩,
/// ㎡, 人 …). A `万元` suffix multiplies by 10,000; `scale` is applied
/// on top (10,000 for a column declared in 万元). Accounting negatives
/// `(1,000.00)` are understood.
pub fn parse_number(raw: &str, scale: f64) -> Result<f64, String> {
    // Most cells are a plain number already.
    if let Some(v) = raw
        .parse::<f64>()
        .ok()
        .map(|v| v * scale)
        .filter(|v| v.is_finite())
    {
        return Ok(v);
    }
    let s = clean_cell(raw);
    if placeholder(&s) {
        return Err(format!("“{s}”是空缺标记（未填数值，如未发放），不是数值"));
    }
    let mut t: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',' && *c != '，')
        .collect();
    let mut factor = scale;
    if let Some(rest) = t.strip_suffix("万元").or_else(|| t.strip_suffix("万")) {
        factor = 10_000.0;
        t = rest.to_string();
    }
    for unit in ["元", "亩", "平方米", "㎡", "m²", "m2", "人", "户"] {
        if let Some(rest) = t.strip_suffix(unit) {
            t = rest.to_string();
            break;
        }
    }
    // A rate's unit after the number (补贴标准 100元/月, 50元/亩).
    if let Some((value, per)) = t.split_once('/') {
        if RATE_UNITS.contains(&per) {
            t = value.trim_end_matches('元').to_string();
        }
    }
    if let Some(v) = capital_amount(&t) {
        return Ok(v * scale);
    }
    let t = t.trim_start_matches(['¥', '￥']);
    let (negative, t) = match t.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        Some(inner) => (true, inner),
        None => (false, t),
    };
    let value: f64 = t.parse().map_err(|_| format!("无法识别的数值“{s}”"))?;
    let value = if negative { -value } else { value } * factor;
    if !value.is_finite() {
        return Err(format!("无法识别的数值“{s}”"));
    }
    Ok(value)
}

/// Whether a cell holds only a mark for "none" (`-`, `—`, `/`), as lists
/// write for a month or a program not paid.
pub(crate) fn placeholder(value: &str) -> bool {
    let value = value.trim();
    !value.is_empty()
        && value
            .chars()
            .all(|c| matches!(c, '-' | '—' | '－' | '/' | '／'))
}

/// What a rate is per, after a `/` (元/月, 元/人·月, 元/亩).
const RATE_UNITS: &[&str] = &[
    "月", "年", "人", "户", "亩", "人月", "人·月", "人/月", "次", "台",
];

/// An amount written in capital numerals, as on a voucher's 大写 line
/// (`叁仟伍佰元整`, `人民币壹万贰仟叁佰肆拾伍元陆角柒分`); `None` for anything else.
fn capital_amount(s: &str) -> Option<f64> {
    const DIGITS: &str = "零壹贰叁肆伍陆柒捌玖";
    let s = s.strip_prefix("人民币").unwrap_or(s);
    let s = s.trim_end_matches(['整', '正']);
    if s.is_empty() || !s.chars().any(|c| DIGITS.contains(c) || c == '拾') {
        return None;
    }
    let (mut total, mut section, mut digit) = (0.0_f64, 0.0_f64, 0.0_f64);
    let mut cents = 0.0;
    for c in s.chars() {
        match c {
            '拾' | '佰' | '仟' => {
                let unit = match c {
                    '拾' => 10.0,
                    '佰' => 100.0,
                    _ => 1000.0,
                };
                // 拾元 is ten: a unit with no digit before it counts once.
                section += if digit == 0.0 { 1.0 } else { digit } * unit;
                digit = 0.0;
            }
            '万' => {
                total += (section + digit) * 1e4;
                (section, digit) = (0.0, 0.0);
            }
            '亿' => {
                total = (total + section + digit) * 1e8;
                (section, digit) = (0.0, 0.0);
            }
            '元' | '圆' => {
                total += section + digit;
                (section, digit) = (0.0, 0.0);
            }
            '角' => (cents, digit) = (cents + digit * 10.0, 0.0),
            '分' => (cents, digit) = (cents + digit, 0.0),
            _ => digit = DIGITS.chars().position(|d| d == c)? as f64,
        }
    }
    Some(total + section + digit + cents / 100.0)
}

/// Amounts at or beyond this many 元 (a hundred trillion) are not money
/// any export holds: a corrupt or mistyped cell.
pub(crate) const MAX_AMOUNT: f64 = 1e14;

/// Parse a money amount in 元, rounded to fen.
pub fn parse_amount(raw: &str, scale: f64) -> Result<f64, String> {
    let v = parse_number(raw, scale)?;
    if v.abs() >= MAX_AMOUNT {
        return Err(format!("金额“{}”超出合理范围", clean_cell(raw)));
    }
    Ok((v * 100.0).round() / 100.0)
}

/// Parse a whole number ("3", "3.0", "3人").
pub fn parse_integer(raw: &str) -> Result<i64, String> {
    let v = parse_number(raw, 1.0)?;
    if v.fract() != 0.0 {
        return Err(format!("“{}”不是整数", clean_cell(raw)));
    }
    Ok(v as i64)
}

/// Is `value` a year and month 1 written as a number (`2024.1`)?
pub fn year_dot_one(value: &str) -> bool {
    let v = value.trim();
    v.len() == 6 && v.ends_with(".1") && v[..4].bytes().all(|b| b.is_ascii_digit())
}

/// Did a workbook column of months lose October? A spreadsheet holds a
/// month typed as a number (2024.10) as 2024.1, January's number: where the
/// column holds 2024.11 or 2024.12 that way and no month written 2024.10,
/// a `2024.1` may be either month.
pub fn october_lost<'a>(values: impl IntoIterator<Item = &'a str>) -> bool {
    let (mut late, mut ten, mut one) = (false, false, false);
    for v in values {
        let v = v.trim();
        let month = |m: &str| {
            v.len() == 4 + 1 + m.len()
                && v.ends_with(m)
                && v[..4].bytes().all(|b| b.is_ascii_digit())
                && v.as_bytes()[4] == b'.'
        };
        late |= month("11") || month("12");
        ten |= month("10");
        one |= year_dot_one(v);
    }
    late && one && !ten
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn october_stored_as_a_number_is_told_lost() {
        assert!(october_lost(["2024.1", "2024.9", "2024.11", "2024.12"]));
        // Written as text, 2024.10 is there: 2024.1 is January.
        assert!(!october_lost(["2024.1", "2024.10", "2024.11"]));
        // No two-digit month written as a number: nothing says October was.
        assert!(!october_lost(["2024.1", "2024.2", "2024.9"]));
        // Months written with dashes are no numbers.
        assert!(!october_lost(["2024-01", "2024-11", "2024-12"]));
        assert!(year_dot_one(" 2023.1 ") && !year_dot_one("2023.10") && !year_dot_one("12023.1"));
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_range_of_dates_is_two_dates_and_no_one_date() {
        let range = |raw| parse_date_range(raw).unwrap();
        let lease = (d(2020, 1, 1), Some(d(2029, 12, 31)));
        assert_eq!(range("2020.01.01-2029.12.31"), lease);
        assert_eq!(range("2020年1月1日至2029年12月31日"), lease);
        assert_eq!(range("2020.1-2029.12"), lease);
        assert_eq!(range("2020-2029"), lease);
        assert_eq!(range("2024.2-2024.2").1, Some(d(2024, 2, 29)));
        // Still open: a start and no end.
        assert_eq!(range("2021.01-至今"), (d(2021, 1, 1), None));
        assert_eq!(range("2021年1月至今"), (d(2021, 1, 1), None));
        assert_eq!(range("2021.3.15—今"), (d(2021, 3, 15), None));
        assert!(parse_date_range("至今").is_err());
        assert!(parse_date_range("2024-03-05").is_err());
        assert!(parse_date_range("2029.12.31-2020.01.01").is_err());
        // A range is no date; a date with a time still is one.
        assert!(parse_date("2020.01.01-2029.12.31")
            .unwrap_err()
            .contains("日期区间"));
        assert_eq!(parse_date("2024-03-05 10:30:00").unwrap(), d(2024, 3, 5));
    }

    #[test]
    fn id_numbers_are_cleaned_and_checked() {
        let id = normalize_id(" '11010519491231002x ").unwrap();
        assert_eq!(id.value, "11010519491231002X");
        assert!(id.valid);
        let full = normalize_id("１１０１０５１９４９１２３１００２Ｘ").unwrap();
        assert_eq!(full.value, "11010519491231002X");
        let spaced = normalize_id("110105 19491231 002X").unwrap();
        assert!(spaced.valid);
        let bad_check = normalize_id("110105194912310021").unwrap();
        assert_eq!(bad_check.value, "110105194912310021");
        assert!(!bad_check.valid);
    }

    #[test]
    fn disability_certificate_numbers_are_read_as_their_id() {
        let id = normalize_id("11010519491231002X42").unwrap();
        assert_eq!(id.value, "11010519491231002X");
        assert!(id.valid);
        // Not a certificate: a wrong check digit, or a category or grade out of range.
        assert!(normalize_id("11010519491231002142").is_err());
        assert!(normalize_id("11010519491231002X82").is_err());
        assert!(normalize_id("11010519491231002X45").is_err());
    }

    #[test]
    fn fifteen_digit_ids_are_upgraded() {
        let id = normalize_id("110105491231002").unwrap();
        assert_eq!(id.value, "11010519491231002X");
        assert!(id.valid);
    }

    #[test]
    fn capital_numerals_and_rates_are_amounts() {
        assert_eq!(parse_amount("壹佰元", 1.0), Ok(100.0));
        assert_eq!(parse_amount("叁仟伍佰元整", 1.0), Ok(3500.0));
        assert_eq!(
            parse_amount("人民币壹万贰仟叁佰肆拾伍元陆角柒分", 1.0),
            Ok(12345.67)
        );
        assert_eq!(parse_amount("拾元", 1.0), Ok(10.0));
        assert_eq!(parse_amount("贰亿零伍万元整", 1.0), Ok(200_050_000.0));
        assert_eq!(parse_amount("壹仟零捌元", 1.0), Ok(1008.0));
        assert_eq!(parse_amount("伍角", 1.0), Ok(0.5));
        assert_eq!(parse_amount("100元/月", 1.0), Ok(100.0));
        assert_eq!(parse_amount("1,200.50元/人·月", 1.0), Ok(1200.5));
        // Neither a capital amount nor a rate.
        assert!(parse_amount("壹佰元左右", 1.0).is_err());
        assert!(parse_amount("一百元", 1.0).is_err());
        assert!(parse_amount("2024/3", 1.0).is_err());
        assert!(parse_amount("元", 1.0).is_err());
        // A mark for "none" says so.
        for mark in ["-", "—", "——", "/"] {
            assert!(
                parse_amount(mark, 1.0).unwrap_err().contains("空缺标记"),
                "{mark}"
            );
        }
    }

    #[test]
    fn a_units_credit_code_is_no_id_and_said_so() {
        let why = normalize_id("91350100M000100Y43").unwrap_err();
        assert!(why.contains("统一社会信用代码"), "{why}");
        // One wrong character: no credit code, so no such claim.
        let why = normalize_id("91350100M000100Y44").unwrap_err();
        assert!(why.contains("不是15位或18位号码"), "{why}");
    }

    #[test]
    fn six_chinese_characters_are_not_an_id() {
        // 18 bytes of UTF-8: must be an error, not a panic at a byte index.
        assert!(normalize_id("有限责任公司").is_err());
    }

    #[test]
    fn broken_ids_are_rejected_with_a_reason() {
        assert!(normalize_id("4.11102E+17")
            .unwrap_err()
            .contains("科学计数法"));
        assert!(normalize_id("12345").unwrap_err().contains("15位或18位"));
        // An ID a spreadsheet kept as a number: 15 digits and three zeros.
        assert!(normalize_id("411122198001010000")
            .unwrap_err()
            .contains("只保留15位"));
        assert!(normalize_id("4.1112219800101E17")
            .unwrap_err()
            .contains("科学计数法"));
        assert!(scientific("", "6.22848E+18").is_some());
        assert!(scientific("", "2024E001").is_none() && scientific("", "1.5").is_none());
        assert!(normalize_id("411122********001X")
            .unwrap_err()
            .contains("已脱敏"));
        assert!(normalize_id("４１１１２２＊＊＊＊＊＊＊＊００１X")
            .unwrap_err()
            .contains("已脱敏"));
        assert!(
            normalize_id("11010519491331002X").is_ok_and(|i| !i.valid),
            "month 13"
        );
    }

    #[test]
    fn birth_date_and_gender_come_from_the_id() {
        assert_eq!(id_birth_date("11010519491231002X"), Some(d(1949, 12, 31)));
        assert_eq!(id_gender("11010519491231002X"), Some("女"));
        assert_eq!(id_gender("110105194912310011"), Some("男"));
    }

    #[test]
    fn names_lose_spaces_and_unify_dots() {
        assert_eq!(normalize_name(" 张　三 "), "张三");
        assert_eq!(normalize_name("阿依古丽•买买提"), "阿依古丽·买买提");
        assert_eq!(normalize_name("某某建筑（有限）公司"), "某某建筑(有限)公司");
    }

    #[test]
    fn dates_in_every_common_form() {
        for raw in [
            "2024-03-05",
            "2024/3/5",
            "20240305",
            "2024年3月5日",
            "2024.03.05",
            "45356",
            "2024-03-05 08:30:00",
            "2024-03-05T08:30:00",
            "２０２４年３月５日",
        ] {
            assert_eq!(parse_date(raw), Ok(d(2024, 3, 5)), "{raw}");
        }
        assert!(parse_date("2024-02-30").is_err());
        assert!(parse_date("不详").unwrap_err().contains("不详"));
    }

    #[test]
    fn english_month_names_as_a_spreadsheet_shows_them() {
        assert_eq!(parse_period("Mar-24").unwrap(), d(2024, 3, 1));
        assert_eq!(parse_period("March 2024").unwrap(), d(2024, 3, 1));
        assert_eq!(parse_period("2024-Sept").unwrap(), d(2024, 9, 1));
        assert_eq!(parse_date("5-Mar-24").unwrap(), d(2024, 3, 5));
        assert_eq!(parse_date("Mar 5, 2024").unwrap(), d(2024, 3, 5));
        assert_eq!(parse_date("15-Jun-52").unwrap(), d(1952, 6, 15));
        for bad in ["Marx-24", "Ma-24", "Mar-Apr-24", "Mar"] {
            assert!(parse_period(bad).is_err(), "{bad}");
        }
        assert!(parse_date("Mar-24").is_err());
    }

    #[test]
    fn periods_become_first_of_month() {
        for raw in [
            "2024-03",
            "202403",
            "2024年3月",
            "2024.3",
            "2024/03/17",
            "2024年03月",
        ] {
            assert_eq!(parse_period(raw), Ok(d(2024, 3, 1)), "{raw}");
        }
        assert!(parse_period("2024-13").is_err());
    }

    #[test]
    fn a_quarter_batch_or_span_is_no_month() {
        // By their digits alone these were March, April, January and March.
        for (raw, why) in [
            ("2024年第3季度", "季度"),
            ("2024年第一季度", "季度"),
            ("2024Q4", "季度"),
            ("2024年第3批", "第几期"),
            ("2024年1-3月", "区间"),
            ("2024年3月至6月", "区间"),
            ("2024.3~2024.6", "区间"),
        ] {
            let err = parse_period(raw).unwrap_err();
            assert!(
                err.contains(why) && err.contains("不是一个月份"),
                "{raw}: {err}"
            );
        }
        assert!(parse_date("2024年1-3月")
            .unwrap_err()
            .contains("不是一个日期"));
        assert!(parse_date("2024年3月5日至2024年4月")
            .unwrap_err()
            .contains("区间"));
        // Forms that name one month or day still read.
        for raw in [
            "2024年3月份",
            "２０２４年３月",
            "2024年3月5日",
            "2024-03-05 10:30:00",
        ] {
            assert_eq!(parse_period(raw), Ok(d(2024, 3, 1)), "{raw}");
        }
        assert_eq!(parse_date("2024年3月5号").unwrap(), d(2024, 3, 5));
        assert_eq!(parse_date("2021-03-01至今").unwrap(), d(2021, 3, 1));
        assert_eq!(parse_date("2029.12.31到期").unwrap(), d(2029, 12, 31));
        assert!(quarter("Q1 2024") && quarter("2024-q2") && !quarter("豫Q12345"));
    }

    #[test]
    fn a_date_written_to_the_month_is_its_first_or_last_day() {
        for raw in ["2015.08", "201508", "2015年8月", "2015-8", "2015/08"] {
            assert_eq!(month_as_date(raw, false), Ok(d(2015, 8, 1)), "{raw}");
            assert_eq!(month_as_date(raw, true), Ok(d(2015, 8, 31)), "{raw}");
        }
        assert_eq!(month_as_date("2024.02", true), Ok(d(2024, 2, 29)));
        assert_eq!(month_as_date("2023.12", true), Ok(d(2023, 12, 31)));
        assert!(month_as_date("2015.13", false)
            .unwrap_err()
            .contains("无法识别的日期或月份“2015.13”"));
        assert!(month_as_date("2015.1", false)
            .unwrap_err()
            .contains("也可能是表格软件把2015.10存成的数字"));
        assert_eq!(month_as_date("2015.10", false), Ok(d(2015, 10, 1)));
        assert!(dotted_month("2015.08") && dotted_month("1976.6"));
        for not in [
            "2015.0", "2015.13", "1850.05", "2015.085", "15.08", "2015-08", "1200.05",
        ] {
            assert!(!dotted_month(not), "{not}");
        }
    }

    #[test]
    fn amounts_with_separators_units_and_wan() {
        assert_eq!(parse_amount("1,234.50", 1.0), Ok(1234.5));
        assert_eq!(parse_amount("1,234.50元", 1.0), Ok(1234.5));
        assert_eq!(parse_amount("¥500", 1.0), Ok(500.0));
        assert_eq!(parse_amount("1.5万元", 1.0), Ok(15000.0));
        assert_eq!(parse_amount("2.35", 10_000.0), Ok(23500.0));
        assert_eq!(parse_amount("(100.00)", 1.0), Ok(-100.0));
        assert_eq!(parse_amount("１２３", 1.0), Ok(123.0));
        assert!(parse_amount("约五百", 1.0).is_err());
        assert_eq!(parse_number("3.5亩", 1.0), Ok(3.5));
        assert_eq!(parse_integer("4人"), Ok(4));
        assert!(parse_integer("4.5").is_err());
    }

    #[test]
    fn village_codes_are_twelve_digits() {
        assert_eq!(
            normalize_village_code("410102001001"),
            Ok("410102001001".into())
        );
        assert_eq!(
            normalize_village_code("410102001"),
            Ok("410102001000".into())
        );
        assert_eq!(
            normalize_village_code("41010200100103"),
            Ok("410102001001".into())
        );
        assert!(normalize_village_code("4101020010").is_err());
        assert!(normalize_village_code("41010200100A").is_err());
    }

    #[test]
    fn codes_are_upper_case_without_spaces() {
        assert_eq!(normalize_code(" 91410100 mA1234 "), "91410100MA1234");
        assert_eq!(normalize_code("'6228480012345678"), "6228480012345678");
    }

    #[test]
    fn plain_cells_take_the_short_way_to_the_same_values() {
        assert_eq!(normalize_code("ABC123"), "ABC123");
        assert_eq!(normalize_code("abc 123"), normalize_code("ABC123"));
        assert_eq!(normalize_name("张三"), "张三");
        assert_eq!(normalize_name("张 三"), "张三");
        assert_eq!(normalize_name("阿依•买买提"), "阿依·买买提");
        assert_eq!(
            normalize_village_code("411102001001").unwrap(),
            "411102001001"
        );
        assert_eq!(parse_date("2024-03-05").unwrap(), d(2024, 3, 5));
        assert_eq!(
            parse_date("2024-02-30").unwrap_err(),
            "无法识别的日期“2024-02-30”"
        );
        assert_eq!(parse_period("2024-03").unwrap(), d(2024, 3, 1));
        assert_eq!(
            parse_period("2024-13").unwrap_err(),
            "无法识别的月份“2024-13”"
        );
        assert_eq!(parse_number("1500.5", 1.0).unwrap(), 1500.5);
        assert_eq!(parse_number("1.5", 10_000.0).unwrap(), 15_000.0);
        assert!(parse_number("NaN", 1.0).is_err());
        assert!(parse_number("inf", 1.0).is_err());
    }
}
