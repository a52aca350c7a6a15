//! Validation and planning: compile a model's SQL against the canonical
//! schema (empty frames) so unknown datasets, columns and template fields
//! are caught before any data is read.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use std::ops::ControlFlow;

use polars::prelude::*;
use polars::sql::SQLContext;
use sqlparser::ast::{Query, TableFactor, Visit, Visitor};

use crate::dialect;
use crate::spec::{placeholders, Executor, QueryKind};
use crate::{Model, ModelError};

/// Compile a model's SQL into a lazy plan over the given frames. Only the
/// datasets the model declares are visible to its query. A frame named after
/// one of the model's views stands for that view's rows (computed once for a
/// batch, see [`plan_view`]); other views are compiled from their SQL.
pub fn plan(
    model: &Model,
    params: &BTreeMap<String, toml::Value>,
    as_of: NaiveDate,
    frames: &BTreeMap<String, LazyFrame>,
) -> Result<LazyFrame, ModelError> {
    let sql = model.sql(params, as_of)?;
    let mut readable = model.spec.datasets.clone();
    readable.extend(model.views.iter().map(|v| v.spec.id.clone()));
    check_relations(&sql, &readable).map_err(|message| model.error(Some("sql"), message))?;
    let (mut ctx, _) = register(model, &model.views, as_of, frames)?;
    ctx.execute(&polars_sql(&sql)).map_err(|e| {
        // A run reads only the columns its models name: planned over the
        // whole canonical schema, the error lists every column there is
        // (and the one meant), not only those read.
        let canonical =
            register(model, &model.views, as_of, &canonical_frames()).and_then(|(mut ctx, _)| {
                ctx.execute(&polars_sql(&sql))
                    .map_err(|e| sql_error(model, &e.to_string()))
            });
        match canonical {
            Err(full) if full.message.starts_with("SQL 无法编译") => full,
            _ => sql_error(model, &e.to_string()),
        }
    })
}

/// The rows of one of the model's views (`view` is its id), planned over the
/// same frames as [`plan`] plans the model.
pub fn plan_view(
    model: &Model,
    view: &str,
    as_of: NaiveDate,
    frames: &BTreeMap<String, LazyFrame>,
) -> Result<LazyFrame, ModelError> {
    // A model's views come after the views they read (attached so).
    let upto = model
        .views
        .iter()
        .position(|v| v.spec.id == view)
        .ok_or_else(|| model.error(Some("views"), format!("模型不读取视图 {view}")))?;
    let (_, last) = register(model, &model.views[..=upto], as_of, frames)?;
    Ok(last.expect("at least the view itself is registered"))
}

/// A SQL context holding the model's datasets and `views` (in their order),
/// with the plan of the last view registered. Each view is compiled in a
/// context of its own: polars' keeps the table aliases of the last query it
/// compiled, so a view reusing another's alias (`l`) for another table read
/// the first one's table.
fn register(
    model: &Model,
    views: &[crate::View],
    as_of: NaiveDate,
    frames: &BTreeMap<String, LazyFrame>,
) -> Result<(SQLContext, Option<LazyFrame>), ModelError> {
    let mut tables: Vec<(String, LazyFrame)> = Vec::new();
    for name in &model.spec.datasets {
        let lf = frames
            .get(name)
            .ok_or_else(|| model.error(Some(name), format!("缺少数据集 {name}")))?;
        tables.push((name.clone(), lf.clone()));
    }
    let context = |tables: &[(String, LazyFrame)]| {
        let ctx = SQLContext::new();
        for (name, lf) in tables {
            ctx.register(name, lf.clone());
        }
        ctx
    };
    let mut last = None;
    // A view reads canonical datasets and the views registered before it;
    // each is registered under its id (its computed rows when `frames` has them).
    for view in views {
        let view_error = |message: String| ModelError {
            file: view.path.display().to_string(),
            line: None,
            message,
        };
        if let Some(d) = view
            .spec
            .datasets
            .iter()
            .find(|d| !model.spec.datasets.contains(d))
        {
            return Err(model.error(
                Some("datasets"),
                format!("视图 {} 读取 {d}，模型的 datasets 须包含它", view.spec.id),
            ));
        }
        // Computed rows were planned (and their SQL checked) when computed.
        let lf = match frames.get(&view.spec.id) {
            Some(rows) => rows.clone(),
            None => {
                let view_sql = view.sql(as_of)?;
                let mut readable = view.spec.datasets.clone();
                readable.extend(view.spec.views.iter().cloned());
                check_relations(&view_sql, &readable).map_err(view_error)?;
                context(&tables)
                    .execute(&polars_sql(&view_sql))
                    .map_err(|e| {
                        view_error(format!(
                            "SQL 无法编译：{}",
                            polars_message_in_chinese(&e.to_string())
                        ))
                    })?
            }
        };
        tables.push((view.spec.id.clone(), lf.clone()));
        last = Some(lf);
    }
    Ok((context(&tables), last))
}

