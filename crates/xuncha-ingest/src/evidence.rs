//! Content as evidence: what a sample of a column's values looks like (ID
//! numbers with a valid GB 11643 check digit, GB 32100 credit codes, bank card
//! numbers, 12-digit village codes, dates, months, numbers), and whether that
//! fits a canonical column's kind.

use serde::Serialize;
use xuncha_schema::idcard::credit_code_valid;
use xuncha_schema::ColumnKind;

use crate::normalize::{
    clean_cell, dotted_month, normalize_id, open_start, parse_date, parse_date_range, parse_number,
    parse_period, quarter, scientific, truncated_id,
};
use crate::spans::months_spanned;

/// Date columns a register may write to the month only (参加工作时间 2015.08,
/// 出生年月 1976.06, 批准年月 201905), with whether a month stands for its
/// last day (the end of a term, so that no later day counts as in it) rather
/// than its first. The dates of payments, vouchers, receipts, contracts,
/// purchases and status changes, which models compare to the day, are not
/// among them: a month there is still no date. A death (死亡日期 2024年3月) is:
/// its month stands for its last day, which monthly payments compare to as
/// to any day of it, and after which no payment of that month falls.
const MONTH_DATES: &[(&str, bool)] = &[
    ("birth_date", false),
    ("start_date", false),
    ("term_start", false),
    ("approved_date", false),
    ("register_date", false),
    ("established_date", false),
    ("issue_date", false),
    ("end_date", true),
    ("term_end", true),
    ("expiry_date", true),
    ("death_date", true),
    ("cremation_date", true),
];

/// Whether a date column may be written to the month, and if so whether a
/// month stands for its last day ([`MONTH_DATES`]).
pub fn month_date_end(column: &str) -> Option<bool> {
    MONTH_DATES
        .iter()
        .find(|(name, _)| *name == column)
        .map(|(_, last)| *last)
}

/// Values looked at per column.
pub const SAMPLE_ROWS: usize = 200;

/// Shares of a column's non-empty sample that look like each kind of value.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Profile {
    /// Non-empty values in the sample.
    pub filled: usize,
    /// 18-digit (or 15-digit old) ID numbers.
    pub id: f32,
    /// ID numbers whose check digit is right.
    pub id_valid: f32,
    /// Unified social credit codes with a valid check character.
    pub credit_code: f32,
    /// Bank card or account numbers (12–25 digits, not ID numbers).
    pub account: f32,
    /// 12-digit statistical area codes.
    pub village_code: f32,
    /// Dates written as dates (not bare numbers).
    pub date: f32,
    /// Months (2024-03, 202403, 2024年3月) or dates.
    pub month: f32,
    /// Numbers, amounts.
    pub number: f32,
    /// Masked values (脱敏: characters replaced by `*`).
    pub masked: f32,
    /// Numbers a spreadsheet shortened: written in scientific notation
    /// (`4.11122E+17`), or 18-digit numbers ending in `000`.
    pub shortened: f32,
    /// Words in Chinese characters (names of people and places), not numbers.
    pub words: f32,
    /// Villages' names (西湾社区, 大南村3组: [`crate::places::is_village_name`]).
    pub village_name: f32,
    /// Mobile phone numbers (11 digits from 13 to 19): numbers that count nothing.
    pub phone: f32,
    /// Ranges of dates in one cell (2020.01.01-2029.12.31).
    pub range: f32,
    /// Text stating one year and no month (2023年第一批, 2023年度).
    pub year: f32,
    /// Quarters without their year (第一季度): no month for a monthly column.
    pub quarter: f32,
    /// Months without their year (3, 03, 3月): a month only beside a year
    /// column or a year the names state ([`crate::spans::yearless_month`]).
    pub month_of_year: f32,
    /// Periods of several months (2024年第一季度, 2024年1-3月): a monthly
    /// column reads each as its months ([`crate::spans`]).
    pub spans: f32,
}

/// How content bears on one (header, column) pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The values look like what the column holds.
    Fits,
    /// Nothing to say either way.
    Neutral,
    /// The values cannot be what the column holds.
    RulesOut,
}

