//! The findings schema: one row per candidate problem, for every model,
//! writer and the store.

use serde::{Deserialize, Serialize};

/// How serious a lead is, as set by the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    High,
    Medium,
    Low,
}

impl Severity {
    /// Parse the English name strictly: anything else is an error, never a
    /// silent `low`.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "high" => Ok(Severity::High),
            "medium" => Ok(Severity::Medium),
            "low" => Ok(Severity::Low),
            other => Err(format!(
                "未知的风险等级“{other}”（应为 high、medium 或 low）"
            )),
        }
    }

    /// English name as used in specs and files.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }

    /// Chinese label for human-facing output.
    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::High => "高",
            Severity::Medium => "中",
            Severity::Low => "低",
        }
    }
}

/// One candidate problem (疑点). A lead for field verification, not a verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable hash of model id + subject key (+ identity columns).
    pub finding_id: String,
    pub run_id: String,
    pub model_id: String,
    pub model_title: String,
    pub category: String,
    pub severity: Severity,
    pub county: Option<String>,
    pub township: Option<String>,
    pub village_code: Option<String>,
    pub village_name: Option<String>,
    /// person / household / contract / voucher / lease / machine / village / account.
    pub subject_type: String,
    pub subject_key: String,
    pub subject_name: Option<String>,
    /// 涉及金额 in 元.
    pub amount: Option<f64>,
    pub period_from: Option<String>,
    pub period_to: Option<String>,
    /// The Chinese sentence rendered from the model's template.
    pub explain: String,
    /// JSON object of the model's output columns.
    pub evidence: serde_json::Map<String, serde_json::Value>,
    /// Input rows the finding came from, as `file[#sheet]:row`.
    pub sources: Vec<String>,
    /// Triage state from the store, when a run uses one: 待核实, 已核实,
    /// 已整改, or 反弹 (rectified, then found again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triage: Option<String>,
}

/// Mask an ID number for human-facing output: first 4 and last 4 kept.
/// Values of 8 characters or fewer are masked whole.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let n = chars.len();
    chars[..4]
        .iter()
        .chain(std::iter::repeat_n(&'*', n - 8))
        .chain(chars[n - 4..].iter())
        .collect()
}

/// Money with thousands separators and two decimals: `1234567.5` → `1,234,567.50`.
pub fn format_money(v: f64) -> String {
    let s = format!("{:.2}", v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if v < 0.0 && s != "0.00" { "-" } else { "" };
    format!("{sign}{grouped}.{frac}")
}

/// Mask every ID number (18 characters: 17 digits and a digit or X; or 15
/// digits) and every bank card or account number (13 to 25 digits) inside a
/// text, e.g. an explain sentence: first 4 and last 4 kept, so two numbers
/// can still be told apart. 12-digit village codes and amounts stay.
pub fn mask_personal_numbers_in(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        let id_len = match run {
            17 if matches!(chars.get(i + 17), Some('X' | 'x')) => 18,
            13..=25 => run,
            _ => 0,
        };
        let boundary = |j: usize| chars.get(j).is_none_or(|c| !c.is_ascii_alphanumeric());
        if id_len > 0 && (i == 0 || boundary(i - 1)) && boundary(i + id_len) {
            out.push_str(&mask_id(&chars[i..i + id_len].iter().collect::<String>()));
            i += id_len;
        } else {
            let step = run.max(1);
            out.extend(&chars[i..i + step]);
            i += step;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_has_separators_and_two_decimals() {
        assert_eq!(format_money(1234567.5), "1,234,567.50");
        assert_eq!(format_money(-12.0), "-12.00");
        assert_eq!(format_money(999.999), "1,000.00");
        assert_eq!(format_money(-0.001), "0.00");
    }

    #[test]
    fn ids_and_accounts_inside_text_are_masked_and_other_numbers_kept() {
        assert_eq!(
            mask_personal_numbers_in(
                "张三（411102199001011234）与41110219900101123X同户，账号6228480012345678"
            ),
            "张三（4111**********1234）与4111**********123X同户，账号6228********5678"
        );
        assert_eq!(
            mask_personal_numbers_in("金额1,200.00元，村411102001001，凭证PZ0010030009"),
            "金额1,200.00元，村411102001001，凭证PZ0010030009"
        );
        assert_eq!(
            mask_personal_numbers_in("411102900101123"),
            "4111*******1123"
        );
        assert_eq!(
            mask_personal_numbers_in("6217000000000000123"),
            "6217***********0123"
        );
    }

    #[test]
    fn severity_parses_strictly() {
        assert_eq!(Severity::parse("medium"), Ok(Severity::Medium));
        assert!(Severity::parse("High").is_err());
        assert!(Severity::parse("").unwrap_err().contains("风险等级"));
    }

    #[test]
    fn masks_middle_of_id_numbers() {
        assert_eq!(mask_id("411102199001011234"), "4111**********1234");
        assert_eq!(mask_id("12345678"), "********");
    }
}
