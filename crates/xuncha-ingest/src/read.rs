//! Readers: turn one export file into raw tables of text cells with the row
//! numbers a user sees, whatever the format or encoding.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use calamine::{
    open_workbook, CellType, Data, DataRef, Range, Reader, ReaderRef, Sheets, Xls, XlsError, Xlsx,
    XlsxError,
};
use csv::StringRecord;
use polars::prelude::*;

use xuncha_schema::DatasetSpec;

use crate::normalize::excel_serial_to_date;
use crate::IngestError;
use crate::{excel_xml, html};

/// One row of text cells and its 1-based row number in the source
/// (the Excel row, or the CSV line where the record starts).
#[derive(Debug, Clone)]
pub struct RawRow {
    pub line: usize,
    /// The cells, held in one buffer (rows are many, cells short).
    pub cells: StringRecord,
}

/// One table as read from a file or sheet, before header detection.
#[derive(Debug, Clone)]
pub struct RawTable {
    /// File path relative to the data folder.
    pub file: String,
    /// Sheet name for workbooks.
    pub sheet: Option<String>,
    pub rows: Vec<RawRow>,
    /// Encoding the text was decoded from, for `data inspect`.
    pub encoding: &'static str,
    /// Why the table is not read (a hidden sheet), if it is not.
    pub skipped: Option<String>,
    /// A Parquet or IPC file's frame: `rows` then hold only the header and a
    /// sample for recognition, and the data rows come from the frame.
    pub typed: Option<DataFrame>,
    /// A delimited file read with a row limit ([`read_file_head`]): its text
    /// after `rows`, parsed batch by batch as the table is normalized.
    pub rest: Option<Unparsed>,
    /// Where a workbook sheet's merged cells are, for rows that show
    /// merges down a column ([`RawTable::fill_merged_below`]).
    pub merges: Option<MergeSource>,
}

/// Where a sheet's merged cells are: an xlsx sheet's are read when needed
/// (its file and name), an xls sheet's come with it; with the column its
/// rows' first cell is.
#[derive(Debug, Clone)]
pub struct MergeSource {
    merges: Merges,
    first_col: u32,
}

#[derive(Debug, Clone)]
enum Merges {
    Xlsx { path: PathBuf, sheet: String },
    Read(Vec<calamine::Dimensions>),
}

impl RawTable {
    /// Give the cells merged down a column below `line` the value of the
    /// merge's first cell, as the sheet shows it (a household's 家庭编号 over
    /// each of its members' rows; a header's own merges are left as read).
    /// The merges are looked at (an xlsx sheet's XML parsed again) only
    /// where a row leaves blank one of its first two cells or of the
    /// `grouping` columns (a household's, a village's), where the first data
    /// row fills it, and fills another, as a household merged over its
    /// members' rows does (or a township over its villages').
    pub fn fill_merged_below(&mut self, line: usize, grouping: &[usize]) {
        let Some(source) = &self.merges else {
            return;
        };
        let blank = |c: Option<&str>| c.is_none_or(|c| c.trim().is_empty());
        let mut data = self.rows.iter().filter(|r| r.line > line);
        let Some(first) = data.next() else {
            return;
        };
        let watched: Vec<usize> = (0..2)
            .chain(grouping.iter().copied())
            .filter(|&i| !blank(first.cells.get(i)))
            .collect();
        let gaps = data.any(|r| {
            watched.iter().any(|&i| blank(r.cells.get(i)))
                && r.cells.iter().any(|c| !c.trim().is_empty())
        });
        if !gaps {
            return;
        }
        let merges = match &source.merges {
            // A book that cannot be opened again is read as it is.
            Merges::Xlsx { path, sheet } => open_workbook::<Xlsx<_>, _>(path)
                .ok()
                .and_then(|mut book| book.merge_cells_by_sheet_name(sheet).ok())
                .unwrap_or_default(),
            Merges::Read(merges) => merges.clone(),
        };
        for (first, last, cell) in merges_down(&merges, source.first_col) {
            if first <= line {
                continue;
            }
            let Some(start) = self.rows.iter().position(|r| r.line == first) else {
                continue;
            };
            let value = self.rows[start]
                .cells
                .get(cell)
                .unwrap_or_default()
                .to_string();
            for row in self.rows[start + 1..]
                .iter_mut()
                .take_while(|r| r.line <= last)
            {
                if blank(row.cells.get(cell)) {
                    let cells = row.cells.iter().enumerate();
                    row.cells = cells
                        .map(|(i, c)| if i == cell { value.as_str() } else { c })
                        .collect();
                }
            }
        }
    }

    /// Parse more rows of a table read with a row limit while `more` says
    /// the rows so far are not enough and text is left.
    pub fn read_while(&mut self, more: impl Fn(&[RawRow]) -> bool) -> Result<(), IngestError> {
        while more(&self.rows) {
            let Some(rest) = self.rest.as_mut() else {
                break;
            };
            let rows = rest.take(READ_ON_ROWS)?;
            if rows.len() < READ_ON_ROWS {
                self.rest = None;
            }
            self.rows.extend(rows);
        }
        Ok(())
    }
}

/// Rows parsed at a time by [`RawTable::read_while`].
const READ_ON_ROWS: usize = 256;

/// The text of a delimited file after the rows parsed so far. Ingest parses
/// only an export's first rows up front (enough to find its header and
/// sample its columns) and the rest in batches while normalizing them, so a
/// large CSV is never held whole as rows of cells (a 1.5 M-row, 108 MB file
/// took ≈ 0.6 GB as rows).
#[derive(Clone)]
pub struct Unparsed {
    text: String,
    /// Byte offset of the next record in `text`.
    byte: usize,
    /// Lines before that record, so that rows keep the lines users see.
    lines_before: usize,
    delimiter: u8,
    display: String,
}

