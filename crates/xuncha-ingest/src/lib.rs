//! Ingest: read a folder of department exports (CSV in any common encoding,
//! workbooks, Parquet, Arrow IPC), find each table's header, map it onto a
//! canonical dataset, normalize values into typed polars frames, and record
//! every unreadable value in the rejects table.

mod archives;
pub mod build;
mod carry;
pub mod catalog;
mod copies;
pub mod coverage;
pub mod evidence;
mod excel_xml;
pub mod header;
pub mod heads;
mod html;
pub mod lexicon;
pub mod links;
pub mod mapping;
pub mod monthly;
pub mod normalize;
mod others;
mod overlaps;
pub mod places;
mod programs;
pub mod read;
pub mod scan;
mod sections;
pub mod sources;
mod spans;
mod stated;
mod typed;
pub mod vocab;
pub mod wide;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use rayon::prelude::*;
use serde::Serialize;
use xuncha_schema::{ColumnKind, DatasetSpec};

use build::{Cell, DatasetBuilder, RowOrigin, ROW_CELLS};
use catalog::{names_header, Catalog, CatalogEntry, CATALOG_FILE};
use header::{Header, NonData};
use mapping::{
    Candidate, ColumnSource, Decision, KeyValue, Mapping, TableView, Unmapped, Unpivot, UnpivotBy,
};
use overlaps::Overlaps;
use read::{Encoding, Format, RawTable};
use sections::{Mark, Sections};
use smallvec::SmallVec;
use sources::SourceNames;
pub use xuncha_schema::{Reject, RejectAction};

/// A problem with a whole file or table. Other files are still read.
#[derive(Debug, Clone, thiserror::Error, Serialize)]
pub enum IngestError {
    #[error("文件 {file}：{message}")]
    File { file: String, message: String },
    #[error("{0}")]
    MissingColumns(Box<MissingColumns>),
}

/// A table recognised as a dataset but lacking required columns.
#[derive(Debug, Clone, thiserror::Error, Serialize)]
#[error("文件 {file}{} {} {dataset}（{title}），但缺少必需列：{}；文件中的表头：{}", sheet_label(.sheet), recognised(*.guessed), missing_list(.missing), .headers.join("、"))]
pub struct MissingColumns {
    pub file: String,
    pub sheet: Option<String>,
    /// The dataset is only the closest: nothing names or hints it (a roster
    /// of party members is closest to nothing it is).
    pub guessed: bool,
    pub dataset: String,
    pub title: String,
    pub missing: Vec<MissingColumn>,
    pub headers: Vec<String>,
}

/// A required canonical column no header provided: what was looked for and
/// the table's closest headers.
#[derive(Debug, Clone, Serialize)]
pub struct MissingColumn {
    pub column: String,
    /// Headers and meanings tried (aliases, subject + attribute examples).
    pub tried: Vec<String>,
    /// Headers of the table that came closest, best first.
    pub candidates: Vec<String>,
}

/// How sure the dataset of a table missing columns is.
fn recognised(guessed: bool) -> &'static str {
    if guessed {
        "未能确定数据集：最接近的是"
    } else {
        "识别为数据集"
    }
}

fn sheet_label(sheet: &Option<String>) -> String {
    sheet
        .as_ref()
        .map(|s| format!(" 工作表“{s}”"))
        .unwrap_or_default()
}

fn missing_list(missing: &[MissingColumn]) -> String {
    missing
        .iter()
        .map(|m| {
            let closest = if m.candidates.is_empty() {
                "无".to_string()
            } else {
                m.candidates.join("、")
            };
            format!(
                "{}（尝试过的表头：{}；最接近的列：{closest}）",
                m.column,
                m.tried.join("、")
            )
        })
        .collect::<Vec<_>>()
        .join("；")
}

impl IngestError {
    /// A file-level error.
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        IngestError::File {
            file: file.to_string(),
            message: message.into(),
        }
    }

    /// A file that could not be read (opened, read or decoded), and why.
    pub fn unreadable(file: &str, why: impl std::fmt::Display) -> Self {
        Self::file(file, format!("无法读取：{why}"))
    }
}

/// What happened to one table (a CSV, or one sheet of a workbook).
#[derive(Debug, Clone, Default, Serialize)]
pub struct TableReport {
    pub file: String,
    pub sheet: Option<String>,
    pub encoding: String,
    /// Canonical dataset chosen; `None` when not recognised.
    pub dataset: Option<String>,
    /// `dataset` is only the closest guess: the table neither names nor
    /// hints it, and lacks its required columns, so it was not read.
    pub guessed: bool,
    /// Row number of the header.
    pub header_row: Option<usize>,
    /// Canonical column → header (or `常量：value`).
    pub mapping: Vec<(String, String)>,
    /// Why each canonical column got its header, with scores and evidence.
    pub decisions: Vec<Decision>,
    pub unmapped: Vec<String>,
    /// Headers left over with the canonical columns they might be.
    pub unmapped_candidates: Vec<Unmapped>,
    /// Datasets the table was compared with, best first.
    pub candidates: Vec<Candidate>,
    /// Rows below the header (and units row): every one of them is counted
    /// once in accepted, rejected, blank, repeated headers, totals or overlapping.
    pub data_rows: usize,
    pub rows_read: usize,
    pub rows_accepted: usize,
    pub rows_rejected: usize,
    pub blank_rows: usize,
    pub repeated_headers: usize,
    pub total_rows: usize,
    /// Rows of notes among or below the data (a footer's `制表人：…`).
    pub remark_rows: usize,
    /// Rows holding only a section's label (一、城市低保: [`sections`]).
    pub section_rows: usize,
    /// Rows left out because an earlier table of the dataset holds them
    /// (exports whose ranges overlap), each one a reject.
    pub overlapping_rows: usize,
    /// The earlier tables (`file[#sheet]`) those rows were found in.
    pub overlapping_with: Vec<String>,
    /// Rows of a long household roster (one row a member) whose household
    /// an earlier row of the table gave: each gives its member alone.
    pub household_repeats: usize,
    /// Rows whose household number names no roster's household but holds
    /// the head of one keyed by its head's ID number: read as that number
    /// ([`heads`]).
    pub households_by_head: usize,
    /// The dataset the table also was, row by row (a cash journal's income
    /// beside its payments); its rows count among `rows_accepted` too.
    pub split: Option<Split>,
    /// Member rows unpivoted from a wide household export (or the people
    /// of a roster of households of one).
    pub members_accepted: usize,
    /// Member rows left out because an earlier table holds them.
    pub overlapping_members: usize,
    /// Rows unpivoted from the month columns of a wide monthly export: one
    /// a person and month paid (its data rows are the people); or from the
    /// program columns of a wide program export (`by_programs`).
    pub months_accepted: usize,
    /// The table's columns were a program each, not a month each
    /// ([`programs`]).
    pub by_programs: bool,
    /// Month rows left out because an earlier table holds them.
    pub overlapping_months: usize,
    /// Data rows whose period names several months (a quarter, 2024年1-3月),
    /// read as a row a month with the amount in equal shares ([`spans`]);
    /// the table's records are then `months_accepted`.
    pub spread_rows: usize,
    /// Labels (programs, statuses, methods) no vocabulary rule knows.
    pub unknown_labels: Vec<build::UnknownLabel>,
    /// Why a table was not used, if it was not.
    pub note: Option<String>,
    /// What every row is, as its reason column says (`注销原因：各行均为“死亡”`),
    /// where that column is read so.
    pub rows_are: Option<String>,
    /// Grouping columns written once over the rows they group (merged
    /// cells saved as CSV): each header and the blank cells that took the
    /// value above them.
    pub carried_down: Vec<(String, usize)>,
}

/// The second dataset of a table read row by row as two (`split_with` in
/// `datasets.toml`): each row the one whose amount it fills.
#[derive(Debug, Clone, Serialize)]
pub struct Split {
    pub dataset: String,
    /// Canonical column → header, as [`TableReport::mapping`].
    pub mapping: Vec<(String, String)>,
    pub decisions: Vec<Decision>,
    /// Rows read into it (a row filling both amounts goes to both).
    pub rows_accepted: usize,
    /// Every row is read into it, not only those filling its amount
    /// (`also_about`: a funeral subsidy list's deceased are deaths).
    pub every_row: bool,
}

/// The canonical datasets read from a folder, with everything learned on the way.
#[derive(Debug, Default)]
pub struct Ingested {
    pub datasets: BTreeMap<String, DataFrame>,
    pub tables: Vec<TableReport>,
    pub rejects: Vec<Reject>,
    pub errors: Vec<IngestError>,
    /// The files of compacted `_src` tokens (none until [`Ingested::compact_sources`]).
    pub sources: SourceNames,
}

/// Bytes a frame's buffers hold. polars' `estimated_size` counts a text
/// column as the length of its text, but each value also takes a 16-byte
/// view (text of 12 bytes or less lives inside it, longer text in a buffer
/// beside it): for a 4.6 M-row column of short labels that is 74 MB, not the
/// 28 MB of its text. Buffers several arrays share are counted for each.
pub fn held_bytes(df: &DataFrame) -> usize {
    df.columns()
        .iter()
        .map(|c| {
            let s = c.as_materialized_series();
            match s.str() {
                Ok(text) => {
                    let buffers: usize = text.downcast_iter().map(|a| a.total_buffer_len()).sum();
                    let validity = if text.null_count() > 0 {
                        text.len().div_ceil(8)
                    } else {
                        0
                    };
                    text.len() * 16 + buffers + validity
                }
                Err(_) => s.estimated_size(),
            }
        })
        .sum()
}

impl TableReport {
    /// Take the headers another reading of the table takes (a long
    /// roster's member columns, a split table's other amount) off the
    /// unmapped ones.
    fn read_elsewhere(&mut self, taken: impl Fn(&str) -> bool) {
        self.unmapped.retain(|h| !taken(h));
        self.unmapped_candidates.retain(|u| !taken(&u.header));
    }

    /// Is the table a file of a canonical lake (`xuncha data lake`), which
    /// holds every canonical column of its dataset?
    pub fn is_lake_file(&self) -> bool {
        self.note.as_deref() == Some(LAKE_FILE)
    }

    /// Did the table unpivot household members (a wide roster, or people
    /// each a household of one), whether or not an earlier table already
    /// held them?
    pub fn unpivots_members(&self) -> bool {
        self.members_accepted + self.overlapping_members > 0
    }

    /// Did the table unpivot month columns (wide monthly export), whether
    /// or not an earlier table already held the rows?
    pub fn unpivots_months(&self) -> bool {
        self.months_accepted + self.overlapping_months > 0
    }

    /// Every data row of a table that was read is accounted for exactly once.
    pub fn rows_balance(&self) -> bool {
        self.data_rows
            == self.rows_accepted
                + self.rows_rejected
                + self.blank_rows
                + self.repeated_headers
                + self.total_rows
                + self.remark_rows
                + self.section_rows
                + self.overlapping_rows
                + self.household_repeats
    }
}

impl Ingested {
    /// Rows accepted for a dataset.
    pub fn rows(&self, dataset: &str) -> usize {
        self.datasets.get(dataset).map_or(0, DataFrame::height)
    }

    /// Bytes the loaded datasets hold in memory (see [`held_bytes`]).
    pub fn held_bytes(&self) -> usize {
        self.datasets.values().map(held_bytes).sum()
    }

