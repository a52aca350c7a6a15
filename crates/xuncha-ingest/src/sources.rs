//! Compact source references for runs over loaded frames.
//!
//! Every row carries `_src` = `file[#sheet]:row`. Export names are long, so
//! it is the widest column of a county (≈ 46 bytes a row: polars keeps a
//! string longer than 12 bytes outside its 16-byte view), and models carry
//! it through their joins and `ARRAY_AGG`s. [`SourceNames::compact`]
//! replaces each value with a token: a fixed-width code for its file, then
//! the row text as it was: 12 bytes or less for rows up to 9 digits, so held
//! in the view.
//!
//! Codes are bytes 0x01–0x1F, which no file name starts with, given in the
//! order of `file:`. Tokens therefore compare, sort, group and join as the
//! references they stand for (`MIN(_src)` picks the same row), and
//! [`SourceNames::expand`] turns them back when findings are assembled.
//! A query may carry `_src` but must not take it apart.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use polars::prelude::*;
use rayon::prelude::*;
use xuncha_schema::SOURCE_COLUMN;

/// The first and the number of code bytes.
const FIRST_CODE: u8 = 0x01;
const CODES: usize = 0x1F;
/// Rows compacted together by one worker: a column is cut into a piece per
/// worker (so that a small county's frames, compacted one at a time, still
/// keep every worker busy), none longer than the most nor, unless the
/// column is, shorter than the least.
const MOST_PIECE_ROWS: usize = 1 << 20;
const LEAST_PIECE_ROWS: usize = 1 << 14;

/// The files of compacted source references, by code.
#[derive(Debug, Clone, Default)]
pub struct SourceNames {
    files: Vec<String>,
    width: usize,
}

impl SourceNames {
    /// Replace the `_src` of every frame by tokens and return their files.
    /// Leaves the frames as they are (and returns no files) when a value is
    /// not `file:row`, or when one `file:` begins another (their tokens
    /// would then not sort as the references do).
    pub fn compact(datasets: &mut BTreeMap<String, DataFrame>) -> Self {
        let names_of: Vec<String> = datasets
            .iter()
            .filter(|(_, df)| source(df).is_some())
            .map(|(name, _)| name.clone())
            .collect();
        // All pieces of all frames at once, so that the workers stay busy.
        let found: Option<Vec<BTreeSet<String>>> = names_of
            .iter()
            .filter_map(|name| source(&datasets[name]))
            .flat_map(pieces)
            .collect::<Vec<_>>()
            .par_iter()
            .map(files_of)
            .collect();
        let Some(names) = found.and_then(|f| Self::of_files(f.into_iter().flatten().collect()))
        else {
            return Self::default();
        };
        let codes: HashMap<&str, String> = names
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.as_str(), names.code(i)))
            .collect();
        // One frame at a time, its references dropped as soon as its tokens
        // replace them: the references and tokens of every frame are never
        // held at once.
        for (done, name) in names_of.iter().enumerate() {
            let df = datasets.get_mut(name).expect("listed above");
            let parts: Option<Vec<StringChunked>> = pieces(source(df).expect("listed above"))
                .par_iter()
                .map(|p| tokens(p, &codes))
                .collect();
            let Some(parts) = parts else {
                for name in &names_of[..done] {
                    let df = datasets.get_mut(name).expect("listed above");
                    let refs: StringChunked = source(df)
                        .expect("compacted above")
                        .iter()
                        .map(|v| v.map(|t| names.expand(t)))
                        .collect();
                    replace_source(df, refs);
                }
                return Self::default();
            };
            let mut column = StringChunked::full_null(SOURCE_COLUMN.into(), 0);
            for part in parts {
                column.append_owned(part).expect("same type");
            }
            replace_source(df, column);
        }
        names
    }

    /// Codes for `files`, in the order of `file:`, which decides the order
    /// of two references; `None` when one `file:` begins another or there
    /// are more files than three code bytes tell apart.
    fn of_files(files: BTreeSet<String>) -> Option<Self> {
        let mut files: Vec<String> = files.into_iter().map(|f| f + ":").collect();
        files.sort_unstable();
        if files.windows(2).any(|w| w[1].starts_with(&w[0])) {
            return None;
        }
        let width = (1..=3).find(|&w| CODES.pow(w as u32) >= files.len())?;
        for f in &mut files {
            f.pop();
        }
        Some(Self { files, width })
    }

    /// True when no frame was compacted.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The reference a token stands for; any other text as it is.
    pub fn expand<'a>(&self, value: &'a str) -> Cow<'a, str> {
        let bytes = value.as_bytes();
        if self.files.is_empty() || bytes.len() < self.width || !is_code(bytes[0]) {
            return Cow::Borrowed(value);
        }
        let code = bytes[..self.width]
            .iter()
            .fold(0, |n, b| n * CODES + usize::from(b - FIRST_CODE));
        match self.files.get(code) {
            Some(file) => Cow::Owned(format!("{file}:{}", &value[self.width..])),
            None => Cow::Borrowed(value),
        }
    }

    /// The code of the file at `index`, `width` bytes, most significant first.
    fn code(&self, mut index: usize) -> String {
        let mut bytes = vec![FIRST_CODE; self.width];
        for b in bytes.iter_mut().rev() {
            *b += (index % CODES) as u8;
            index /= CODES;
        }
        String::from_utf8(bytes).expect("ASCII")
    }
}

