//! Models: the TOML spec, parameters, loading a library of model files,
//! selecting models, and validating them against the canonical schema.

pub mod columns;
pub mod dialect;
pub mod doc;
pub mod params;
pub mod spec;
pub mod validate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use globset::Glob;
use serde::Serialize;
use xuncha_schema::config_message::{in_chinese, line_of};

pub use spec::{Executor, FindingSpec, ModelSpec, QueryKind, QuerySpec, ViewSpec};

/// A problem with one model file, located by file and (where known) line.
#[derive(Debug, Clone, thiserror::Error, Serialize)]
#[error("{file}{}：{message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ModelError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl ModelError {
    /// A file that does not fit the model (or view) format: serde's message
    /// in Chinese, at the line it points to.
    fn unparsed(path: &Path, text: &str, e: toml::de::Error) -> Self {
        ModelError {
            file: path.display().to_string(),
            line: e.span().map(|s| line_of(text, s.start)),
            message: in_chinese(e.message()),
        }
    }
}

/// A loaded model: its spec, where it came from, the file's text and the
/// shared views it reads.
#[derive(Debug, Clone)]
pub struct Model {
    pub spec: ModelSpec,
    pub path: PathBuf,
    pub text: String,
    /// The views named in `views`, in that order (attached when loading).
    pub views: Vec<View>,
    /// Hand-made test cases from `<model>.cases.toml` beside the model file.
    pub cases: Option<CaseFile>,
}

/// The text of a model's cases file (run by `xuncha models test`).
#[derive(Debug, Clone)]
pub struct CaseFile {
    pub path: PathBuf,
    pub text: String,
}

/// A loaded shared view.
#[derive(Debug, Clone)]
pub struct View {
    pub spec: ViewSpec,
    pub path: PathBuf,
}

impl View {
    /// Parse a view from its file text.
    pub fn parse(path: &Path, text: &str) -> Result<Self, ModelError> {
        let spec: ViewSpec =
            toml::from_str(text).map_err(|e| ModelError::unparsed(path, text, e))?;
        Ok(View {
            spec,
            path: path.to_path_buf(),
        })
    }

    /// The SQL with its shared parameters and the as-of date substituted.
    pub fn sql(&self, as_of: NaiveDate) -> Result<String, ModelError> {
        params::substitute(&self.spec.sql, &self.spec.params, as_of).map_err(|e| ModelError {
            file: self.path.display().to_string(),
            line: None,
            message: e,
        })
    }
}

/// Add a view and, before it, the views it reads (each once); `Err` names
/// a view that does not exist (or a chain of views too deep to be sane).
fn attach(name: &str, all: &[View], out: &mut Vec<View>, depth: usize) -> Result<(), String> {
    if out.iter().any(|v| v.spec.id == name) {
        return Ok(());
    }
    let view = all
        .iter()
        .find(|v| v.spec.id == name)
        .filter(|_| depth < 8)
        .ok_or_else(|| name.to_string())?;
    for dep in &view.spec.views {
        attach(dep, all, out, depth + 1)?;
    }
    out.push(view.clone());
    Ok(())
}

/// A model or view file: its path and its text (or why it could not be read).
type SourceFile = (PathBuf, Result<String, ModelError>);

/// Is this file a model's test cases (`<model>.cases.toml`)?
fn is_cases(path: &Path) -> bool {
    path.to_string_lossy().ends_with(".cases.toml")
}

/// Is this file a shared view (under a `_views` folder)?
fn is_view(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str() == "_views")
}

impl Model {
    /// Parse a model from its file text.
    pub fn parse(path: &Path, text: &str) -> Result<Self, ModelError> {
        let spec: ModelSpec =
            toml::from_str(text).map_err(|e| ModelError::unparsed(path, text, e))?;
        Ok(Model {
            spec,
            path: path.to_path_buf(),
            text: text.to_string(),
            views: Vec::new(),
            cases: None,
        })
    }

    /// An error in the model's SQL, located at the first line of the query
    /// containing `needle` (the `[query]` table on, or the whole file).
    pub fn sql_error(&self, needle: Option<&str>, message: impl Into<String>) -> ModelError {
        let query = self.text.find("[query]").unwrap_or(0);
        match needle.filter(|n| self.text[query..].contains(n)) {
            Some(n) => self.error_after(query, Some(n), message),
            None => self.error(needle, message),
        }
    }

    /// An error about this model, located at the first line containing `needle`.
    pub fn error(&self, needle: Option<&str>, message: impl Into<String>) -> ModelError {
        self.error_after(0, needle, message)
    }