    /// Replace `_src` references by short tokens (see [`sources`]) for a run
    /// over these frames; findings expand them back with `sources`.
    pub fn compact_sources(&mut self) {
        if self.sources.is_empty() {
            self.sources = SourceNames::compact(&mut self.datasets);
        }
    }

    /// Input files read (each once, in path order).
    pub fn files(&self) -> Vec<&str> {
        let mut files: Vec<&str> = self.tables.iter().map(|t| t.file.as_str()).collect();
        files.dedup();
        files
    }
}

/// Every export file under `dir`, sorted, as (absolute, relative) paths.
pub fn list_exports(dir: &Path, catalog: &Catalog) -> Result<Vec<(PathBuf, String)>, IngestError> {
    let mut files = list_files(dir, catalog)?.files;
    files.retain(|(path, _)| Format::of(path).is_some());
    Ok(files)
}

/// Every file under `dir` but hidden and system files, Office's lock files,
/// the catalog and the files it ignores, sorted, as (absolute, relative)
/// paths: exports and the files listed as not read ([`others`]); and the
/// subfolders left out as xuncha's own output ([`is_output`]).
fn list_files(dir: &Path, catalog: &Catalog) -> Result<FolderFiles, IngestError> {
    let mut out = FolderFiles::default();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| {
            IngestError::file(&d.display().to_string(), format!("无法读取目录：{e}"))
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            if others::is_left_out(&name) {
                continue;
            }
            let rel = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            if path.is_dir() {
                if is_output(&path) {
                    out.outputs.push(rel);
                } else {
                    stack.push(path);
                }
                continue;
            }
            if rel == CATALOG_FILE || catalog.ignores(&rel) {
                continue;
            }
            out.files.push((path, rel));
        }
    }
    out.files.sort_by(|a, b| a.1.cmp(&b.1));
    out.outputs.sort();
    Ok(out)
}

/// What [`list_files`] found.
#[derive(Default)]
struct FolderFiles {
    files: Vec<(PathBuf, String)>,
    outputs: Vec<String>,
}

/// Is `dir` a folder xuncha wrote results into: marked so
/// ([`xuncha_schema::OUTPUT_MARKER`]), or, from before the mark, holding a
/// run's `summary.json` and `findings.jsonl`? Its findings read as exports
/// would come back as leads of their own, run after run.
fn is_output(dir: &Path) -> bool {
    dir.join(xuncha_schema::OUTPUT_MARKER).is_file()
        || (dir.join("summary.json").is_file() && dir.join("findings.jsonl").is_file())
}

/// A folder's files, zip archives unpacked.
struct Folder {
    /// Exports, sorted by name.
    exports: Vec<(PathBuf, String)>,
    /// Names of the files listed as not read ([`others`]), sorted.
    others: Vec<String>,
    /// Archives, or files of them, that could not be unpacked.
    problems: Vec<FileOutcome>,
    /// The unpacked files, removed when the folder is dropped.
    _unpacked: Vec<archives::Unpacked>,
}

impl Folder {
    fn list(dir: &Path, catalog: &Catalog) -> Result<Self, IngestError> {
        let (mut exports, mut others) = (Vec::new(), Vec::new());
        let mut problems = Vec::new();
        let mut unpacked = Vec::new();
        let listed = list_files(dir, catalog)?;
        for rel in listed.outputs {
            let why = "xuncha 的输出目录（运行结果、问题清单、数据湖等），不作为数据读取\
                       （读取数据湖请用 --data 直接指向它）"
                .to_string();
            problems.push(FileOutcome::not_read(&format!("{rel}/"), why, false));
        }
        for (path, rel) in listed.files {
            if archives::is_zip(&path) {
                let mut archive = archives::unpack(&path, &rel);
                let files = std::mem::take(&mut archive.files);
                exports.extend(files.into_iter().filter(|(_, rel)| !catalog.ignores(rel)));
                let names = std::mem::take(&mut archive.others);
                others.extend(names.into_iter().filter(|rel| !catalog.ignores(rel)));
                problems.append(&mut archive.problems);
                unpacked.push(archive);
            } else if Format::of(&path).is_some() {
                exports.push((path, rel));
            } else {
                others.push(rel);
            }
        }
        exports.sort_by(|a, b| a.1.cmp(&b.1));
        others.sort();
        Ok(Folder {
            exports,
            others,
            problems,
            _unpacked: unpacked,
        })
    }

    /// The outcomes of the files not read: the other files, in name
    /// order, then the archives, or files of them, not unpacked.
    fn not_read(&mut self) -> Vec<FileOutcome> {
        let others = self.others.iter().map(|rel| others::unread(rel));
        let mut outcomes: Vec<FileOutcome> = others.collect();
        outcomes.append(&mut self.problems);
        outcomes
    }
}

/// Read a whole data folder. Fails only when the folder or its catalog
/// cannot be read; problems with single files are collected in `errors`.
pub fn ingest_dir(dir: &Path, encoding: Option<Encoding>) -> Result<Ingested, IngestError> {
    ingest_datasets(dir, encoding, None)
}

/// What a run reads: some datasets, and of some of them only some columns.
#[derive(Debug, Clone, Default)]
pub struct Wanted {
    pub datasets: BTreeSet<String>,
    /// Frame columns to keep, by dataset; a wanted dataset not named here is
    /// kept whole.
    pub columns: BTreeMap<String, BTreeSet<String>>,
}

impl Wanted {
    /// The columns to keep of a dataset, in its schema's order (`None`: all).
    pub fn columns_of(&self, spec: &DatasetSpec) -> Option<Vec<PlSmallStr>> {
        let keep = self.columns.get(spec.name)?;
        Some(
            spec.schema()
                .iter_names()
                .filter(|n| keep.contains(n.as_str()))
                .cloned()
                .collect(),
        )
    }
}

/// Read a data folder for some datasets only (`None`: all). Every table is
/// still recognised and reported, but the rows of other datasets are not
/// normalized, and files named after another dataset (`deaths.parquet`) are
/// not read at all: a run of one model reads what that model uses. Of a
/// dataset with `wanted.columns`, only those columns are kept (a lake file
/// reads only those from disk).
pub fn ingest_datasets(
    dir: &Path,
    encoding: Option<Encoding>,
    wanted: Option<&Wanted>,
) -> Result<Ingested, IngestError> {
    read_datasets(dir, encoding, wanted)?.gather(wanted)
}

/// The files of a data folder, each read and normalized, their frames not
/// yet put together ([`FilesRead::gather`]).
pub struct FilesRead(Vec<FileOutcome>);

/// Read the files of a folder as [`ingest_datasets`] does, in parallel.
pub fn read_datasets(
    dir: &Path,
    encoding: Option<Encoding>,
    wanted: Option<&Wanted>,
) -> Result<FilesRead, IngestError> {
    let catalog = Catalog::load(dir)?;
    let mut folder = Folder::list(dir, &catalog)?;
    let files = &folder.exports;
    let copies = copies::copies(files, &catalog);
    // Largest files first, so that no core is left with one at the end;
    // their outcomes are then put back in file order.
    let mut order: Vec<(u64, usize)> = files
        .iter()
        .enumerate()
        .map(|(i, (path, _))| (std::fs::metadata(path).map_or(0, |m| m.len()), i))
        .collect();
    order.sort_by(|a, b| b.cmp(a));
    let mut results: Vec<(usize, FileOutcome)> = order
        .par_iter()
        .map(|&(_, i)| {
            let (path, rel) = &files[i];
            let copy_of = copies[i].map(|j| files[j].1.as_str());
            (i, read_one(path, rel, copy_of, &catalog, encoding, wanted))
        })
        .collect();
    results.sort_by_key(|(i, _)| *i);
    let unread = folder.not_read();
    Ok(FilesRead(
        results.into_iter().map(|(_, r)| r).chain(unread).collect(),
    ))
}

impl FilesRead {
    /// Put the files' outcomes together in file order: the frames of each
    /// dataset stacked into one, cut to the wanted columns.
    pub fn gather(mut self, wanted: Option<&Wanted>) -> Result<Ingested, IngestError> {
        if self.0.iter().any(FileOutcome::names_villages) {
            let directory = places::Directory::of(self.0.iter().flat_map(FileOutcome::villages));
            for outcome in &mut self.0 {
                outcome.place_villages(&directory);
            }
        }
        let frames = self.0.iter().enumerate().flat_map(|(i, outcome)| {
            let frames = outcome.frames.iter();
            frames.filter_map(move |f| Some((f.dataset, (i, f.table?), &f.df)))
        });
        let mut overlaps = Overlaps::among(frames);
        gather(self.0, wanted, &mut overlaps)
    }

    /// Bytes the files' frames hold (see [`held_bytes`]).
    pub fn held_bytes(&self) -> usize {
        let frames = self.0.iter().flat_map(|o| &o.frames);
        frames.map(|f| held_bytes(&f.df)).sum()
    }
}

/// Read the exports of a folder one file after another (the rows of a large
/// file still in parallel), handing `each` that file's datasets, rejects,
/// errors and table reports in file order: memory holds one file's rows,
/// not the folder's (`xuncha data lake` of a county larger than memory).
pub fn ingest_each(
    dir: &Path,
    encoding: Option<Encoding>,
    mut each: impl FnMut(Ingested) -> Result<(), IngestError>,
) -> Result<(), IngestError> {
    let catalog = Catalog::load(dir)?;
    let mut folder = Folder::list(dir, &catalog)?;
    let files = &folder.exports;
    // Every row is remembered (by its hash) until the last file is read.
    let mut overlaps = Overlaps::default();
    // The villages read so far; a file that names its villages before any
    // directory was read waits for the rest of the folder.
    let mut villages: Vec<DataFrame> = Vec::new();
    let mut waiting = Vec::new();
    for ((path, rel), copy) in files.iter().zip(copies::copies(files, &catalog)) {
        let copy_of = copy.map(|j| files[j].1.as_str());
        let mut outcome = read_one(path, rel, copy_of, &catalog, encoding, None);
        villages.extend(outcome.villages().cloned());
        if outcome.names_villages() {
            if villages.is_empty() {
                waiting.push(outcome);
                continue;
            }
            outcome.place_villages(&places::Directory::of(&villages));
        }
        each(gather(vec![outcome], None, &mut overlaps)?)?;
    }
    let directory = places::Directory::of(&villages);
    for mut outcome in waiting {
        outcome.place_villages(&directory);
        each(gather(vec![outcome], None, &mut overlaps)?)?;
    }
    for outcome in folder.not_read() {
        each(gather(vec![outcome], None, &mut overlaps)?)?;
    }
    Ok(())
}

/// One file of a data folder: not read when a copy of the file `copy_of`
/// or named after a dataset the run does not want, taken as it is when a
/// lake file, else read as an export.
fn read_one(
    path: &Path,
    rel: &str,
    copy_of: Option<&str>,
    catalog: &Catalog,
    encoding: Option<Encoding>,
    wanted: Option<&Wanted>,
) -> FileOutcome {
    if let Some(original) = copy_of {
        return copies::skipped(rel, original);
    }
    let wanted_sets = wanted.map(|w| &w.datasets);
    if let Some(other) = named_after_unwanted(rel, wanted_sets) {
        return FileOutcome {
            tables: vec![TableReport {
                file: rel.to_string(),
                dataset: Some(other.to_string()),
                note: Some(NOT_WANTED.to_string()),
                ..Default::default()
            }],
            ..Default::default()
        };
    }
    if let Some(outcome) = read_lake_file(path, rel, wanted) {
        return outcome;
    }
    ingest_file(path, rel, &catalog.entries_for(rel), encoding, wanted_sets)
}

