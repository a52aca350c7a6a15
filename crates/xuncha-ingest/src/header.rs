//! Header detection: find the real header below title rows, read a units row
//! beneath it, and recognise rows that are not data (blank, repeated
//! headers, totals).

use crate::lexicon::{lexicon, normalize_header, strip_unit, UNITS};
use crate::read::RawRow;

/// How many rows from the top are searched for the header.
pub(crate) const HEADER_SEARCH_ROWS: usize = 30;

/// The header of a table and where its data starts.
#[derive(Debug, Clone)]
pub struct Header {
    /// Index into the table's rows of the header row.
    pub index: usize,
    /// Headers as written in the file.
    pub raw: Vec<String>,
    /// Normalized headers with any bracketed unit removed.
    pub names: Vec<String>,
    /// Unit per column, from `(万元)` in the header or a units row.
    pub units: Vec<Option<String>>,
    /// Index of the first data row.
    pub data_start: usize,
    /// Column and trimmed text of each header cell that is not blank, as a
    /// repeated header row is compared with it.
    filled: Vec<(usize, String)>,
}

impl Header {
    /// Row number of the header as the user sees it.
    pub fn line(&self, rows: &[RawRow]) -> usize {
        rows[self.index].line
    }
}

fn known_count(row: &RawRow) -> usize {
    let lex = lexicon();
    row.cells.iter().filter(|c| lex.is_known_header(c)).count()
}

/// Find the header: the row among the first rows that names the most known
/// columns (at least two), or the row at `forced_line` when a catalog says so.
pub fn detect(rows: &[RawRow], forced_line: Option<usize>) -> Option<Header> {
    let index = match forced_line {
        Some(line) => rows.iter().position(|r| r.line == line)?,
        None => {
            let (index, count) = rows
                .iter()
                .take(HEADER_SEARCH_ROWS)
                .enumerate()
                .map(|(i, r)| (i, known_count(r)))
                .fold((0, 0), |best, cur| if cur.1 > best.1 { cur } else { best });
            if count < 2 {
                return None;
            }
            index
        }
    };
    let raw: Vec<String> = rows[index].cells.iter().map(str::to_string).collect();
    let mut names = Vec::with_capacity(raw.len());
    let mut units = Vec::with_capacity(raw.len());
    for cell in &raw {
        let normalized = normalize_header(cell);
        let (bare, unit) = strip_unit(&normalized);
        names.push(bare.to_string());
        units.push(unit.map(str::to_string));
    }
    let mut data_start = index + 1;
    if let Some(next) = rows.get(data_start) {
        if is_units_row(&next.cells) {
            for (i, cell) in next.cells.iter().enumerate() {
                let unit = unit_of(cell);
                if let (Some(slot), Some(unit)) = (units.get_mut(i), unit) {
                    slot.get_or_insert(unit);
                }
            }
            data_start += 1;
        }
    }
    let filled = raw
        .iter()
        .enumerate()
        .map(|(i, h)| (i, h.trim()))
        .filter(|(_, h)| !h.is_empty())
        .map(|(i, h)| (i, h.to_string()))
        .collect();
    Some(Header {
        index,
        raw,
        names,
        units,
        data_start,
        filled,
    })
}

/// A unit cell such as `元`, `(万元)`, `单位：亩`.
fn unit_of(cell: &str) -> Option<String> {
    let n = normalize_header(cell);
    let n = n.trim_start_matches("单位").trim_start_matches([':', '：']);
    let n = n.trim_start_matches('(').trim_end_matches(')');
    UNITS.contains(&n).then(|| n.to_string())
}

fn is_units_row(cells: &csv::StringRecord) -> bool {
    let filled: Vec<&str> = cells.iter().filter(|c| !c.trim().is_empty()).collect();
    !filled.is_empty() && filled.iter().all(|c| unit_of(c).is_some())
}

/// Kind of a row that carries no data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonData {
    Blank,
    RepeatedHeader,
    Total,
}

