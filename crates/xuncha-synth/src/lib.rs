//! A synthetic county for tests, benchmarks and demos: every canonical
//! dataset, written as messy department exports (or clean Parquet), with
//! problems planted at known places (`truth.csv`) and hard negatives one step
//! from each rule. [`eval`] scores findings against that truth.

pub mod county;
pub mod eval;
mod export;
mod ids;
mod names;
pub mod table;
pub mod wording;

use std::path::Path;

pub use county::{as_of, TruthRow};

/// A generation or evaluation failure.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SynthError(pub String);

/// How the files are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// As departments export them: GBK/UTF-8 CSV, workbooks, varying headers, noise.
    Messy,
    /// Clean canonical Parquet, one file per dataset (for benchmarks).
    Parquet,
}

/// What was generated.
#[derive(Debug, Clone)]
pub struct SynthReport {
    pub files: Vec<String>,
    /// Rows per canonical dataset.
    pub rows: Vec<(String, usize)>,
    pub planted: usize,
}

/// Generate a county into `dir` (created if needed). Same scale, seed and
/// wording give byte-identical files; `wording` 0 is the generator's own
/// look, N ≥ 1 draws headers, file names and labels from the wording corpus.
pub fn generate(
    scale: f64,
    seed: u64,
    format: OutputFormat,
    wording: u32,
    dir: &Path,
) -> Result<SynthReport, SynthError> {
    if !(scale > 0.0 && scale <= 100.0) {
        return Err(SynthError(format!(
            "--scale 应在 0 到 100 之间，实际为 {scale}"
        )));
    }
    std::fs::create_dir_all(dir).map_err(|e| SynthError(format!("{}: {e}", dir.display())))?;
    let mut writer = export::Writer::new(dir, format, seed, wording::Wording(wording));
    let truth = county::build(scale, seed, &mut |tables| writer.write(&tables))?;
    let mut files = writer.files;
    let mut rows = writer.rows;
    rows.sort();
    export::write_truth(&truth, dir)?;
    std::fs::write(
        dir.join("catalog.toml"),
        "# truth.csv is the answer key, not an export.\nignore = [\"truth.csv\"]\n",
    )
    .map_err(|e| SynthError(e.to_string()))?;
    files.extend(["truth.csv".to_string(), "catalog.toml".to_string()]);
    Ok(SynthReport {
        files,
        rows,
        planted: truth.len(),
    })
}