/// Put files' outcomes together in order: the frames of each dataset
/// stacked into one, cut to the wanted columns, without the rows an
/// earlier table already gave ([`overlaps`]).
fn gather(
    mut results: Vec<FileOutcome>,
    wanted: Option<&Wanted>,
    overlaps: &mut Overlaps,
) -> Result<Ingested, IngestError> {
    overlaps.leave_out(&mut results);
    key_by_heads(&mut results)?;
    let mut out = Ingested::default();
    for outcome in results {
        out.tables.extend(outcome.tables);
        out.rejects.extend(outcome.rejects);
        out.errors.extend(outcome.errors);
        for Frame {
            dataset: name, df, ..
        } in outcome.frames
        {
            match out.datasets.get_mut(name) {
                Some(existing) => {
                    existing
                        .vstack_mut(&df)
                        .map_err(|e| IngestError::file(name, format!("合并数据失败：{e}")))?;
                }
                None => {
                    out.datasets.insert(name.to_string(), df);
                }
            }
        }
    }
    out.datasets.par_iter_mut().try_for_each(|(name, df)| {
        let keep = wanted
            .zip(xuncha_schema::dataset(name))
            .and_then(|(w, spec)| w.columns_of(spec));
        if let Some(keep) = keep.filter(|k| k.len() < df.width()) {
            let names = keep.into_iter().filter(|n| df.column(n).is_ok());
            *df = df
                .select(names)
                .map_err(|e| IngestError::file(name, format!("选取列失败：{e}")))?;
        }
        // One chunk per column, the columns in parallel: a lake's largest
        // datasets (payments and residents, 16–22 row groups) took one core
        // for long copying their string views column after column while the
        // other had finished the rest (scale 10: the read 2.0–2.2 → 1.7–1.9 s).
        df.rechunk_mut_par();
        Ok(())
    })?;
    Ok(out)
}

/// Read the household numbers of the exports' members' and payments'
/// lists that name no roster's household as the head's ID number of the
/// household they hold, where a roster keys it so ([`heads`]). A lake's
/// frames were keyed when the lake was written.
fn key_by_heads(results: &mut [FileOutcome]) -> Result<(), IngestError> {
    let frames = || results.iter().flat_map(|o| &o.frames);
    let has = |f: &Frame, columns: &[&str]| columns.iter().all(|c| f.df.column(c).is_ok());
    let rosters: Vec<LazyFrame> = frames()
        .filter(|f| f.dataset == "relief_households")
        .filter(|f| has(f, &["household_id", "head_id_number"]))
        .map(|f| f.df.clone().lazy())
        .collect();
    let exported = |f: &Frame| {
        f.table.is_some()
            && heads::LISTS.contains(&f.dataset)
            && has(f, &["household_id", "id_number"])
    };
    let lists: Vec<LazyFrame> = (frames().filter(|f| exported(f)))
        .map(|f| f.df.clone().lazy())
        .collect();
    let failed =
        |e: PolarsError| IngestError::file("relief_households", format!("按户主关联家庭失败：{e}"));
    let links = heads::links(rosters, lists).map_err(failed)?;
    if links.is_empty() {
        return Ok(());
    }
    for outcome in results.iter_mut() {
        for frame in outcome.frames.iter_mut().filter(|f| exported(f)) {
            let changed = heads::rekey(&mut frame.df, &links).map_err(failed)?;
            if let Some(report) = frame.table.and_then(|t| outcome.tables.get_mut(t)) {
                report.households_by_head += changed;
            }
        }
    }
    Ok(())
}

/// Rows of one dataset read from a file.
struct Frame {
    dataset: &'static str,
    /// What a row of the frame is to its table.
    rows: Rows,
    /// The table of the file's `tables` they came from; `None` for a lake
    /// file, whose rows were checked for overlaps when the lake was written.
    table: Option<usize>,
    /// `village_code` holds village names still to be resolved ([`places`]).
    village_names: bool,
    df: DataFrame,
}

/// What the rows of a frame are to the table they came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rows {
    /// The table's data rows.
    Table,
    /// Household members unpivoted from a wide household row (or the
    /// person of a household of one).
    Members,
    /// Months unpivoted from the month columns of a person's row.
    Months,
}

/// How reports name a record number made of the row's values.
const ROW_KEY: &str = "按该行内容生成的编号";

/// Note of a table whose dataset the run does not use.
const NOT_WANTED: &str = "所选模型不用此数据集，未读取数据行";
const LAKE_FILE: &str =
    "标准数据湖文件（xuncha data lake 写出），按原样读取，来源行指向原始导出文件";

/// A file of a canonical lake (`xuncha data lake`): Parquet or IPC named
/// after its dataset with exactly the dataset's canonical columns and
/// types, `_src`, `_valid` and `_raw` included (derived columns a lake
/// written before them lacks are read as empty). It was normalized when the
/// lake was written, so it is taken as it is (only the wanted columns are
/// read from disk), and its `_src` keeps the rows of the exports it came
/// from. `None` for any other file, which is then read as an export.
fn read_lake_file(path: &Path, rel: &str, wanted: Option<&Wanted>) -> Option<FileOutcome> {
    let spec = named_dataset(rel)?;
    let format = Format::of(path).filter(|f| matches!(f, Format::Parquet | Format::Ipc))?;
    let columns = wanted.and_then(|w| w.columns_of(spec));
    let frame = read::read_lake(path, format, spec, columns)?;
    Some(FileOutcome {
        tables: vec![lake_report(rel, spec, frame.height())],
        frames: vec![Frame {
            dataset: spec.name,
            rows: Rows::Table,
            table: None,
            village_names: false,
            df: frame,
        }],
        ..Default::default()
    })
}

/// The report of a lake file of `rows` rows: all of them accepted when the
/// lake was written.
pub(crate) fn lake_report(rel: &str, spec: &DatasetSpec, rows: usize) -> TableReport {
    TableReport {
        file: rel.to_string(),
        encoding: "columnar".to_string(),
        dataset: Some(spec.name.to_string()),
        // The header is the file's schema.
        header_row: Some(1),
        data_rows: rows,
        rows_read: rows,
        rows_accepted: rows,
        note: Some(LAKE_FILE.to_string()),
        ..Default::default()
    }
}

/// The canonical dataset a file is named after (`deaths.parquet`,
/// `benefit_payments.2.parquet`), if any.
pub(crate) fn named_dataset(rel: &str) -> Option<&'static DatasetSpec> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    xuncha_schema::dataset(name.split('.').next().unwrap_or(name))
}

/// The canonical dataset a file is named after, when the run does not want it.
fn named_after_unwanted(rel: &str, wanted: Option<&BTreeSet<String>>) -> Option<&'static str> {
    let dataset = named_dataset(rel)?;
    (!wants(wanted?, dataset.name)).then_some(dataset.name)
}

/// Does the run want this dataset? Relief households also feed relief members.
fn wants(wanted: &BTreeSet<String>, dataset: &str) -> bool {
    wanted.contains(dataset)
        || (dataset == "relief_households" && wanted.contains("relief_members"))
}

/// Everything one file produced.
#[derive(Default)]
struct FileOutcome {
    tables: Vec<TableReport>,
    frames: Vec<Frame>,
    rejects: Vec<Reject>,
    errors: Vec<IngestError>,
}

impl FileOutcome {
    /// Does a frame of the file name its villages instead of coding them?
    fn names_villages(&self) -> bool {
        self.frames.iter().any(|f| f.village_names)
    }

    /// The file's frames of the villages directory.
    fn villages(&self) -> impl Iterator<Item = &DataFrame> {
        let frames = self.frames.iter();
        frames.filter(|f| f.dataset == "villages").map(|f| &f.df)
    }

    /// Resolve the village names of the file's frames through `directory`:
    /// each name that cannot be told is a reject, and a row that needs its
    /// code is left out of its table's accepted rows.
    fn place_villages(&mut self, directory: &places::Directory) {
        let mut told = BTreeSet::new();
        for frame in self.frames.iter_mut().filter(|f| f.village_names) {
            frame.village_names = false;
            let Some(report) = frame.table.and_then(|t| self.tables.get_mut(t)) else {
                continue;
            };
            let spec = xuncha_schema::dataset(frame.dataset).expect("canonical dataset");
            let column = spec.columns.iter().find(|c| c.name == "village_code");
            let decision = report.decisions.iter().find(|d| d.column == "village_code");
            let header = decision.and_then(|d| d.header.as_deref());
            let required = column.is_some_and(|c| c.required);
            // The names are a column's, section labels' (each its rows'),
            // or the table's (every row's).
            let by_sections = (report.mapping.iter())
                .any(|(c, h)| c == "village_code" && h == sections::LABEL_ROWS);
            let stated = header.is_none() && !by_sections;
            let origin = places::Origin {
                file: &report.file,
                sheet: report.sheet.as_deref(),
                header: header.unwrap_or(if by_sections {
                    sections::LABEL_ROWS
                } else {
                    "village_code"
                }),
                dataset: frame.dataset,
                required,
            };
            let what = match header {
                Some(h) => format!("“{h}”是村名"),
                None if by_sections => "表中无村列，村名取自分节行".to_string(),
                None => "表中无村列，村名取自文件名等处".to_string(),
            };
            let left = if required {
                "本表各行未能读入（逐行记入拒收表）"
            } else {
                "本表的村代码未能填上"
            };
            if directory.is_empty() && told.insert(frame.table) {
                let why = format!(
                    "{}{what}，需按村(社区)名录换成区划代码，但数据目录中没有名录：\
                     {left}；请把村(社区)名录放入数据目录",
                    sheet_label(&report.sheet),
                );
                self.errors.push(IngestError::file(&report.file, why));
            }
            match places::resolve_frame(frame.df.clone(), directory, &origin) {
                Ok(mut resolved) => {
                    // A village the table's names do not tell is one error
                    // for the table; an optional column is left empty
                    // without a reject a row (no row held the value).
                    if stated {
                        let first = resolved.rejects.first();
                        if let Some(first) = first.filter(|_| !directory.is_empty()) {
                            let why = format!(
                                "{}表中无村列，也未能按文件名等处的村名确定村：{}；{left}",
                                sheet_label(&report.sheet),
                                first.reason
                            );
                            self.errors.push(IngestError::file(&report.file, why));
                        }
                        if !required {
                            resolved.rejects.clear();
                        }
                    }
                    report.rows_rejected += resolved.rows_dropped;
                    report.rows_accepted -= resolved.rows_dropped;
                    if frame.rows == Rows::Months {
                        report.months_accepted -= resolved.frame_rows_dropped;
                    }
                    self.rejects.extend(resolved.rejects);
                    frame.df = resolved.frame;
                }
                Err(e) => {
                    let why = format!("按村名换算区划代码失败：{e}");
                    self.errors.push(IngestError::file(&report.file, why));
                }
            }
        }
    }

    /// A file not read: its table report says why, and so does an error
    /// when the user has something to do about it.
    fn not_read(rel: &str, why: String, error: bool) -> Self {
        FileOutcome {
            tables: vec![TableReport {
                file: rel.to_string(),
                note: Some(why.clone()),
                ..Default::default()
            }],
            errors: if error {
                vec![IngestError::file(rel, why)]
            } else {
                Vec::new()
            },
            ..Default::default()
        }
    }
}

