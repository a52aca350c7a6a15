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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_middle_of_id_numbers() {
        assert_eq!(mask_id("411102199001011234"), "4111**********1234");
        assert_eq!(mask_id("12345678"), "********");
    }
}
