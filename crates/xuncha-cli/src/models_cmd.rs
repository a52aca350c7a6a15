//! `xuncha models list|show|doc|validate|test|export`.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use xuncha_model::dialect::{self, Engine, Support};
use xuncha_model::{load_dirs, validate::validate, Model};

use crate::table::{Align, Table};
use crate::{Failure, ModelSource};

#[derive(Subcommand)]
pub enum ModelsCommand {
    /// 列出模型
    List {
        #[command(flatten)]
        source: ModelSource,
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
    /// 查看一个模型的完整定义
    Show {
        /// 模型 id
        id: String,
        #[command(flatten)]
        source: ModelSource,
    },
    /// 生成模型目录（Markdown），默认写入 docs/models.md
    Doc {
        #[arg(long, value_name = "FILE", default_value = "docs/models.md")]
        out: PathBuf,
        #[command(flatten)]
        source: ModelSource,
    },
    /// 运行模型旁的手写用例（<模型>.cases.toml）：正例必须发现，难负例不得发现
    Test {
        /// 模型 id 或通配符（默认：所有有用例的模型）
        ids: Vec<String>,
        #[command(flatten)]
        source: ModelSource,
    },
    /// 把每个模型代入参数后的 SQL 写到目录（<模型id>.sql，共用视图在 views.sql），供其他引擎比对
    Sql {
        /// 目标目录
        out: PathBuf,
        /// 为哪个引擎改写（polars、duckdb、spark）
        #[arg(long, default_value = "duckdb")]
        engine: Engine,
        /// 数据截至日期（代入 {as_of}），默认今天
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        #[command(flatten)]
        source: ModelSource,
    },
    /// 把程序内置的模型库导出到目录，供查看和修改（修改后用 --builtin DIR 或 --models DIR 使用）
    Export {
        /// 目标目录
        dir: PathBuf,
    },
    /// 可移植性报告：每个模型能否在 polars、DuckDB 和 Spark 上运行，需要哪些改写
    Portability {
        /// 输出 JSON
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        source: ModelSource,
    },
    /// 校验模型文件：能否解析，数据集和列是否存在，模板字段是否在结果中
    Validate {
        /// 要校验的目录（默认：内置模型库和 --models 目录）
        dirs: Vec<PathBuf>,
        #[command(flatten)]
        source: ModelSource,
    },
}

pub fn run(cmd: ModelsCommand) -> Result<(), Failure> {
    match cmd {
        ModelsCommand::List { source, json } => {
            let models = load(&source)?;
            if json {
                let rows: Vec<_> = models
                    .iter()
                    .map(|m| {
                        serde_json::json!({
                            "id": m.spec.id, "title": m.spec.title, "category": m.spec.category,
                            "severity": m.spec.severity, "datasets": m.spec.datasets,
                            "file": m.path.display().to_string(),
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                let mut table = Table::new(&[
                    ("模型", Align::Left),
                    ("类别", Align::Left),
                    ("风险", Align::Left),
                    ("名称", Align::Left),
                ]);
                for m in &models {
                    table.row(vec![
                        m.spec.id.clone(),
                        m.spec.category.to_string(),
                        m.spec.severity.label_zh().to_string(),
                        m.spec.title.clone(),
                    ]);
                }
                table.print();
                println!("共 {} 个模型", models.len());
            }
            Ok(())
        }
        ModelsCommand::Show { id, source } => {
            let models = load(&source)?;
            let m = models
                .iter()
                .find(|m| m.spec.id == id)
                .ok_or_else(|| Failure::from(format!("没有模型 {id}")))?;
            println!("# {}\n", m.path.display());
            print!("{}", m.text);
            Ok(())
        }
        ModelsCommand::Doc { out, source } => {
            let models = load(&source)?;
            if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&out, xuncha_model::doc::catalog_markdown(&models))?;
            println!("已写入 {}（{} 个模型）", out.display(), models.len());
            Ok(())
        }
        ModelsCommand::Test { ids, source } => {
            let models = load(&source)?;
            let (selected, unmatched) = xuncha_model::select(&models, &ids);
            if !unmatched.is_empty() {
                // `models test DIR`, as `models validate DIR` is written.
                let folder = unmatched.iter().find(|u| Path::new(u.as_str()).is_dir());
                let hint = folder.map_or(String::new(), |d| {
                    format!("（{d} 是目录：测试其中的模型请写 --models {d}）")
                });
                return Err(Failure::from(format!(
                    "没有匹配的模型：{}{hint}",
                    xuncha_model::unmatched_text(&models, &unmatched)
                )));
            }
            let (mut passed, mut failed, mut without) = (0, 0, Vec::new());
            for m in selected {
                let Some(outcomes) = xuncha_pipeline::cases::run_cases(m)? else {
                    without.push(m.spec.id.as_str());
                    continue;
                };
                for o in outcomes {
                    let kind = if o.positive { "正例" } else { "负例" };
                    if o.passed() {
                        passed += 1;
                        println!("✓ {} {kind}：{}", m.spec.id, o.name);
                    } else {
                        failed += 1;
                        println!("✗ {} {kind}：{}", m.spec.id, o.name);
                        for p in &o.problems {
                            println!("    {p}");
                        }
                    }
                }
            }
            if !without.is_empty() {
                println!("没有用例的模型：{}", without.join("、"));
            }
            println!("{passed} 个用例通过，{failed} 个未通过");
            if failed > 0 {
                return Err(Failure::from(format!("{failed} 个用例未通过")));
            }
            Ok(())
        }
        ModelsCommand::Sql {
            out,
            engine,
            as_of,
            source,
        } => {
            let as_of = match as_of {
                Some(raw) => xuncha_ingest::normalize::parse_date(&raw)
                    .map_err(|e| Failure::from(format!("--as-of：{e}")))?,
                None => chrono::Local::now().date_naive(),
            };
            let models = load(&source)?;
            std::fs::create_dir_all(&out)?;
            for m in &models {
                let sql = m.sql(&m.params(&Default::default())?, as_of)?;
                let sql = dialect::to_engine(&sql, engine)
                    .map_err(|e| Failure::from(format!("{}：{e}", m.path.display())))?;
                std::fs::write(out.join(format!("{}.sql", m.spec.id)), format!("{sql}\n"))?;
            }
            // In dependency order: each model lists a view's own views before it.
            let mut text = String::new();
            for v in xuncha_model::shared_views(&models) {
                let create = dialect::create_view(&v.spec.id, &v.sql(as_of)?, engine)
                    .map_err(|e| Failure::from(format!("{}：{e}", v.path.display())))?;
                text.push_str(&format!("{create};\n\n"));
            }
            std::fs::write(out.join("views.sql"), text)?;
            println!("已写入 {} 个模型的 SQL 到 {}", models.len(), out.display());
            Ok(())
        }
        ModelsCommand::Portability { json, source } => portability(&load(&source)?, json),
        ModelsCommand::Export { dir } => {
            let written = xuncha_model::builtin::export(&dir)
                .map_err(|e| Failure::from(format!("{}：{e}", dir.display())))?;
            println!(
                "已导出内置模型库 {} 个文件到 {}",
                written.len(),
                dir.display()
            );
            Ok(())
        }
        ModelsCommand::Validate { dirs, source } => {
            let (models, mut errors) = if dirs.is_empty() {
                source.load()
            } else {
                load_dirs(&dirs)
            };
            for m in &models {
                if let Err(e) = validate(m) {
                    errors.extend(e);
                }
            }
            for e in &errors {
                println!("{e}");
            }
            if errors.is_empty() {
                println!("{} 个模型全部通过校验", models.len());
                Ok(())
            } else {
                Err(Failure::from(format!(
                    "{} 处问题（共 {} 个模型）",
                    errors.len(),
                    models.len()
                )))
            }
        }
    }
}

/// Load models; any file that does not parse fails the command.
fn load(source: &ModelSource) -> Result<Vec<Model>, Failure> {
    let (models, errors) = source.load();
    if let Some(e) = errors.first() {
        return Err(Failure::from(e));
    }
    Ok(models)
}

/// Per model and engine: runs as written, after rewrites, or unchecked.
fn portability(models: &[Model], json: bool) -> Result<(), Failure> {
    let mut rows = Vec::new();
    for m in models {
        let params = m.params(&Default::default())?;
        let mut texts = vec![(
            m.path.display().to_string(),
            m.sql(&params, chrono::NaiveDate::MIN)?,
        )];
        for v in &m.views {
            texts.push((v.path.display().to_string(), v.sql(chrono::NaiveDate::MIN)?));
        }
        let mut engines: Vec<(Engine, Support)> = Engine::ALL.map(|e| (e, Support::AsIs)).to_vec();
        for (file, sql) in texts {
            let each = dialect::support(&sql).map_err(|e| Failure::from(format!("{file}：{e}")))?;
            for ((_, total), (_, one)) in engines.iter_mut().zip(each) {
                *total = merge(std::mem::replace(total, Support::AsIs), one);
            }
        }
        // Polars: the query compiles against the canonical schema.
        if let Err(e) = validate(m) {
            engines[0].1 = Support::Unchecked {
                constructs: e.iter().map(ToString::to_string).collect(),
            };
        }
        rows.push((m, engines));
    }
    if json {
        let out: Vec<_> = rows
            .iter()
            .map(|(m, engines)| {
                let per: serde_json::Map<_, _> = engines
                    .iter()
                    .map(|(e, s)| (e.to_string(), serde_json::to_value(s).unwrap_or_default()))
                    .collect();
                serde_json::json!({"id": m.spec.id, "engines": per})
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    let label = |s: &Support| match s {
        Support::AsIs => "原样".to_string(),
        Support::Rewritten { .. } => "改写后".to_string(),
        Support::Unchecked { .. } => "未核实".to_string(),
    };
    let mut table = Table::new(&[
        ("模型", Align::Left),
        ("polars", Align::Left),
        ("DuckDB", Align::Left),
        ("Spark", Align::Left),
        ("说明", Align::Left),
    ]);
    let mut counts = [0usize; 3];
    for (m, engines) in &rows {
        let notes: Vec<String> = engines
            .iter()
            .filter_map(|(e, s)| match s {
                Support::AsIs => None,
                Support::Rewritten { rewrites } => Some(format!("{e}：{}", rewrites.join("；"))),
                Support::Unchecked { constructs } => {
                    Some(format!("{e} 未核实：{}", constructs.join("、")))
                }
            })
            .collect();
        for (i, (_, s)) in engines.iter().enumerate() {
            counts[i] += usize::from(!matches!(s, Support::Unchecked { .. }));
        }
        table.row(vec![
            m.spec.id.clone(),
            label(&engines[0].1),
            label(&engines[1].1),
            label(&engines[2].1),
            notes.join("  "),
        ]);
    }
    table.print();
    println!(
        "共 {} 个模型：polars {} 个、DuckDB {} 个、Spark {} 个可运行（原样或改写后）",
        rows.len(),
        counts[0],
        counts[1],
        counts[2]
    );
    Ok(())
}

/// The support of a model from that of its query and of the views it reads.
fn merge(a: Support, b: Support) -> Support {
    match (a, b) {
        (Support::Unchecked { mut constructs }, Support::Unchecked { constructs: more }) => {
            constructs.extend(more);
            constructs.sort();
            constructs.dedup();
            Support::Unchecked { constructs }
        }
        (u @ Support::Unchecked { .. }, _) | (_, u @ Support::Unchecked { .. }) => u,
        (Support::Rewritten { mut rewrites }, Support::Rewritten { rewrites: more }) => {
            rewrites.extend(more);
            rewrites.sort();
            rewrites.dedup();
            Support::Rewritten { rewrites }
        }
        (r @ Support::Rewritten { .. }, Support::AsIs)
        | (Support::AsIs, r @ Support::Rewritten { .. }) => r,
        (Support::AsIs, Support::AsIs) => Support::AsIs,
    }
}