fn ingest_file(
    path: &Path,
    rel: &str,
    entries: &[&CatalogEntry],
    encoding: Option<Encoding>,
    wanted: Option<&BTreeSet<String>>,
) -> FileOutcome {
    let mut outcome = FileOutcome::default();
    let forced = entries
        .iter()
        .find_map(|e| e.encoding.as_deref())
        .and_then(Encoding::from_name)
        .or(encoding);
    let tables = match read::read_file_head(path, rel, forced, HEAD_ROWS) {
        Ok(t) => t,
        Err(e) => {
            outcome.tables.push(TableReport {
                file: rel.to_string(),
                note: Some(e.to_string()),
                ..Default::default()
            });
            outcome.errors.push(e);
            return outcome;
        }
    };
    for mut table in tables {
        // The entry for this sheet, else one for any sheet; a workbook whose
        // entries all name other sheets skips this one.
        let sheet_entry = entries
            .iter()
            .find(|e| e.sheet.is_some() && e.sheet.as_deref() == table.sheet.as_deref());
        let entry = sheet_entry
            .or_else(|| entries.iter().find(|e| e.sheet.is_none()))
            .or_else(|| entries.first().filter(|_| table.sheet.is_none()))
            .copied();
        if entry.is_none() && !entries.is_empty() && table.sheet.is_some() {
            continue;
        }
        ingest_table(&mut table, entry, wanted, &mut outcome);
    }
    tell_if_unused(rel, &mut outcome);
    outcome
}

/// A file of a readable kind from which no table was taken is an error
/// saying why for each table, unless one was already given: a table whose
/// header is worded past recognition must not go unnoticed in a run.
/// Sheets left unused beside a table taken (a workbook's 填表说明) are only
/// listed.
fn tell_if_unused(rel: &str, outcome: &mut FileOutcome) {
    let unused = |t: &TableReport| t.dataset.is_none();
    if !outcome.errors.is_empty() || outcome.tables.is_empty() || !outcome.tables.iter().all(unused)
    {
        return;
    }
    let why: Vec<String> = outcome
        .tables
        .iter()
        .map(|t| {
            let sheet = sheet_label(&t.sheet);
            let note = t.note.as_deref().unwrap_or("未使用");
            format!("{}{note}", sheet.trim_start())
        })
        .collect();
    outcome.errors.push(IngestError::file(
        rel,
        format!(
            "没有读入任何数据（{}）：如是数据，请核对表头，或在 catalog.toml 中为它指定 dataset；\
             如不需要，可在 catalog.toml 的 ignore 中列出",
            why.join("；")
        ),
    ));
}

/// Rows of a CSV parsed before its header is looked for: the rows the
/// header may be on, a units row below it, and a sample of data rows. The
/// rest of the file is parsed batch by batch while it is normalized.
const HEAD_ROWS: usize = header::HEADER_SEARCH_ROWS + 1 + evidence::SAMPLE_ROWS;

/// The month and date columns of a workbook sheet that lost October: its
/// months typed as numbers, 2024.10 held as 2024.1 ([`normalize::october_lost`]).
/// A CSV's text says what it says.
fn months_as_numbers(table: &RawTable, header: &Header, mapping: &Mapping) -> Vec<usize> {
    if table.sheet.is_none() {
        return Vec::new();
    }
    let data = &table.rows[header.data_start.min(table.rows.len())..];
    let columns = mapping
        .dataset
        .columns
        .iter()
        .zip(&mapping.sources)
        .enumerate();
    columns
        .filter_map(|(c, (col, source))| {
            let dated = matches!(col.kind, ColumnKind::Period | ColumnKind::Date);
            let i = match source {
                ColumnSource::Header(i) | ColumnSource::MonthOf { index: i, .. } if dated => *i,
                _ => return None,
            };
            let values = data.iter().filter_map(|r| r.cells.get(i));
            normalize::october_lost(values).then_some(c)
        })
        .collect()
}

/// Subjects whose columns a sheet merges down over the rows they group.
const GROUPING: &[&str] = &["household", "head", "village", "township", "county"];

/// The columns whose header is about a household or a place: those a
/// sheet merges down over the rows they group.
fn grouping_columns(readings: &[lexicon::Reading]) -> Vec<usize> {
    let about = |r: &lexicon::Reading| match &r.subject {
        lexicon::Subject::Known(s) => GROUPING.contains(&s.as_str()),
        _ => false,
    };
    (readings.iter().enumerate())
        .filter(|(_, r)| about(r))
        .map(|(i, _)| i)
        .collect()
}

/// The columns a table may write once over the rows they group where no
/// merges say so: the `grouping` ones, and a year, month or period (a
/// paper journal's 月 on each month's first entry only).
fn carried_columns(
    (header, readings): (&Header, &[lexicon::Reading]),
    grouping: &[usize],
) -> Vec<usize> {
    let lex = lexicon::lexicon();
    let dated = |i: usize| {
        let period = lex.kind_of(&readings[i]) == Some("period");
        period || ["年", "月"].contains(&header.names[i].as_str())
    };
    let others = (0..header.raw.len()).filter(|i| !grouping.contains(i) && dated(*i));
    grouping.iter().copied().chain(others).collect()
}