    /// An error located at the first line from byte `from` on that contains
    /// `needle` (a name in the query, not the same word in the title).
    fn error_after(
        &self,
        from: usize,
        needle: Option<&str>,
        message: impl Into<String>,
    ) -> ModelError {
        let line = needle
            .and_then(|n| self.text[from..].find(n))
            .map(|pos| line_of(&self.text, from + pos));
        ModelError {
            file: self.path.display().to_string(),
            line,
            message: message.into(),
        }
    }

    /// Parameters with overrides applied (`model_id.name` keys are picked by id).
    pub fn params(
        &self,
        overrides: &BTreeMap<String, String>,
    ) -> Result<BTreeMap<String, toml::Value>, ModelError> {
        let mut params = self.spec.params.clone();
        let prefix = format!("{}.", self.spec.id);
        for (key, raw) in overrides {
            let Some(name) = key.strip_prefix(&prefix) else {
                continue;
            };
            let default = params
                .get(name)
                .ok_or_else(|| self.error(None, format!("模型没有参数 {name}（--param {key}）")))?;
            let value = params::parse_override(default, raw)
                .map_err(|e| self.error(None, format!("{key}：{e}")))?;
            params.insert(name.to_string(), value);
        }
        Ok(params)
    }

    /// The SQL with parameters and the as-of date substituted.
    pub fn sql(
        &self,
        params: &BTreeMap<String, toml::Value>,
        as_of: NaiveDate,
    ) -> Result<String, ModelError> {
        let sql = self
            .spec
            .query
            .sql
            .as_deref()
            .ok_or_else(|| self.error(Some("[query]"), "模型缺少 [query] sql"))?;
        params::substitute(sql, params, as_of).map_err(|e| self.error(Some("sql"), e))
    }
}

/// The built-in model library, embedded at build time from `models/`.
pub mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));

    /// Write the embedded library into `dir` (`mz/…toml`, …), for reading
    /// and editing; returns the files written.
    pub fn export(dir: &std::path::Path) -> std::io::Result<Vec<std::path::PathBuf>> {
        let mut written = Vec::new();
        for (rel, text) in FILES {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, text)?;
            written.push(path);
        }
        Ok(written)
    }
}

/// Where the built-in library comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Library {
    /// The library embedded in the binary.
    Embedded,
    /// A folder that replaces it (`--builtin DIR`, `XUNCHA_MODELS`).
    Dir(PathBuf),
    /// No built-in library.
    None,
}

/// Load the built-in library and then every `*.toml` under `extra`.
pub fn load_library(library: &Library, extra: &[PathBuf]) -> (Vec<Model>, Vec<ModelError>) {
    let mut dirs = Vec::new();
    let mut files: Vec<SourceFile> = Vec::new();
    match library {
        Library::Embedded => files.extend(
            builtin::FILES
                .iter()
                .map(|(rel, text)| (Path::new("models").join(rel), Ok(text.to_string()))),
        ),
        Library::Dir(d) => dirs.push(d.clone()),
        Library::None => {}
    }
    dirs.extend(extra.iter().cloned());
    let (more, mut errors) = read_dirs(&dirs);
    files.extend(more);
    let (mut models, more_errors) = parse_all(files);
    errors.extend(more_errors);
    models.sort_by(|a, b| a.spec.id.cmp(&b.spec.id));
    (models, errors)
}

/// Load every `*.toml` under the given folders (views from `_views/`).
/// Files that do not parse are returned as errors; duplicate ids are errors too.
pub fn load_dirs(dirs: &[PathBuf]) -> (Vec<Model>, Vec<ModelError>) {
    let (files, mut errors) = read_dirs(dirs);
    let (mut models, more) = parse_all(files);
    errors.extend(more);
    models.sort_by(|a, b| a.spec.id.cmp(&b.spec.id));
    (models, errors)
}

/// The text of every `*.toml` under the folders, in path order.
fn read_dirs(dirs: &[PathBuf]) -> (Vec<SourceFile>, Vec<ModelError>) {
    let mut paths = Vec::new();
    let mut errors = Vec::new();
    for dir in dirs {
        collect_toml(dir, &mut paths, &mut errors);
    }
    paths.sort();
    let files = paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).map_err(|e| ModelError {
                file: path.display().to_string(),
                line: None,
                message: format!("无法读取：{e}"),
            });
            (path, text)
        })
        .collect();
    (files, errors)
}

