//! Files of a data folder that are not exports xuncha reads: each is listed
//! with why it was not read, never passed over in silence. An archive or a
//! file of an unknown kind may hold a table, so it is also an error; a
//! document or a picture (a cover letter, a scan) is only listed.

use std::path::Path;

use crate::read::extension;
use crate::FileOutcome;

/// Extensions of archives, which may hold the exports themselves: a zip in
/// the folder is read ([`crate::archives`]), one inside it is not.
const ARCHIVES: &[&str] = &["zip", "rar", "7z", "tar", "gz", "tgz", "bz2", "xz"];
/// Extensions of documents and pictures, which hold no table to read.
const DOCUMENTS: &[&str] = &[
    "doc", "docx", "wps", "pdf", "ofd", "ppt", "pptx", "dps", "md", "rtf", "jpg", "jpeg", "png",
    "gif", "bmp", "tif", "tiff",
];
/// Files Windows and macOS leave in folders.
const SYSTEM_FILES: &[&str] = &["thumbs.db", "desktop.ini"];

/// Whether a file, by its own name, is left out without being listed, in
/// the folder as in an archive: hidden, an Office lock file (`~$名单.xlsx`),
/// or one the operating system leaves in a folder, not the user.
pub(crate) fn is_left_out(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with("~$")
        || SYSTEM_FILES.contains(&name.to_ascii_lowercase().as_str())
}

/// The outcome of a file not read because it is no export: its table report
/// says why, and for an archive or an unknown kind so does an error.
pub(crate) fn unread(rel: &str) -> FileOutcome {
    let ext = extension(Path::new(rel));
    const SILENCE: &str = "如不需要，可在 catalog.toml 的 ignore 中列出";
    if ARCHIVES.contains(&ext.as_str()) {
        let why = format!(
            "{ext} 压缩包，未读取：请解压到数据目录后再运行（数据目录中的 zip 压缩包会直接读取，\
             压缩包中的压缩包不会）（{SILENCE}）"
        );
        FileOutcome::not_read(rel, why, true)
    } else if DOCUMENTS.contains(&ext.as_str()) {
        let why = format!("不是数据表格（文档或图片），未读取（{SILENCE}）");
        FileOutcome::not_read(rel, why, false)
    } else {
        let why = format!(
            "不是可读取的表格格式（可读取 csv、txt、tsv、xlsx、xls、xlsm、xlsb、ods、et、Excel 2003 xml、html 网页表格、\
             parquet、arrow 及其 zip 压缩包），未读取；如是数据请另存为 xlsx 或 csv（{SILENCE}）"
        );
        FileOutcome::not_read(rel, why, true)
    }
}