fn ingest_table(
    table: &mut RawTable,
    entry: Option<&CatalogEntry>,
    wanted: Option<&BTreeSet<String>>,
    outcome: &mut FileOutcome,
) {
    let mut report = TableReport {
        file: table.file.clone(),
        sheet: table.sheet.clone(),
        encoding: table.encoding.to_string(),
        ..Default::default()
    };
    if let Some(why) = &table.skipped {
        report.note = Some(why.clone());
        outcome.tables.push(report);
        return;
    }
    let forced_line = entry.and_then(|e| e.header_row);
    // A header line the catalog gives is read up to, with the row below it.
    let head = table.read_while(|rows| {
        forced_line.is_some_and(|line| rows.last().is_none_or(|r| r.line <= line))
    });
    if let Err(e) = head {
        return unreadable(e, report, outcome);
    }
    let Some(header) = header::detect(&table.rows, forced_line) else {
        // Only a table the catalog names is an error; others are listed as unused.
        refuse(
            table,
            report,
            "未找到可识别的表头".into(),
            entry.is_some(),
            outcome,
        );
        return;
    };
    report.header_row = Some(header.line(&table.rows));
    // Recognition samples the first data rows: read on until there are enough.
    let sample = table.read_while(|rows| {
        let below = &rows[header.data_start.min(rows.len())..];
        let data = below
            .iter()
            .filter(|r| header::non_data(r, &header).is_none());
        data.count() < evidence::SAMPLE_ROWS
    });
    if let Err(e) = sample {
        return unreadable(e, report, outcome);
    }
    // Cells merged down the data rows (a household's number over each of
    // its members, a township over its villages) hold their value in each
    // row.
    let header_line = table
        .rows
        .get(header.data_start.saturating_sub(1))
        .map_or(0, |r| r.line);
    let lex = lexicon::lexicon();
    let readings: Vec<lexicon::Reading> = header.raw.iter().map(|h| lex.read(h)).collect();
    let grouping = grouping_columns(&readings);
    table.fill_merged_below(header_line, &grouping);
    // Without merges to go by, a grouping column written once a group
    // carries its value down; the rows read later are filled as they come.
    let follows = |i: usize| {
        readings
            .get(i)
            .is_some_and(|r| lex.kind_of(r) != Some("amount"))
    };
    let carried = carried_columns((&header, &readings), &grouping);
    let mut carry = (table.typed.is_none())
        .then(|| carry::CarryDown::detect(&table.rows, &header, &carried, follows))
        .flatten();
    if let Some(carry) = carry.as_mut() {
        let start = header.data_start.min(table.rows.len());
        carry.fill(&mut table.rows[start..], &header);
    }
    let table = &*table;
    report.data_rows = table.rows.len().saturating_sub(header.data_start);
    let members = match entry.and_then(|e| e.members.as_ref()) {
        Some(rule) => wide::from_rule(rule, &header),
        None => wide::detect(&header),
    };
    let view = table_view(table, &header, &members);
    // The dataset the table is too, row by row (a cash journal's income).
    let mut split = None;
    let mut every_row = false;
    let mapping = match entry {
        Some(e) => {
            xuncha_schema::dataset(&e.dataset).map(|d| mapping::map_columns(d, &view, Some(e)))
        }
        None => {
            let recognition = mapping::recognize(&view);
            report.candidates = recognition.ranked.into_iter().take(3).collect();
            if !recognition.ambiguous.is_empty() {
                let names: Vec<String> = recognition
                    .ambiguous
                    .iter()
                    .map(|c| {
                        let title = xuncha_schema::dataset(&c.dataset).map_or("", |d| d.title);
                        format!("{}（{title}，得分 {:.2}）", c.dataset, c.score)
                    })
                    .collect();
                let names = names.join(" 和 ");
                let note = if double_entry(&header) {
                    double_entry_note(&format!("同时符合 {names}"))
                } else {
                    format!(
                        "同时符合数据集 {names}，未自动归类；请在 catalog.toml 中用 dataset 指定"
                    )
                };
                count_unread(table, &mut report);
                refuse(table, report, note, true, outcome);
                return;
            }
            // A double-entry ledger is not read as payments or income where
            // one stands out either (a 凭证列表 names payments): the bank
            // line of each receipt would be a payment.
            let money = ["village_payments", "village_income"];
            let chosen = recognition.mapping.as_ref().map(|m| m.dataset);
            if let Some(d) = chosen.filter(|d| money.contains(&d.name)) {
                if double_entry(&header) && !names_a_journal(&view) {
                    let note = double_entry_note(&format!("按表头最像 {}（{}）", d.name, d.title));
                    count_unread(table, &mut report);
                    refuse(table, report, note, true, outcome);
                    return;
                }
            }
            split = recognition.split;
            every_row = recognition.every_row;
            recognition.mapping
        }
    };
    let Some(mut mapping) = mapping else {
        count_unread(table, &mut report);
        report.note = Some("未识别为任何标准数据集".to_string());
        outcome.tables.push(report);
        return;
    };
    report.dataset = Some(mapping.dataset.name.to_string());
    report.unmapped = mapping.unmapped.iter().map(|u| u.header.clone()).collect();
    report.unmapped_candidates = mapping.unmapped.clone();
    report.decisions = mapping.decisions.clone();
    report.mapping = mapped_headers(&mapping, &header);
    if let Some((headers, reason)) = view.rows_reasoned(mapping.dataset.name) {
        report.read_elsewhere(|h| headers.contains(&h));
        report.rows_are = Some(format!("{}：各行均为“{reason}”", headers.join("、")));
    }
    let split_wanted = |w| split.as_ref().is_some_and(|s| wants(w, s.dataset.name));
    if wanted.is_some_and(|w| !wants(w, mapping.dataset.name) && !split_wanted(w)) {
        count_unread(table, &mut report);
        report.note = Some(NOT_WANTED.to_string());
        outcome.tables.push(report);
        return;
    }
    if !mapping.missing.is_empty() {
        count_unread(table, &mut report);
        let error = missing_columns_error(table, &view, &mapping, entry);
        if let IngestError::MissingColumns(m) = &error {
            report.guessed = m.guessed;
        }
        report.note = Some(error.to_string());
        outcome.errors.push(error);
        outcome.tables.push(report);
        return;
    }
    // One column written once a year (2022年补贴面积, 2023年补贴面积) cannot
    // be one column: reading the first year alone would lose the others.
    if let Some(tie) = mapping.ties.iter().find(|t| t.by_year()) {
        count_unread(table, &mut report);
        let note = format!(
            "表头“{}”“{}”按年份分列同一字段（{}.{}），尚不能按年拆开读取，未读入：\
             请按年导出（每年一张表或一个工作表）后再读",
            tie.taken,
            tie.tied.join("”“"),
            mapping.dataset.name,
            tie.column
        );
        return refuse(table, report, note, true, outcome);
    }
    mapping.months_as_numbers = months_as_numbers(table, &header, &mapping);
    for tie in &mapping.ties {
        let message = format!(
            "{}{}.{} 取了表头“{}”，而“{}”同样符合、未用；如应取后者，请在 catalog.toml 的 columns 中指明",
            table.sheet.as_ref().map(|s| format!("工作表“{s}”中 ")).unwrap_or_default(),
            mapping.dataset.name,
            tie.column,
            tie.taken,
            tie.tied.join("”“")
        );
        outcome.errors.push(IngestError::file(&table.file, message));
    }
    // A household roster with a member's columns beside the household's
    // is long: one row a member, the household repeated on each.
    let unmapped: BTreeSet<&str> = mapping.unmapped.iter().map(|u| u.header.as_str()).collect();
    let unused = |i: usize| unmapped.contains(header.raw[i].as_str());
    let (members, long) = match mapping.dataset.name {
        "relief_households" if members.is_empty() => match wide::long(&view.readings, unused) {
            Some(member) => {
                // The member's columns are read, as the members'.
                let taken: Vec<&str> = [Some(member.id_number), member.name, member.relation]
                    .into_iter()
                    .flatten()
                    .map(|i| header.raw[i].as_str())
                    .collect();
                report.read_elsewhere(|h| taken.contains(&h));
                (vec![member], true)
            }
            None => (members, false),
        },
        "relief_households" => (members, false),
        _ => (Vec::new(), false),
    };
    // Wide household rows, and people each a household of one, give
    // relief members too.
    let unpivots = !members.is_empty() || mapping.households_of_one;
    // A table of months or households is not split by row.
    let split = split.filter(|_| !unpivots && mapping.unpivot.is_none());
    // The other dataset's columns are read, not left unmapped.
    if let Some(split) = &split {
        let taken = |h: &str| {
            split
                .decisions
                .iter()
                .any(|d| d.header.as_deref() == Some(h))
        };
        report.read_elsewhere(taken);
    }
    report.split = split.as_ref().map(|m| Split {
        dataset: m.dataset.name.to_string(),
        mapping: mapped_headers(m, &header),
        decisions: m.decisions.clone(),
        rows_accepted: 0,
        every_row,
    });
    // Typed Parquet/IPC columns are validated as they are; other columnar
    // input (and wide household rows) is read as text like any export.
    let all_rows;
    let rows: &[read::RawRow] = match &table.typed {
        Some(df) => {
            report.data_rows = df.height();
            let typed = (!unpivots && split.is_none())
                .then(|| typed::build(df, &mapping, &table.file, &mut outcome.rejects))
                .flatten();
            match typed {
                Some(Ok((built, rejected))) => {
                    report.rows_read = df.height();
                    report.rows_rejected = rejected;
                    report.rows_accepted = df.height() - rejected;
                    report.unknown_labels.extend(built.unknown);
                    outcome.frames.push(Frame {
                        dataset: mapping.dataset.name,
                        rows: Rows::Table,
                        table: Some(outcome.tables.len()),
                        village_names: false,
                        df: built.frame,
                    });
                    outcome.tables.push(report);
                    return;
                }
                Some(Err(e)) => {
                    let error = IngestError::file(&table.file, format!("生成数据表失败：{e}"));
                    report.note = Some(error.to_string());
                    outcome.errors.push(error);
                    outcome.tables.push(report);
                    return;
                }
                None => {
                    all_rows = read::frame_rows(df);
                    &all_rows
                }
            }
        }
        None => &table.rows[header.data_start.min(table.rows.len())..],
    };
    // Rows are normalized in chunks in parallel (files are too); each
    // chunk's counts, rejects and frames join in row order. The rest of a
    // CSV is parsed a few chunks at a time while the few before are
    // normalized, so that only those are held as rows.
    let member_spec = xuncha_schema::dataset("relief_members").expect("canonical dataset");
    let build = |rows: &[read::RawRow], marks: Option<&[Mark]>, sections: Option<&Sections>| {
        let table_parts = (
            table,
            &header,
            &mapping,
            split.as_ref().map(|s| (s, every_row)),
        );
        build_chunk(rows, table_parts, &members, member_spec, (marks, sections))
    };
    // Sections are marked in row order before the rows are built in parallel.
    let above = header.index.checked_sub(1).map(|i| &table.rows[i]);
    let mut sections = Sections::of(&mapping, entry, above);
    let marks = sections.as_mut().map(|s| s.mark(rows, &header));
    let mut chunks: Vec<Chunk> = rows
        .par_chunks(CHUNK_ROWS)
        .enumerate()
        .map(|(i, chunk)| {
            let start = i * CHUNK_ROWS;
            let marks = marks.as_deref().map(|m| &m[start..start + chunk.len()]);
            build(chunk, marks, sections.as_ref())
        })
        .collect();
    if let Some(rest) = &table.rest {
        let mut batches = rest.batches(CHUNK_ROWS);
        let few = 2 * rayon::current_num_threads();
        // While one set of batches is built, the next is parsed into the
        // rows of the set built before it: their cells' buffers are read
        // into again, not allocated row by row.
        let mut parse = |mut spare: Vec<Vec<read::RawRow>>| -> Result<Vec<_>, IngestError> {
            let mut set = Vec::with_capacity(few);
            while set.len() < few {
                match batches.next_into(spare.pop().unwrap_or_default()) {
                    Some(rows) => set.push(rows?),
                    None => break,
                }
            }
            Ok(set)
        };
        let mut parsed = parse(Vec::new());
        let mut spare = Vec::new();
        loop {
            let mut rows = match parsed {
                Ok(rows) if rows.is_empty() => break,
                Ok(rows) => rows,
                Err(e) => return unreadable(e, report, outcome),
            };
            if let Some(carry) = carry.as_mut() {
                for batch in rows.iter_mut() {
                    carry.fill(batch, &header);
                }
            }
            let built: Vec<Chunk>;
            let reuse = std::mem::take(&mut spare);
            let marks: Option<Vec<Vec<Mark>>> = (sections.as_mut())
                .map(|s| rows.iter().map(|batch| s.mark(batch, &header)).collect());
            let marks_of = |k: usize| marks.as_ref().map(|m| m[k].as_slice());
            (built, parsed) = rayon::join(
                || {
                    let batches = rows.par_iter().enumerate();
                    batches
                        .map(|(k, r)| build(r, marks_of(k), sections.as_ref()))
                        .collect()
                },
                || parse(reuse),
            );
            chunks.extend(built);
            spare = rows;
        }
    }
    let carried = carry
        .iter()
        .flat_map(|c| c.filled())
        .filter(|&(_, n)| n > 0);
    report.carried_down = carried.map(|(i, n)| (header.raw[i].clone(), n)).collect();
    // A table without data rows is still its dataset, empty.
    if chunks.is_empty() {
        chunks.push(build(&[], None, None));
    }
    // The sections' decisions go on with those the table's names made.
    let decisions = sections.as_ref().map(|s| s.decisions(&mapping));
    for mut decision in decisions.unwrap_or_default() {
        report.mapping.retain(|(c, _)| *c != decision.column);
        if let Some(at) = (report.decisions.iter()).position(|d| d.column == decision.column) {
            let names = report.decisions.remove(at);
            decision.reason = format!("{}；{}", names.reason, decision.reason);
        }
        report
            .mapping
            .push((decision.column.clone(), sections::LABEL_ROWS.to_string()));
        report.decisions.push(decision);
    }
    let (mut rows_built, mut members_built, mut split_built) = (Vec::new(), Vec::new(), Vec::new());
    report.data_rows = 0;
    let mut spread_records = 0;
    for chunk in chunks {
        let counts = chunk.counts;
        report.data_rows += counts.data_rows;
        report.blank_rows += counts.blank_rows;
        report.repeated_headers += counts.repeated_headers;
        report.total_rows += counts.total_rows;
        report.remark_rows += counts.remark_rows;
        report.section_rows += counts.section_rows;
        report.rows_read += counts.rows_read;
        report.rows_rejected += counts.rows_rejected;
        report.rows_accepted += counts.rows_accepted;
        report.members_accepted += counts.members_accepted;
        report.months_accepted += counts.months_accepted;
        report.spread_rows += counts.spread_rows;
        spread_records += chunk.spread_records;
        outcome.rejects.extend(chunk.rejects);
        rows_built.push(chunk.rows);
        members_built.push(chunk.members);
        if let (Some(built), Some(split)) = (chunk.split, report.split.as_mut()) {
            split.rows_accepted += chunk.split_accepted;
            split_built.push(built);
        }
    }
    // A table with rows spread over their months holds more records than
    // rows, as a wide monthly table does: its records are counted as months
    // (a wide table's, spread or not, already are).
    if report.spread_rows > 0 && mapping.unpivot.is_none() {
        report.months_accepted = report.rows_accepted - report.spread_rows + spread_records;
    }
    report.by_programs = (mapping.unpivot.as_ref()).is_some_and(|u| u.by == UnpivotBy::Programs);
    let rows = match mapping.unpivot {
        Some(_) => Rows::Months,
        None if report.spread_rows > 0 => Rows::Months,
        None => Rows::Table,
    };
    let names = mapping.names_villages() || sections.as_ref().is_some_and(Sections::named_villages);
    push_frames(
        outcome,
        &mut report,
        (mapping.dataset, rows, names),
        rows_built,
    );
    if unpivots {
        push_frames(
            outcome,
            &mut report,
            (member_spec, Rows::Members, false),
            members_built,
        );
    }
    if let Some(split) = &split {
        let names = split.names_villages();
        push_frames(
            outcome,
            &mut report,
            (split.dataset, Rows::Table, names),
            split_built,
        );
    }
    if long {
        read_once(outcome, &mut report);
    }
    outcome.tables.push(report);
}

/// Why a double-entry ledger is not read, and what to export instead;
/// `fits` says which datasets its headers fit.
fn double_entry_note(fits: &str) -> String {
    format!(
        "像是记账凭证序时账或科目明细账（有会计科目和借方、贷方两列，一笔业务记在借贷两边的几行上），\
         逐行读入会把同一笔钱既算作支出又算作收入，未读取；请导出村级支出明细和收入明细\
         （收款人、金额各一列），或现金、银行存款日记账（借方为收入、贷方为支出，按行分别读入）；\
         确是支出或收入清单的，在 catalog.toml 中用 dataset 指定（{fits}）"
    )
}

/// Do a table's names say it is a cash or bank journal (现金日记账,
/// 银行存款日记账: `when_named` of `village_payments`), whose 对方科目 is no
/// double entry?
fn names_a_journal(view: &TableView<'_>) -> bool {
    let words = lexicon::lexicon().dataset("village_payments");
    let journal = words.into_iter().flat_map(|w| &w.when_named);
    journal
        .flat_map(|w| &w.words)
        .any(|word| view.context.contains(word.as_str()))
}

/// Whether a table's headers are a double-entry ledger's (序时账, 明细账):
/// an account column beside a debit and a credit column, one business on
/// rows of both sides.
fn double_entry(header: &Header) -> bool {
    let has = |word: &str| header.names.iter().any(|n| n.contains(word));
    has("借方") && has("贷方") && has("科目")
}