impl std::fmt::Debug for Unparsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unparsed")
            .field("byte", &self.byte)
            .field("bytes_left", &(self.text.len() - self.byte))
            .finish()
    }
}

impl Unparsed {
    /// Parse up to `n` more rows; an empty vector when none are left.
    pub fn take(&mut self, n: usize) -> Result<Vec<RawRow>, IngestError> {
        let mut batches = self.batches(n);
        let rows = batches.next().transpose()?.unwrap_or_default();
        let (byte, lines_before) = batches.position();
        (self.byte, self.lines_before) = (byte, lines_before);
        Ok(rows)
    }

    /// The rows left, `n` at a time, in order.
    pub fn batches(&self, n: usize) -> Batches<'_> {
        let text = &self.text.as_bytes()[self.byte..];
        Batches {
            reader: csv_reader(self.delimiter, text),
            text,
            start: (self.byte, self.lines_before),
            n,
            display: &self.display,
            done: false,
        }
    }

    /// How many rows are left, counted without keeping them.
    pub fn count(&self) -> usize {
        let mut reader = csv_reader(self.delimiter, &self.text.as_bytes()[self.byte..]);
        let mut record = csv::ByteRecord::new();
        let mut n = 0;
        while reader.read_byte_record(&mut record).unwrap_or(false) {
            n += 1;
        }
        n
    }
}

/// The rows of an [`Unparsed`] text in batches (see [`Unparsed::batches`]).
pub struct Batches<'a> {
    reader: csv::Reader<&'a [u8]>,
    text: &'a [u8],
    /// Byte offset and lines before where the reader started.
    start: (usize, usize),
    n: usize,
    display: &'a str,
    done: bool,
}

impl Batches<'_> {
    /// Byte offset and lines before the next record not yet parsed.
    fn position(&self) -> (usize, usize) {
        let p = self.reader.position();
        (
            self.start.0 + p.byte() as usize,
            self.start.1 + p.line() as usize - 1,
        )
    }
}

impl Batches<'_> {
    /// The next batch, parsed into the rows of `spare` (a batch already
    /// used): their cell buffers are read into again rather than allocated
    /// for each row.
    pub fn next_into(&mut self, spare: Vec<RawRow>) -> Option<Result<Vec<RawRow>, IngestError>> {
        if self.done {
            return None;
        }
        let rows = parse_records(
            &mut self.reader,
            self.text,
            (self.start.1, self.n),
            self.display,
            spare,
        );
        self.done = rows.as_ref().map_or(true, |r| r.len() < self.n);
        match rows {
            Ok(r) if r.is_empty() => None,
            other => Some(other),
        }
    }
}

impl Iterator for Batches<'_> {
    type Item = Result<Vec<RawRow>, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_into(Vec::new())
    }
}

/// A CSV reader as every export is read: no header row (the header is
/// found later), rows of any length.
fn csv_reader(delimiter: u8, text: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text)
}

/// Parse up to `limit` records of `text`, each numbered by the line it
/// starts on (`lines_before` the first line of `text`), into the rows of
/// `rows` first (their buffers reused), then into new ones.
fn parse_records(
    reader: &mut csv::Reader<&[u8]>,
    text: &[u8],
    (lines_before, limit): (usize, usize),
    display: &str,
    mut rows: Vec<RawRow>,
) -> Result<Vec<RawRow>, IngestError> {
    let mut filled = 0;
    while filled < limit {
        if filled == rows.len() {
            // Sized as the row before, so that its buffers need not grow.
            let cells = rows.last().map_or_else(StringRecord::new, |r| {
                StringRecord::with_capacity(
                    r.cells.as_byte_record().as_slice().len(),
                    r.cells.len(),
                )
            });
            rows.push(RawRow { line: 0, cells });
        }
        let row = &mut rows[filled];
        let read = reader
            .read_record(&mut row.cells)
            .map_err(|e| IngestError::file(display, format!("CSV 解析失败：{e}")))?;
        if !read {
            break;
        }
        let line = row.cells.position().map_or(filled + 1, |p| {
            // The csv crate skips empty lines but places the record after
            // them on the first one.
            let empty = text[p.byte() as usize..]
                .iter()
                .take_while(|b| matches!(b, b'\n' | b'\r'))
                .filter(|b| **b == b'\n')
                .count();
            p.line() as usize + empty
        });
        row.line = lines_before + line;
        filled += 1;
    }
    rows.truncate(filled);
    Ok(rows)
}

/// Text encodings a CSV may be forced to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Gb18030,
}

impl Encoding {
    /// Parse a catalog name (`utf-8`, `gbk`, `gb2312`, `gb18030`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "utf8" | "utf8bom" => Some(Self::Utf8),
            "gbk" | "gb2312" | "gb18030" | "cp936" => Some(Self::Gb18030),
            _ => None,
        }
    }
}

/// File formats xuncha reads, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Tsv,
    Workbook,
    Parquet,
    Ipc,
}

/// A path's extension in lower case; empty when it has none.
pub(crate) fn extension(path: &Path) -> String {
    let ext = path.extension().and_then(|e| e.to_str());
    ext.unwrap_or_default().to_ascii_lowercase()
}

impl Format {
    /// Format of a path by its extension; `None` for files that are not exports.
    pub fn of(path: &Path) -> Option<Self> {
        match extension(path).as_str() {
            "csv" | "txt" => Some(Self::Csv),
            "tsv" => Some(Self::Tsv),
            // WPS 表格 saves `.et` (and templates `.ett`) as legacy workbooks;
            // Excel's "XML 电子表格 2003" is `.xml`; a web page of a table is
            // read as the sheet Excel makes of it.
            "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" | "et" | "ett" | "xml" | "htm" | "html" => {
                Some(Self::Workbook)
            }
            "parquet" => Some(Self::Parquet),
            "arrow" | "ipc" | "feather" => Some(Self::Ipc),
            _ => None,
        }
    }
}

