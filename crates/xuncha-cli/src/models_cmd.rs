//! `xuncha models list|show|doc|validate|test|export`.

use std::path::PathBuf;

use clap::Subcommand;
use xuncha_model::{load_dirs, validate::validate, Model};

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
                for m in &models {
                    println!(
                        "{:<36} {:<6} {:<4} {}",
                        m.spec.id,
                        m.spec.category,
                        m.spec.severity.label_zh(),
                        m.spec.title
                    );
                }
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
                return Err(Failure::from(format!(
                    "没有匹配的模型：{}",
                    unmatched.join("、")
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
        ModelsCommand::Sql { out, as_of, source } => {
            let as_of = match as_of {
                Some(raw) => xuncha_ingest::normalize::parse_date(&raw)
                    .map_err(|e| Failure::from(format!("--as-of：{e}")))?,
                None => chrono::Local::now().date_naive(),
            };
            let models = load(&source)?;
            std::fs::create_dir_all(&out)?;
            let mut views: Vec<&xuncha_model::View> = Vec::new();
            for m in &models {
                for v in &m.views {
                    if !views.iter().any(|x| x.spec.id == v.spec.id) {
                        views.push(v);
                    }
                }
                let sql = m.sql(&m.params(&Default::default())?, as_of)?;
                std::fs::write(out.join(format!("{}.sql", m.spec.id)), format!("{sql}\n"))?;
            }
            // In dependency order: each model lists a view's own views before it.
            let mut text = String::new();
            for v in views {
                text.push_str(&format!(
                    "CREATE OR REPLACE VIEW {} AS\n{};\n\n",
                    v.spec.id,
                    v.sql(as_of)?.trim()
                ));
            }
            std::fs::write(out.join("views.sql"), text)?;
            println!("已写入 {} 个模型的 SQL 到 {}", models.len(), out.display());
            Ok(())
        }
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