/// The SQL text as polars runs it (see [`dialect::to_engine`]); a text the
/// rewrite cannot parse goes as written, for polars to report its error.
fn polars_sql(sql: &str) -> String {
    dialect::to_engine(sql, dialect::Engine::Polars).unwrap_or_else(|_| sql.to_string())
}

/// Tables a query reads and the CTE names it defines.
#[derive(Default)]
struct Relations {
    ctes: Vec<String>,
    tables: Vec<String>,
    functions: Vec<String>,
}

impl Visitor for Relations {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if let Some(with) = &query.with {
            self.ctes.extend(
                with.cte_tables
                    .iter()
                    .map(|c| c.alias.name.value.to_lowercase()),
            );
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        match factor {
            TableFactor::Table {
                name,
                args: Some(_),
                ..
            } => self.functions.push(name.to_string()),
            TableFactor::Table { name, .. } => self.tables.push(name.to_string().to_lowercase()),
            TableFactor::Function { name, .. } => self.functions.push(name.to_string()),
            TableFactor::TableFunction { expr, .. } => self.functions.push(expr.to_string()),
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

/// A model's SQL may read only its declared canonical datasets and its own
/// CTEs: no table function (`read_csv('/etc/passwd')`, `read_parquet(…)`),
/// no other table. A model from someone else's folder cannot read the
/// machine's files.
pub fn check_relations(sql: &str, datasets: &[String]) -> Result<(), String> {
    let statements = dialect::parse_sql(sql)?;
    let mut seen = Relations::default();
    let _ = statements.visit(&mut seen);
    if let Some(f) = seen.functions.first() {
        return Err(format!(
            "SQL 不允许调用表函数 {f}：模型只能读取标准数据集（{}）",
            datasets.join("、")
        ));
    }
    let allowed =
        |t: &String| seen.ctes.contains(t) || datasets.iter().any(|d| d.eq_ignore_ascii_case(t));
    if let Some(t) = seen.tables.iter().find(|t| !allowed(t)) {
        return Err(format!(
            "SQL 读取了 {t}：模型只能读取 datasets 中列出的标准数据集（{}）和自己的 WITH 子查询",
            datasets.join("、")
        ));
    }
    Ok(())
}

/// Locate a polars SQL error in the model file by the first quoted name it mentions.
fn sql_error(model: &Model, message: &str) -> ModelError {
    let quoted = message
        .split(['"', '\'', '`'])
        .skip(1)
        .step_by(2)
        .find(|name| !name.is_empty() && model.text.contains(name));
    let needle = quoted.or(Some("sql"));
    model.sql_error(
        needle,
        format!("SQL 无法编译：{}", polars_message_in_chinese(message)),
    )
}

/// polars' messages an analyst meets most (a column or table that is not
/// there, a function polars does not have, text compared with a number) in
/// Chinese, names as written; any other message as it is.
pub fn polars_message_in_chinese(message: &str) -> String {
    // What follows is polars' plan up to the failure: not for an analyst.
    let message = message
        .split_once("\n\nResolved plan until failure")
        .map_or(message, |(head, _)| head)
        .trim_end();
    let quoted: Vec<&str> = message.split('\'').skip(1).step_by(2).collect();
    if message.starts_with("no column named '") && quoted.len() == 2 {
        return format!("表 {} 中没有列 {}", quoted[1], quoted[0]);
    }
    if message.starts_with("unsupported function '") && quoted.len() == 1 {
        let function = quoted[0];
        return match portable_instead(function) {
            Some(instead) => format!("polars 没有函数 {function}：{instead}"),
            None => format!(
                "polars 没有函数 {function}（模型可用的函数见 README 的 Portable model SQL 一节）"
            ),
        };
    }
    // polars names an SQL form it lacks by its parsed tree, in full.
    if let Some(form) = (message.strip_prefix("expression "))
        .filter(|_| message.ends_with("is not currently supported"))
        .and_then(|rest| rest.split([' ', '{', '(']).next())
    {
        return match form {
            "Exists" => "polars 不支持这种 EXISTS 子查询：写作 LEFT JOIN … WHERE x IS NULL，或 x IN (SELECT …)"
                .to_string(),
            _ => format!("polars 不支持此种写法（{form}）：模型可用的写法见 README 的 Portable model SQL 一节"),
        };
    }
    if message.starts_with("cannot compare 'date") && message.ends_with("to a string value") {
        return "日期和文字不能直接比较：日期常量写作 DATE '2024-03-01'（月份列存为该月 1 日）"
            .to_string();
    }
    if message.ends_with("should participate in the GROUP BY clause or an aggregate function")
        && quoted.len() == 1
    {
        let column = quoted[0];
        return format!("列 {column} 须写进 GROUP BY，或放进聚合函数（如 MIN({column})）");
    }
    if let Some(text) = missing_column_in_chinese(message) {
        return text;
    }
    if message.starts_with("table '") && message.ends_with("' does not exist") {
        return format!("表 {} 不存在", quoted[0]);
    }
    if let Some(dtype) = message.strip_prefix("cannot compare string with numeric type ") {
        return format!(
            "文字和数值不能直接比较 {dtype}：比较的两边须是同一类型（数值列不要和带引号的常量比）"
        );
    }
    if let Some(rest) = message.strip_prefix("ambiguous reference to column ") {
        if let Some((column, choices)) = rest.split_once(" (use one of: ") {
            let choices = choices.trim_end_matches(')');
            return format!("列 {column} 不止一个表有，请写明表名：{choices}");
        }
    }
    message.to_string()
}

/// The portable way to write what a function of another SQL dialect
/// (MySQL, SQL Server, Oracle, Excel) does, for those analysts reach for.
fn portable_instead(function: &str) -> Option<&'static str> {
    Some(match function.to_lowercase().as_str() {
        "year" | "month" | "day" => "取年、月、日写作 EXTRACT(YEAR FROM d)（MONTH、DAY 同）",
        "datediff" | "date_diff" | "timestampdiff" | "months_between" | "dateadd" | "date_add" => {
            "日期的间隔写作 d1 > d2 + INTERVAL '3 months'（或 '30 days'）"
        }
        "nvl" | "ifnull" | "isnull" => "空值换成默认值写作 COALESCE(x, 默认值)",
        "group_concat" | "listagg" | "wm_concat" => "拼接多行写作 STRING_AGG(x, '、' ORDER BY x)",
        "now" | "getdate" | "sysdate" | "today" | "curdate" | "current_date" => {
            "“今天”写作 {as_of}（数据截至日，运行时代入）"
        }
        "date_format" | "to_char" | "format" => "日期格式化写作 STRFTIME(d, '%Y-%m')",
        "if" | "iif" => "条件写作 CASE WHEN … THEN … ELSE … END",
        "instr" | "charindex" | "locate" | "position" => "包含某段文字写作 x LIKE '%文字%'",
        "len" | "char_length" => "长度写作 LENGTH(x)",
        "to_date" | "str_to_date" => "日期常量写作 DATE '2024-03-01'（日期列已是日期类型）",
        _ => return None,
    })
}

/// polars' `unable to find column "x"; valid columns: [...]` (a bare
/// column no table of the query has), with its `Did you mean "y"?`.
fn missing_column_in_chinese(message: &str) -> Option<String> {
    let quoted = |s: &str| s.split('"').nth(1).map(str::to_string);
    let rest = &message[message.find("unable to find column ")?..];
    let column = quoted(rest)?;
    // Canonical columns are ASCII: Chinese is text meant as a value.
    if !column.is_ascii() {
        return Some(format!(
            "没有列 {column}：文字要加单引号，写作 '{column}'（加双引号或不加引号的是列名）"
        ));
    }
    let mut text = format!("没有列 {column}");
    if let Some((_, valid)) = rest.split_once("valid columns: [") {
        let names: Vec<&str> = valid
            .split(']')
            .next()
            .unwrap_or_default()
            .split(", ")
            .map(|n| n.trim_matches('"'))
            // A join's `name:d` is polars' own name for the right table's column.
            .filter(|n| !n.is_empty() && !n.contains(':'))
            .collect();
        text.push_str(&format!("（可用的列：{}）", names.join("、")));
    }
    if let Some(meant) = rest
        .split_once("Did you mean ")
        .and_then(|(_, m)| quoted(m))
    {
        text.push_str(&format!("，是否想写 {meant}？"));
    }
    Some(text)
}

/// Empty frames with the canonical schema of every dataset.
pub fn canonical_frames() -> BTreeMap<String, LazyFrame> {
    xuncha_schema::DATASETS
        .iter()
        .map(|d| {
            (
                d.name.to_string(),
                DataFrame::empty_with_schema(&d.schema()).lazy(),
            )
        })
        .collect()
}

/// The model's datasets as scans of empty Parquet files written into `dir`,
/// as a streaming run reads a lake.
fn empty_scans(model: &Model, dir: &Path) -> PolarsResult<BTreeMap<String, LazyFrame>> {
    let mut scans = BTreeMap::new();
    for d in &model.spec.datasets {
        let Some(spec) = xuncha_schema::dataset(d) else {
            continue;
        };
        let path = dir.join(format!("{d}.parquet"));
        let file = std::fs::File::create(&path)?;
        ParquetWriter::new(file).finish(&mut DataFrame::empty_with_schema(&spec.schema()))?;
        let source = PlRefPath::try_from_path(&path)?;
        scans.insert(
            d.clone(),
            LazyFrame::scan_parquet(source, ScanArgsParquet::default())?,
        );
    }
    Ok(scans)
}

/// What validation needs to know of a built-in analyzer (`[query] kind`).
/// An analyzer reads the rows of the model's SQL and writes its own.
#[derive(Debug, Clone, Copy)]
pub struct Analyzer {
    pub kind: QueryKind,
    /// Params that name a column the SQL must output.
    pub column_params: &'static [&'static str],
    /// Other params the model must set.
    pub params: &'static [&'static str],
    /// Whether every input column reaches the output; otherwise only the
    /// columns named by `column_params` do.
    pub keeps_input: bool,
    /// Columns the analyzer adds to its output.
    pub adds: &'static [&'static str],
}

