//! Header detection: find the real header below title rows, read a units row
//! beneath it, and recognise rows that are not data (blank, repeated
//! headers, totals).

use crate::lexicon::{lexicon, normalize_header, strip_unit, Subject, UNITS};
use crate::normalize::normalize_id;
use crate::read::RawRow;
use crate::{monthly, stated, wide};

/// How many rows from the top are searched for the header.
pub(crate) const HEADER_SEARCH_ROWS: usize = 30;

/// The header of a table and where its data starts.
#[derive(Debug, Clone)]
pub struct Header {
    /// Index into the table's rows of the header row (the upper one of a
    /// header on two rows).
    pub index: usize,
    /// Headers as written in the file.
    pub raw: Vec<String>,
    /// Normalized headers with any bracketed unit removed.
    pub names: Vec<String>,
    /// Unit per column, from `(万元)` in the header or a units row.
    pub units: Vec<Option<String>>,
    /// Index of the first data row.
    pub data_start: usize,
    /// The money unit a note above the header gives amounts that have no
    /// unit of their own (`单位：万元`), if any.
    pub money_unit: Option<&'static str>,
    /// Column and trimmed text of each header cell that is not blank, as a
    /// repeated header row is compared with it.
    filled: Vec<(usize, String)>,
    /// The same of the upper row of a header on two rows (else empty).
    filled_above: Vec<(usize, String)>,
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
/// A header written on two rows ([`two_rows`]) is read as one.
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
    // The header's rows: `index` and `lower`, the same row unless two.
    let (index, lower, raw) = match two_rows(rows, index) {
        Some((upper, cells)) => (upper, upper + 1, cells),
        None => {
            let raw = rows[index].cells.iter().map(str::to_string).collect();
            (index, index, raw)
        }
    };
    let filled_above = if lower > index {
        filled_cells(rows[index].cells.iter())
    } else {
        Vec::new()
    };
    let mut names = Vec::with_capacity(raw.len());
    let mut units = Vec::with_capacity(raw.len());
    for cell in &raw {
        let normalized = normalize_header(cell);
        let (bare, unit) = strip_unit(&normalized);
        names.push(bare.to_string());
        units.push(unit.map(str::to_string));
    }
    let mut data_start = lower + 1;
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
    Some(Header {
        index,
        filled: filled_cells(rows[lower].cells.iter()),
        filled_above,
        raw,
        names,
        units,
        data_start,
        money_unit: money_unit(&rows[..index]),
    })
}

/// The money unit a note in the rows above a header gives the table:
/// `单位：万元`, `金额单位：元`, `（单位：万元）`, also beside other notes in one
/// cell (`填报单位：城关镇 单位：万元`).
fn money_unit(above: &[RawRow]) -> Option<&'static str> {
    above.iter().flat_map(|r| r.cells.iter()).find_map(|cell| {
        let note = normalize_header(cell);
        note.match_indices("单位:").find_map(|(at, word)| {
            let unit = &note[at + word.len()..];
            // No unit begins another: which one matches first is no matter.
            crate::catalog::MONEY_UNITS
                .iter()
                .map(|(u, _)| *u)
                .find(|u| {
                    unit.strip_prefix(u)
                        .is_some_and(|rest| !rest.starts_with(['/', '每']))
                })
        })
    })
}

/// Column and trimmed text of each cell of a header row that is not blank.
fn filled_cells<'a>(cells: impl Iterator<Item = &'a str>) -> Vec<(usize, String)> {
    (cells.enumerate())
        .map(|(i, h)| (i, h.trim()))
        .filter(|(_, h)| !h.is_empty())
        .map(|(i, h)| (i, h.to_string()))
        .collect()
}

/// A header written on two rows, as government exports often are: group
/// labels (户主信息, 发放情况, 家庭成员1) above the headers of their columns,
/// each label merged across its columns (so written in the first of them
/// only), and a column without sub-headers merged down (so blank in the
/// lower row). `index` is the row naming the most known columns; with the
/// row above or below it, the upper row's index and one header cell a
/// column ([`join_rows`]). Taken when the two rows together name more known
/// columns than either alone and the upper row names two itself, or when
/// group labels were joined to headers and lose none; a title, units or
/// data row next to a header does neither, and a row with a note
/// ([`is_note`]) is no header row.
fn two_rows(rows: &[RawRow], index: usize) -> Option<(usize, Vec<String>)> {
    let lex = lexicon();
    // Month columns (1月 … 12月 under 2024年发放金额) are known headers here.
    let known = |cells: &mut dyn Iterator<Item = &str>| {
        (cells.filter(|c| lex.is_known_header(c) || month_of(c).is_some())).count()
    };
    let pairs = [
        index.checked_sub(1).map(|upper| (upper, index)),
        Some((index, index + 1)),
    ];
    pairs
        .into_iter()
        .flatten()
        .filter(|&(_, lower)| lower < rows.len())
        .filter_map(|(upper, lower)| {
            let (above, below) = (&rows[upper].cells, &rows[lower].cells);
            if above.iter().chain(below).any(is_note) {
                return None;
            }
            let (cells, joined) = join_rows(above, below);
            let together = known(&mut cells.iter().map(String::as_str));
            let (above, below) = (known(&mut above.iter()), known(&mut below.iter()));
            let labelled = joined && together >= below;
            let grouped = above >= 2 && together > above.max(below);
            (labelled || grouped).then_some((together, upper, cells))
        })
        .max_by_key(|(together, _, _)| *together)
        .map(|(_, upper, cells)| (upper, cells))
}