fn digits_only(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl Profile {
    /// Profile the non-empty values of a sample.
    pub fn of<'a>(values: impl IntoIterator<Item = &'a str>) -> Profile {
        let mut p = Profile::default();
        let (mut id, mut id_valid, mut credit, mut account, mut village) = (0, 0, 0, 0, 0);
        let (mut date, mut month, mut number, mut masked, mut shortened) = (0, 0, 0, 0, 0);
        let (mut words, mut phone, mut range, mut year, mut village_name) = (0, 0, 0, 0, 0);
        let (mut quarters, mut spans, mut months_of_year) = (0, 0, 0);
        for raw in values {
            let v = clean_cell(raw);
            if v.is_empty() {
                continue;
            }
            p.filled += 1;
            let compact: String = v.chars().filter(|c| !c.is_whitespace()).collect();
            let is_id = match normalize_id(&compact) {
                Ok(n) => {
                    id += 1;
                    if n.valid {
                        id_valid += 1;
                    }
                    true
                }
                Err(_) => false,
            };
            if credit_code_valid(&compact.to_uppercase()) {
                credit += 1;
            }
            if !is_id && digits_only(&compact) && (12..=25).contains(&compact.len()) {
                // A village's code, or a village group's (确权's 发包方编码: 12 + 2).
                if matches!(compact.len(), 12 | 14) {
                    village += 1;
                }
                account += 1;
            }
            let bare_number = compact.parse::<f64>().is_ok();
            // Of bare numbers, only eight digits (20240305) are a date and six
            // (202403) a month: 22610.00 is an amount, not an Excel serial.
            let compact_digits = |len: usize| compact.len() == len && digits_only(&compact);
            let is_date = parse_date(&v).is_ok();
            if is_date && (!bare_number || compact_digits(8)) {
                date += 1;
            }
            if parse_period(&v).is_ok()
                && (!bare_number
                    || compact_digits(6)
                    || compact_digits(8)
                    || dotted_month(&compact))
            {
                month += 1;
            }
            if parse_number(&v, 1.0).is_ok() {
                number += 1;
            }
            if v.contains('*') {
                masked += 1;
            }
            if !is_id && (scientific("", &compact).is_some() || truncated_id(&compact)) {
                shortened += 1;
            }
            if compact
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
            {
                words += 1;
                if crate::places::is_village_name(&compact) {
                    village_name += 1;
                }
            }
            let b = compact.as_bytes();
            if b.len() == 11
                && b[0] == b'1'
                && (b'3'..=b'9').contains(&b[1])
                && digits_only(&compact)
            {
                phone += 1;
            }
            // A range is two dates or months with something between them.
            // A range still open (2021.01.01-至今) reads as its start date too.
            let open = open_start(&clean_cell(&v)).is_some();
            if (!is_date || open)
                && !bare_number
                && compact.len() >= 9
                && parse_date_range(&v).is_ok()
            {
                range += 1;
            }
            if !is_date && v.contains('年') && crate::stated::year_of(&v).is_some() {
                year += 1;
            }
            if months_spanned(&v).is_some() {
                spans += 1;
            } else if quarter(&v) {
                quarters += 1;
            } else if crate::spans::yearless_month(&v).is_some() {
                months_of_year += 1;
            }
        }
        let share = |n: usize| {
            if p.filled == 0 {
                0.0
            } else {
                n as f32 / p.filled as f32
            }
        };
        p.id = share(id);
        p.id_valid = share(id_valid);
        p.credit_code = share(credit);
        p.account = share(account);
        p.village_code = share(village);
        p.date = share(date);
        p.month = share(month);
        p.number = share(number);
        p.masked = share(masked);
        p.shortened = share(shortened);
        p.words = share(words);
        p.village_name = share(village_name);
        p.phone = share(phone);
        p.range = share(range);
        p.year = share(year);
        p.quarter = share(quarters);
        p.spans = share(spans);
        p.month_of_year = share(months_of_year);
        p
    }

    /// Does this content fit a column of `kind` (its canonical `name` tells
    /// accounts from other codes)?
    pub fn verdict(&self, kind: ColumnKind, name: &str) -> Verdict {
        if self.filled == 0 {
            return Verdict::Neutral;
        }
        let judge = |share: f32, fits: f32, out: f32| {
            if share >= fits {
                Verdict::Fits
            } else if share < out {
                Verdict::RulesOut
            } else {
                Verdict::Neutral
            }
        };
        match kind {
            // IDs a mask or a spreadsheet spoiled still make the ID column:
            // the header decides, and each spoiled value is refused on its row.
            ColumnKind::IdNumber => match judge(self.id, 0.6, 0.3) {
                Verdict::RulesOut if self.id + self.masked + self.shortened >= 0.6 => {
                    Verdict::Neutral
                }
                verdict => verdict,
            },
            ColumnKind::VillageCode => judge(self.village_code, 0.8, 0.3),
            // A register's months (参加工作时间 2015.08) leave the header to
            // decide, where the column may be written to the month.
            ColumnKind::Date => match judge(self.date, 0.8, 0.3) {
                Verdict::RulesOut if self.month >= 0.8 && month_date_end(name).is_some() => {
                    Verdict::Neutral
                }
                verdict => verdict,
            },
            ColumnKind::Period => judge(self.month + self.spans, 0.8, 0.3),
            ColumnKind::Amount | ColumnKind::Number | ColumnKind::Integer => {
                judge(self.quantities(), 0.9, 0.3)
            }
            // Exports carry masked accounts and codes with wrong check
            // characters: content can confirm these columns, never rule them out.
            ColumnKind::Code if name.ends_with("account") && self.account >= 0.6 => Verdict::Fits,
            ColumnKind::Code if name == "credit_code" && self.credit_code >= 0.6 => Verdict::Fits,
            ColumnKind::Name => {
                if self.id >= 0.6 || self.number >= 0.9 || self.date >= 0.8 {
                    Verdict::RulesOut
                } else {
                    Verdict::Neutral
                }
            }
            _ => Verdict::Neutral,
        }
    }

    /// Share of numbers that can be quantities: none when most values are
    /// codes written in digits (ID and account numbers, 12-digit village
    /// codes, 20240305), which parse as numbers but count nothing.
    fn quantities(&self) -> f32 {
        let coded = (self.id)
            .max(self.village_code)
            .max(self.phone)
            .max(self.account)
            .max(self.date);
        if coded >= 0.5 {
            0.0
        } else {
            self.number
        }
    }

    /// Short Chinese account of what the content looks like.
    pub fn describe(&self) -> String {
        if self.filled == 0 {
            return "样本为空".into();
        }
        let pct = |x: f32| (x * 100.0).round() as i32;
        let mut parts = Vec::new();
        // A 12-digit code is no account.
        let account = if self.village_code >= 0.5 {
            0.0
        } else {
            self.account
        };
        let number = self.quantities();
        for (share, what) in [
            (self.id, "身份证号"),
            (self.credit_code, "统一社会信用代码"),
            (account, "银行账号"),
            (self.village_code, "12位区划代码"),
            (self.date, "日期"),
            (self.month, "月份"),
            (number, "数值"),
            (self.masked, "脱敏值（以*遮盖，无法比对）"),
            (self.shortened, "被表格软件截短的数字（位数已丢失）"),
            (self.quarter, "季度（不是月份）"),
            (self.spans, "季度或数月（按月拆开读入）"),
        ] {
            if share >= 0.5 {
                parts.push(format!("{}%像{what}", pct(share)));
            }
        }
        if self.id >= 0.5 {
            parts.push(format!("{}%校验位正确", pct(self.id_valid)));
        }
        if parts.is_empty() {
            format!("{}个样本值，多为文字", self.filled)
        } else {
            format!("{}个样本值，{}", self.filled, parts.join("，"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_typed() {
        let ids = Profile::of([
            "110101199003074514",
            "11010119900307451x",
            " ",
            "110101900307451",
        ]);
        assert_eq!(ids.filled, 3);
        assert!(ids.id > 0.99);
        assert_eq!(
            ids.verdict(ColumnKind::IdNumber, "id_number"),
            Verdict::Fits
        );
        assert_eq!(ids.verdict(ColumnKind::Name, "name"), Verdict::RulesOut);
        assert_eq!(
            ids.verdict(ColumnKind::Date, "death_date"),
            Verdict::RulesOut
        );

        let dates = Profile::of(["2024年3月5日", "2024/3/5", "20240305", "2024.03.05"]);
        assert_eq!(dates.verdict(ColumnKind::Date, "pay_date"), Verdict::Fits);
        let amounts = Profile::of(["12000", "1,500.00", "300元"]);
        assert_eq!(
            amounts.verdict(ColumnKind::Date, "pay_date"),
            Verdict::RulesOut
        );
        assert_eq!(amounts.verdict(ColumnKind::Amount, "amount"), Verdict::Fits);
        // Eight characters with a point are an amount, not a date.
        let cents = Profile::of(["22610.00", "10450.50", "98000.00"]);
        assert_eq!(cents.date, 0.0);
        assert_eq!(cents.verdict(ColumnKind::Amount, "amount"), Verdict::Fits);
        let months = Profile::of(["2024年3月", "202404", "2024-05"]);
        assert_eq!(months.verdict(ColumnKind::Period, "period"), Verdict::Fits);
        // A register's start date may be written to the month; a payment's
        // date may not.
        let started = Profile::of(["2015.08", "2009.10", "201203"]);
        assert!(started.month > 0.99, "{started:?}");
        assert_eq!(
            started.verdict(ColumnKind::Date, "start_date"),
            Verdict::Neutral
        );
        assert_eq!(
            started.verdict(ColumnKind::Date, "pay_date"),
            Verdict::RulesOut
        );
        let cards = Profile::of(["6228480100000011", "6217000000000000123"]);
        assert_eq!(
            cards.verdict(ColumnKind::Code, "bank_account"),
            Verdict::Fits
        );
        let codes = Profile::of(["410122001001", "410122001002"]);
        assert_eq!(
            codes.verdict(ColumnKind::VillageCode, "village_code"),
            Verdict::Fits
        );
        let names = Profile::of(["张三", "李四"]);
        assert_eq!(
            names.verdict(ColumnKind::IdNumber, "id_number"),
            Verdict::RulesOut
        );
        assert_eq!(names.verdict(ColumnKind::Name, "name"), Verdict::Neutral);
    }

    #[test]
    fn codes_written_in_digits_are_no_quantities() {
        let codes = Profile::of(["411102001001", "411102001002", "411102002001"]);
        assert_eq!(
            codes.verdict(ColumnKind::Amount, "amount"),
            Verdict::RulesOut
        );
        assert_eq!(
            codes.verdict(ColumnKind::VillageCode, "village_code"),
            Verdict::Fits
        );
        let masked = Profile::of(["411102********001X", "6228****0001"]);
        assert_eq!(
            masked.verdict(ColumnKind::IdNumber, "id_number"),
            Verdict::Neutral
        );
        assert!(
            masked.describe().contains("100%像脱敏值"),
            "{}",
            masked.describe()
        );
        let amounts = Profile::of(["850", "1,200.00", "300元"]);
        assert_eq!(amounts.verdict(ColumnKind::Amount, "amount"), Verdict::Fits);
    }

    #[test]
    fn quarters_are_months_only_with_their_year() {
        let spans = Profile::of(["2024年第一季度", "2024年第3季度", "2024Q4", "2024年1-3月"]);
        assert_eq!(spans.verdict(ColumnKind::Period, "period"), Verdict::Fits);
        assert!(
            spans.describe().contains("100%像季度或数月"),
            "{}",
            spans.describe()
        );
        let quarters = Profile::of(["第一季度", "二季度", "第3季度"]);
        assert_eq!(
            quarters.verdict(ColumnKind::Period, "period"),
            Verdict::RulesOut
        );
        assert!(
            quarters.describe().contains("100%像季度（不是月份）"),
            "{}",
            quarters.describe()
        );
    }
}