/// Leave out the rows of a long household roster's table (one row a
/// member) that repeat an earlier row of it: the household on each
/// member's row, the head, the member listed as the head. Each household
/// and member is read once, citing its first row.
fn read_once(outcome: &mut FileOutcome, report: &mut TableReport) {
    let table = Some(outcome.tables.len());
    for rows in [Rows::Table, Rows::Members] {
        let (of_table, others): (Vec<Frame>, Vec<Frame>) = std::mem::take(&mut outcome.frames)
            .into_iter()
            .partition(|f| f.table == table && f.rows == rows);
        outcome.frames = others;
        let Some(mut first) = of_table.first().map(|f| Frame {
            df: DataFrame::empty(),
            ..*f
        }) else {
            continue;
        };
        // Stacked from clones (their columns shared), so that a frame that
        // cannot be stacked stays as it was read.
        let stacked = of_table.iter().try_fold(None::<DataFrame>, |all, f| {
            Ok::<_, PolarsError>(Some(match all {
                None => f.df.clone(),
                Some(mut all) => {
                    all.vstack_mut_owned(f.df.clone())?;
                    all
                }
            }))
        });
        let subset = |df: &DataFrame| -> Vec<String> {
            (df.get_column_names().into_iter())
                .filter(|n| n.as_str() != xuncha_schema::SOURCE_COLUMN)
                .map(|n| n.to_string())
                .collect()
        };
        let kept = stacked.and_then(|df| {
            let df = df.unwrap_or_default();
            let kept = df.unique_stable(Some(&subset(&df)), UniqueKeepStrategy::First, None)?;
            Ok((df.height() - kept.height(), kept))
        });
        match kept {
            Ok((repeats, kept)) => {
                first.df = kept;
                match rows {
                    Rows::Members => report.members_accepted -= repeats,
                    _ => {
                        report.rows_accepted -= repeats;
                        report.household_repeats += repeats;
                    }
                }
                outcome.frames.push(first);
            }
            Err(e) => {
                let message = format!("同户各行未能合并，按行读入（家庭可能重复）：{e}");
                outcome
                    .errors
                    .push(IngestError::file(&report.file, message));
                outcome.frames.extend(of_table);
            }
        }
    }
}

/// Rows of an export normalized together on one thread.
const CHUNK_ROWS: usize = 32 * 1024;

/// One chunk of a table's rows, normalized: its row counts (only the
/// count fields of the report are used), rejects and builders.
struct Chunk {
    counts: TableReport,
    rejects: Vec<Reject>,
    rows: DatasetBuilder,
    members: DatasetBuilder,
    /// The rows of the dataset the table is too, row by row.
    split: Option<DatasetBuilder>,
    split_accepted: usize,
    /// Records pushed for the rows spread over their months.
    spread_records: usize,
}

/// Normalize one chunk of a table's rows (and a wide household row's
/// members); in a table of sections, each row's mark says whether it is a
/// label or under which ([`sections`]).
fn build_chunk(
    rows: &[read::RawRow],
    (table, header, mapping, split): (&RawTable, &Header, &Mapping, Option<(&Mapping, bool)>),
    members: &[wide::MemberColumns],
    member_spec: &'static DatasetSpec,
    (marks, sections): (Option<&[Mark]>, Option<&Sections>),
) -> Chunk {
    let builder = |mapping: &Mapping, rows: usize| {
        DatasetBuilder::new(mapping.dataset, rows)
            .naming_villages(
                mapping.names_villages() || sections.is_some_and(Sections::may_name_villages),
            )
            .with_date_ranges(mapping.date_range_ends())
            .with_months(mapping.month_ends())
            .with_stated(mapping.stated_in_cells())
            .with_row_keys(mapping.row_keys())
            .with_months_as_numbers(mapping.months_as_numbers.clone())
            .qualifying_labels(mapping.qualifiers.clone())
    };
    let mut chunk = Chunk {
        counts: TableReport::default(),
        rejects: Vec::new(),
        rows: builder(mapping, rows.len()),
        members: DatasetBuilder::new(member_spec, 0),
        split: split.map(|(m, _)| builder(m, 0)),
        split_accepted: 0,
        spread_records: 0,
    };
    // Where the table is split, a row is each dataset's whose amount it fills
    // (the split table's two amount headers, found once), or both's.
    let every_row = split.is_some_and(|(_, every)| every);
    let split = split.map(|(other, _)| other);
    let amounts = split.and_then(|other| Some((mapping.amount_header()?, other.amount_header()?)));
    let fills = |i: usize, row: &read::RawRow| {
        let cell = row.cells.get(i).map(str::trim);
        cell.is_some_and(|v| !v.is_empty() && normalize::parse_amount(v, 1.0) != Ok(0.0))
    };
    // A period of several months is spread over them (a program column's
    // record too; not in a wide monthly table, whose columns give months).
    let by_months = mapping
        .unpivot
        .as_ref()
        .is_some_and(|u| u.by == UnpivotBy::Months);
    let spread = mapping::paid_month(mapping.dataset).filter(|_| !by_months);
    let counts = &mut chunk.counts;
    counts.data_rows = rows.len();
    for (i, row) in rows.iter().enumerate() {
        let under = match marks.map(|m| m[i]) {
            Some(Mark::Heading) => {
                counts.section_rows += 1;
                continue;
            }
            Some(Mark::Under(state)) => sections.map(|s| (s, state)),
            None => None,
        };
        match header::non_data(row, header) {
            Some(NonData::Blank) => counts.blank_rows += 1,
            Some(NonData::RepeatedHeader) => counts.repeated_headers += 1,
            Some(NonData::Total) => counts.total_rows += 1,
            Some(NonData::Note) => counts.remark_rows += 1,
            None => {
                counts.rows_read += 1;
                let origin = RowOrigin {
                    file: &table.file,
                    sheet: table.sheet.as_deref(),
                    line: row.line,
                };
                // A month its row writes without the year (`3`), with the year.
                let one_month: String;
                let date = date_of_parts(mapping, &row.cells);
                let mut cells = row_cells(mapping, header, &row.cells);
                with_date_parts(&mut cells, &date);
                if let Some((sections, state)) = under {
                    for (c, value) in sections.values_of(state) {
                        cells[c].raw = Some(value);
                    }
                }
                let period = spread.and_then(|(period, _)| cells[period].raw);
                let spanned = match spread.zip(period) {
                    Some((columns, raw)) => match yearless_period_of_row(mapping, raw, row) {
                        Ok(Some(months)) => Some((columns, months)),
                        Ok(None) => spans::months_spanned(raw).map(|months| (columns, months)),
                        Err(column) => {
                            chunk.rejects.push(origin.reject(
                                (&header.raw[column], mapping.dataset.name),
                                row.cells.get(column).unwrap_or_default().to_string(),
                                "无法识别的年份（季度或月份的年份取自此列）".into(),
                                RejectAction::RowDropped,
                            ));
                            counts.rows_rejected += 1;
                            continue;
                        }
                    },
                    None => None,
                };
                if let Some(((period, _), [month])) = spanned.as_ref().map(|(c, m)| (c, &m[..])) {
                    one_month = month.clone();
                    cells[*period].raw = Some(&one_month);
                    cells[*period].date_format = None;
                }
                if let Some(unpivot) = &mapping.unpivot {
                    let span = (spanned.as_ref())
                        .filter(|(_, months)| months.len() > 1)
                        .map(|((period, _), months)| (*period, &months[..]));
                    match push_unpivoted(
                        (mapping, unpivot, span),
                        header,
                        &cells,
                        &row.cells,
                        origin,
                        &mut chunk.rows,
                        &mut chunk.rejects,
                    ) {
                        Some(months) => {
                            counts.rows_accepted += 1;
                            counts.months_accepted += months;
                            counts.spread_rows += usize::from(span.is_some());
                        }
                        None => counts.rows_rejected += 1,
                    }
                    continue;
                }
                if let Some((columns, months)) = spanned.filter(|(_, months)| months.len() > 1) {
                    let rejects = &mut chunk.rejects;
                    match push_spread(
                        mapping,
                        columns,
                        &months,
                        &cells,
                        origin,
                        &mut chunk.rows,
                        rejects,
                    ) {
                        Some(pushed) => {
                            counts.rows_accepted += 1;
                            counts.spread_rows += 1;
                            chunk.spread_records += pushed;
                        }
                        None => counts.rows_rejected += 1,
                    }
                    continue;
                }
                // Whether the row is the table's dataset's, and the other's.
                let route = match amounts {
                    Some((own, theirs)) => Some((fills(own, row), fills(theirs, row))),
                    None => every_row.then_some((true, true)),
                };
                if let (Some(other), Some(builder), Some((here, there))) =
                    (split, chunk.split.as_mut(), route)
                {
                    if there {
                        let date = date_of_parts(other, &row.cells);
                        let mut cells = row_cells(other, header, &row.cells);
                        with_date_parts(&mut cells, &date);
                        let pushed = builder.push_row(&cells, origin, &mut chunk.rejects);
                        chunk.split_accepted += usize::from(pushed);
                        if !here {
                            counts.rows_accepted += usize::from(pushed);
                            counts.rows_rejected += usize::from(!pushed);
                            continue;
                        }
                    } else if let Some((own, theirs)) = amounts.filter(|_| !here) {
                        let (own, theirs) = (&header.raw[own], &header.raw[theirs]);
                        chunk.rejects.push(origin.reject(
                            (own, mapping.dataset.name),
                            String::new(),
                            format!("{own}、{theirs}均未填：不是收支记录"),
                            RejectAction::RowDropped,
                        ));
                        counts.rows_rejected += 1;
                        continue;
                    }
                }
                if !chunk.rows.push_row(&cells, origin, &mut chunk.rejects) {
                    counts.rows_rejected += 1;
                    continue;
                }
                counts.rows_accepted += 1;
                if !members.is_empty() || mapping.households_of_one {
                    counts.members_accepted += push_members(
                        mapping,
                        &cells,
                        members,
                        header,
                        &row.cells,
                        origin,
                        &mut chunk.members,
                        &mut chunk.rejects,
                    );
                }
            }
        }
    }
    chunk
}

/// A table whose text could not be parsed: an error, and the table not used.
fn unreadable(error: IngestError, mut report: TableReport, outcome: &mut FileOutcome) {
    report.note = Some(error.to_string());
    outcome.errors.push(error);
    outcome.tables.push(report);
}

/// The rows below the header of a table left unread, counted: a CSV's
/// rows past those parsed for recognition are parsed to count them.
fn count_unread(table: &RawTable, report: &mut TableReport) {
    report.data_rows += table.rest.as_ref().map_or(0, read::Unparsed::count);
}

/// A table not read: its note, and an error naming the file and sheet when
/// the user must act on it.
fn refuse(
    table: &RawTable,
    mut report: TableReport,
    note: String,
    is_error: bool,
    outcome: &mut FileOutcome,
) {
    if is_error {
        outcome.errors.push(IngestError::file(
            &table.file,
            format!("{}{note}", sheet_label(&table.sheet)),
        ));
    }
    report.note = Some(note);
    outcome.tables.push(report);
}

