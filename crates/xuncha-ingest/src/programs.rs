//! Wide program exports: one row a person and an amount column a benefit
//! program (a 两项补贴 list's 困难残疾人生活补贴 and 重度残疾人护理补贴 side by
//! side, a 一卡通 list's 高龄津贴 beside its 低保金). Each program paid becomes
//! a record of its own, with that program and the cell as its amount, so
//! that models of one program (护理补贴 without a severe grade) see it.

use crate::evidence::Profile;
use crate::lexicon::{lexicon, Reading};
use crate::vocab::Vocabulary;

/// Program columns by header index, with the program each gives.
pub type ProgramColumns = Vec<(usize, String)>;

/// The share of a column's sampled values that must be numbers for it to
/// hold a program's amounts: most (a cell may say 缓发 or 停发).
const AMOUNTS: f32 = 0.5;

/// The program each program column of a table gives, by header index: two
/// or more headers, each naming a different program by itself or with the
/// program the table's names state (`生活补贴` in a 残疾人两项补贴 list:
/// 困难残疾人生活补贴), whose reading is an amount or nothing else (not a
/// standard, a count or a date) and whose sampled values are numbers. A
/// header naming only the stated program (`合计`, `补贴金额`) is none; none at
/// all when two name the same program or fewer than two name one.
pub fn detect(
    readings: &[Reading],
    profiles: &[Profile],
    excluded: &[bool],
    vocabulary: &Vocabulary,
    stated: Option<&str>,
) -> ProgramColumns {
    let lex = lexicon();
    let mut columns = ProgramColumns::new();
    for (i, reading) in readings.iter().enumerate() {
        if excluded.get(i).copied().unwrap_or(false) || reading.name.is_empty() {
            continue;
        }
        let amount_or_none = reading.attribute.is_none() || lex.paid_amount(reading);
        let profile = &profiles[i];
        if !amount_or_none || profile.filled == 0 || profile.number < AMOUNTS {
            continue;
        }
        let name = reading.name.as_str();
        let program = vocabulary.canonical(name).or_else(|| {
            let stated = stated?;
            (vocabulary.canonical(&format!("{stated}{name}")))
                .or_else(|| vocabulary.canonical(&format!("{name}{stated}")))
        });
        if let Some(program) = program.filter(|p| Some(*p) != stated) {
            columns.push((i, program.to_string()));
        }
    }
    let mut programs: Vec<&str> = columns.iter().map(|(_, p)| p.as_str()).collect();
    programs.sort_unstable();
    programs.dedup();
    if programs.len() < 2 || programs.len() < columns.len() {
        columns.clear();
    }
    columns
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect_in(headers: &[(&str, f32)], stated: Option<&str>) -> Vec<(usize, String)> {
        let lex = lexicon();
        let readings: Vec<Reading> = headers.iter().map(|(h, _)| lex.read(h)).collect();
        let profiles: Vec<Profile> = (headers.iter())
            .map(|&(_, number)| Profile {
                filled: 10,
                number,
                ..Profile::default()
            })
            .collect();
        let vocabulary = crate::vocab::for_column("benefit_payments", "program").unwrap();
        detect(
            &readings,
            &profiles,
            &vec![false; headers.len()],
            vocabulary,
            stated,
        )
    }

    #[test]
    fn program_columns_are_found_by_their_names_and_the_stated_program() {
        let headers = [
            ("姓名", 0.0),
            ("身份证号码", 1.0),
            ("残疾类别", 0.0),
            ("生活补贴（元/月）", 1.0),
            ("护理补贴（元/月）", 1.0),
            ("合计", 1.0),
        ];
        let found = detect_in(&headers, Some("残疾人两项补贴"));
        assert_eq!(
            found,
            vec![
                (3, "困难残疾人生活补贴".to_string()),
                (4, "重度残疾人护理补贴".to_string())
            ]
        );
        // Named in full, they need no stated program.
        let headers = [
            ("身份证号", 1.0),
            ("困难残疾人生活补贴", 1.0),
            ("重度残疾人护理补贴金额", 1.0),
        ];
        assert_eq!(detect_in(&headers, None).len(), 2);
        let headers = [("身份证号", 1.0), ("高龄津贴", 1.0), ("低保金", 1.0)];
        let found = detect_in(&headers, None);
        assert_eq!(found[0].1, "高龄津贴");
        assert_eq!(found[1].1, "低保");
    }

    #[test]
    fn standards_counts_text_and_one_program_are_no_program_columns() {
        // Standards of two programs: what is due a month, not what was paid.
        let standards = [
            ("身份证号", 1.0),
            ("城市低保标准", 1.0),
            ("农村低保标准", 1.0),
        ];
        assert!(detect_in(&standards, None).is_empty());
        // Counts of households by program.
        let counts = [("村名", 0.0), ("城市低保户数", 1.0), ("农村低保户数", 1.0)];
        assert!(detect_in(&counts, None).is_empty());
        // Program names as text (a 类别 column a program each).
        let text = [("身份证号", 1.0), ("生活补贴", 0.2), ("护理补贴", 0.0)];
        assert!(detect_in(&text, Some("残疾人两项补贴")).is_empty());
        // One program beside the stated one's total.
        let one = [("身份证号", 1.0), ("护理补贴", 1.0), ("补贴金额", 1.0)];
        assert!(detect_in(&one, Some("残疾人两项补贴")).is_empty());
        // Two columns of one program: which is paid is not for ingest to guess.
        let twice = [
            ("身份证号", 1.0),
            ("护理补贴", 1.0),
            ("护理补助", 1.0),
            ("生活补贴", 1.0),
        ];
        assert!(detect_in(&twice, Some("残疾人两项补贴")).is_empty());
    }
}
