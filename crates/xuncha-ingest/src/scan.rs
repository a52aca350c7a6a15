//! A canonical lake scanned lazily for a streaming run: each dataset a
//! Parquet scan of the wanted columns, read batch by batch while a model
//! runs, so that a county larger than the memory given can still be run.

use std::collections::BTreeMap;
use std::path::Path;

use polars::prelude::*;

use crate::catalog::Catalog;
use crate::read::{absent_derived, Format};
use crate::{lake_report, list_exports, named_dataset, IngestError, TableReport, Wanted};

/// The wanted datasets of a lake as lazy scans, with their row counts.
pub struct LakeScan {
    pub frames: BTreeMap<String, LazyFrame>,
    pub rows: BTreeMap<String, usize>,
    pub tables: Vec<TableReport>,
}

/// Scan the files of a lake (`xuncha data lake`) that the run wants. Any
/// other file in the folder is an error rather than left unread: exports are
/// normalized in memory, which is what a streaming run avoids.
pub fn scan_lake(dir: &Path, wanted: &Wanted) -> Result<LakeScan, IngestError> {
    let catalog = Catalog::load(dir)?;
    let mut scans: BTreeMap<String, Vec<LazyFrame>> = BTreeMap::new();
    let mut out = LakeScan {
        frames: BTreeMap::new(),
        rows: BTreeMap::new(),
        tables: Vec::new(),
    };
    for (path, rel) in list_exports(dir, &catalog)? {
        let not_lake = || {
            IngestError::file(
                &rel,
                "流式运行只读取标准数据湖（xuncha data lake 写出的 <数据集>.parquet），\
                 此文件不是；请先用 xuncha data lake 转换数据目录",
            )
        };
        let spec = named_dataset(&rel)
            .filter(|_| Format::of(&path) == Some(Format::Parquet))
            .ok_or_else(not_lake)?;
        if !wanted.datasets.contains(spec.name) {
            continue;
        }
        let fail = |e: PolarsError| IngestError::unreadable(&rel, e);
        let file = std::fs::File::open(&path).map_err(|e| IngestError::unreadable(&rel, e))?;
        let mut reader = ParquetReader::new(file);
        let schema = spec.schema();
        let file_schema = reader.schema().map_err(fail)?;
        let absent =
            absent_derived(file_schema.iter_names(), (spec, &schema)).ok_or_else(not_lake)?;
        let rows = reader.num_rows().map_err(fail)?;
        let source = PlRefPath::try_from_path(&path).map_err(fail)?;
        let mut lf = LazyFrame::scan_parquet(source, ScanArgsParquet::default()).map_err(fail)?;
        let types_match = lf
            .collect_schema()
            .map_err(fail)?
            .iter()
            .all(|(name, dtype)| schema.get(name) == Some(dtype));
        if !types_match {
            return Err(not_lake());
        }
        // A lake written before a derived column was added: read as empty,
        // in the schema's order.
        if !absent.is_empty() {
            let empty = absent.iter().map(|name| {
                let dtype = schema.get(name).expect("a column of the schema");
                lit(NULL).cast(dtype.clone()).alias(name.clone())
            });
            let order = schema.iter_names().map(|n| col(n.clone()));
            lf = (lf.with_columns(empty.collect::<Vec<_>>())).select(order.collect::<Vec<_>>());
        }
        if let Some(columns) = wanted.columns_of(spec) {
            lf = lf.select(columns.into_iter().map(col).collect::<Vec<_>>());
        }
        scans.entry(spec.name.to_string()).or_default().push(lf);
        *out.rows.entry(spec.name.to_string()).or_default() += rows;
        out.tables.push(lake_report(&rel, spec, rows));
    }
    for (name, parts) in scans {
        let frame = match parts.len() {
            1 => parts.into_iter().next().expect("one part"),
            _ => concat(parts, UnionArgs::default())
                .map_err(|e| IngestError::file(&name, format!("合并数据失败：{e}")))?,
        };
        out.frames.insert(name, frame);
    }
    Ok(out)
}