/// A note written as `名目：内容` (填报单位：城关镇, 制表日期：2024年4月1日), as
/// the rows around a header hold; a unit in brackets (`金额（单位：元）`) is
/// no note.
pub(crate) fn is_note(cell: &str) -> bool {
    let Some((before, after)) = cell.split_once([':', '：']) else {
        return false;
    };
    let opened = before.matches(['(', '（']).count() > before.matches([')', '）']).count();
    !opened && !after.trim().is_empty()
}

/// One header cell a column from two header rows: the lower row's header,
/// the upper's where the lower is blank, and a group label joined to the
/// header below it when the label tells whose value the column holds: a
/// numbered member (家庭成员1 over 姓名: 家庭成员1姓名, for [`crate::wide`]),
/// or a subject the lexicon knows (户主信息 over 身份证号) over a header the
/// lower row repeats, in a header that has columns merged down (a title
/// row has none), when the two read as a known header (a member's label
/// over a data row's name does not); and, in such a header, a month
/// merged across what was due and paid (1月 over 应发 and 实发: 1月应发,
/// 1月实发) and the year a label merged across month columns states (2024年
/// over 3月: 2024年3月), for [`crate::monthly`]. Also whether any label was
/// joined.
fn join_rows(upper: &csv::StringRecord, lower: &csv::StringRecord) -> (Vec<String>, bool) {
    fn cell(row: &csv::StringRecord, i: usize) -> &str {
        row.get(i).map_or("", str::trim)
    }
    let width = upper.len().max(lower.len());
    // The label over each column and the column it is written in, while a
    // label spans the columns after it; how many columns each label spans.
    let mut labels: Vec<Option<(&str, usize)>> = Vec::with_capacity(width);
    let mut spans = vec![0usize; width];
    let mut merged_down = false;
    for i in 0..width {
        let (up, low) = (cell(upper, i), cell(lower, i));
        let label = match (up.is_empty(), low.is_empty()) {
            (false, false) => Some((up, i)),
            (true, false) => labels.last().copied().flatten(),
            (false, true) => {
                merged_down = true;
                None
            }
            (true, true) => None,
        };
        if let Some((_, at)) = label {
            spans[at] += 1;
        }
        labels.push(label);
    }
    let lex = lexicon();
    let repeated = |low: &str| (0..width).filter(|&i| cell(lower, i) == low).count() > 1;
    // The label and the header below it as one header, when the label
    // tells whose value the column holds and the two read as a known header.
    let paid_under = |at: usize| {
        (labels.iter().enumerate()).any(|(i, l)| {
            l.is_some_and(|(label, o)| {
                o == at && month_of(&format!("{label}{}", cell(lower, i))).is_some()
            })
        })
    };
    let join = |(label, at): (&str, usize), low: &str| {
        let whose = wide::is_member_label(label)
            || (merged_down && repeated(low) && {
                let reading = lex.read(label);
                reading.attribute.is_none() && matches!(reading.subject, Subject::Known(_))
            });
        let both = format!("{label}{low}");
        if whose && lex.is_known_header(&both) {
            return Some(both);
        }
        // Month columns under a label merged across them (a data row under
        // single header cells is none).
        if !merged_down || spans[at] < 2 {
            return None;
        }
        // A month over what was due and paid (1月 over 应发 and 实发: 1月应发,
        // 1月实发), when one of its columns then names a month's payment.
        if month_of(label).is_some() {
            return paid_under(at).then_some(both);
        }
        // The year over months (2024年 over 1月 … 12月), with the label's
        // unit (2024年发放金额（万元）) when the month has none.
        let low_name = normalize_header(low);
        let (bare, unit) = strip_unit(&low_name);
        let month = monthly::read_month(bare);
        let year = stated::year_of(label);
        let label_name = normalize_header(label);
        let label_unit = strip_unit(&label_name).1.filter(|_| unit.is_none());
        match (month, year) {
            (Some((None, _)), Some(year)) => Some(match label_unit {
                Some(u) => format!("{year}年{low}({u})"),
                None => format!("{year}年{low}"),
            }),
            _ => None,
        }
    };
    let mut joined = false;
    let cells = (0..width)
        .zip(labels.iter().copied())
        .map(|(i, label)| {
            let (up, low) = (cell(upper, i), cell(lower, i));
            if low.is_empty() {
                return up.to_string();
            }
            match label.and_then(|label| join(label, low)) {
                Some(both) => {
                    joined = true;
                    both
                }
                None => low.to_string(),
            }
        })
        .collect();
    (cells, joined)
}