/// Classify a data-area row that is not a record. Called for every row of
/// every export, so a data row is told apart with as few comparisons as the
/// tests allow.
pub fn non_data(row: &RawRow, header: &Header) -> Option<NonData> {
    let Some(first) = row.cells.iter().map(|c| c.trim()).find(|c| !c.is_empty()) else {
        return Some(NonData::Blank);
    };
    // Every total word starts with one of these (`first` is trimmed).
    if first.starts_with(['合', '总', '小']) {
        let letters = || first.chars().filter(|c| !c.is_whitespace());
        if ["合计", "总计", "小计", "合计:", "总计:"]
            .iter()
            .any(|w| w.chars().eq(letters()))
        {
            return Some(NonData::Total);
        }
    }
    // A repeated header repeats more than half of the header's cells: stop
    // once so many differ that it cannot.
    let filled = header.filled.len();
    let (mut same, mut differ) = (0, 0);
    for (i, h) in &header.filled {
        if row.cells.get(*i).is_some_and(|c| c.trim() == h) {
            same += 1;
        } else {
            differ += 1;
            if differ * 2 >= filled {
                return None;
            }
        }
    }
    (same * 2 > filled).then_some(NonData::RepeatedHeader)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(data: &[&[&str]]) -> Vec<RawRow> {
        data.iter()
            .enumerate()
            .map(|(i, r)| RawRow {
                line: i + 1,
                cells: r.iter().map(|c| c.to_string()).collect(),
            })
            .collect()
    }

    #[test]
    fn title_and_units_rows_are_skipped() {
        let t = rows(&[
            &["××县2024年农村低保发放花名册", "", ""],
            &["", "", ""],
            &["姓名", "身份证号", "发放金额"],
            &["", "", "万元"],
            &["张三", "110105194912310021", "0.05"],
        ]);
        let h = detect(&t, None).unwrap();
        assert_eq!(h.line(&t), 3);
        assert_eq!(h.data_start, 4);
        assert_eq!(h.units[2].as_deref(), Some("万元"));
        assert_eq!(h.names[1], "身份证号");
    }

    #[test]
    fn bracketed_units_are_read_from_the_header() {
        let t = rows(&[&["姓名", "身份证号", "金额（万元）"], &["张三", "1", "2"]]);
        let h = detect(&t, None).unwrap();
        assert_eq!(h.names[2], "金额");
        assert_eq!(h.units[2].as_deref(), Some("万元"));
        assert_eq!(h.data_start, 1);
    }

    #[test]
    fn tables_without_known_headers_have_no_header() {
        let t = rows(&[&["说明"], &["本表由民政局导出"]]);
        assert!(detect(&t, None).is_none());
    }

    #[test]
    fn repeated_headers_totals_and_blanks_are_not_data() {
        let t = rows(&[
            &["姓名", "身份证号", "金额"],
            &["姓名", "身份证号", "金额"],
            &["合 计", "", "100"],
            &["", " ", ""],
            &["张三", "x", "1"],
        ]);
        let h = detect(&t, None).unwrap();
        assert_eq!(non_data(&t[1], &h), Some(NonData::RepeatedHeader));
        assert_eq!(non_data(&t[2], &h), Some(NonData::Total));
        assert_eq!(non_data(&t[3], &h), Some(NonData::Blank));
        assert_eq!(non_data(&t[4], &h), None);
    }

    #[test]
    fn a_repeated_header_repeats_more_than_half_of_its_cells() {
        let t = rows(&[
            &["姓名", "身份证号", "金额", "村组", ""],
            &["姓名", "身份证号", "1", "一组", ""],
            &[" 姓名", "身份证号 ", "金额", "一组", "x"],
            &["张三", "身份证号", "金额", "村组", ""],
            &[" 小 计 ", "", "", "", ""],
            &["小计划", "", "", "", ""],
        ]);
        let h = detect(&t, None).unwrap();
        // Half of the four filled header cells is not enough.
        assert_eq!(non_data(&t[1], &h), None);
        assert_eq!(non_data(&t[2], &h), Some(NonData::RepeatedHeader));
        // The cells that differ may come first.
        assert_eq!(non_data(&t[3], &h), Some(NonData::RepeatedHeader));
        assert_eq!(non_data(&t[4], &h), Some(NonData::Total));
        assert_eq!(non_data(&t[5], &h), None);
    }
}
