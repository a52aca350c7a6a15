//! Zip archives in a data folder: departments often send their exports
//! zipped (`民政数据.zip`). Each file inside is unpacked to a temporary
//! folder, removed when the folder has been read, and read as if it lay in
//! the data folder under the name `民政数据.zip/低保.xlsx`, which its rows
//! cite. Names in the archive are UTF-8 or, as Windows writes them, GBK.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tempfile::TempDir;
use zip::ZipArchive;

use crate::read::{extension, Format};
use crate::{others, FileOutcome};

/// Most bytes one file of an archive may unpack to (a zip bomb stops here).
const MAX_UNPACKED: u64 = 8 << 30;

/// The files of one archive, unpacked.
pub(crate) struct Unpacked {
    /// Each export's temporary path and its name in the data folder.
    pub files: Vec<(PathBuf, String)>,
    /// The names in the data folder of the other files, not unpacked.
    pub others: Vec<String>,
    /// The archive, or files of it, that could not be unpacked.
    pub problems: Vec<FileOutcome>,
    /// Removed, with the files, when dropped.
    _dir: Option<TempDir>,
}

/// Whether a file is a zip archive, by its name.
pub(crate) fn is_zip(path: &Path) -> bool {
    extension(path) == "zip"
}

/// Unpack the archive at `path`, named `rel` in the data folder: its
/// exports in parallel, each worker reading the archive through its own
/// handle.
pub(crate) fn unpack(path: &Path, rel: &str) -> Unpacked {
    let mut out = Unpacked {
        files: Vec::new(),
        others: Vec::new(),
        problems: Vec::new(),
        _dir: None,
    };
    let open = || {
        let file = File::open(path).map_err(|e| e.to_string())?;
        ZipArchive::new(BufReader::new(file)).map_err(|e| e.to_string())
    };
    let opened = open().and_then(|a| Ok((a, TempDir::new().map_err(|e| e.to_string())?)));
    let (mut archive, dir) = match opened {
        Ok(opened) => opened,
        Err(why) => {
            let why = format!("zip 压缩包无法打开（{why}），未读取；请解压到数据目录后再运行");
            out.problems.push(FileOutcome::not_read(rel, why, true));
            return out;
        }
    };
    // Each file's index and name, folders and other systems' leftovers
    // left out; a file that is no export is listed, not unpacked.
    let mut exports = Vec::new();
    for i in 0..archive.len() {
        let name = match archive.by_index_raw(i) {
            Ok(file) => entry_name(file.name_raw()),
            Err(_) => format!("第 {} 个文件", i + 1),
        };
        let base = name.rsplit('/').next().unwrap_or(&name).to_string();
        let skipped = ["__MACOSX/", "."].iter().any(|p| name.starts_with(p));
        if name.ends_with('/') || skipped || others::is_left_out(&base) {
            continue;
        }
        let inner = format!("{rel}/{name}");
        if Format::of(Path::new(&base)).is_none() {
            out.others.push(inner);
        } else {
            exports.push((i, base, inner));
        }
    }
    drop(archive);
    let written: Vec<Result<(PathBuf, String), FileOutcome>> = exports
        .into_par_iter()
        .map_init(open, |archive, (i, base, inner)| {
            let ext = extension(Path::new(&base));
            let target = dir.path().join(format!("{i}.{ext}"));
            let copied = match archive {
                Ok(archive) => match archive.by_index(i) {
                    Ok(file) => copy(file, &target),
                    Err(e) => Err(e.to_string()),
                },
                Err(why) => Err(why.clone()),
            };
            copied.map(|()| (target, inner.clone())).map_err(|why| {
                let why =
                    format!("压缩包中的此文件无法解压（{why}），未读取；请解压到数据目录后再运行");
                FileOutcome::not_read(&inner, why, true)
            })
        })
        .collect();
    for result in written {
        match result {
            Ok(file) => out.files.push(file),
            Err(problem) => out.problems.push(problem),
        }
    }
    out._dir = Some(dir);
    out
}

/// Copy one file of an archive to `target`, up to [`MAX_UNPACKED`] bytes.
fn copy(file: impl Read, target: &Path) -> Result<(), String> {
    let mut out = File::create(target).map_err(|e| e.to_string())?;
    let mut limited = file.take(MAX_UNPACKED + 1);
    let n = std::io::copy(&mut limited, &mut out).map_err(|e| e.to_string())?;
    if n > MAX_UNPACKED {
        return Err(format!("解压后超过 {} GB", MAX_UNPACKED >> 30));
    }
    Ok(())
}

/// A name in an archive: UTF-8 if it is, else GBK (Windows' own zips).
fn entry_name(raw: &[u8]) -> String {
    let name = match std::str::from_utf8(raw) {
        Ok(name) => name.to_string(),
        Err(_) => encoding_rs::GB18030.decode(raw).0.into_owned(),
    };
    name.replace('\\', "/")
}