/// The analyzers the engine runs (`xuncha_engine::analyzers::apply`), one
/// per analyzer kind of [`QueryKind`].
pub const ANALYZERS: &[Analyzer] = &[
    Analyzer {
        kind: QueryKind::Benford,
        column_params: &["group_column", "value_column"],
        params: &["min_count", "max_mad", "alpha"],
        keeps_input: false,
        adds: &[
            "n",
            "chi_square",
            "p_value",
            "mad",
            "conformity",
            "mad_two",
            "conformity_two",
            "excess_digit",
            "actual_share",
            "expected_share",
            "_src_digit",
        ],
    },
    Analyzer {
        kind: QueryKind::PeerOutlier,
        column_params: &["peer_column", "metric_column"],
        params: &["max_z", "min_peers", "direction"],
        keeps_input: true,
        adds: &["peers", "peer_median", "peer_mad", "robust_z"],
    },
];

/// A model run in slices by `key` must hold it in every dataset it reads,
/// and cannot feed an analyzer, whose statistics need all rows at once.
fn partition_errors(model: &Model, key: &str, analyzer: bool) -> Vec<ModelError> {
    let mut errors = Vec::new();
    if analyzer {
        errors.push(model.error(
            Some("partition_by"),
            "partition_by 不能与分析器同用：分析器的统计要看到全部数据",
        ));
    }
    for d in &model.spec.datasets {
        let holds = xuncha_schema::dataset(d).is_some_and(|spec| spec.column(key).is_some());
        if !holds {
            errors.push(model.error(
                Some("partition_by"),
                format!("partition_by 指向的列 {key} 不在数据集 {d} 中"),
            ));
        }
    }
    errors
}