/// Parse model and view files in order; duplicate ids are errors; each
/// model gets the views it names (an unknown view is an error).
fn parse_all(files: Vec<SourceFile>) -> (Vec<Model>, Vec<ModelError>) {
    let mut errors = Vec::new();
    let mut models: Vec<Model> = Vec::new();
    let mut views: Vec<View> = Vec::new();
    let mut cases: Vec<CaseFile> = Vec::new();
    for (path, text) in files {
        let text = match text {
            Ok(t) => t,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if is_cases(&path) {
            cases.push(CaseFile { path, text });
            continue;
        }
        if is_view(&path) {
            match View::parse(&path, &text) {
                Ok(v) if views.iter().any(|o| o.spec.id == v.spec.id) => errors.push(ModelError {
                    file: path.display().to_string(),
                    line: None,
                    message: format!("视图 id {} 重复", v.spec.id),
                }),
                // A batch passes a view's computed rows among the datasets, by id.
                Ok(v) if xuncha_schema::dataset(&v.spec.id).is_some() => errors.push(ModelError {
                    file: path.display().to_string(),
                    line: None,
                    message: format!("视图 id {} 与标准数据集同名，请换一个名字", v.spec.id),
                }),
                Ok(v) => views.push(v),
                Err(e) => errors.push(e),
            }
            continue;
        }
        match Model::parse(&path, &text) {
            Ok(m) => match models.iter().find(|o| o.spec.id == m.spec.id) {
                Some(other) => errors.push(m.error(
                    Some("id"),
                    format!("模型 id {} 与 {} 重复", m.spec.id, other.path.display()),
                )),
                None => models.push(m),
            },
            Err(e) => errors.push(e),
        }
    }
    for c in &cases {
        let model_path = c.path.to_string_lossy().replace(".cases.toml", ".toml");
        if !models
            .iter()
            .any(|m| m.path.to_string_lossy() == model_path)
        {
            errors.push(ModelError {
                file: c.path.display().to_string(),
                line: None,
                message: format!("测试用例文件旁没有对应的模型文件 {model_path}"),
            });
        }
    }
    let mut attached = Vec::with_capacity(models.len());
    for mut m in models {
        let stem = m
            .path
            .to_string_lossy()
            .trim_end_matches(".toml")
            .to_string();
        m.cases = cases
            .iter()
            .find(|c| c.path.to_string_lossy() == format!("{stem}.cases.toml"))
            .cloned();
        let mut unknown = Vec::new();
        for name in m.spec.views.clone() {
            if let Err(name) = attach(&name, &views, &mut m.views, 0) {
                unknown.push(name);
            }
        }
        match unknown.first() {
            Some(first) => {
                let message = unknown
                    .iter()
                    .map(|name| why_unusable(name, &errors))
                    .collect::<Vec<_>>()
                    .join("；");
                errors.push(m.error(Some(first), message))
            }
            None => attached.push(m),
        }
    }
    (attached, errors)
}

/// Why a view a model names cannot be attached: a view file of that name
/// (a view's id is its file stem by convention) already has an error in
/// `errors`, or there is no such view.
fn why_unusable(name: &str, errors: &[ModelError]) -> String {
    let broken = errors.iter().find(|e| {
        let file = Path::new(&e.file);
        is_view(file) && file.file_stem().is_some_and(|s| s == name)
    });
    match broken {
        Some(e) => format!("视图 {name} 无法使用：{} 有错误（见该文件的报错）", e.file),
        None => format!("未知视图 {name}（models/_views/ 中没有）"),
    }
}

fn collect_toml(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<ModelError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(ModelError {
                file: dir.display().to_string(),
                line: None,
                message: format!("无法读取模型目录：{e}"),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_toml(&path, files, errors);
        } else if path.extension().is_some_and(|e| e == "toml") {
            files.push(path);
        }
    }
}

/// The shared views some of `models` read, each once, every view after
/// the views it reads (the order to create them in).
pub fn shared_views<'m>(models: impl IntoIterator<Item = &'m Model>) -> Vec<&'m View> {
    let mut views: Vec<&View> = Vec::new();
    for view in models.into_iter().flat_map(|m| &m.views) {
        if !views.iter().any(|v| v.spec.id == view.spec.id) {
            views.push(view);
        }
    }
    views
}

/// The selectors no model matched, each with the ids it is part of.
pub fn unmatched_text(models: &[Model], unmatched: &[String]) -> String {
    let said: Vec<String> = (unmatched.iter())
        .map(|u| format!("{u}{}", unmatched_hint(models, u)))
        .collect();
    said.join("、")
}

/// What to say after a selector no model matched: the ids it is part of
/// (`mz.dual` of `mz.dual_program`), with the pattern that selects them.
fn unmatched_hint(models: &[Model], selector: &str) -> String {
    let wanted = selector.to_lowercase();
    let near: Vec<&str> = models
        .iter()
        .map(|m| m.spec.id.as_str())
        .filter(|id| id.to_lowercase().contains(&wanted))
        .collect();
    match near.as_slice() {
        [] => String::new(),
        [id] => format!("（是否想写 {id}？）"),
        ids => {
            let listed = ids[..ids.len().min(3)].join("、");
            let more = if ids.len() > 3 {
                format!(" 等 {} 个", ids.len())
            } else {
                String::new()
            };
            format!("（id 含 {selector} 的有 {listed}{more}：要选中它们请写 \"*{selector}*\"）")
        }
    }
}