/// Canonical column → the header (or what stands in for one: a constant,
/// month columns, a range's end) each is read from, as reports list them.
fn mapped_headers(mapping: &Mapping, header: &Header) -> Vec<(String, String)> {
    mapping
        .dataset
        .columns
        .iter()
        .zip(&mapping.sources)
        .filter_map(|(c, s)| match s {
            ColumnSource::Header(i) => Some((c.name.to_string(), header.raw[*i].clone())),
            ColumnSource::Constant(v) => Some((
                c.name.to_string(),
                match places::named_text(v) {
                    Some(_) => "表名中的村名（按村(社区)名录换算）".to_string(),
                    None => format!("常量：{v}"),
                },
            )),
            ColumnSource::Unpivoted => {
                let months = mapping.unpivot.iter().flat_map(|m| &m.columns);
                let label = monthly::label(&header.raw, months.map(|(i, _)| *i));
                Some((c.name.to_string(), label))
            }
            ColumnSource::DateRange { index, end } => {
                let part = if *end { "止" } else { "起" };
                Some((
                    c.name.to_string(),
                    format!("{}（{part}）", header.raw[*index]),
                ))
            }
            ColumnSource::MonthOf { index, end } => {
                let day = if *end { "月末" } else { "月初" };
                Some((
                    c.name.to_string(),
                    format!("{}（按月，取{day}）", header.raw[*index]),
                ))
            }
            ColumnSource::StatedIn(i) => {
                let what = if c.kind == ColumnKind::Period {
                    "月份"
                } else {
                    "年份"
                };
                Some((
                    c.name.to_string(),
                    format!("{}（取其{what}）", header.raw[*i]),
                ))
            }
            ColumnSource::VillageName { .. } => {
                let decision = mapping.decisions.iter().find(|d| d.column == c.name);
                let label = decision.and_then(|d| d.header.clone()).unwrap_or_default();
                Some((c.name.to_string(), format!("{label}（按村(社区)名录换算）")))
            }
            ColumnSource::RowKey => Some((c.name.to_string(), ROW_KEY.to_string())),
            ColumnSource::DateParts => (mapping.date_parts.as_ref())
                .map(|p| (c.name.to_string(), format!("{}（月、日）", p.label))),
            ColumnSource::Absent => None,
        })
        .collect()
}

/// The table as recognition sees it: header readings, a content sample of
/// each column, wide member columns set aside, and the title rows above the header.
fn table_view<'a>(
    table: &RawTable,
    header: &'a Header,
    members: &[wide::MemberColumns],
) -> TableView<'a> {
    let samples: Vec<&csv::StringRecord> = table.rows[header.data_start.min(table.rows.len())..]
        .iter()
        .filter(|r| header::non_data(r, header).is_none())
        .take(evidence::SAMPLE_ROWS)
        .map(|r| &r.cells)
        .collect();
    let mut excluded = vec![false; header.raw.len()];
    for m in members {
        for i in [Some(m.id_number), m.name, m.relation]
            .into_iter()
            .flatten()
        {
            if let Some(x) = excluded.get_mut(i) {
                *x = true;
            }
        }
    }
    let title: Vec<&str> = table.rows[..header.index]
        .iter()
        .flat_map(|r| r.cells.iter())
        .filter(|c| !c.trim().is_empty())
        .collect();
    TableView::new(
        header,
        &samples,
        excluded,
        &table.file,
        table.sheet.as_deref(),
        &title,
    )
}

/// Finish a table's chunks of one dataset: their frames in row order, and
/// the labels no vocabulary knew, once per column and label with counts
/// added up, in column order then by label (as one builder reports them).
fn push_frames(
    outcome: &mut FileOutcome,
    report: &mut TableReport,
    (spec, rows, village_names): (&'static DatasetSpec, Rows, bool),
    builders: Vec<DatasetBuilder>,
) {
    let mut unknown: BTreeMap<(usize, String, String), usize> = BTreeMap::new();
    // Record numbers made of the rows' values, numbered over the table.
    let row_keys: Vec<&str> =
        (builders.first()).map_or_else(Vec::new, |b| b.row_key_columns().collect());
    let mut seen = vec![HashMap::new(); row_keys.len()];
    for builder in builders {
        let built = builder.finish().and_then(|mut built| {
            for (column, seen) in row_keys.iter().zip(&mut seen) {
                build::number_repeats(&mut built.frame, column, seen)?;
            }
            Ok(built)
        });
        match built {
            Ok(built) => {
                for label in built.unknown {
                    let at = spec.position(&label.column);
                    *unknown
                        .entry((at.unwrap_or(usize::MAX), label.column, label.value))
                        .or_default() += label.count;
                }
                outcome.frames.push(Frame {
                    dataset: spec.name,
                    rows,
                    // The table's report is pushed after its frames.
                    table: Some(outcome.tables.len()),
                    village_names,
                    df: built.frame,
                });
            }
            Err(e) => outcome
                .errors
                .push(IngestError::file(spec.name, format!("生成数据表失败：{e}"))),
        }
    }
    report
        .unknown_labels
        .extend(
            unknown
                .into_iter()
                .map(|((_, column, value), count)| build::UnknownLabel {
                    column,
                    value,
                    count,
                }),
        );
}

/// A row's cells, one per canonical column.
type RowCells<'a> = SmallVec<[Cell<'a>; ROW_CELLS]>;

/// A row's cells, one per canonical column, and after them the township's
/// when `village_code` comes from names with a township column
/// ([`DatasetBuilder::naming_villages`]).
fn row_cells<'a>(
    mapping: &'a Mapping,
    header: &'a Header,
    cells: &'a csv::StringRecord,
) -> RowCells<'a> {
    let at = |h: usize| (cells.get(h), header.raw[h].as_str());
    let cell = |(raw, header), scale, date_format| Cell {
        raw,
        header,
        scale,
        date_format,
    };
    let township = mapping.sources.iter().find_map(|s| match s {
        ColumnSource::VillageName { township, .. } => *township,
        _ => None,
    });
    // Collected in one go: a row of cells is too large to move once more.
    let columns = mapping.dataset.columns.iter().enumerate();
    columns
        .map(|(i, col)| {
            let source = match &mapping.sources[i] {
                ColumnSource::Header(h)
                | ColumnSource::DateRange { index: h, .. }
                | ColumnSource::MonthOf { index: h, .. }
                | ColumnSource::StatedIn(h)
                | ColumnSource::VillageName { village: h, .. } => at(*h),
                ColumnSource::Constant(v) => (Some(v.as_str()), col.name),
                // Set month by month ([`push_unpivoted`]); the row's place by
                // the builder; a date in parts by [`with_date_parts`].
                ColumnSource::Unpivoted
                | ColumnSource::DateParts
                | ColumnSource::RowKey
                | ColumnSource::Absent => (None, col.name),
            };
            cell(
                source,
                mapping.scales[i],
                mapping.date_formats[i].as_deref(),
            )
        })
        .chain(township.map(|t| cell(at(t), 1.0, None)))
        .collect()
}

/// A row's date a ledger writes in parts (月, 日: [`mapping::DateParts`]):
/// the canonical column, the parts' headers (which a reject names) and the
/// date put together, `None` where a part is blank or no number.
fn date_of_parts<'a>(
    mapping: &'a Mapping,
    row: &csv::StringRecord,
) -> Option<(usize, &'a str, Option<String>)> {
    let parts = mapping.date_parts.as_ref()?;
    Some((parts.column, parts.label.as_str(), parts.date(row)))
}

/// Put a row's date written in parts ([`date_of_parts`]) in its cell.
fn with_date_parts<'a>(
    cells: &mut RowCells<'a>,
    date: &'a Option<(usize, &'a str, Option<String>)>,
) {
    if let Some((column, head, date)) = date {
        cells[*column].raw = date.as_deref();
        cells[*column].header = head;
    }
}

/// Add the head and each numbered member of a wide household row (the
/// head alone for a household of one, the head and the row's member for a
/// long roster) to `relief_members`; returns how many member rows were
/// accepted.
#[allow(clippy::too_many_arguments)]
fn push_members(
    mapping: &Mapping,
    household: &[Cell<'_>],
    members: &[wide::MemberColumns],
    header: &Header,
    cells: &csv::StringRecord,
    origin: RowOrigin<'_>,
    builder: &mut DatasetBuilder,
    rejects: &mut Vec<Reject>,
) -> usize {
    let col = |name: &str| {
        let i = mapping.dataset.position(name).expect("canonical column");
        household[i].clone()
    };
    let household_id = col("household_id");
    let relation = |raw: Option<&'static str>| Cell {
        raw,
        header: "relation",
        scale: 1.0,
        date_format: None,
    };
    let mut accepted = 0;
    let head_id = col("head_id_number");
    if builder.push_row(
        &[
            household_id.clone(),
            head_id.clone(),
            col("head_name"),
            relation(Some("户主")),
        ],
        origin,
        rejects,
    ) {
        accepted += 1;
    }
    let at = |i: Option<usize>| Cell {
        raw: i.and_then(|i| cells.get(i)),
        header: i.map_or("", |i| header.raw[i].as_str()),
        scale: 1.0,
        date_format: None,
    };
    for m in members {
        let (id, name) = (at(Some(m.id_number)), at(m.name));
        let empty = |c: &Cell<'_>| c.raw.is_none_or(|r| r.trim().is_empty());
        if empty(&id) && empty(&name) {
            continue;
        }
        // One cell listing several members (孙二、孙小), their IDs likewise.
        let ids = listed(id.raw);
        let names = listed(name.raw);
        let several = ids.len() > 1 && (names.len() == ids.len() || empty(&name));
        let people: Vec<(Cell<'_>, Cell<'_>)> = if several {
            let names = names.into_iter().map(Some).chain(std::iter::repeat(None));
            (ids.into_iter().zip(names))
                .map(|(i, n)| {
                    let id = Cell {
                        raw: Some(i),
                        ..id.clone()
                    };
                    (
                        id,
                        Cell {
                            raw: n,
                            ..name.clone()
                        },
                    )
                })
                .collect()
        } else {
            vec![(id, name)]
        };
        for (id, name) in people {
            if id.raw.map(str::trim) == head_id.raw.map(str::trim) {
                continue;
            }
            let row = [household_id.clone(), id, name, at(m.relation)];
            accepted += usize::from(builder.push_row(&row, origin, rejects));
        }
    }
    accepted
}