/// Read every table in a file. A reader that panics on a corrupt file
/// (a bug in a parsing library) fails this file only.
pub fn read_file(
    path: &Path,
    display: &str,
    encoding: Option<Encoding>,
) -> Result<Vec<RawTable>, IngestError> {
    read_file_head(path, display, encoding, usize::MAX)
}

/// [`read_file`], parsing at most `head` rows of a CSV or TSV: the text
/// after them is kept in the table's `rest`.
pub fn read_file_head(
    path: &Path,
    display: &str,
    encoding: Option<Encoding>,
    head: usize,
) -> Result<Vec<RawTable>, IngestError> {
    std::panic::catch_unwind(|| read_file_unguarded(path, display, encoding, head)).unwrap_or_else(
        |_| {
            Err(IngestError::file(
                display,
                "文件已损坏，读取时出错；请从业务系统重新导出",
            ))
        },
    )
}

fn read_file_unguarded(
    path: &Path,
    display: &str,
    encoding: Option<Encoding>,
    head: usize,
) -> Result<Vec<RawTable>, IngestError> {
    let format = Format::of(path).ok_or_else(|| IngestError::file(display, "不支持的文件格式"))?;
    match format {
        Format::Csv | Format::Tsv => {
            let bytes = std::fs::read(path).map_err(|e| IngestError::unreadable(display, e))?;
            Ok(vec![read_delimited(
                bytes,
                display,
                encoding,
                format == Format::Tsv,
                head,
            )?])
        }
        Format::Workbook => {
            let start = file_start(path, display)?;
            match read_text_workbook(path, &start, display, encoding, head)? {
                Some(tables) => Ok(tables),
                None => read_workbook(path, &start, display),
            }
        }
        Format::Parquet | Format::Ipc => read_columnar(path, display, format),
    }
}