/// A frame's `_src`, when it is a string column.
fn source(df: &DataFrame) -> Option<&StringChunked> {
    df.column(SOURCE_COLUMN).ok()?.str().ok()
}

fn replace_source(df: &mut DataFrame, column: StringChunked) {
    df.replace(
        SOURCE_COLUMN,
        column.with_name(SOURCE_COLUMN.into()).into_column(),
    )
    .expect("the frame has the column");
}

fn is_code(b: u8) -> bool {
    (FIRST_CODE..FIRST_CODE + CODES as u8).contains(&b)
}

/// Zero-copy slices of a column for the workers.
fn pieces(ca: &StringChunked) -> Vec<StringChunked> {
    let rows = ca
        .len()
        .div_ceil(rayon::current_num_threads())
        .clamp(LEAST_PIECE_ROWS, MOST_PIECE_ROWS);
    (0..ca.len().div_ceil(rows))
        .map(|i| ca.slice((i * rows) as i64, rows))
        .collect()
}

/// The files a piece refers to, `None` when a value is not `file:row` or
/// is already a token. Rows of one file come together (ingest and the lake
/// stack them file by file), so after each new file the end of its rows is
/// searched for; a file this missed makes [`tokens`] give up, and the
/// frames stay as they are.
fn files_of(piece: &StringChunked) -> Option<BTreeSet<String>> {
    let file_at = |i: usize| {
        piece
            .get(i)
            .and_then(|v| v.rsplit_once(':'))
            .map(|(f, _)| f)
    };
    let mut files = BTreeSet::new();
    let mut i = 0;
    while i < piece.len() {
        if piece.get(i).is_none() {
            i += 1;
            continue;
        }
        let file = file_at(i)?;
        if file.bytes().next().is_none_or(is_code) {
            return None;
        }
        files.insert(file.to_string());
        // Gallop, then bisect, to the first row past `i` of another file.
        let (mut same, mut step) = (i, 1);
        while same + step < piece.len() && file_at(same + step) == Some(file) {
            same += step;
            step *= 2;
        }
        let mut other = (same + step).min(piece.len());
        while other - same > 1 {
            let mid = (same + other) / 2;
            if file_at(mid) == Some(file) {
                same = mid;
            } else {
                other = mid;
            }
        }
        i = other;
    }
    Some(files)
}

