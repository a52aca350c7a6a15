//! Valid, unique citizen ID numbers and unified social credit codes.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use xuncha_schema::idcard::id_check_char;

/// Issues ID numbers for one county region code, never the same twice.
pub struct IdIssuer {
    region: String,
    used: HashMap<(NaiveDate, bool), u32>,
}

impl IdIssuer {
    pub fn new(region: &str) -> Self {
        Self {
            region: region.to_string(),
            used: HashMap::new(),
        }
    }

    /// A valid 18-digit ID for a birth date and gender; the sequence digit's
    /// parity encodes gender (odd = male). `None` when the day is full.
    pub fn issue(&mut self, birth: NaiveDate, male: bool) -> Option<String> {
        let n = self.used.entry((birth, male)).or_insert(0);
        if *n >= 499 {
            return None;
        }
        *n += 1;
        let seq = *n * 2 - u32::from(male);
        let first17 = format!(
            "{}{:04}{:02}{:02}{:03}",
            self.region,
            birth.year(),
            birth.month(),
            birth.day(),
            seq
        );
        let check = id_check_char(&first17)?;
        Some(format!("{first17}{check}"))
    }
}

/// The 15-digit form of an 18-digit ID of someone born in the 1900s.
pub fn to_fifteen(id: &str) -> Option<String> {
    (id.len() == 18 && &id[6..8] == "19").then(|| format!("{}{}", &id[..6], &id[8..17]))
}

/// A unified social credit code (format only; the check character is not computed).
pub fn credit_code(region: &str, n: usize) -> String {
    format!("9{region}{:010}X", 1_000_000_000 + n as u64)[..18].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use xuncha_ingest::normalize::normalize_id;

    #[test]
    fn issued_ids_are_valid_unique_and_gendered() {
        let mut issuer = IdIssuer::new("411122");
        let d = NaiveDate::from_ymd_opt(1950, 2, 3).unwrap();
        let a = issuer.issue(d, true).unwrap();
        let b = issuer.issue(d, true).unwrap();
        let c = issuer.issue(d, false).unwrap();
        assert_ne!(a, b);
        for id in [&a, &b, &c] {
            assert!(normalize_id(id).unwrap().valid, "{id}");
        }
        assert_eq!(xuncha_schema::idcard::id_gender(&a), Some("男"));
        assert_eq!(xuncha_schema::idcard::id_gender(&c), Some("女"));
        let fifteen = to_fifteen(&a).unwrap();
        assert_eq!(normalize_id(&fifteen).unwrap().value, a);
    }
}