/// The year (if written) and month of a header cell naming one month's
/// payment ([`monthly::read_month`]).
fn month_of(cell: &str) -> Option<(Option<u32>, u32)> {
    monthly::read_month(strip_unit(&normalize_header(cell)).0)
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
    /// A row of notes such as a footer (`制表人：张三`, `审核人：`, `说明：…`).
    Note,
}

/// Classify a data-area row that is not a record. Called for every row of
/// every export, so a data row is told apart with as few comparisons as the
/// tests allow.
pub fn non_data(row: &RawRow, header: &Header) -> Option<NonData> {
    let Some(first) = row.cells.iter().map(|c| c.trim()).find(|c| !c.is_empty()) else {
        return Some(NonData::Blank);
    };
    // A person named 王小计 is no total: a total row holds nobody's ID.
    if is_total(first) && !holds_id(row) {
        return Some(NonData::Total);
    }
    if (first.contains(':') || first.contains('：')) && is_note_row(row) {
        return Some(NonData::Note);
    }
    let repeated = repeats(row, &header.filled) || repeats(row, &header.filled_above);
    repeated.then_some(NonData::RepeatedHeader)
}

/// Is this first cell of a row a total's label: 合计, 小 计, 总计：, 共计, and
/// the page's or a place's (本页合计, 城关镇小计), at most 12 letters?
fn is_total(first: &str) -> bool {
    // Asked of every row's first cell: most have no 计 at all.
    if !first.contains('计') {
        return false;
    }
    let label = first.trim_end_matches([':', '：', ' ']);
    let mut last = label.chars().rev().filter(|c| !c.is_whitespace());
    let ends = matches!(
        (last.next(), last.next()),
        (Some('计'), Some('合' | '小' | '总' | '共'))
    );
    ends && label.chars().filter(|c| !c.is_whitespace()).count() <= 12
}

/// Does a cell of the row hold a valid ID number?
fn holds_id(row: &RawRow) -> bool {
    row.cells
        .iter()
        .any(|c| normalize_id(c).is_ok_and(|id| id.valid))
}

/// Is every filled cell of the row a note's label and content (`制表人：张三`,
/// `审核人：` left blank, `说明：本表…`), as the footer of a printed list is?
fn is_note_row(row: &RawRow) -> bool {
    row.cells
        .iter()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .all(|cell| {
            let Some((label, _)) = cell.split_once([':', '：']) else {
                return false;
            };
            let letters = label.trim().chars().count();
            // A time (10:30) or a ratio is no label.
            (1..=10).contains(&letters) && !label.chars().any(|c| c.is_ascii_digit())
        })
}