/// Decode bytes: UTF-16 when it starts with its byte order mark (Excel's
/// 另存为 Unicode 文本), UTF-8 (BOM stripped) when valid, otherwise GB18030
/// (a superset of GBK). A file pasted together from both (some lines valid
/// UTF-8, others not) is decoded line by line.
/// UTF-8 text keeps the buffer it was read into.
pub fn decode(mut bytes: Vec<u8>, forced: Option<Encoding>) -> (String, &'static str) {
    if let Some((utf16, label)) = utf16(&bytes) {
        return (utf16.decode_with_bom_removal(&bytes).0.into_owned(), label);
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    let gb = |b: &[u8]| encoding_rs::GB18030.decode(b).0.into_owned();
    let bytes = match (forced, String::from_utf8(bytes)) {
        (Some(Encoding::Gb18030), Ok(text)) => return (gb(text.as_bytes()), "GB18030"),
        (_, Ok(text)) => return (text, "UTF-8"),
        (Some(Encoding::Utf8), Err(e)) => {
            return (String::from_utf8_lossy(e.as_bytes()).into_owned(), "UTF-8")
        }
        (Some(Encoding::Gb18030), Err(e)) => return (gb(e.as_bytes()), "GB18030"),
        (None, Err(e)) => e.into_bytes(),
    };
    let lines = || bytes.split_inclusive(|b| *b == b'\n');
    // Lines of multi-byte text that are valid UTF-8 say the file mixes encodings.
    let utf8_text = lines().any(|l| !l.is_ascii() && std::str::from_utf8(l).is_ok());
    if !utf8_text {
        return (gb(&bytes), "GB18030");
    }
    let text = lines()
        .map(|l| match std::str::from_utf8(l) {
            Ok(t) => t.to_string(),
            Err(_) => gb(l),
        })
        .collect();
    (text, "UTF-8+GB18030")
}

/// Parse CSV or TSV text, at most `head` rows (the text after them is the
/// table's `rest`); the delimiter of a `.csv` is sniffed from the first lines.
pub fn read_delimited(
    mut bytes: Vec<u8>,
    display: &str,
    encoding: Option<Encoding>,
    tsv: bool,
    head: usize,
) -> Result<RawTable, IngestError> {
    // UTF-16 text is made UTF-8 first, its CR and LF bytes then single.
    if utf16(&bytes).is_some() {
        let (text, label) = decode(bytes, encoding);
        let utf8 = Some(Encoding::Utf8);
        let mut table = read_delimited(text.into_bytes(), display, utf8, tsv, head)?;
        table.encoding = label;
        return Ok(table);
    }
    // The csv crate reports the line of a record after CRLF terminators one
    // too low; with LF only, record positions are the lines users see. A CR
    // or LF byte is never part of a multi-byte GBK or UTF-8 character, so
    // this is done on the bytes, in place.
    if memchr::memmem::find(&bytes, b"\r\n").is_some() {
        bytes.dedup_by(|next, cr| {
            *cr == b'\r' && *next == b'\n' && {
                *cr = b'\n';
                true
            }
        });
    }
    let (text, encoding) = decode(bytes, encoding);
    let delimiter = if tsv { b'\t' } else { sniff_delimiter(&text) };
    let mut rest = Unparsed {
        text,
        byte: 0,
        lines_before: 0,
        delimiter,
        display: display.to_string(),
    };
    let rows = rest.take(head)?;
    let rest = (rows.len() == head && rest.byte < rest.text.len()).then_some(rest);
    Ok(RawTable {
        file: display.to_string(),
        sheet: None,
        rows,
        encoding,
        skipped: None,
        typed: None,
        rest,
        merges: None,
    })
}

fn sniff_delimiter(text: &str) -> u8 {
    let head: String = text.lines().take(20).collect::<Vec<_>>().join("\n");
    let count = |c: char| head.matches(c).count();
    [
        (b',', count(',')),
        (b'\t', count('\t')),
        (b';', count(';')),
        (b'|', count('|')),
    ]
    .into_iter()
    .max_by_key(|(_, n)| *n)
    .filter(|(_, n)| *n > 0)
    .map_or(b',', |(d, _)| d)
}

/// Text of a workbook cell. Integral numbers lose their `.0`; dates become ISO dates.
pub(crate) fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Exact: an integral double below 1e15 is an `i64` (−0 becomes 0).
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => (*f as i64).to_string(),
        // More than 15 digits: a spreadsheet keeps 15, so the number's
        // last digits (an ID or account typed as a number) are lost. Written
        // as the spreadsheet shows it, which ID and code columns refuse.
        Data::Float(f) if f.fract() == 0.0 => format!("{f:E}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => excel_serial_to_date(dt.as_f64())
            .map_or_else(|| dt.as_f64().to_string(), |d| d.to_string()),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The rows of a sheet's used range, numbered as in the sheet, each cell
/// written into its row by `push`.
fn range_rows<T: CellType>(range: &Range<T>, push: impl Fn(&mut StringRecord, &T)) -> Vec<RawRow> {
    let Some((row0, _)) = range.start() else {
        return Vec::new();
    };
    range
        .rows()
        .enumerate()
        .map(|(i, r)| {
            let mut cells = StringRecord::with_capacity(64, r.len());
            for cell in r {
                push(&mut cells, cell);
            }
            RawRow {
                line: row0 as usize + i + 1,
                cells,
            }
        })
        .collect()
}

/// Write a workbook cell lent by calamine into a row.
fn push_ref(record: &mut StringRecord, cell: &DataRef<'_>) {
    match cell {
        DataRef::SharedString(s) => record.push_field(s),
        DataRef::String(s) => record.push_field(s),
        other => record.push_field(&cell_text(&Data::from(other.clone()))),
    }
}

/// The rows of an xlsx sheet as [`range_rows`] gives them for its used
/// range, built while calamine reads the cells, so that no sheet-sized
/// range of cells is held beside them. `None` when the cells do not come
/// row by row and left to right (the sheet is then read as a range).
fn xlsx_rows<RS: std::io::Read + std::io::Seek>(
    book: &mut Xlsx<RS>,
    sheet: &str,
) -> Result<Option<(Vec<RawRow>, u32)>, XlsxError> {
    let mut cells = match book.worksheet_cells_reader(sheet) {
        Ok(cells) => cells,
        // A chart sheet: no cells, as `worksheet_range_ref` gives it.
        Err(XlsxError::NotAWorksheet(_)) => return Ok(Some((Vec::new(), 0))),
        Err(e) => return Err(e),
    };
    // Each row's cells by absolute column, from column A, written into one
    // record and cloned (a clone holds exactly its cells). A row is padded
    // as it is kept to the rightmost column so far (a sheet's declared
    // dimension may be its whole grid); the few rows kept before the used
    // range's last column was seen, and every row when it does not start
    // at column A, are cut and padded to the used range at the end.
    let mut rows: Vec<RawRow> = Vec::new();
    let mut record = StringRecord::new();
    let keep = |rows: &mut Vec<RawRow>, record: &mut StringRecord, row: u32, width: u32| {
        pad(record, width as usize);
        rows.push(RawRow {
            line: row as usize + 1,
            cells: record.clone(),
        });
        record.clear();
    };
    let mut last: Option<(u32, u32)> = None;
    let (mut first_col, mut last_col) = (u32::MAX, 0);
    while let Some(cell) = cells.next_cell()? {
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let (row, col) = cell.get_position();
        if let Some((last_row, last_in_row)) = last {
            if row < last_row || (row == last_row && col <= last_in_row) {
                return Ok(None);
            }
            if row > last_row {
                keep(&mut rows, &mut record, last_row, last_col + 1);
                // Rows without a cell inside the used range are blank rows.
                for blank in last_row + 1..row {
                    keep(&mut rows, &mut record, blank, last_col + 1);
                }
            }
        }
        pad(&mut record, col as usize);
        push_ref(&mut record, cell.get_value());
        (first_col, last_col) = (first_col.min(col), last_col.max(col));
        last = Some((row, col));
    }
    let Some((last_row, _)) = last else {
        return Ok(Some((Vec::new(), 0)));
    };
    keep(&mut rows, &mut record, last_row, last_col + 1);
    let (first, end) = (first_col as usize, last_col as usize + 1);
    // No row is wider than the used range: each was padded to at most it.
    for row in &mut rows {
        if first > 0 || row.cells.len() < end {
            let mut cells: StringRecord = row.cells.iter().skip(first).collect();
            pad(&mut cells, end - first);
            row.cells = cells;
        }
    }
    Ok(Some((rows, first_col)))
}

/// The merges of a sheet that run down more than one row, as (first line,
/// last line, cell index) of rows whose cells start at column `first_col`:
/// the first column of each (a merge across columns holds its value there).
fn merges_down(merges: &[calamine::Dimensions], first_col: u32) -> Vec<(usize, usize, usize)> {
    (merges.iter())
        .filter(|d| d.end.0 > d.start.0 && d.start.1 >= first_col)
        .map(|d| {
            let (first, last) = (d.start.0 as usize + 1, d.end.0 as usize + 1);
            (first, last, (d.start.1 - first_col) as usize)
        })
        .collect()
}

/// Add empty cells to a row until it has `width`.
fn pad(record: &mut StringRecord, width: usize) {
    while record.len() < width {
        record.push_field("");
    }
}

/// First bytes of an OLE compound file: legacy `.xls`, and the container
/// Excel writes for a password-protected `.xlsx`.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Read every non-empty visible sheet of a workbook whose file starts with
/// `start`; hidden sheets are listed as skipped.
pub fn read_workbook(
    path: &Path,
    start: &[u8],
    display: &str,
) -> Result<Vec<RawTable>, IngestError> {
    let mut book = open_book(path, start, display)?;
    let kind = match &book {
        Sheets::Xls(_) => "XLS（Excel 97-2003 或 WPS）",
        Sheets::Xlsx(_) => "XLSX",
        Sheets::Xlsb(_) => "XLSB",
        Sheets::Ods(_) => "ODS",
    };
    let mut tables = Vec::new();
    let hidden: Vec<String> = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.visible != calamine::SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect();
    for sheet in book.sheet_names().to_owned() {
        if hidden.contains(&sheet) {
            tables.extend(sheet_table(display, sheet, Default::default(), true, kind));
            continue;
        }
        let unreadable = |e: calamine::Error| {
            IngestError::file(display, format!("无法读取工作表“{sheet}”：{e}"))
        };
        // An xlsx sheet's rows are built as its cells are read; xlsx and
        // xlsb lend their shared strings instead of copying each.
        let mut merges = None;
        let in_order = match &mut book {
            Sheets::Xlsx(xlsx) => {
                let read =
                    xlsx_rows(xlsx, &sheet).map_err(|e| unreadable(calamine::Error::Xlsx(e)))?;
                read.map(|(rows, first_col)| {
                    let (path, sheet) = (path.to_path_buf(), sheet.clone());
                    merges = Some(MergeSource {
                        merges: Merges::Xlsx { path, sheet },
                        first_col,
                    });
                    rows
                })
            }
            _ => None,
        };
        let rows = match (in_order, &book) {
            (Some(rows), _) => rows,
            (None, Sheets::Xlsx(_) | Sheets::Xlsb(_)) => {
                let range = book.worksheet_range_ref(&sheet).map_err(unreadable)?;
                range_rows(&range, push_ref)
            }
            (None, _) => {
                let range = book.worksheet_range(&sheet).map_err(unreadable)?;
                // An xls sheet's merges are read with it.
                if let Sheets::Xls(xls) = &book {
                    merges = xls
                        .merge_cells_by_sheet_name(&sheet)
                        .ok()
                        .map(|m| MergeSource {
                            merges: Merges::Read(m),
                            first_col: range.start().map_or(0, |(_, c)| c),
                        });
                }
                range_rows(&range, |record, cell| record.push_field(&cell_text(cell)))
            }
        };
        tables.extend(sheet_table(display, sheet, (rows, merges), false, kind));
    }
    Ok(tables)
}

/// A sheet's table: listed as skipped when hidden, none when it holds no
/// text.
fn sheet_table(
    display: &str,
    sheet: String,
    (rows, merges): (Vec<RawRow>, Option<MergeSource>),
    hidden: bool,
    encoding: &'static str,
) -> Option<RawTable> {
    let filled = rows
        .iter()
        .any(|r| r.cells.iter().any(|c| !c.trim().is_empty()));
    (hidden || filled).then(|| RawTable {
        file: display.to_string(),
        sheet: Some(sheet),
        rows: if hidden { Vec::new() } else { rows },
        encoding,
        skipped: hidden.then(|| {
            "隐藏的工作表，未读取（如需使用请取消隐藏或在 catalog.toml 中另行整理）".into()
        }),
        typed: None,
        rest: None,
        merges,
    })
}

/// Open a workbook by what the file holds, not by its name: an OLE file
/// as a legacy workbook (`.xls`, and WPS's `.et`, which is one), a zip as
/// xlsx, xlsb or ods (the one the extension names tried first). A
/// workbook saved under another's extension (an `.xls` that is an xlsx)
/// or with the extension in capitals is read all the same. `start` holds
/// the file's first bytes.
fn open_book(
    path: &Path,
    start: &[u8],
    display: &str,
) -> Result<Sheets<BufReader<File>>, IngestError> {
    let ext = extension(path);
    let cannot = |why: String| {
        IngestError::file(
            display,
            format!("无法打开工作簿（文件损坏或不是工作簿）：{why}"),
        )
    };
    let password = || {
        IngestError::file(
            display,
            "工作簿设置了打开密码（已加密），无法读取；请在 Excel/WPS 中取消密码后另存为 xlsx 再导入",
        )
    };
    if start.starts_with(&OLE_MAGIC) {
        return match open_workbook::<Xls<_>, _>(path) {
            Ok(book) => Ok(Sheets::Xls(book)),
            Err(XlsError::Password) => Err(password()),
            // Excel writes an encrypted xlsx into an OLE container.
            Err(_) if ext.starts_with("xlsx") || ext == "xlsm" => Err(password()),
            Err(e) => Err(cannot(e.to_string())),
        };
    }
    if !start.starts_with(b"PK") {
        return Err(cannot("不是 Excel/WPS 工作簿".into()));
    }
    let xlsx = |p: &Path| {
        open_workbook(p)
            .map(Sheets::Xlsx)
            .map_err(calamine::Error::Xlsx)
    };
    let xlsb = |p: &Path| {
        open_workbook(p)
            .map(Sheets::Xlsb)
            .map_err(calamine::Error::Xlsb)
    };
    let ods = |p: &Path| {
        open_workbook(p)
            .map(Sheets::Ods)
            .map_err(calamine::Error::Ods)
    };
    type Open = dyn Fn(&Path) -> Result<Sheets<BufReader<File>>, calamine::Error>;
    let order: [&Open; 3] = match ext.as_str() {
        "xlsb" => [&xlsb, &xlsx, &ods],
        "ods" => [&ods, &xlsx, &xlsb],
        _ => [&xlsx, &xlsb, &ods],
    };
    let first = order[0](path);
    first.or_else(|named| {
        order[1..]
            .iter()
            .find_map(|open| open(path).ok())
            .ok_or_else(|| cannot(named.to_string()))
    })
}

/// The UTF-16 encoding of a text: the one whose byte order mark it starts
/// with, or, without a mark, the one its first 4 KB read as: the zero bytes
/// of its ASCII (digits, separators, line ends) all on one side of their
/// pairs, one pair in ten at least. Text in another encoding has no zero
/// byte, and other binary data zeros on both sides.
fn utf16(bytes: &[u8]) -> Option<(&'static encoding_rs::Encoding, &'static str)> {
    const LE: (&encoding_rs::Encoding, &str) = (encoding_rs::UTF_16LE, "UTF-16LE");
    const BE: (&encoding_rs::Encoding, &str) = (encoding_rs::UTF_16BE, "UTF-16BE");
    match bytes {
        [0xFF, 0xFE, ..] => return Some(LE),
        [0xFE, 0xFF, ..] => return Some(BE),
        _ => {}
    }
    let start = &bytes[..bytes.len().min(4096)];
    let pairs = start.len() / 2;
    let (mut first, mut second) = (0, 0);
    for pair in start.chunks_exact(2) {
        first += usize::from(pair[0] == 0);
        second += usize::from(pair[1] == 0);
    }
    match (first, second) {
        _ if pairs < 8 => None,
        (0, zeros) if zeros * 10 >= pairs => Some(LE),
        (zeros, 0) if zeros * 10 >= pairs => Some(BE),
        _ => None,
    }
}

/// The first 4 KB of a file (all of a shorter one).
fn file_start(path: &Path, display: &str) -> Result<Vec<u8>, IngestError> {
    let unreadable = |e: std::io::Error| IngestError::unreadable(display, e);
    let mut start = Vec::with_capacity(4096);
    File::open(path)
        .map_err(unreadable)?
        .take(4096)
        .read_to_end(&mut start)
        .map_err(unreadable)?;
    Ok(start)
}

/// A workbook that is really text, as many systems' 导出Excel writes it: a
/// web page holding a table, read as the one sheet Excel shows of it, an
/// Excel 2003 XML workbook, read sheet by sheet, or an `.xls` of tab- or
/// comma-separated text, read as a CSV. `None` for a real workbook (an OLE
/// or zip file) or other text. `start` holds the file's first bytes.
fn read_text_workbook(
    path: &Path,
    start: &[u8],
    display: &str,
    encoding: Option<Encoding>,
    head_rows: usize,
) -> Result<Option<Vec<RawTable>>, IngestError> {
    let binary = start.contains(&0) && utf16(start).is_none();
    if start.starts_with(&OLE_MAGIC) || start.starts_with(b"PK") || binary {
        return Ok(None);
    }
    // The start decoded as the whole file will be (UTF-16 or 8-bit).
    let text = decode(start.to_vec(), None).0;
    let page = html::is_html_table(&text);
    let spreadsheet = excel_xml::is_excel_xml(&text);
    if !page && !spreadsheet && extension(path) != "xls" {
        return Ok(None);
    }
    let bytes = std::fs::read(path).map_err(|e| IngestError::unreadable(display, e))?;
    if !page && !spreadsheet {
        return read_delimited(bytes, display, encoding, false, head_rows).map(|t| Some(vec![t]));
    }
    let (text, encoding) = decode(bytes, encoding);
    if spreadsheet {
        let sheets = excel_xml::sheets(&text).map_err(|e| {
            IngestError::file(
                display,
                format!(
                    "Excel 2003 XML 表格无法解析（{e}）；请在 Excel/WPS 中另存为 .xlsx 后再导入"
                ),
            )
        })?;
        let tables = sheets.into_iter().filter_map(|s| {
            sheet_table(display, s.name, (s.rows, None), s.hidden, "Excel 2003 XML")
        });
        return Ok(Some(tables.collect()));
    }
    Ok(Some(vec![RawTable {
        file: display.to_string(),
        sheet: None,
        rows: html::rows(&text),
        encoding: match encoding {
            "UTF-8" => "HTML 网页，UTF-8",
            "GB18030" => "HTML 网页，GB18030",
            "UTF-16LE" => "HTML 网页，UTF-16LE",
            "UTF-16BE" => "HTML 网页，UTF-16BE",
            _ => "HTML 网页，UTF-8+GB18030",
        },
        skipped: None,
        typed: None,
        rest: None,
        merges: None,
    }]))
}

/// Read Parquet or Arrow IPC; the column names become the header row (row 1).
pub fn read_columnar(
    path: &Path,
    display: &str,
    format: Format,
) -> Result<Vec<RawTable>, IngestError> {
    let fail = |e: PolarsError| IngestError::unreadable(display, e);
    let file = File::open(path).map_err(|e| IngestError::unreadable(display, e))?;
    let df = match format {
        Format::Parquet => ParquetReader::new(file).finish().map_err(fail)?,
        _ => IpcReader::new(file).finish().map_err(fail)?,
    };
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let mut rows = vec![RawRow {
        line: 1,
        cells: StringRecord::from(names),
    }];
    let sample = df.head(Some(crate::evidence::SAMPLE_ROWS));
    rows.extend(frame_rows(&sample));
    Ok(vec![RawTable {
        file: display.to_string(),
        sheet: None,
        rows,
        encoding: "columnar",
        skipped: None,
        typed: Some(df),
        rest: None,
        merges: None,
    }])
}

/// A canonical lake file's frame, reading only `columns` (`None`: all), if
/// the file holds exactly the columns of `schema` with their types; `None`
/// otherwise (or if it cannot be read), and the file is read as an export.
pub fn read_lake(
    path: &Path,
    format: Format,
    spec: &DatasetSpec,
    columns: Option<Vec<PlSmallStr>>,
) -> Option<DataFrame> {
    let schema = spec.schema();
    let file = File::open(path).ok()?;
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let (absent, mut frame) = match format {
            Format::Parquet => {
                let mut reader = ParquetReader::new(file);
                let file_schema = reader.schema().ok()?;
                let absent = absent_derived(file_schema.iter_names(), (spec, &schema))?;
                let names = held(columns.as_deref(), &absent);
                (absent, reader.with_columns(names).finish().ok()?)
            }
            _ => {
                let mut reader = IpcReader::new(file);
                let file_schema = reader.schema().ok()?;
                let absent = absent_derived(file_schema.iter_names(), (spec, &schema))?;
                let names = held(columns.as_deref(), &absent);
                (absent, reader.with_columns(names).finish().ok()?)
            }
        };
        let wanted = |name: &PlSmallStr| columns.as_ref().is_none_or(|c| c.contains(name));
        if absent.is_empty() {
            return Some(frame);
        }
        for name in absent.iter().filter(|n| wanted(n)) {
            let dtype = schema.get(name)?;
            let empty = Column::full_null(name.clone(), frame.height(), dtype);
            frame.with_column(empty).ok()?;
        }
        // In the schema's order, as a lake written with them holds them.
        let order = schema.iter_names().filter(|n| wanted(n)).cloned();
        frame.select(order.collect::<Vec<_>>()).ok()
    }));
    let frame = read.ok()??;
    frame
        .columns()
        .iter()
        .all(|c| schema.get(c.name()) == Some(c.dtype()))
        .then_some(frame)
}

