//! `xuncha data inspect`: how each file of a data folder is understood.

use std::path::PathBuf;

use clap::Subcommand;
use xuncha_ingest::catalog::{self, Catalog, CATALOG_FILE};
use xuncha_ingest::coverage::village_gaps;
use xuncha_ingest::links::link_gaps;
use xuncha_ingest::mapping::Decision;
use xuncha_ingest::{ingest_dir, read::Encoding};

use crate::Failure;

#[derive(Subcommand)]
pub enum DataCommand {
    /// 把数据目录读成标准数据集，每个数据集写成一个 Parquet 文件（标准列名和类型，
    /// 含 _src、*_valid、*_raw 列），供复用或用其他引擎比对
    Lake {
        /// 数据目录
        dir: PathBuf,
        /// 输出目录
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// 逐个文件显示识别出的数据集、列映射、未映射列和行数
    Inspect {
        /// 数据目录
        dir: PathBuf,
        /// 强制 CSV 编码（utf-8 / gbk）
        #[arg(long)]
        encoding: Option<String>,
        /// 输出 JSON
        #[arg(long)]
        json: bool,
        /// 把识别结果写成数据目录下的 catalog.toml，供审核和修改
        #[arg(long)]
        write_catalog: bool,
        /// 与 --write-catalog 同用：覆盖已有的 catalog.toml（保留其中的 ignore）
        #[arg(long, requires = "write_catalog")]
        force: bool,
    },
}

pub fn run(cmd: DataCommand) -> Result<(), Failure> {
    match cmd {
        DataCommand::Lake { dir, out } => lake(&dir, &out),
        DataCommand::Inspect {
            dir,
            encoding,
            json,
            write_catalog,
            force,
        } => inspect(&dir, encoding.as_deref(), json, write_catalog, force),
    }
}

/// How each file of a folder is understood, and the catalog of it.
fn inspect(
    dir: &std::path::Path,
    encoding: Option<&str>,
    json: bool,
    write_catalog: bool,
    force: bool,
) -> Result<(), Failure> {
    let encoding = parse_encoding(encoding)?;
    let data = ingest_dir(dir, encoding)?;
    if write_catalog {
        let path = dir.join(CATALOG_FILE);
        if path.exists() && !force {
            return Err(Failure::from(format!(
                "{} 已存在；加 --force 覆盖（其中的 ignore 会保留）",
                path.display()
            )));
        }
        let ignore = Catalog::load(dir)?.ignore;
        std::fs::write(&path, catalog::write_catalog(&ignore, &data.tables))
            .map_err(|e| Failure::from(format!("{}：{e}", path.display())))?;
        eprintln!("识别结果已写入 {}", path.display());
    }
    let gaps = village_gaps(&data.datasets);
    let links = link_gaps(&data.datasets);
    if json {
        let value = serde_json::json!({
            "tables": data.tables,
            "village_gaps": gaps,
            "link_gaps": links,
            "datasets": data.datasets.iter().map(|(k, v)| (k.clone(), v.height())).collect::<std::collections::BTreeMap<_, _>>(),
            "rejects": data.rejects.len(),
            "errors": data.errors.iter().map(ToString::to_string).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(());
    }
    for t in &data.tables {
        let sheet = t
            .sheet
            .as_ref()
            .map(|s| format!(" [{s}]"))
            .unwrap_or_default();
        if t.encoding.is_empty() {
            println!("{}{sheet}", t.file);
        } else {
            println!("{}{sheet}（{}）", t.file, t.encoding);
        }
        match &t.dataset {
            Some(d) => {
                let title = xuncha_schema::dataset(d).map_or("", |s| s.title);
                let heading = if t.guessed {
                    "最接近的数据集（未读取，见说明）"
                } else {
                    "数据集"
                };
                println!(
                    "  {heading}：{d}（{title}），表头在第 {} 行",
                    t.header_row.unwrap_or(0)
                );
                let decided = |decisions: &[Decision], mapping: &[(String, String)]| {
                    for d in decisions {
                        // A column no header gives says what gives it (常量：农村低保, 分节行).
                        let given = || mapping.iter().find(|(c, _)| *c == d.column);
                        let header = (d.header.as_deref())
                            .or_else(|| given().map(|(_, how)| how.as_str()))
                            .unwrap_or("（常量）");
                        // A header written on two lines in its cell is shown on one.
                        let header = header.replace(['\r', '\n'], " ");
                        println!(
                            "    {} ← {header}（{:.2}，{}）",
                            d.column, d.score, d.reason
                        );
                    }
                };
                decided(&t.decisions, &t.mapping);
                if let Some(rows) = &t.rows_are {
                    println!("  {rows}，据此识别为本数据集（该列不作为字段读入）");
                }
                for (header, n) in &t.carried_down {
                    println!(
                        "  {header}：每组只在首行填写（合并单元格另存为 CSV 等），其下 {n} 个空白单元格取上方的值"
                    );
                }
                if let Some(split) = &t.split {
                    let title = xuncha_schema::dataset(&split.dataset).map_or("", |s| s.title);
                    let how = if split.every_row {
                        "每行同时读入"
                    } else {
                        "各行按填了哪一列金额归入"
                    };
                    println!(
                        "  按行另读入数据集：{}（{title}），{how}（{} 行）",
                        split.dataset, split.rows_accepted
                    );
                    decided(&split.decisions, &split.mapping);
                }
                for u in &t.unmapped_candidates {
                    let best: Vec<String> = u
                        .candidates
                        .iter()
                        .map(|(c, s)| format!("{c} {s:.2}"))
                        .collect();
                    let best = if best.is_empty() {
                        "无".to_string()
                    } else {
                        best.join("、")
                    };
                    println!("  未映射列：{}（可能是：{best}）", u.header);
                }
                if t.candidates.len() > 1 {
                    let others: Vec<String> = t
                        .candidates
                        .iter()
                        .map(|c| {
                            format!(
                                "{} {:.2}{}",
                                c.dataset,
                                c.score,
                                if c.complete { "" } else { "（缺必需列）" }
                            )
                        })
                        .collect();
                    println!("  候选数据集：{}", others.join("、"));
                }
                for l in &t.unknown_labels {
                    println!(
                        "  词表未收录：{} =“{}”（{} 行，按原值保留；可在 vocab.toml 中补充规则）",
                        l.column, l.value, l.count
                    );
                }
                println!(
                    "  数据行 {}：接收 {}，剔除 {}；空行 {}，重复表头 {}，合计行 {}{}{}{}{}",
                    t.rows_read,
                    t.rows_accepted,
                    t.rows_rejected,
                    t.blank_rows,
                    t.repeated_headers,
                    t.total_rows,
                    if t.remark_rows > 0 {
                        format!("，说明行（制表人等）{}", t.remark_rows)
                    } else {
                        String::new()
                    },
                    if t.section_rows > 0 {
                        format!("，分节行 {}", t.section_rows)
                    } else {
                        String::new()
                    },
                    if t.overlapping_rows > 0 {
                        format!(
                            "；与 {} 重复 {} 行，未重复读入",
                            t.overlapping_with.join("、"),
                            t.overlapping_rows
                        )
                    } else {
                        String::new()
                    },
                    if t.unpivots_members() && t.household_repeats > 0 {
                        format!(
                            "；一行一名成员：拆出家庭成员 {} 行，同户的其余 {} 行不重复读入家庭",
                            t.members_accepted, t.household_repeats
                        )
                    } else if t.unpivots_members() {
                        format!("；拆出家庭成员 {} 行", t.members_accepted)
                    } else if t.spread_rows > 0 {
                        format!(
                            "；{} 行的期间为季度或数月，按月拆开（金额按月均分），共读入发放记录 {} 行",
                            t.spread_rows, t.months_accepted
                        )
                    } else if t.unpivots_months() {
                        let by = if t.by_programs { "项目" } else { "月份" };
                        format!("；按{by}列拆出发放记录 {} 行", t.months_accepted)
                    } else {
                        String::new()
                    }
                );
                if t.households_by_head > 0 {
                    println!(
                        "  {} 行的家庭编号不在救助家庭名册中，但同一编号下有名册按户主身份证号登记的户主：\
                         按该户主身份证号归入其家庭",
                        t.households_by_head
                    );
                }
            }
            None => println!("  未使用"),
        }
        if let Some(note) = &t.note {
            println!("  说明：{note}");
        }
    }
    for gap in &gaps {
        println!("{}", gap.to_chinese());
    }
    for link in &links {
        println!("{}", link.to_chinese());
    }
    println!(
        "共拒收 {} 个值（行号、列和原因见 xuncha run 输出的 rejects.csv）",
        data.rejects.len()
    );
    Ok(())
}

/// `xuncha data lake`: one Parquet file per dataset, written as the folder
/// is read file by file (row groups appended), so a county larger than
/// memory needs only its largest file in memory (and each row's hash, to
/// read a row overlapping exports share once). Each file is written
/// beside its final name and renamed when complete.
pub fn lake(dir: &std::path::Path, out: &std::path::Path) -> Result<(), Failure> {
    use polars::io::parquet::write::{BatchedWriter, ParquetWriter};
    // A lake is read by pointing `--data` at it; inside a data folder it is
    // left out like other results, or its rows would be read twice.
    xuncha_schema::create_output_dir(out)?;
    struct Part {
        path: PathBuf,
        partial: PathBuf,
        writer: BatchedWriter<std::fs::File>,
        rows: usize,
    }
    let mut parts: std::collections::BTreeMap<String, Part> = Default::default();
    let mut errors = Vec::new();
    let failed = |name: &str, e: &dyn std::fmt::Display| {
        xuncha_ingest::IngestError::file(&format!("{name}.parquet"), format!("写出失败：{e}"))
    };
    let written = xuncha_ingest::ingest_each(dir, None, |data| {
        errors.extend(data.errors);
        for (name, df) in data.datasets {
            let part = match parts.entry(name.clone()) {
                std::collections::btree_map::Entry::Occupied(part) => part.into_mut(),
                std::collections::btree_map::Entry::Vacant(slot) => {
                    let path = out.join(format!("{name}.parquet"));
                    let partial = xuncha_report::partial_of(&path);
                    let file = std::fs::File::create(&partial).map_err(|e| failed(&name, &e))?;
                    let writer = ParquetWriter::new(file)
                        .batched(df.schema())
                        .map_err(|e| failed(&name, &e))?;
                    slot.insert(Part {
                        path,
                        partial,
                        writer,
                        rows: 0,
                    })
                }
            };
            part.writer
                .write_batch(&df)
                .map_err(|e| failed(&name, &e))?;
            part.rows += df.height();
        }
        Ok(())
    });
    let finished = written.and_then(|()| {
        parts.iter().try_for_each(|(name, part)| {
            part.writer.finish().map_err(|e| failed(name, &e))?;
            std::fs::rename(&part.partial, &part.path).map_err(|e| failed(name, &e))
        })
    });
    if let Err(e) = finished {
        for part in parts.values() {
            let _ = std::fs::remove_file(&part.partial);
        }
        return Err(e.into());
    }
    for (name, part) in &parts {
        println!("  {name}: {} 行", part.rows);
    }
    let written = parts.iter().map(|(name, part)| (name.as_str(), part.rows));
    for (name, changed) in key_lake_by_heads(out, &written.collect())? {
        println!(
            "  {name}: {changed} 行的家庭编号不在救助家庭名册中，按同一编号下户主的身份证号归入其家庭"
        );
    }
    for e in &errors {
        eprintln!("！{e}");
    }
    println!("已写入 {} 个数据集到 {}", parts.len(), out.display());
    Ok(())
}

/// Key a lake's members and payments as a run over the exports keys them
/// ([`xuncha_ingest::heads`]), the lake's files having been written one
/// export at a time: the links are found over the whole lake, and each list
/// holding a linked number is written again, a million rows at a time
/// (`written`: the rows of each dataset written). The datasets rewritten,
/// with the rows each changed.
fn key_lake_by_heads(
    out: &std::path::Path,
    written: &std::collections::BTreeMap<&str, usize>,
) -> Result<Vec<(String, usize)>, Failure> {
    use polars::io::parquet::write::ParquetWriter;
    use polars::prelude::*;
    use xuncha_ingest::heads;
    let failed = |name: &str, e: &dyn std::fmt::Display| {
        xuncha_ingest::IngestError::file(
            &format!("{name}.parquet"),
            format!("按户主关联家庭失败：{e}"),
        )
    };
    let path = |name: &str| out.join(format!("{name}.parquet"));
    let scan = |name: &str| {
        let source = PlRefPath::try_from_path(&path(name)).map_err(|e| failed(name, &e))?;
        LazyFrame::scan_parquet(source, ScanArgsParquet::default()).map_err(|e| failed(name, &e))
    };
    let present = |name: &&str| written.contains_key(name);
    let lists: Vec<&str> = heads::LISTS.iter().copied().filter(present).collect();
    if !present(&"relief_households") || lists.is_empty() {
        return Ok(Vec::new());
    }
    let scans = lists
        .iter()
        .map(|l| scan(l))
        .collect::<Result<Vec<_>, _>>()?;
    let links = heads::links(vec![scan("relief_households")?], scans)
        .map_err(|e| failed("relief_households", &e))?;
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let numbers: Vec<&str> = links.keys().map(String::as_str).collect();
    let numbers = DataFrame::new(
        numbers.len(),
        vec![Column::new("household_id".into(), numbers)],
    )
    .map_err(|e| failed("relief_households", &e))?;
    const BATCH: usize = 1 << 20;
    let mut keyed = Vec::new();
    for name in lists {
        let fail = |e: &dyn std::fmt::Display| failed(name, e);
        let linked = scan(name)?
            .select([col("household_id")])
            .join(
                numbers.clone().lazy(),
                [col("household_id")],
                [col("household_id")],
                JoinArgs::new(JoinType::Semi),
            )
            .select([len()])
            .collect()
            .map_err(|e| fail(&e))?;
        let linked = linked
            .column("len")
            .and_then(|c| c.u32())
            .map_err(|e| fail(&e))?;
        if linked.get(0).unwrap_or(0) == 0 {
            continue;
        }
        let rows = written[name];
        let partial = xuncha_report::partial_of(&path(name));
        let mut changed = 0;
        let mut rewrite = || -> Result<(), xuncha_ingest::IngestError> {
            let schema = scan(name)?.collect_schema().map_err(|e| fail(&e))?;
            let file = std::fs::File::create(&partial).map_err(|e| fail(&e))?;
            let mut writer = ParquetWriter::new(file)
                .batched(&schema)
                .map_err(|e| fail(&e))?;
            for offset in (0..rows).step_by(BATCH) {
                let lf = scan(name)?.slice(offset as i64, BATCH as IdxSize);
                let mut df = lf.collect().map_err(|e| fail(&e))?;
                changed += heads::rekey(&mut df, &links).map_err(|e| fail(&e))?;
                writer.write_batch(&df).map_err(|e| fail(&e))?;
            }
            writer.finish().map_err(|e| fail(&e))?;
            Ok(())
        };
        if let Err(e) = rewrite() {
            let _ = std::fs::remove_file(&partial);
            return Err(e.into());
        }
        std::fs::rename(&partial, path(name)).map_err(|e| fail(&e))?;
        keyed.push((name.to_string(), changed));
    }
    Ok(keyed)
}

/// Parse `--encoding`.
pub fn parse_encoding(name: Option<&str>) -> Result<Option<Encoding>, Failure> {
    name.map(|n| {
        Encoding::from_name(n)
            .ok_or_else(|| Failure::from(format!("未知编码 {n}，可用：utf-8、gbk、gb18030")))
    })
    .transpose()
}