/// The tokens of one piece of a `_src` column, given each file's code;
/// `None` when a value names a file without one.
fn tokens(piece: &StringChunked, codes: &HashMap<&str, String>) -> Option<StringChunked> {
    let mut out = StringChunkedBuilder::new(SOURCE_COLUMN.into(), piece.len());
    let mut last: Option<(&str, &str)> = None;
    let mut token = String::new();
    for value in piece.downcast_iter().flat_map(|a| a.iter()) {
        let Some(value) = value else {
            out.append_null();
            continue;
        };
        let (file, row) = value.rsplit_once(':')?;
        let code = match last {
            Some((f, code)) if f == file => code,
            _ => last.insert((file, codes.get(file)?)).1,
        };
        token.clear();
        token.push_str(code);
        token.push_str(row);
        out.append_value(&token);
    }
    Some(out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(sources: &[Option<&str>]) -> DataFrame {
        let n = sources.len() as i32;
        df!(SOURCE_COLUMN => sources, "x" => (0..n).collect::<Vec<_>>()).unwrap()
    }

    fn column(df: &DataFrame) -> Vec<Option<String>> {
        let ca = df.column(SOURCE_COLUMN).unwrap().str().unwrap().clone();
        ca.iter().map(|v| v.map(str::to_string)).collect()
    }

    #[test]
    fn tokens_are_short_sort_as_references_and_expand_back() {
        let a = [
            Some("2024年城乡低保发放明细.csv:10"),
            Some("2024年城乡低保发放明细.csv:9"),
            None,
            Some("低保.xlsx#表1:2"),
            Some("低保.xlsx:3"),
        ];
        let b = [Some("低保.xlsx#表1:100"), Some("a.csv:7")];
        let mut data = BTreeMap::from([("a".to_string(), frame(&a)), ("b".to_string(), frame(&b))]);
        let names = SourceNames::compact(&mut data);
        let refs: Vec<Option<&str>> = a.iter().chain(&b).copied().collect();
        let tokens: Vec<Option<String>> = [column(&data["a"]), column(&data["b"])].concat();
        for (r, t) in refs.iter().zip(&tokens) {
            assert_eq!(t.as_deref().map(|t| names.expand(t)).as_deref(), *r);
            assert!(t.as_ref().is_none_or(|t| t.len() <= 12), "{t:?}");
        }
        for (i, j) in (0..refs.len()).flat_map(|i| (0..refs.len()).map(move |j| (i, j))) {
            assert_eq!(refs[i].cmp(&refs[j]), tokens[i].cmp(&tokens[j]), "{i} {j}");
        }
        assert_eq!(names.expand("别的文字"), "别的文字");
    }

    #[test]
    fn frames_stay_as_they_are_when_a_value_is_not_a_reference() {
        let mut data =
            BTreeMap::from([("a".to_string(), frame(&[Some("a.csv:2"), Some("无行号")]))]);
        let names = SourceNames::compact(&mut data);
        assert_eq!(column(&data["a"])[0].as_deref(), Some("a.csv:2"));
        assert_eq!(names.expand("a.csv:2"), "a.csv:2");
    }

    #[test]
    fn a_file_the_search_skipped_leaves_the_frames_as_they_are() {
        let refs = [
            "a.csv:2", "a.csv:3", "b.csv:2", "a.csv:4", "a.csv:5", "a.csv:6",
        ];
        let mut data = BTreeMap::from([("a".to_string(), frame(&refs.map(Some)))]);
        let names = SourceNames::compact(&mut data);
        assert!(names.is_empty());
        assert_eq!(column(&data["a"])[2].as_deref(), Some("b.csv:2"));
    }

    #[test]
    fn a_frame_that_cannot_be_compacted_leaves_every_frame_as_it_was() {
        let a = ["a.csv:2", "a.csv:3"];
        let b = [
            "b.csv:2", "b.csv:3", "c.csv:2", "b.csv:4", "b.csv:5", "b.csv:6",
        ];
        let mut data = BTreeMap::from([
            ("a".to_string(), frame(&a.map(Some))),
            ("b".to_string(), frame(&b.map(Some))),
        ]);
        let names = SourceNames::compact(&mut data);
        assert!(names.is_empty());
        assert_eq!(column(&data["a"]), a.map(|r| Some(r.to_string())));
        assert_eq!(column(&data["b"]), b.map(|r| Some(r.to_string())));
    }

    #[test]
    fn many_files_get_wider_codes() {
        let refs: Vec<String> = (0..40).map(|i| format!("f{i:02}.csv:{}", 40 - i)).collect();
        let mut data = BTreeMap::from([(
            "a".to_string(),
            frame(&refs.iter().map(|r| Some(r.as_str())).collect::<Vec<_>>()),
        )]);
        let names = SourceNames::compact(&mut data);
        assert_eq!(names.width, 2);
        let tokens = column(&data["a"]);
        assert!(tokens.windows(2).all(|w| w[0] < w[1]));
        for (r, t) in refs.iter().zip(&tokens) {
            assert_eq!(names.expand(t.as_deref().unwrap()), r.as_str());
        }
    }
}