/// The values one cell lists (`孙二、孙小、李花`), or the cell alone.
fn listed(raw: Option<&str>) -> Vec<&str> {
    let Some(raw) = raw else {
        return Vec::new();
    };
    raw.split(['、', '，', ',', ';', '；', '/', '\n'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect()
}

/// Add a row for each month (or program) a person's row of a wide table
/// was paid (a month's or program's column neither blank, 0 nor a dash):
/// the month's period (or the program) and the cell as its amount. A value
/// the person's columns cannot take is a reject once, not once a month, and
/// drops the person's row (`None`), as does a year that cannot be read
/// where the year is the row's (`年度`); a month's amount that cannot be
/// read drops that month. A program's record of a row whose period spans
/// months (`span`: the period column and its months) is spread over them.
/// Returns the months (or programs) accepted.
fn push_unpivoted<'a>(
    (mapping, unpivot, span): (&'a Mapping, &'a Unpivot, Option<(usize, &[String])>),
    header: &'a Header,
    cells: &[Cell<'a>],
    row: &'a csv::StringRecord,
    origin: RowOrigin<'_>,
    builder: &mut DatasetBuilder,
    rejects: &mut Vec<Reject>,
) -> Option<usize> {
    let (key, amount) = (unpivot.key, unpivot.amount);
    let columns = mapping.dataset.columns;
    // A reject of one of the person's required values, as it names the column.
    let of_person = |r: &Reject, cells: &[Cell<'_>]| {
        (0..columns.len())
            .any(|c| columns[c].required && c != key && c != amount && cells[c].header == r.column)
    };
    // The row's year (`年度` column), read when a month of it was paid.
    let of_row_year = unpivot.columns.iter().any(|(i, value)| {
        let yearless = matches!(
            value,
            KeyValue::OfRowYear(_) | KeyValue::Span { year: None, .. }
        );
        yearless && row.get(*i).is_some_and(paid)
    });
    let year_of_row = match unpivot.year.filter(|_| of_row_year) {
        Some(column) => {
            let value = row.get(column).unwrap_or_default();
            let Some(year) = row_year(value) else {
                rejects.push(origin.reject(
                    (&header.raw[column], mapping.dataset.name),
                    value.to_string(),
                    "无法识别的年份（各月份列的年份取自此列）".into(),
                    RejectAction::RowDropped,
                ));
                return None;
            };
            Some(year)
        }
        None => None,
    };
    // The months each column gives the row (a span's, each), living
    // shorter than the row's cells.
    let months: Vec<Vec<String>> = (unpivot.columns.iter())
        .map(|(_, value)| {
            let (year, first, last) = match *value {
                KeyValue::Fixed(_) => return Vec::new(),
                KeyValue::OfRowYear(month) => (None, month, month),
                KeyValue::Span { year, first, last } => (year, first, last),
            };
            let year = year
                .or(year_of_row)
                .map_or(String::new(), |y| y.to_string());
            (first..=last).map(|m| format!("{year}-{m:02}")).collect()
        })
        .collect();
    let mut cells: RowCells<'_> = cells.iter().cloned().collect();
    let mut accepted = 0;
    let mut first = true;
    for (k, (i, value)) in unpivot.columns.iter().enumerate() {
        let Some(raw) = row.get(*i).filter(|v| paid(v)) else {
            continue;
        };
        let head = header.raw[*i].as_str();
        // One value (a month, a program), or a span's months: a month
        // column's own, or a program's record's row's (its period column's).
        let (period, spread) = match (value, span) {
            (KeyValue::Fixed(_), Some((period, months))) => (period, months),
            _ => (key, &[][..]),
        };
        let (value, span) = match (value, &months[k][..]) {
            (KeyValue::Fixed(value), _) => (value.as_str(), spread),
            (_, [month]) => (month.as_str(), &[][..]),
            (_, span) => ("", span),
        };
        cells[key] = Cell {
            raw: Some(value),
            header: head,
            scale: 1.0,
            date_format: None,
        };
        cells[amount] = Cell {
            raw: Some(raw),
            header: head,
            scale: mapping.scales[amount],
            date_format: None,
        };
        let before = rejects.len();
        let pushed = if span.is_empty() {
            usize::from(builder.push_row(&cells, origin, rejects))
        } else {
            let spread = push_spread(
                mapping,
                (period, amount),
                span,
                &cells,
                origin,
                builder,
                rejects,
            );
            spread.unwrap_or(0)
        };
        let ok = pushed > 0;
        // The person's values were checked with the first month paid.
        if !first {
            let month_rejects = rejects.split_off(before);
            rejects.extend(month_rejects.into_iter().filter(|r| r.column == head));
        }
        if ok {
            accepted += pushed;
        } else if first && rejects[before..].iter().any(|r| of_person(r, &cells)) {
            return None;
        } else {
            // Only the month was dropped: the person's row goes on.
            for r in &mut rejects[before..] {
                if r.column == head {
                    r.reason.push_str(match unpivot.by {
                        UnpivotBy::Programs => "（仅此项目不读入，其他项目照常读入）",
                        UnpivotBy::Months if span.is_empty() => {
                            "（仅此月不读入，其他月份照常读入）"
                        }
                        UnpivotBy::Months => "（仅此期间不读入，其他期间照常读入）",
                    });
                } else {
                    r.action = RejectAction::ValueCleared;
                }
            }
        }
        first = false;
    }
    Some(accepted)
}

/// Add a row whose period names several months (a quarter, `2024年1-3月`:
/// [`spans`]) as a row a month, each with an equal share of the amount to
/// the fen, the period's first and last month (`period_from`, `period_to`)
/// and citing the row. The row's values are checked, and their
/// rejects kept, once; an amount that cannot be read drops the row as it
/// would any other. Returns the months added, `None` when the row was dropped.
fn push_spread(
    mapping: &Mapping,
    (period, amount): (usize, usize),
    months: &[String],
    cells: &[Cell<'_>],
    origin: RowOrigin<'_>,
    builder: &mut DatasetBuilder,
    rejects: &mut Vec<Reject>,
) -> Option<usize> {
    let total = cells[amount]
        .raw
        .map(|raw| normalize::parse_amount(raw, cells[amount].scale));
    let shares = match total {
        Some(Ok(total)) => spans::shares(total, months.len()),
        _ => Vec::new(),
    };
    let mut cells: RowCells<'_> = cells.iter().cloned().collect();
    cells[period].date_format = None;
    // Each record names the whole period too, for models that compare it whole.
    let columns = mapping.dataset;
    for (column, month) in [
        ("period_from", months.first()),
        ("period_to", months.last()),
    ] {
        if let Some(c) = columns.position(column) {
            cells[c].raw = month.map(String::as_str);
            cells[c].header = cells[period].header;
        }
    }
    let mut pushed = 0;
    for (k, month) in months.iter().enumerate() {
        cells[period].raw = Some(month);
        if let Some(share) = shares.get(k) {
            cells[amount].raw = Some(share);
            cells[amount].scale = 1.0;
        }
        let before = rejects.len();
        let ok = builder.push_row(&cells, origin, rejects);
        if k == 0 && !ok {
            return None;
        }
        if k > 0 {
            // The same values again: their rejects were kept with the first month.
            rejects.truncate(before);
        }
        pushed += usize::from(ok);
        if shares.is_empty() {
            break;
        }
    }
    Some(pushed)
}

/// The months of a row's quarter or month written without its year
/// (`第一季度`, `3月`) in a table that gives the year elsewhere
/// ([`mapping::PeriodYear`]): `None` for a period that is neither, `Err`
/// with the year column when the row's year cannot be read.
fn yearless_period_of_row(
    mapping: &Mapping,
    raw: &str,
    row: &read::RawRow,
) -> Result<Option<Vec<String>>, usize> {
    let Some(year) = &mapping.period_year else {
        return Ok(None);
    };
    let quarter = spans::yearless_quarter(raw);
    let month = quarter
        .is_none()
        .then(|| spans::yearless_month(raw))
        .flatten();
    if quarter.is_none() && month.is_none() {
        return Ok(None);
    }
    let year = match *year {
        mapping::PeriodYear::Stated(year) => year,
        mapping::PeriodYear::Column(c) => {
            row_year(row.cells.get(c).unwrap_or_default()).ok_or(c)?
        }
    };
    Ok(Some(match (quarter, month) {
        (Some(quarter), _) => spans::quarter_months(year, quarter),
        (None, Some(month)) => vec![format!("{year}-{month:02}")],
        (None, None) => return Ok(None),
    }))
}

/// A row's year as a year column writes it: `2024`, `2024年`, `2024年度`.
fn row_year(value: &str) -> Option<u32> {
    let value = normalize::to_half_width(value.trim());
    let year = normalize::parse_integer(&value)
        .ok()
        .and_then(|y| u32::try_from(y).ok())
        .or_else(|| stated::year_of(&value))?;
    (1900..=2100).contains(&year).then_some(year)
}

/// Was a month paid: a value other than blank, a dash or 0?
fn paid(value: &str) -> bool {
    let value = value.trim();
    !value.is_empty()
        && !normalize::placeholder(value)
        && normalize::parse_amount(value, 1.0) != Ok(0.0)
}

fn missing_columns_error(
    table: &RawTable,
    view: &TableView<'_>,
    mapping: &Mapping,
    entry: Option<&CatalogEntry>,
) -> IngestError {
    let lex = lexicon::lexicon();
    let header = view.header;
    let missing = mapping
        .missing
        .iter()
        .map(|col| {
            let tried = match entry.and_then(|e| e.columns.get(*col)) {
                Some(h) => vec![h.clone()],
                None => lex.wanted(mapping.dataset.name, col),
            };
            let kind = mapping.dataset.column(col).map(|c| c.kind);
            let mut scored: Vec<(f32, String)> = (0..header.raw.len())
                .filter_map(|i| {
                    let h = &header.raw[i];
                    let by_name = lex.score(mapping.dataset.name, col, &view.readings[i]);
                    let fits = kind.is_some_and(|k| {
                        view.profiles[i].verdict(k, col) == evidence::Verdict::Fits
                    });
                    let (score, why) = match by_name {
                        Some((s, _))
                            if !fits
                                && kind.is_some_and(|k| {
                                    view.profiles[i].verdict(k, col) == evidence::Verdict::RulesOut
                                }) =>
                        {
                            (s, format!("内容不符：{}", view.profiles[i].describe()))
                        }
                        Some((s, _)) => (s, String::new()),
                        None if fits => (0.4, format!("内容相符：{}", view.profiles[i].describe())),
                        None => return None,
                    };
                    let used = mapping
                        .decisions
                        .iter()
                        .find(|d| d.header.as_deref() == Some(h.as_str()))
                        .map(|d| format!("已用作 {}", d.column));
                    let notes: Vec<String> = [Some(why), used]
                        .into_iter()
                        .flatten()
                        .filter(|x| !x.is_empty())
                        .collect();
                    let notes = if notes.is_empty() {
                        String::new()
                    } else {
                        format!("，{}", notes.join("，"))
                    };
                    Some((score, format!("{h}（{score:.2}{notes}）")))
                })
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0));
            let mut candidates: Vec<String> = scored.into_iter().take(3).map(|(_, t)| t).collect();
            // Month columns without a year give no period.
            let months = view.months.iter().map(|m| m.index);
            let named = names_header(entry, col);
            if kind == Some(ColumnKind::Period) && !view.months.is_empty() && !named {
                candidates.insert(
                    0,
                    format!(
                        "{}（月份列，但表头、文件名、工作表名和标题都没有写明唯一的年份，如“2024年”，表中也没有唯一的“年度”列）",
                        monthly::label(&header.raw, months)
                    ),
                );
            }
            MissingColumn {
                column: col.to_string(),
                tried,
                candidates,
            }
        })
        .collect();
    // Neither the catalog, the file's name nor a hint word names it.
    let guessed = entry.is_none() && !view.names(mapping.dataset.name);
    IngestError::MissingColumns(Box::new(MissingColumns {
        file: table.file.clone(),
        sheet: table.sheet.clone(),
        guessed,
        dataset: mapping.dataset.name.to_string(),
        title: mapping.dataset.title.to_string(),
        missing,
        headers: header
            .raw
            .iter()
            .filter(|h| !h.trim().is_empty())
            .cloned()
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A text value takes its 16-byte view, text past 12 bytes a buffer
    /// beside it, and nulls a bit each; other columns what polars counts.
    #[test]
    fn held_bytes_count_each_text_value_view() {
        let long = "0123456789abcdef";
        let df = df!(
            "text" => [Some("低保"), None, Some(long)],
            "n" => [1i64, 2, 3],
        )
        .unwrap();
        assert_eq!(held_bytes(&df), 3 * 16 + long.len() + 1 + 3 * 8);
        // polars' own estimate counts only the text.
        assert!(df.estimated_size() < held_bytes(&df));
    }
}
