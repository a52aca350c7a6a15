//! Files whose bytes repeat an earlier file of the folder: a second copy of an
//! export (`低保发放(1).xlsx`, the same download saved twice) would double
//! every row it holds, and every model that counts repeats would report them.

use std::path::PathBuf;

use crate::catalog::{Catalog, CatalogEntry};
use crate::FileOutcome;

/// For each file, the index of the file with the same bytes that is read in
/// its place: of identical files, the one with the shortest name (a copy's
/// name adds `(1)` or `- 副本`), the first in path order among equals. Only
/// files of the same size are read and compared; a file that cannot be read
/// is no copy (reading it later reports why), nor is one the catalog reads
/// otherwise (other entries, say another `program` for each file).
pub(crate) fn copies(files: &[(PathBuf, String)], catalog: &Catalog) -> Vec<Option<usize>> {
    let entries: Vec<Vec<&CatalogEntry>> = (files.iter())
        .map(|(_, rel)| catalog.entries_for(rel))
        .collect();
    let read_alike = |i: usize, j: usize| {
        let (a, b) = (&entries[i], &entries[j]);
        a.len() == b.len() && a.iter().zip(b).all(|(a, b)| std::ptr::eq(*a, *b))
    };
    let sizes: Vec<Option<u64>> = files
        .iter()
        .map(|(path, _)| std::fs::metadata(path).ok().map(|m| m.len()))
        .collect();
    // The first file of each set of identical files, for every file.
    let mut first: Vec<usize> = (0..files.len()).collect();
    for i in 0..files.len() {
        let Some(size) = sizes[i] else { continue };
        let earlier =
            (0..i).filter(|&j| sizes[j] == Some(size) && first[j] == j && read_alike(i, j));
        let mut bytes = None;
        for j in earlier {
            let mine = bytes.get_or_insert_with(|| std::fs::read(&files[i].0).ok());
            if mine.is_some() && std::fs::read(&files[j].0).ok() == *mine {
                first[i] = j;
                break;
            }
        }
    }
    let name_length = |i: usize| files[i].1.chars().count();
    (0..files.len())
        .map(|i| {
            let kept = (0..files.len())
                .filter(|&j| first[j] == first[i])
                .min_by_key(|&j| (name_length(j), j))
                .expect("a file is in its own set");
            (kept != i).then_some(kept)
        })
        .collect()
}

/// The outcome of a file not read because it repeats `original`: its table
/// report says so, and so does an error, for the user to remove the copy.
pub(crate) fn skipped(rel: &str, original: &str) -> FileOutcome {
    let why = format!("与 {original} 内容完全相同，未重复读取（请删除多余的副本）");
    FileOutcome::not_read(rel, why, true)
}
