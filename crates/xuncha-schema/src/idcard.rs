//! Check characters of the codes that identify people and organisations:
//! the citizen ID number (GB 11643) and the unified social credit code
//! (GB 32100). Ingest, the generator and the models agree on them here.

use chrono::NaiveDate;

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// GB 11643 check character for the first 17 digits.
pub fn id_check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first17
        .bytes()
        .zip(ID_WEIGHTS)
        .map(|(b, w)| (b - b'0') as u32 * w)
        .sum();
    Some(ID_CHECK[(sum % 11) as usize])
}

/// Birth date encoded in an 18-digit ID number.
pub fn id_birth_date(id: &str) -> Option<NaiveDate> {
    let y = id.get(6..10)?.parse().ok()?;
    let m = id.get(10..12)?.parse().ok()?;
    let d = id.get(12..14)?.parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Gender encoded in an 18-digit ID number: "男" for odd, "女" for even.
pub fn id_gender(id: &str) -> Option<&'static str> {
    let digit = id.get(16..17)?.parse::<u32>().ok()?;
    Some(if digit % 2 == 1 { "男" } else { "女" })
}

/// Normalize a person or organisation name: no whitespace (incl. U+3000),
/// GB 32100 check character of a unified social credit code.
pub fn credit_code_valid(code: &str) -> bool {
    const CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != 18 {
        return false;
    }
    let mut sum = 0;
    for (c, w) in chars[..17].iter().zip(WEIGHTS) {
        let Some(v) = CHARS.find(*c) else {
            return false;
        };
        sum += v as u32 * w;
    }
    let check = (31 - sum % 31) % 31;
    CHARS.chars().nth(check as usize) == Some(chars[17])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_carry_check_digit_birth_date_and_gender() {
        assert_eq!(id_check_char("11010119900307451"), Some('4'));
        assert_eq!(id_check_char("1101011990030745"), None);
        assert_eq!(
            id_birth_date("110101199003074514"),
            NaiveDate::from_ymd_opt(1990, 3, 7)
        );
        assert_eq!(id_gender("110101199003074514"), Some("男"));
    }

    #[test]
    fn credit_codes_check_their_last_character() {
        assert!(credit_code_valid("91350100M000100Y43"));
        assert!(!credit_code_valid("91350100M000100Y44"));
        assert!(!credit_code_valid("123"));
    }
}