/// Does the row repeat more than half of a header row's filled cells? Stops
/// once so many differ that it cannot.
fn repeats(row: &RawRow, filled: &[(usize, String)]) -> bool {
    let (mut same, mut differ) = (0, 0);
    for (i, h) in filled {
        // Trimming only shortens: a cell no longer than the header's text
        // is compared as it is (every data row comes here).
        let equal = |c: &str| c == h || (c.len() > h.len() && c.trim() == h);
        if row.cells.get(*i).is_some_and(equal) {
            same += 1;
        } else {
            differ += 1;
            if differ * 2 >= filled.len() {
                return false;
            }
        }
    }
    same * 2 > filled.len()
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
            &["", "城关镇小计", "", "1200", ""],
            &["本页合计：", "", "", "850", ""],
            // A person whose name ends as a total's label does.
            &["王小计", "110101199003074514", "", "", ""],
        ]);
        let h = detect(&t, None).unwrap();
        // Half of the four filled header cells is not enough.
        assert_eq!(non_data(&t[1], &h), None);
        assert_eq!(non_data(&t[2], &h), Some(NonData::RepeatedHeader));
        // The cells that differ may come first.
        assert_eq!(non_data(&t[3], &h), Some(NonData::RepeatedHeader));
        assert_eq!(non_data(&t[4], &h), Some(NonData::Total));
        assert_eq!(non_data(&t[5], &h), None);
        assert_eq!(non_data(&t[6], &h), Some(NonData::Total));
        assert_eq!(non_data(&t[7], &h), Some(NonData::Total));
        assert_eq!(non_data(&t[8], &h), None);
        assert!(is_total("共计") && is_total("全县总计:") && !is_total("统计"));
        assert!(!is_total("2024年城关镇各村低保资金发放情况合计"));
    }

    #[test]
    fn a_footer_of_notes_is_not_data() {
        let t = rows(&[
            &["姓名", "身份证号", "金额", "备注"],
            &["制表人：张三", "", "审核人：", "制表日期：2024年12月31日"],
            &["说明：本表数据截至2024年12月", "", "", ""],
            // A data row with a note-like remark, or a time first, is data.
            &["李四", "x", "1", "备注：已核实"],
            &["10:30", "", "", ""],
        ]);
        let h = detect(&t, None).unwrap();
        assert_eq!(non_data(&t[1], &h), Some(NonData::Note));
        assert_eq!(non_data(&t[2], &h), Some(NonData::Note));
        assert_eq!(non_data(&t[3], &h), None);
        assert_eq!(non_data(&t[4], &h), None);
    }

    #[test]
    fn a_header_on_two_rows_is_one_header() {
        let t = rows(&[
            &["某镇低保家庭花名册", "", "", "", "", "", ""],
            &[
                "序号",
                "户主信息",
                "",
                "保障人数",
                "家庭成员1",
                "",
                "发放情况",
            ],
            &[
                "",
                "姓名",
                "身份证号",
                "",
                "姓名",
                "身份证号",
                "发放金额（元）",
            ],
            &["1", "张三", "x", "2", "李四", "y", "850"],
        ]);
        let h = detect(&t, None).unwrap();
        assert_eq!((h.line(&t), h.data_start), (2, 3));
        assert_eq!(
            h.raw,
            [
                "序号",
                "户主信息姓名",
                "户主信息身份证号",
                "保障人数",
                "家庭成员1姓名",
                "家庭成员1身份证号",
                "发放金额（元）"
            ]
        );
        assert_eq!(h.units[6].as_deref(), Some("元"));
        // Both header rows repeated at a page break are not data.
        assert_eq!(non_data(&t[1], &h), Some(NonData::RepeatedHeader));
        assert_eq!(non_data(&t[2], &h), Some(NonData::RepeatedHeader));
        assert_eq!(non_data(&t[3], &h), None);
    }

    #[test]
    fn a_units_data_or_note_row_beside_a_header_is_no_second_header_row() {
        let units = rows(&[
            &["姓名", "身份证号", "发放金额", "发放月份"],
            &["", "", "元", ""],
            &["张三", "x", "1", "2024-03"],
        ]);
        let h = detect(&units, None).unwrap();
        assert_eq!((h.line(&units), h.data_start), (1, 2));
        assert_eq!(h.raw[2], "发放金额");
        // A data row with blank cells under known headers.
        let data = rows(&[
            &["姓名", "身份证号", "发放金额", "发放月份", "救助类别"],
            &["张三", "x", "", "", "农村低保"],
        ]);
        let h = detect(&data, None).unwrap();
        assert_eq!((h.line(&data), h.data_start), (1, 1));
        // Members' names under their numbered labels are data.
        let named = rows(&[
            &["户主", "身份证号", "家庭成员1", "家庭成员2", "救助类别"],
            &["张三", "x", "李四", "王五", "农村低保"],
        ]);
        let h = detect(&named, None).unwrap();
        assert_eq!((h.line(&named), h.data_start), (1, 1));
        // Months and amounts under single header cells are data: a year or
        // month joins only a label merged across columns.
        let months = rows(&[
            &["姓名", "身份证号", "2024年发放月份", "1月", "2月", "备注"],
            &["张三", "x", "3月", "实发", "450", ""],
        ]);
        let h = detect(&months, None).unwrap();
        assert_eq!((h.line(&months), h.data_start), (1, 1));
        // A note row, its date over a header column without a name.
        let note = rows(&[
            &["填报单位：城关镇", "", "", "填报日期：2024年4月1日", ""],
            &["姓名", "身份证号", "发放金额", "", "救助类别"],
        ]);
        let h = detect(&note, None).unwrap();
        assert_eq!((h.line(&note), h.raw[3].as_str()), (2, ""));
        assert!(is_note("制表人: 张三") && !is_note("金额（单位：元）") && !is_note("备注："));
    }

    #[test]
    fn a_unit_note_above_the_header_is_the_tables_money_unit() {
        let unit = |note: &str| {
            let t = rows(&[&["村级合同台账", note], &["合同编号", "合同金额"]]);
            detect(&t, None).unwrap().money_unit
        };
        assert_eq!(unit("单位：万元"), Some("万元"));
        assert_eq!(unit("（金额单位：元）"), Some("元"));
        assert_eq!(unit("填报单位：城关镇　单位: 万元"), Some("万元"));
        assert_eq!(unit("填报单位：城关镇"), None);
        assert_eq!(unit("单位：元/亩"), None);
        assert_eq!(unit(""), None);
    }
}