/// The derived columns of `spec` ([`xuncha_schema::ColumnSpec::derived`]) a
/// lake file lacks, which a lake written before they were added does: they
/// are read as empty. `None` unless the file's other column names are
/// exactly the dataset's `schema` ([`DatasetSpec::schema`]).
pub(crate) fn absent_derived<'a>(
    names: impl Iterator<Item = &'a PlSmallStr>,
    (spec, schema): (&DatasetSpec, &Schema),
) -> Option<Vec<PlSmallStr>> {
    let names: Vec<&PlSmallStr> = names.collect();
    let absent: Vec<PlSmallStr> = (spec.columns.iter())
        .filter(|c| c.derived && !names.iter().any(|n| n.as_str() == c.name))
        .map(|c| c.name.into())
        .collect();
    (names.len() + absent.len() == schema.len() && names.iter().all(|n| schema.contains(n)))
        .then_some(absent)
}

/// The columns to read from a file: those wanted it holds (all it holds when
/// every column is wanted).
fn held(columns: Option<&[PlSmallStr]>, absent: &[PlSmallStr]) -> Option<Vec<String>> {
    let columns = columns?.iter().filter(|c| !absent.contains(c));
    Some(columns.map(|c| c.to_string()).collect())
}

/// The rows of a frame as text cells, numbered as below a header in row 1.
pub fn frame_rows(df: &DataFrame) -> Vec<RawRow> {
    let columns: Vec<StringChunked> = df
        .columns()
        .iter()
        .map(|c| {
            c.cast(&DataType::String)
                .and_then(|s| s.str().cloned())
                .unwrap_or_else(|_| StringChunked::full_null(c.name().clone(), df.height()))
        })
        .collect();
    (0..df.height())
        .map(|i| RawRow {
            line: i + 2,
            cells: columns.iter().map(|c| c.get(i).unwrap_or("")).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integral_numbers_in_cells_are_written_without_a_fraction() {
        let text = |f: f64| cell_text(&Data::Float(f));
        // A 15-digit ID typed as a number, exact as an integer.
        assert_eq!(text(411102500101001.0), "411102500101001");
        assert_eq!(text(999_999_999_999_999.0), "999999999999999");
        assert_eq!(text(-1200.0), "-1200");
        assert_eq!(text(-0.0), "0");
        assert_eq!(text(1200.5), "1200.5");
        // An 18-digit ID typed as a number keeps 15 digits: shown as such.
        assert_eq!(text(411122198001010000.0), "4.1112219800101E17");
        assert_eq!(text(6228480000000001.0), "6.228480000000001E15");
    }

    #[test]
    fn a_file_mixing_utf8_and_gbk_lines_is_decoded_line_by_line() {
        let mut bytes = "姓名,金额\n张三,1\n".as_bytes().to_vec();
        bytes.extend_from_slice(&encoding_rs::GBK.encode("李四,2\n").0);
        let (text, encoding) = decode(bytes, None);
        assert_eq!(text, "姓名,金额\n张三,1\n李四,2\n");
        assert_eq!(encoding, "UTF-8+GB18030");
    }

    #[test]
    fn utf16_text_with_its_byte_order_mark_is_decoded() {
        // As Excel saves 另存为 Unicode 文本: UTF-16LE, tabs, CRLF.
        let text = "姓名\t金额\r\n张三\t1\r\n李四\t2\r\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let table = read_delimited(le, "x.txt", None, false, usize::MAX).unwrap();
        assert_eq!(table.encoding, "UTF-16LE");
        assert_eq!(table.rows[1].cells, vec!["张三", "1"]);
        assert_eq!(table.rows[2].line, 3);
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(be, None), (text.to_string(), "UTF-16BE"));
    }

    #[test]
    fn utf16_text_without_its_byte_order_mark_is_told_by_its_zero_bytes() {
        let text = "姓名\t身份证号\t金额\r\n张三\t411122195001010015\t1\r\n";
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let table = read_delimited(be, "x.csv", None, false, usize::MAX).unwrap();
        assert_eq!(table.encoding, "UTF-16BE");
        assert_eq!(table.rows[1].cells, vec!["张三", "411122195001010015", "1"]);
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(le, None), (text.to_string(), "UTF-16LE"));
        // Text without zero bytes, and zeros on both sides, are no UTF-16.
        let gbk = encoding_rs::GBK.encode(text).0.into_owned();
        assert_eq!(decode(gbk, None), (text.to_string(), "GB18030"));
        assert!(utf16(&[0, 1, 2, 0].repeat(8)).is_none());
    }

    #[test]
    fn gbk_bytes_are_detected_and_decoded() {
        let (gbk, _, _) = encoding_rs::GBK.encode("姓名,身份证号\n张三,'110105194912310021\n");
        let table = read_delimited(gbk.into_owned(), "x.csv", None, false, usize::MAX).unwrap();
        assert_eq!(table.encoding, "GB18030");
        assert_eq!(table.rows[0].cells, vec!["姓名", "身份证号"]);
        assert_eq!(&table.rows[1].cells[0], "张三");
        assert_eq!(table.rows[1].line, 2);
    }

    #[test]
    fn utf8_bom_is_stripped_and_tabs_sniffed() {
        let table = read_delimited(
            "\u{FEFF}姓名\t金额\n李四\t1,000\n".into(),
            "x.csv",
            None,
            false,
            usize::MAX,
        )
        .unwrap();
        assert_eq!(table.encoding, "UTF-8");
        assert_eq!(table.rows[0].cells, vec!["姓名", "金额"]);
        assert_eq!(&table.rows[1].cells[1], "1,000");
    }

    #[test]
    fn crlf_files_report_the_lines_users_see() {
        let table = read_delimited(
            b"a,b\r\nx,1\r\ny,2\r\n".into(),
            "x.csv",
            None,
            false,
            usize::MAX,
        )
        .unwrap();
        assert_eq!(
            table.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
    }

    #[test]
    fn rows_parsed_in_batches_are_the_rows_parsed_at_once() {
        let text = "标题\r\n姓名,备注,金额\r\n张三,\"两行\r\n备注\",1\r\n\r\n李四,,2\r\n\"王\n五\",\"x\",3\n赵六,,4";
        let whole = read_delimited(text.into(), "x.csv", None, false, usize::MAX).unwrap();
        assert!(whole.rest.is_none());
        let lines = |rows: &[RawRow]| -> Vec<(usize, Vec<String>)> {
            rows.iter()
                .map(|r| (r.line, r.cells.iter().map(str::to_string).collect()))
                .collect()
        };
        for head in 0..=whole.rows.len() {
            for n in 1..=3 {
                let mut table = read_delimited(text.into(), "x.csv", None, false, head).unwrap();
                assert_eq!(table.rows.len(), head);
                let mut rows = table.rows.clone();
                if let Some(rest) = table.rest.as_mut() {
                    rows.extend(rest.take(1).unwrap());
                    assert_eq!(rest.count(), whole.rows.len() - rows.len());
                    for batch in rest.batches(n) {
                        let batch = batch.unwrap();
                        assert!(!batch.is_empty() && batch.len() <= n);
                        rows.extend(batch);
                    }
                }
                assert_eq!(
                    lines(&rows),
                    lines(&whole.rows),
                    "head {head}, batches of {n}"
                );
                // Parsed into the rows of the batch before, whose cells were
                // longer or shorter, more or fewer: the same rows.
                let mut table = read_delimited(text.into(), "x.csv", None, false, head).unwrap();
                let mut reused = table.rows.clone();
                if let Some(rest) = table.rest.as_mut() {
                    let mut batches = rest.batches(n);
                    let mut spare = vec![RawRow {
                        line: 0,
                        cells: ["很长的旧单元格", "", "", "", "9"].into_iter().collect(),
                    }];
                    while let Some(batch) = batches.next_into(spare) {
                        let batch = batch.unwrap();
                        reused.extend(batch.iter().cloned());
                        spare = batch;
                    }
                }
                assert_eq!(
                    lines(&reused),
                    lines(&whole.rows),
                    "head {head}, reused {n}"
                );
            }
        }
        assert_eq!(
            whole.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![1, 2, 3, 6, 7, 9]
        );
    }

    #[test]
    fn quoted_multiline_records_keep_their_start_line() {
        let table = read_delimited(
            "a,b\n\"x\ny\",1\nz,2\n".into(),
            "x.csv",
            None,
            false,
            usize::MAX,
        )
        .unwrap();
        assert_eq!(table.rows[1].line, 2);
        assert_eq!(table.rows[2].line, 4);
    }

    #[test]
    fn xlsx_rows_read_cell_by_cell_are_the_sheets_used_range() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        // The used range starts at C2: a title, a blank row, a header, a row
        // with gaps, an empty text cell, a number and a date, and a last
        // cell further right than any other.
        sheet.write_string(1, 2, "花名册").unwrap();
        sheet.write_string(3, 2, "姓名").unwrap();
        sheet.write_string(3, 3, "金额").unwrap();
        sheet.write_string(3, 4, "日期").unwrap();
        sheet.write_string(4, 2, "张三").unwrap();
        sheet.write_number(4, 3, 1200.0).unwrap();
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 3, 5).unwrap();
        let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        sheet
            .write_datetime_with_format(4, 4, &date, &format)
            .unwrap();
        sheet.write_string(5, 3, "").unwrap();
        sheet.write_number(6, 6, 0.5).unwrap();
        book.save(&path).unwrap();

        let mut xlsx: Xlsx<_> = calamine::open_workbook(&path).unwrap();
        let (rows, first_col) = xlsx_rows(&mut xlsx, "Sheet1").unwrap().unwrap();
        assert_eq!(first_col, 2, "the used range starts at column C");
        let range = xlsx.worksheet_range_ref("Sheet1").unwrap();
        let expected = range_rows(&range, push_ref);
        let text = |rows: &[RawRow]| -> Vec<(usize, Vec<String>)> {
            rows.iter()
                .map(|r| (r.line, r.cells.iter().map(str::to_string).collect()))
                .collect()
        };
        assert_eq!(text(&rows), text(&expected));
        assert_eq!(rows.len(), 6);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].cells, vec![""; 5]);
        assert_eq!(rows[3].cells, vec!["张三", "1200", "2024-03-05", "", ""]);
        assert_eq!(rows[5].cells, vec!["", "", "", "", "0.5"]);
    }
}