/// Check a model: datasets exist, the SQL compiles against the canonical
/// schema, an analyzer model sets the analyzer's params and its SQL
/// outputs the columns they name, and every column the finding mapping and
/// explain template name is in the model's output.
pub fn validate(model: &Model) -> Result<Vec<String>, Vec<ModelError>> {
    let spec = &model.spec;
    let mut errors = Vec::new();
    if spec.id.is_empty() || spec.id.chars().any(char::is_whitespace) {
        errors.push(model.error(Some("id"), "id 不能为空或含空白"));
    }
    if spec.datasets.is_empty() {
        errors.push(model.error(Some("datasets"), "datasets 至少列出一个数据集"));
    }
    for d in spec.not_in.iter().filter(|d| !spec.datasets.contains(d)) {
        errors.push(model.error(Some("not_in"), format!("not_in 中的 {d} 不在 datasets 中")));
    }
    for d in &spec.datasets {
        if xuncha_schema::dataset(d).is_none() {
            errors.push(model.error(
                Some(&format!("\"{d}\"")),
                format!("未知数据集 {d}{}", xuncha_schema::unknown_dataset_hint(d)),
            ));
        }
    }
    if spec.finding.subject_type().is_none() {
        errors.push(model.error(
            Some("subject"),
            "无法从 subject 推断对象类型，请写明 subject_type",
        ));
    }
    let analyzer = spec.query.kind.analyzer();
    if let Some(key) = &spec.query.partition_by {
        errors.extend(partition_errors(model, key, analyzer.is_some()));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let as_of = NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date");
    // The query runs over the empty datasets, not only its schema resolved:
    // some type errors (text compared with a number) show only when it runs,
    // and are then found here rather than in the batch.
    let output = plan(model, &spec.params, as_of, &canonical_frames())
        .and_then(|lf| lf.collect().map_err(|e| sql_error(model, &e.to_string())));
    let mut output: Vec<String> = match output {
        Ok(df) => df
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect(),
        Err(e) => return Err(vec![e]),
    };
    errors.extend(streaming_error(model, as_of));
    if let Some(a) = analyzer {
        output = analyzer_output(model, a, &output, &mut errors);
    }
    for (field, column) in spec.finding.named_columns() {
        if !output.iter().any(|o| o == column) {
            errors.push(model.error(
                Some(&format!("\"{column}\"")),
                format!(
                    "[finding] {field} 指向的列 {column} 不在查询结果中（结果列：{}）",
                    output.join(", ")
                ),
            ));
        }
    }
    for name in placeholders(&spec.finding.explain) {
        if !output.iter().any(|o| o == name) {
            errors.push(model.error(
                Some(&format!("{{{name}}}")),
                format!(
                    "explain 模板中的 {{{name}}} 不在查询结果中（结果列：{}）",
                    output.join(", ")
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok(output)
    } else {
        Err(errors)
    }
}

/// Why polars' streaming engine cannot run the model's query, which the
/// in-memory engine can: over a lake (a county larger than its memory, or
/// `--engine streaming`, scan Parquet files) and, for a model that asks for
/// it (`executor = "streaming"`), over loaded frames. It has no join on an
/// inequality, which a `WHERE` comparing the two sides of a `CROSS JOIN`
/// becomes, and says so by panicking.
fn streaming_error(model: &Model, as_of: NaiveDate) -> Option<ModelError> {
    let dir = tempfile::tempdir().ok()?;
    let mut inputs = vec![empty_scans(model, dir.path()).ok()?];
    if model.spec.query.executor == Executor::Streaming {
        inputs.push(canonical_frames());
    }
    let detail = inputs.iter().find_map(|frames| {
        let lf = plan(model, &model.spec.params, as_of, frames).ok()?;
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            lf.collect_with_engine(Engine::Streaming)
        }));
        match run {
            Ok(Ok(_)) => None,
            Ok(Err(e)) => Some(polars_message_in_chinese(&e.to_string())),
            Err(cause) => Some(xuncha_schema::panic_message(cause.as_ref()).to_string()),
        }
    })?;
    Some(model.sql_error(
        Some("sql"),
        format!(
            "查询在流式引擎上无法运行（{detail}）：数据大于内存或 --engine streaming 时此模型会失败；\
             CROSS JOIN 两侧的列在 WHERE 中比较大小时，改为在 CTE 中算出 CASE … THEN 1 ELSE 0 END 列再筛选"
        ),
    ))
}

/// Check an analyzer's params against the SQL output; the analyzer's own output.
fn analyzer_output(
    model: &Model,
    a: &Analyzer,
    input: &[String],
    errors: &mut Vec<ModelError>,
) -> Vec<String> {
    let params = &model.spec.params;
    let mut output = if a.keeps_input {
        input.to_vec()
    } else {
        Vec::new()
    };
    for name in a.params {
        if !params.contains_key(*name) {
            errors.push(model.error(
                Some("[params]"),
                format!("{} 模型须设置参数 {name}", a.kind.name()),
            ));
        }
    }
    for name in a.column_params {
        match params.get(*name).and_then(|v| v.as_str()) {
            Some(column) if input.iter().any(|c| c == column) => {
                if !a.keeps_input {
                    output.push(column.to_string());
                }
            }
            Some(column) => errors.push(model.error(
                Some(&format!("\"{column}\"")),
                format!(
                    "参数 {name} 指向的列 {column} 不在查询结果中（结果列：{}）",
                    input.join(", ")
                ),
            )),
            None => errors.push(model.error(
                Some("[params]"),
                format!("{} 模型须以字符串参数 {name} 指明输入列", a.kind.name()),
            )),
        }
    }
    output.extend(a.adds.iter().map(|c| c.to_string()));
    output
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const GOOD: &str = r#"
id = "t.deceased"
title = "测试"
category = "民政"
severity = "high"
datasets = ["benefit_payments", "deaths"]

[params]
grace_months = 0

[query]
sql = """
SELECT p.id_number, p.name, d.death_date, SUM(p.amount) AS amount
FROM benefit_payments p JOIN deaths d ON p.id_number = d.id_number
WHERE p.period > d.death_date + INTERVAL '{grace_months} months'
GROUP BY p.id_number, p.name, d.death_date
"""

[finding]
subject = "id_number"
amount = "amount"
explain = "{name}于{death_date}死亡，共{amount}元"
"#;

    fn model(text: &str) -> Model {
        Model::parse(Path::new("m.toml"), text).unwrap()
    }

    #[test]
    fn a_good_model_validates_and_reports_its_output() {
        let out = validate(&model(GOOD)).unwrap();
        assert_eq!(out, vec!["id_number", "name", "death_date", "amount"]);
    }

    #[test]
    fn unknown_columns_are_located_by_line() {
        let bad = GOOD.replace("d.death_date + INTERVAL", "d.died_on + INTERVAL");
        let errors = validate(&model(&bad)).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, Some(15), "{}", errors[0]);
        assert_eq!(errors[0].message, "SQL 无法编译：表 d 中没有列 died_on");
        // A bare column no table has: every column listed, the one meant named.
        let bad = GOOD.replace("SELECT p.id_number, p.name,", "SELECT p.id_number, nam,");
        let errors = validate(&model(&bad)).unwrap_err();
        assert_eq!(errors[0].line, Some(13), "{}", errors[0]);
        assert!(
            errors[0]
                .message
                .starts_with("SQL 无法编译：没有列 nam（可用的列：")
                && errors[0].message.contains("、death_date、")
                && !errors[0].message.contains(":d")
                && errors[0].message.ends_with("，是否想写 name？"),
            "{}",
            errors[0]
        );
        // A function polars does not have, named in Chinese too.
        let bad = GOOD.replace("SUM(", "SUMM(");
        let errors = validate(&model(&bad)).unwrap_err();
        assert!(
            errors[0]
                .message
                .starts_with("SQL 无法编译：polars 没有函数 summ（"),
            "{}",
            errors[0]
        );
        // Text written without single quotes is a column: said so, at its line.
        let bad = GOOD.replace("WHERE p.period >", "WHERE p.name = \"张三\" AND p.period >");
        let bad = bad.replace("title = \"测试\"", "title = \"测试张三\"");
        let errors = validate(&model(&bad)).unwrap_err();
        assert_eq!(errors[0].line, Some(15), "{}", errors[0]);
        assert!(
            errors[0].message.ends_with(
                "没有列 张三：文字要加单引号，写作 '张三'（加双引号或不加引号的是列名）"
            ),
            "{}",
            errors[0]
        );
        // A function of another dialect: its portable form.
        let bad = GOOD.replace(
            "p.period > d.death_date",
            "DATEDIFF('day', d.death_date, p.period) > 0 AND p.period > d.death_date",
        );
        let errors = validate(&model(&bad)).unwrap_err();
        assert!(
            errors[0].message
                == "SQL 无法编译：polars 没有函数 datediff：日期的间隔写作 d1 > d2 + INTERVAL '3 months'（或 '30 days'）",
            "{}",
            errors[0]
        );
        // A form polars lacks, named without its parsed tree.
        let bad = GOOD.replace(
            "WHERE p.period >",
            "WHERE EXISTS (SELECT 1 FROM deaths) AND p.period >",
        );
        let errors = validate(&model(&bad)).unwrap_err();
        assert!(
            errors[0].message
                == "SQL 无法编译：polars 不支持这种 EXISTS 子查询：写作 LEFT JOIN … WHERE x IS NULL，或 x IN (SELECT …)",
            "{}",
            errors[0]
        );
        // A date compared with text, and a column neither grouped nor aggregated.
        let bad = GOOD.replace(
            "WHERE p.period >",
            "WHERE p.period = '2024-03' AND p.period >",
        );
        let errors = validate(&model(&bad)).unwrap_err();
        assert!(
            errors[0]
                .message
                .starts_with("SQL 无法编译：日期和文字不能直接比较：日期常量写作 DATE")
                && !errors[0].message.contains("Resolved plan"),
            "{}",
            errors[0]
        );
        let bad = GOOD.replace("GROUP BY p.id_number, p.name,", "GROUP BY p.id_number,");
        let errors = validate(&model(&bad)).unwrap_err();
        assert!(
            errors[0]
                .message
                .ends_with("列 name 须写进 GROUP BY，或放进聚合函数（如 MIN(name)）"),
            "{}",
            errors[0]
        );
        // A type error that shows only when the query runs is found too.
        let bad = GOOD.replace("GROUP BY", "AND p.amount > 'abc'\nGROUP BY");
        let errors = validate(&model(&bad)).unwrap_err();
        assert!(
            errors[0].message.contains("文字和数值不能直接比较"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn not_in_names_datasets_of_the_model() {
        let bad = GOOD.replace(
            "datasets = [\"benefit_payments\", \"deaths\"]",
            "datasets = [\"benefit_payments\", \"deaths\"]\nnot_in = [\"residents\"]",
        );
        let errors = validate(&model(&bad)).unwrap_err();
        assert_eq!(errors[0].message, "not_in 中的 residents 不在 datasets 中");
        assert_eq!(errors[0].line, Some(7), "{}", errors[0]);
    }

    #[test]
    fn models_read_only_their_canonical_datasets() {
        for (from, to) in [
            ("FROM benefit_payments p", "FROM read_csv('/etc/passwd') p"),
            (
                "FROM benefit_payments p",
                "FROM read_parquet('/tmp/x.parquet') p",
            ),
            ("JOIN deaths d", "JOIN scan_ipc('x.arrow') d"),
            ("JOIN deaths d", "JOIN villages d"),
            (
                "JOIN deaths d",
                "JOIN (SELECT * FROM read_ndjson('a.jsonl')) d",
            ),
        ] {
            let bad = GOOD.replace(from, to);
            let errors = validate(&model(&bad)).unwrap_err();
            assert!(
                errors[0].message.contains("只能读取"),
                "{to}: {}",
                errors[0]
            );
        }
        // CTEs are the model's own and may be read.
        let sql = "WITH late AS (SELECT * FROM deaths) SELECT * FROM late JOIN benefit_payments b ON true";
        assert!(check_relations(sql, &["deaths".into(), "benefit_payments".into()]).is_ok());
    }

    #[test]
    fn undeclared_datasets_and_template_fields_are_errors() {
        let bad = GOOD.replace(
            "[\"benefit_payments\", \"deaths\"]",
            "[\"benefit_payments\"]",
        );
        assert!(validate(&model(&bad)).is_err());
        let bad = GOOD.replace("共{amount}元", "共{total}元");
        let errors = validate(&model(&bad)).unwrap_err();
        assert!(errors[0].message.contains("{total}"));
        assert_eq!(errors[0].line, Some(22));
        let bad = GOOD.replace("amount = \"amount\"", "amount = \"money\"");
        assert!(validate(&model(&bad)).unwrap_err()[0]
            .message
            .contains("money"));
    }

    const BY_VILLAGE: &str = r#"
id = "t.outlier"
title = "测试"
category = "村级财务"
severity = "low"
datasets = ["village_payments", "villages"]

[params]
peer_column = "township"
metric_column = "total"
max_z = 3.5
min_peers = 5
direction = "high"

[query]
kind = "peer_outlier"
sql = """
SELECT v.village_code, v.township, SUM(p.amount) AS total
FROM village_payments p JOIN villages v ON v.village_code = p.village_code
GROUP BY v.village_code, v.township
"""

[finding]
subject = "village_code"
explain = "{total} {robust_z}"
"#;

    #[test]
    fn analyzer_models_are_checked_against_the_analyzer() {
        let out = validate(&model(BY_VILLAGE)).unwrap();
        assert_eq!(
            out,
            vec![
                "village_code",
                "township",
                "total",
                "peers",
                "peer_median",
                "peer_mad",
                "robust_z"
            ]
        );
        // An unknown kind does not parse, and the error carries its line.
        let bad = BY_VILLAGE.replace("kind = \"peer_outlier\"", "kind = \"zscore\"");
        let e = Model::parse(Path::new("m.toml"), &bad).unwrap_err();
        assert!(
            e.message == "取值 `zscore` 无效，可选：`sql`、`benford`、`peer_outlier`",
            "{e}"
        );
        assert_eq!(e.line, Some(16));
        // A column param naming a column the SQL does not output.
        let bad = BY_VILLAGE.replace("metric_column = \"total\"", "metric_column = \"spend\"");
        let errors = validate(&model(&bad)).unwrap_err();
        assert!(errors[0].message.contains("spend"), "{}", errors[0]);
        // A missing param, and an explain field neither SQL nor analyzer gives.
        let bad = BY_VILLAGE
            .replace("max_z = 3.5\n", "")
            .replace("{robust_z}", "{z}");
        let messages: Vec<String> = validate(&model(&bad))
            .unwrap_err()
            .iter()
            .map(|e| e.message.clone())
            .collect();
        assert!(messages.iter().any(|m| m.contains("max_z")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("{z}")), "{messages:?}");
    }

    #[test]
    fn a_partition_key_must_be_in_every_dataset_and_feed_no_analyzer() {
        let keyed = |text: &str, key: &str| {
            text.replacen(
                "[query]\n",
                &format!("[query]\npartition_by = \"{key}\"\n"),
                1,
            )
        };
        assert!(validate(&model(&keyed(GOOD, "id_number"))).is_ok());
        let errors = validate(&model(&keyed(GOOD, "bank_account"))).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].message.contains("bank_account") && errors[0].message.contains("deaths"),
            "{}",
            errors[0]
        );
        let errors = validate(&model(&keyed(BY_VILLAGE, "village_code"))).unwrap_err();
        assert!(
            errors.iter().any(|e| e.message.contains("分析器")),
            "{errors:?}"
        );
    }

    #[test]
    fn toml_errors_carry_the_line() {
        let e = Model::parse(Path::new("m.toml"), "id = \"x\"\ntitle = \n").unwrap_err();
        assert_eq!(e.line, Some(2));
        // serde's own messages read in Chinese, the names as written.
        let bad = GOOD.replace("[query]\n", "[query]\nexecutor = \"fast\"\n");
        let e = Model::parse(Path::new("m.toml"), &bad).unwrap_err();
        assert_eq!(
            e.message,
            "取值 `fast` 无效，可选：`in_memory`、`streaming`"
        );
        assert_eq!(
            bad.lines().nth(e.line.unwrap() - 1),
            Some("executor = \"fast\"")
        );
        let bad = GOOD.replace("[query]\n", "[query]\nsqll = \"x\"\n");
        let e = Model::parse(Path::new("m.toml"), &bad).unwrap_err();
        assert!(
            e.message.starts_with("未知字段 `sqll`，可用的字段：`"),
            "{e}"
        );
    }

    /// A `WHERE` comparing the two sides of a `CROSS JOIN` runs in memory
    /// but not on the streaming engine: named, with the way round it.
    #[test]
    fn a_query_the_streaming_engine_cannot_run_is_named() {
        let join = "FROM benefit_payments p JOIN deaths d ON p.id_number = d.id_number\n\
                    WHERE p.period > d.death_date + INTERVAL '{grace_months} months'";
        assert!(GOOD.contains(join));
        let first = "FROM benefit_payments p\n\
                     CROSS JOIN (SELECT MIN(death_date) AS death_date FROM deaths) d\n";
        let cross = GOOD.replace(join, &format!("{first}WHERE p.period > d.death_date"));
        let errors = validate(&model(&cross)).unwrap_err();
        assert!(
            errors.len() == 1
                && errors[0].message.starts_with("查询在流式引擎上无法运行（")
                && errors[0].message.contains("CASE … THEN 1 ELSE 0 END"),
            "{errors:?}"
        );
        let flagged = GOOD.replace(
            join,
            &format!(
                "FROM (SELECT p.*, d.death_date, \
                 CASE WHEN p.period > d.death_date THEN 1 ELSE 0 END AS after \
                 {first}) p\nWHERE p.after = 1"
            ),
        );
        let flagged = flagged
            .replace("d.death_date, SUM", "p.death_date, SUM")
            .replace("p.name, d.death_date\n", "p.name, p.death_date\n");
        assert!(validate(&model(&flagged)).is_ok(), "{flagged}");
    }

    /// Two views may give the same alias to different tables: each is
    /// compiled on its own, so the second's `l` is its own `deaths`, not the
    /// first's subquery of ID numbers alone.
    #[test]
    fn views_reusing_an_alias_read_their_own_tables() {
        let view = |id: &str, reads: &str, sql: &str| {
            let text = format!(
                "id = \"{id}\"\ntitle = \"测试\"\ndescription = \"测试\"\n\
                 datasets = [\"benefit_payments\", \"deaths\"]\nviews = [{reads}]\n\
                 sql = \"\"\"\n{sql}\n\"\"\"\n"
            );
            crate::View::parse(Path::new("v.toml"), &text).unwrap()
        };
        let mut m = model(&GOOD.replace(
            "FROM benefit_payments p JOIN deaths d ON p.id_number = d.id_number",
            "FROM benefit_payments p JOIN dead d ON p.id_number = d.id_number",
        ));
        m.views = vec![
            view(
                "dead_ids",
                "",
                "SELECT p.id_number FROM benefit_payments p \
                 LEFT JOIN (SELECT DISTINCT id_number FROM deaths) l ON l.id_number = p.id_number",
            ),
            view(
                "dead",
                "\"dead_ids\"",
                "SELECT d.id_number, l.death_date FROM dead_ids d \
                 JOIN deaths l ON l.id_number = d.id_number \
                 UNION ALL \
                 SELECT d.id_number, l.death_date FROM dead_ids d \
                 JOIN deaths l ON l.name = d.id_number",
            ),
        ];
        m.spec.views = vec!["dead_ids".into(), "dead".into()];
        assert!(validate(&m).is_ok(), "{:?}", validate(&m));
    }
}
