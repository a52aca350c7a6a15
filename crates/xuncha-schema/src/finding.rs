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

/// The columns of the findings schema, in order: every writer, reader and
/// the run history store use this one list.
pub const FINDING_FIELDS: [&str; 20] = [
    "finding_id",
    "run_id",
    "model_id",
    "model_title",
    "category",
    "severity",
    "county",
    "township",
    "village_code",
    "village_name",
    "subject_type",
    "subject_key",
    "subject_name",
    "amount",
    "period_from",
    "period_to",
    "explain",
    "evidence",
    "triage",
    "sources",
];

/// One field of a finding, typed as tables store it.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue<'a> {
    /// Text; `evidence` is its JSON object as text.
    Text(Option<std::borrow::Cow<'a, str>>),
    /// 涉及金额 in 元.
    Amount(Option<f64>),
    /// The source rows.
    Sources(&'a [String]),
}

impl Finding {
    /// The value of a column of [`FINDING_FIELDS`].
    pub fn field(&self, name: &str) -> FieldValue<'_> {
        use std::borrow::Cow::{Borrowed, Owned};
        fn opt(s: &Option<String>) -> FieldValue<'_> {
            FieldValue::Text(s.as_deref().map(std::borrow::Cow::Borrowed))
        }
        match name {
            "finding_id" => FieldValue::Text(Some(Borrowed(&self.finding_id))),
            "run_id" => FieldValue::Text(Some(Borrowed(&self.run_id))),
            "model_id" => FieldValue::Text(Some(Borrowed(&self.model_id))),
            "model_title" => FieldValue::Text(Some(Borrowed(&self.model_title))),
            "category" => FieldValue::Text(Some(Borrowed(&self.category))),
            "severity" => FieldValue::Text(Some(Borrowed(self.severity.as_str()))),
            "county" => opt(&self.county),
            "township" => opt(&self.township),
            "village_code" => opt(&self.village_code),
            "village_name" => opt(&self.village_name),
            "subject_type" => FieldValue::Text(Some(Borrowed(&self.subject_type))),
            "subject_key" => FieldValue::Text(Some(Borrowed(&self.subject_key))),
            "subject_name" => opt(&self.subject_name),
            "amount" => FieldValue::Amount(self.amount),
            "period_from" => opt(&self.period_from),
            "period_to" => opt(&self.period_to),
            "explain" => FieldValue::Text(Some(Borrowed(&self.explain))),
            "evidence" => FieldValue::Text(Some(Owned(
                serde_json::Value::Object(self.evidence.clone()).to_string(),
            ))),
            "triage" => opt(&self.triage),
            "sources" => FieldValue::Sources(&self.sources),
            other => panic!("{other} is not a findings column"),
        }
    }

    /// Build a finding from its columns as a table holds them: `text` gives a
    /// text column's value by name. Unknown severities and evidence that is
    /// not a JSON object are errors, never silently replaced.
    pub fn from_fields(
        text: impl Fn(&str) -> Option<String>,
        amount: Option<f64>,
        sources: Vec<String>,
    ) -> Result<Finding, String> {
        let req = |name: &str| text(name).ok_or_else(|| format!("缺少 {name}"));
        let evidence = match serde_json::from_str(&req("evidence")?) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => return Err("evidence 不是 JSON 对象".to_string()),
        };
        Ok(Finding {
            finding_id: req("finding_id")?,
            run_id: req("run_id")?,
            model_id: req("model_id")?,
            model_title: req("model_title")?,
            category: req("category")?,
            severity: Severity::parse(&req("severity")?)?,
            county: text("county"),
            township: text("township"),
            village_code: text("village_code"),
            village_name: text("village_name"),
            subject_type: req("subject_type")?,
            subject_key: req("subject_key")?,
            subject_name: text("subject_name"),
            amount,
            period_from: text("period_from"),
            period_to: text("period_to"),
            explain: req("explain")?,
            evidence,
            sources,
            triage: text("triage"),
        })
    }
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

/// The amount findings involve, `0.0` for none (a sum of nothing is
/// `-0.0`, which JSON and workbooks would write as such).
pub fn total_amount<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> f64 {
    findings.into_iter().filter_map(|f| f.amount).sum::<f64>() + 0.0
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

    /// No finding involves `0.0`, not the `-0.0` a plain sum gives.
    #[test]
    fn total_amount_of_nothing_is_positive_zero() {
        let total = total_amount(&Vec::<Finding>::new());
        assert!(total == 0.0 && total.is_sign_positive());
    }

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