/// Keep the models matching any selector: an id, a glob on ids (`mz.*`) or
/// a category (`民政`). No selectors keeps all. A selector matching nothing
/// is returned as unmatched.
pub fn select<'m>(models: &'m [Model], selectors: &[String]) -> (Vec<&'m Model>, Vec<String>) {
    if selectors.is_empty() {
        return (models.iter().collect(), Vec::new());
    }
    let mut unmatched = Vec::new();
    let mut keep = vec![false; models.len()];
    for sel in selectors {
        let glob = Glob::new(sel).ok().map(|g| g.compile_matcher());
        let mut any = false;
        for (i, m) in models.iter().enumerate() {
            if m.spec.id == *sel
                || m.spec.category == *sel
                || glob.as_ref().is_some_and(|g| g.is_match(&m.spec.id))
            {
                keep[i] = true;
                any = true;
            }
        }
        if !any {
            unmatched.push(sel.clone());
        }
    }
    let chosen = models
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(m, _)| m)
        .collect();
    (chosen, unmatched)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_selector_matching_nothing_is_told_the_ids_it_is_part_of() {
        let model = |id: &str| {
            let text = format!(
                "id = \"{id}\"\ntitle = \"t\"\ncategory = \"民政\"\nseverity = \"low\"\n\
                 datasets = [\"deaths\"]\n[query]\nsql = \"SELECT id_number FROM deaths\"\n\
                 [finding]\nsubject = \"id_number\"\nexplain = \"x\"\n"
            );
            Model::parse(Path::new("m.toml"), &text).unwrap()
        };
        let models = vec![
            model("mz.dual_program"),
            model("mz.dual_pension"),
            model("rs.x"),
        ];
        let (chosen, unmatched) = select(&models, &["mz.dual".into(), "rs.x".into()]);
        assert_eq!(chosen.len(), 1);
        assert_eq!(unmatched, vec!["mz.dual".to_string()]);
        assert_eq!(
            unmatched_hint(&models, "mz.dual"),
            "（id 含 mz.dual 的有 mz.dual_program、mz.dual_pension：要选中它们请写 \"*mz.dual*\"）"
        );
        assert_eq!(
            unmatched_hint(&models, "dual_prog"),
            "（是否想写 mz.dual_program？）"
        );
        assert_eq!(unmatched_hint(&models, "zj.none"), "");
    }

    /// A view named after a canonical dataset is refused by name (a batch
    /// passes a view's computed rows among the datasets, by id).
    #[test]
    fn a_view_named_after_a_dataset_is_refused() {
        let view = "id = \"residents\"\ntitle = \"t\"\ndescription = \"t\"\n\
                    datasets = [\"residents\"]\nsql = \"SELECT * FROM residents\"\n";
        let files = vec![(
            PathBuf::from("models/_views/residents.toml"),
            Ok(view.to_string()),
        )];
        let (_, errors) = parse_all(files);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].file, "models/_views/residents.toml");
        assert!(
            errors[0]
                .message
                .contains("视图 id residents 与标准数据集同名"),
            "{}",
            errors[0].message
        );
    }

    /// A model reading a view whose file does not parse is told that the
    /// view has errors (and where), not that no such view exists.
    #[test]
    fn a_model_reading_a_broken_view_names_the_view_file() {
        let view = "id = \"people\"\ntitle = \"t\"\nsql = \"\"\"\nSELECT 1\n";
        let model = "id = \"m.one\"\ntitle = \"t\"\ncategory = \"t\"\nseverity = \"low\"\n\
                     datasets = [\"residents\"]\nviews = [\"people\", \"absent\"]\n\
                     [query]\nsql = \"SELECT * FROM people\"\n\
                     [finding]\nsubject = \"id_number\"\nexplain = \"{id_number}\"\n";
        let files = vec![
            (
                PathBuf::from("models/_views/people.toml"),
                Ok(view.to_string()),
            ),
            (PathBuf::from("models/m/one.toml"), Ok(model.to_string())),
        ];
        let (models, errors) = parse_all(files);
        assert!(models.is_empty());
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].file, "models/_views/people.toml");
        assert_eq!(errors[1].file, "models/m/one.toml");
        assert_eq!(
            errors[1].message,
            "视图 people 无法使用：models/_views/people.toml 有错误（见该文件的报错）；\
             未知视图 absent（models/_views/ 中没有）"
        );
    }
}
