//! Writing the county the way departments export it (GBK and UTF-8 CSV,
//! workbooks with title and units rows, varying headers and value formats,
//! ID noise, a few broken rows), or as clean canonical Parquet.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format as CellFormat, Workbook};

use crate::county::{TruthRow, COUNTY};
use crate::ids::to_fifteen;
use crate::table::{Cell, Table};
use crate::wording::Wording;
use crate::{OutputFormat, SynthError};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    CsvUtf8Bom,
    CsvUtf8,
    CsvGbk,
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Dates {
    Dash,
    Slash,
    Compact,
    Chinese,
    Dot,
    /// Real date cells in a workbook.
    Native,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Periods {
    Dash,
    Compact,
    Chinese,
}

/// How one export file looks.
struct FileSpec {
    name: String,
    kind: Kind,
    title: Option<String>,
    /// Canonical column → header, in file order.
    headers: Vec<(&'static str, &'static str)>,
    dates: Dates,
    periods: Periods,
    noisy_ids: bool,
    thousands: bool,
    /// A units row under the header (元, 亩 …), by canonical column.
    units: Vec<(&'static str, &'static str)>,
    /// The header repeated mid-file, as when exports are pasted together.
    repeat_header: bool,
    /// A 合计 row at the end.
    total_row: bool,
}

impl FileSpec {
    fn new(name: impl Into<String>, kind: Kind, headers: &[(&'static str, &'static str)]) -> Self {
        FileSpec {
            name: name.into(),
            kind,
            title: None,
            headers: headers.to_vec(),
            dates: Dates::Dash,
            periods: Periods::Dash,
            noisy_ids: false,
            thousands: false,
            units: Vec::new(),
            repeat_header: false,
            total_row: false,
        }
    }
    fn repeat_header(mut self) -> Self {
        self.repeat_header = true;
        self
    }
    fn total_row(mut self) -> Self {
        self.total_row = true;
        self
    }
    fn title(mut self, t: impl Into<String>) -> Self {
        self.title = Some(t.into());
        self
    }
    fn dates(mut self, d: Dates) -> Self {
        self.dates = d;
        self
    }
    fn periods(mut self, p: Periods) -> Self {
        self.periods = p;
        self
    }
    fn noisy(mut self) -> Self {
        self.noisy_ids = true;
        self
    }
    fn thousands(mut self) -> Self {
        self.thousands = true;
        self
    }
    fn units(mut self, u: &[(&'static str, &'static str)]) -> Self {
        self.units = u.to_vec();
        self
    }
}

/// Writes tables as the generator completes them, so that a finished
/// table's rows leave memory before the next is drawn.
pub struct Writer<'d> {
    dir: &'d Path,
    format: OutputFormat,
    /// Noise, wording and file names of the messy exports.
    look: Look,
    /// Files written, in order.
    pub files: Vec<String>,
    /// Rows per canonical dataset.
    pub rows: Vec<(String, usize)>,
    /// Parquet files written per dataset.
    parts: BTreeMap<&'static str, usize>,
}

impl<'d> Writer<'d> {
    pub fn new(dir: &'d Path, format: OutputFormat, seed: u64, wording: Wording) -> Self {
        Writer {
            dir,
            format,
            look: Look {
                rng: ChaCha8Rng::seed_from_u64(seed ^ 0x5EED),
                wording,
                names: BTreeMap::new(),
            },
            files: Vec::new(),
            rows: Vec::new(),
            parts: BTreeMap::new(),
        }
    }

    /// Write a group of complete tables (a dataset with the companions its
    /// files need, such as relief households with their members).
    pub fn write(&mut self, tables: &[Table]) -> Result<(), SynthError> {
        for t in tables {
            match self.rows.iter_mut().find(|(d, _)| d == t.dataset) {
                Some((_, n)) => *n += t.rows.len(),
                None => self.rows.push((t.dataset.to_string(), t.rows.len())),
            }
        }
        let files = match self.format {
            OutputFormat::Messy => write_messy(tables, self.dir, &mut self.look)?,
            OutputFormat::Parquet => write_parquet(tables, self.dir, &mut self.parts)?,
        };
        for f in files {
            if !self.files.contains(&f) {
                self.files.push(f);
            }
        }
        Ok(())
    }
}

/// How the messy exports of one county look: the noise drawn in the order
/// tables arrive, the wording, and the file name given to each export.
struct Look {
    rng: ChaCha8Rng,
    wording: Wording,
    /// The generator's own file name → the name written.
    names: BTreeMap<String, String>,
}

impl Look {
    /// The name a file is written under: its wording's name, numbered when
    /// two files of the county would otherwise share it.
    fn file_name(&mut self, dataset: &str, own: &str) -> String {
        if let Some(name) = self.names.get(own) {
            return name.clone();
        }
        let (stem, ext) = own.rsplit_once('.').unwrap_or((own, ""));
        let stem = self.wording.file_stem(dataset, stem);
        let taken = |n: &String| self.names.values().any(|v| v == n);
        let mut name = format!("{stem}.{ext}");
        let mut k = 2;
        while taken(&name) {
            name = format!("{stem}_{k}.{ext}");
            k += 1;
        }
        self.names.insert(own.to_string(), name.clone());
        name
    }
}

/// Write tables as departments would export them; returns file names.
fn write_messy(tables: &[Table], dir: &Path, look: &mut Look) -> Result<Vec<String>, SynthError> {
    let mut written = Vec::new();
    let get = |name: &str| tables.iter().find(|t| t.dataset == name);
    for table in tables {
        let rows: Vec<&Vec<Cell>> = table.rows.iter().collect();
        match table.dataset {
            "relief_households" => {
                let members = get("relief_members").expect("members are generated with households");
                written.push(write_wide_households(table, members, dir, look)?);
            }
            "relief_members" => {}
            "benefit_payments" => {
                let program = table.col("program");
                let by = |names: &[&str]| -> Vec<&Vec<Cell>> {
                    rows.iter()
                        .copied()
                        .filter(
                            |r| matches!(&r[program], Cell::Text(p) if names.contains(&p.as_str())),
                        )
                        .collect()
                };
                let mut dibao = by(&["农村低保", "城市低保"]);
                let broken = broken_copy(table, &dibao, "period", Cell::Text("2024年13月".into()));
                dibao.extend(broken.iter());
                let spec = FileSpec::new(
                    "2024年城乡低保发放明细.csv",
                    Kind::CsvUtf8Bom,
                    &[
                        ("program", "救助类别"),
                        ("name", "姓名"),
                        ("id_number", "身份证号"),
                        ("household_id", "家庭编号"),
                        ("village_code", "村代码"),
                        ("period", "发放月份"),
                        ("amount", "发放金额"),
                        ("bank_account", "银行账号"),
                    ],
                )
                .periods(Periods::Chinese)
                .thousands()
                .noisy();
                written.push(write_file(&spec, table, &dibao, dir, look)?);
                let spec = FileSpec::new(
                    "2024年特困供养金发放.csv",
                    Kind::CsvGbk,
                    &[
                        ("name", "姓名"),
                        ("id_number", "公民身份号码"),
                        ("village_code", "村代码"),
                        ("program", "救助类别"),
                        ("period", "所属期"),
                        ("amount", "金额"),
                        ("bank_account", "银行卡号"),
                    ],
                )
                .periods(Periods::Compact)
                .noisy();
                written.push(write_file(&spec, table, &by(&["特困供养"]), dir, look)?);
                let spec = FileSpec::new(
                    "2024年高龄津贴发放.csv",
                    Kind::CsvGbk,
                    &[
                        ("name", "享受人姓名"),
                        ("id_number", "享受人身份证号"),
                        ("village_code", "村代码"),
                        ("program", "补贴项目"),
                        ("period", "所属期"),
                        ("amount", "补贴金额"),
                        ("bank_account", "社保卡号"),
                    ],
                );
                written.push(write_file(&spec, table, &by(&["高龄津贴"]), dir, look)?);
                let known = ["农村低保", "城市低保", "特困供养", "高龄津贴"];
                let others: Vec<&Vec<Cell>> = rows
                    .iter()
                    .copied()
                    .filter(
                        |r| !matches!(&r[program], Cell::Text(p) if known.contains(&p.as_str())),
                    )
                    .collect();
                let spec = FileSpec::new(
                    "2024年残疾人两项补贴发放.csv",
                    Kind::CsvUtf8,
                    &[
                        ("program", "补贴类别"),
                        ("name", "姓名"),
                        ("id_number", "身份证号"),
                        ("village_code", "村代码"),
                        ("period", "发放月份"),
                        ("amount", "发放金额"),
                        ("bank_account", "银行账号"),
                    ],
                );
                written.push(write_file(&spec, table, &others, dir, look)?);
            }
            "deaths" => {
                let source = table.col("source");
                let from = |s: &str| -> Vec<&Vec<Cell>> {
                    rows.iter()
                        .copied()
                        .filter(|r| matches!(&r[source], Cell::Text(x) if x == s))
                        .collect()
                };
                let spec = FileSpec::new(
                    "公安死亡注销人员.csv",
                    Kind::CsvUtf8,
                    &[
                        ("name", "姓名"),
                        ("id_number", "公民身份号码"),
                        ("death_date", "死亡日期"),
                        ("source", "数据来源"),
                    ],
                )
                .dates(Dates::Slash);
                written.push(write_file(&spec, table, &from("公安注销"), dir, look)?);
                let spec = FileSpec::new(
                    "殡葬火化信息.xlsx",
                    Kind::Xlsx,
                    &[
                        ("name", "死者姓名"),
                        ("id_number", "死者身份证号"),
                        ("death_date", "火化日期"),
                        ("source", "数据来源"),
                    ],
                )
                .title("2024年火化人员信息表")
                .dates(Dates::Chinese)
                .noisy();
                written.push(write_file(&spec, table, &from("殡葬火化"), dir, look)?);
            }
            "farmland_subsidies" => {
                let village = table.col("village_code");
                let mut towns: BTreeMap<String, Vec<&Vec<Cell>>> = BTreeMap::new();
                for &r in &rows {
                    if let Some(code) = r[village].text() {
                        towns.entry(code[..9].to_string()).or_default().push(r);
                    }
                }
                for (town, part) in towns {
                    let spec = FileSpec::new(
                        format!("2024年耕地地力保护补贴_{town}.xlsx"),
                        Kind::Xlsx,
                        &[
                            ("year", "年度"),
                            ("name", "姓名"),
                            ("id_number", "身份证号"),
                            ("village_code", "村代码"),
                            ("subsidy_area_mu", "补贴面积"),
                            ("rate_per_mu", "补贴标准"),
                            ("amount", "补贴金额"),
                            ("bank_account", "银行账号"),
                        ],
                    )
                    .title(format!("{COUNTY}2024年耕地地力保护补贴发放清册"))
                    .units(&[
                        ("subsidy_area_mu", "亩"),
                        ("rate_per_mu", "元/亩"),
                        ("amount", "元"),
                    ])
                    .noisy();
                    written.push(write_file(&spec, table, &part, dir, look)?);
                }
            }
            "village_payments" => {
                let mut all = rows.clone();
                let broken = broken_copy(table, &all, "pay_date", Cell::Text("2024.02.30".into()));
                all.extend(broken.iter());
                let spec = FileSpec::new(
                    "村级支出凭证.csv",
                    Kind::CsvGbk,
                    &[
                        ("voucher_no", "凭证号"),
                        ("village_code", "村代码"),
                        ("pay_date", "支付日期"),
                        ("payee_name", "收款方"),
                        ("payee_code", "收款方统一社会信用代码"),
                        ("payee_account", "收款账号"),
                        ("amount", "金额"),
                        ("method", "支付方式"),
                        ("contract_no", "合同编号"),
                        ("summary", "摘要"),
                        ("subject", "科目"),
                    ],
                )
                .dates(Dates::Dot)
                .thousands()
                .total_row();
                written.push(write_file(&spec, table, &all, dir, look)?);
            }
            "residents" => {
                let mut all = rows.clone();
                let broken =
                    broken_copy(table, &all, "id_number", Cell::Text("4.11122E+17".into()));
                all.extend(broken.iter());
                let spec = FileSpec::new(
                    "户籍人口信息.csv",
                    Kind::CsvGbk,
                    &[
                        ("id_number", "公民身份号码"),
                        ("name", "姓名"),
                        ("gender", "性别"),
                        ("birth_date", "出生日期"),
                        ("household_no", "户号"),
                        ("relation_to_head", "与户主关系"),
                        ("village_code", "村级区划代码"),
                        ("status", "人口状态"),
                        ("status_date", "状态变更日期"),
                    ],
                )
                .dates(Dates::Compact)
                .noisy()
                .repeat_header();
                written.push(write_file(&spec, table, &all, dir, look)?);
            }
            other => {
                let spec = simple_spec(other);
                written.push(write_file(&spec, table, &rows, dir, look)?);
            }
        }
    }
    Ok(written)
}

/// Export look of the datasets written as one plain file.
fn simple_spec(dataset: &str) -> FileSpec {
    match dataset {
        "villages" => FileSpec::new(
            "村(社区)名录.xlsx",
            Kind::Xlsx,
            &[
                ("village_code", "统计用区划代码"),
                ("village_name", "村(社区)名称"),
                ("township", "乡镇(街道)"),
                ("county", "县(市、区)"),
                ("population", "户籍人口"),
            ],
        )
        .title(format!("{COUNTY}村（社区）名录")),
        "public_employees" => FileSpec::new(
            "财政供养人员名册.csv",
            Kind::CsvUtf8,
            &[
                ("name", "姓名"),
                ("id_number", "身份证号码"),
                ("employer", "工作单位"),
                ("start_date", "入职日期"),
                ("end_date", "离职日期"),
            ],
        )
        .noisy(),
        "village_cadres" => FileSpec::new(
            "村干部花名册.xlsx",
            Kind::Xlsx,
            &[
                ("name", "姓名"),
                ("id_number", "身份证号"),
                ("village_code", "村代码"),
                ("position", "职务"),
                ("term_start", "任职开始日期"),
                ("term_end", "离任日期"),
            ],
        )
        .title("村（社区）“两委”干部花名册")
        .dates(Dates::Native),
        "vehicles" => FileSpec::new(
            "机动车登记信息.csv",
            Kind::CsvGbk,
            &[
                ("owner_name", "机动车所有人"),
                ("owner_id_number", "身份证明号码"),
                ("plate", "号牌号码"),
                ("vehicle_type", "车辆类型"),
                ("register_date", "初次登记日期"),
                ("status", "机动车状态"),
            ],
        )
        .noisy(),
        "businesses" => FileSpec::new(
            "市场主体登记信息.csv",
            Kind::CsvUtf8,
            &[
                ("credit_code", "统一社会信用代码"),
                ("name", "企业名称"),
                ("legal_rep_name", "法定代表人"),
                ("legal_rep_id_number", "法定代表人身份证号"),
                ("registered_capital", "注册资本(万元)"),
                ("established_date", "成立日期"),
                ("status", "登记状态"),
                ("kind", "市场主体类型"),
            ],
        )
        .dates(Dates::Chinese),
        "real_estate" => FileSpec::new(
            "不动产登记信息.csv",
            Kind::CsvUtf8Bom,
            &[
                ("owner_name", "权利人"),
                ("owner_id_number", "权利人证件号"),
                ("location", "坐落"),
                ("area_sqm", "建筑面积"),
                ("register_date", "登簿日期"),
            ],
        ),
        "land_contracts" => FileSpec::new(
            "土地承包经营权确权登记.csv",
            Kind::CsvGbk,
            &[
                ("contractor_name", "承包方代表姓名"),
                ("contractor_id_number", "承包方代表身份证号"),
                ("village_code", "村代码"),
                ("contract_area_mu", "确权面积(亩)"),
            ],
        )
        .noisy(),
        "machinery_subsidies" => FileSpec::new(
            "农机购置补贴.xlsx",
            Kind::Xlsx,
            &[
                ("application_no", "申请编号"),
                ("applicant_name", "购机者姓名"),
                ("applicant_id_number", "购机者身份证号"),
                ("village_code", "村代码"),
                ("machine_type", "机具品目"),
                ("factory_serial", "出厂编号"),
                ("engine_no", "发动机号"),
                ("purchase_date", "购机日期"),
                ("subsidy_amount", "补贴金额"),
                ("dealer", "经销商"),
            ],
        )
        .title("2024年农机购置补贴受益信息"),
        "village_contracts" => FileSpec::new(
            "村级合同台账.csv",
            Kind::CsvGbk,
            &[
                ("contract_no", "合同编号"),
                ("village_code", "村代码"),
                ("project_name", "项目名称"),
                ("counterparty_name", "乙方"),
                ("counterparty_code", "乙方统一社会信用代码"),
                ("amount", "合同金额"),
                ("sign_date", "签订日期"),
                ("procurement_method", "采购方式"),
            ],
        )
        .dates(Dates::Chinese)
        .thousands(),
        "asset_leases" => FileSpec::new(
            "集体资产资源租赁台账.xlsx",
            Kind::Xlsx,
            &[
                ("lease_no", "租赁编号"),
                ("village_code", "村代码"),
                ("asset_name", "资产名称"),
                ("asset_type", "资产类型"),
                ("area", "面积"),
                ("lessee_name", "承租方"),
                ("lessee_code", "承租方证件号"),
                ("annual_rent", "年租金"),
                ("start_date", "起租日期"),
                ("end_date", "止租日期"),
                ("procedure", "发包方式"),
            ],
        )
        .title("集体资产资源租赁台账")
        .dates(Dates::Native),
        "pension_payments" => FileSpec::new(
            "城乡居民养老保险待遇发放明细.csv",
            Kind::CsvGbk,
            &[
                ("name", "姓名"),
                ("id_number", "公民身份号码"),
                ("village_code", "村代码"),
                ("period", "待遇所属期"),
                ("amount", "发放金额"),
            ],
        )
        .periods(Periods::Compact)
        .noisy(),
        "medical_insurance" => FileSpec::new(
            "2024年城乡居民医保资助参保明细.xlsx",
            Kind::Xlsx,
            &[
                ("name", "姓名"),
                ("id_number", "身份证号码"),
                ("village_code", "村代码"),
                ("year", "参保年度"),
                ("subsidy_category", "资助类别"),
                ("subsidy_amount", "资助金额"),
            ],
        )
        .title("城乡居民基本医疗保险资助参保人员名册"),
        "welfare_jobs" => FileSpec::new(
            "乡村公益性岗位人员补贴发放.csv",
            Kind::CsvUtf8,
            &[
                ("name", "姓名"),
                ("id_number", "身份证号"),
                ("village_code", "村代码"),
                ("post", "岗位名称"),
                ("start_date", "上岗日期"),
                ("period", "发放月份"),
                ("amount", "岗位补贴"),
            ],
        ),
        "homesteads" => FileSpec::new(
            "农村宅基地使用权登记.csv",
            Kind::CsvUtf8Bom,
            &[
                ("name", "权利人"),
                ("id_number", "权利人身份证号"),
                ("village_code", "村代码"),
                ("location", "坐落"),
                ("area_sqm", "宗地面积"),
                ("approved_date", "批准日期"),
            ],
        ),
        "land_compensation" => FileSpec::new(
            "征地补偿款发放明细.xlsx",
            Kind::Xlsx,
            &[
                ("project_name", "项目名称"),
                ("name", "被征地农户"),
                ("id_number", "身份证号码"),
                ("village_code", "村代码"),
                ("area_mu", "征收面积（亩）"),
                ("amount", "补偿金额（元）"),
                ("pay_date", "发放日期"),
            ],
        )
        .title("征地补偿款发放明细")
        .dates(Dates::Chinese)
        .thousands(),
        "cadre_pay" => FileSpec::new(
            "村干部报酬发放明细.csv",
            Kind::CsvGbk,
            &[
                ("name", "姓名"),
                ("id_number", "身份证号"),
                ("village_code", "村代码"),
                ("position", "职务"),
                ("period", "发放月份"),
                ("amount", "应发报酬"),
            ],
        )
        .periods(Periods::Compact),
        "village_income" => FileSpec::new(
            "村集体收入凭证.xlsx",
            Kind::Xlsx,
            &[
                ("voucher_no", "凭证号"),
                ("village_code", "村代码"),
                ("voucher_date", "凭证日期"),
                ("payer_name", "交款人"),
                ("amount", "金额"),
                ("subject", "科目"),
                ("summary", "摘要"),
                ("lease_no", "合同编号"),
            ],
        )
        .title("村集体经济组织收入凭证明细")
        .dates(Dates::Native),
        "housing_renovation" => FileSpec::new(
            "农村危房改造补助资金发放明细.xlsx",
            Kind::Xlsx,
            &[
                ("household_no", "户号"),
                ("head_name", "户主姓名"),
                ("head_id_number", "户主身份证号"),
                ("village_code", "村代码"),
                ("year", "改造年度"),
                ("amount", "补助金额"),
                ("address", "房屋坐落"),
            ],
        )
        .title("农村危房改造补助资金发放明细")
        .thousands(),
        "employee_pensions" => FileSpec::new(
            "企业职工养老保险待遇领取人员.csv",
            Kind::CsvGbk,
            &[
                ("name", "姓名"),
                ("id_number", "社会保障号码"),
                ("scheme", "险种"),
                ("start_date", "退休日期"),
                ("end_date", "待遇终止日期"),
                ("amount", "月养老金"),
            ],
        )
        .dates(Dates::Chinese)
        .noisy(),
        "disability_certificates" => FileSpec::new(
            "持证残疾人信息.xlsx",
            Kind::Xlsx,
            &[
                ("name", "姓名"),
                ("id_number", "公民身份号码"),
                ("category", "残疾类别"),
                ("grade", "残疾等级"),
                ("issue_date", "发证日期"),
                ("expiry_date", "有效期至"),
                ("status", "证件状态"),
            ],
        )
        .dates(Dates::Chinese),
        "lease_receipts" => FileSpec::new(
            "租金收取明细.csv",
            Kind::CsvUtf8,
            &[
                ("lease_no", "租赁编号"),
                ("village_code", "村代码"),
                ("receipt_date", "收款日期"),
                ("amount", "收款金额"),
            ],
        ),
        other => unreachable!("no export look for {other}"),
    }
}

/// Two copies of real rows with one required value broken: they must end
/// up in the rejects table, never in findings. Only a table's first part
/// gets them, so a dataset written in parts keeps a handful.
fn broken_copy(table: &Table, rows: &[&Vec<Cell>], column: &str, bad: Cell) -> Vec<Vec<Cell>> {
    if table.continued {
        return Vec::new();
    }
    let column = table.col(column);
    rows.iter()
        .step_by((rows.len() / 2).max(1))
        .take(2)
        .map(|r| {
            let mut row = (*r).clone();
            row[column] = bad.clone();
            row
        })
        .collect()
}

fn noisy_id(id: &str, rng: &mut ChaCha8Rng) -> String {
    match rng.random_range(0..100) {
        0..=2 => format!("'{id}"),
        3..=5 => format!("{} {}", &id[..6], &id[6..]),
        6..=7 => id.to_lowercase(),
        8..=9 => id
            .chars()
            .map(|c| {
                if c.is_ascii_digit() {
                    char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
                } else {
                    c
                }
            })
            .collect(),
        10..=11 => to_fifteen(id).unwrap_or_else(|| id.to_string()),
        _ => id.to_string(),
    }
}

fn render_date(d: NaiveDate, style: Dates) -> String {
    match style {
        Dates::Dash | Dates::Native => d.format("%Y-%m-%d").to_string(),
        Dates::Slash => format!("{}/{}/{}", d.year(), d.month(), d.day()),
        Dates::Compact => d.format("%Y%m%d").to_string(),
        Dates::Chinese => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Dates::Dot => d.format("%Y.%m.%d").to_string(),
    }
}

fn render_number(v: f64, thousands: bool) -> String {
    if thousands {
        return xuncha_schema::format_money(v);
    }
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn render(cell: &Cell, spec: &FileSpec, rng: &mut ChaCha8Rng) -> String {
    match cell {
        Cell::Text(s) => s.clone(),
        Cell::Id(id) if spec.noisy_ids => noisy_id(id, rng),
        Cell::Id(id) => id.clone(),
        Cell::Date(d) => render_date(*d, spec.dates),
        Cell::Period(d) => match spec.periods {
            Periods::Dash => d.format("%Y-%m").to_string(),
            Periods::Compact => d.format("%Y%m").to_string(),
            Periods::Chinese => format!("{}年{}月", d.year(), d.month()),
        },
        Cell::Num(v) => render_number(*v, spec.thousands),
        Cell::Int(i) => i.to_string(),
        Cell::Null => String::new(),
    }
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> SynthError + '_ {
    move |e| SynthError(format!("{}: {e}", path.display()))
}

fn write_file(
    spec: &FileSpec,
    table: &Table,
    rows: &[&Vec<Cell>],
    dir: &Path,
    look: &mut Look,
) -> Result<String, SynthError> {
    let index: Vec<usize> = spec.headers.iter().map(|(c, _)| table.col(c)).collect();
    let wording = look.wording;
    let headers: Vec<String> = spec
        .headers
        .iter()
        .map(|(c, h)| wording.header(table.dataset, c, h, &spec.name))
        .collect();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    // Label columns (program, status, method) written in this file's wording.
    let label = |c: usize, text: String| -> String {
        let column = spec.headers[c].0;
        if Wording::has_labels(table.dataset, column) && !text.is_empty() {
            wording.label(table.dataset, column, &text, &spec.name)
        } else {
            text
        }
    };
    let name = look.file_name(table.dataset, &spec.name);
    let rng = &mut look.rng;
    let path = dir.join(&name);
    match spec.kind {
        Kind::Xlsx => write_xlsx(spec, &headers, &index, rows, &path, rng, &label)?,
        kind => {
            // Records are encoded and written as they come: a part that
            // continues the file adds rows without title or header.
            let file = std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .append(table.continued)
                .truncate(!table.continued)
                .open(&path)
                .map_err(io_error(&path))?;
            let mut sink = BufWriter::new(file);
            let write_err = io_error(&path);
            if kind == Kind::CsvUtf8Bom && !table.continued {
                sink.write_all(b"\xEF\xBB\xBF").map_err(&write_err)?;
            }
            let new_writer = || csv::WriterBuilder::new().from_writer(Vec::new());
            let mut out = new_writer();
            let record_err = |e: csv::Error| SynthError(format!("{}: {e}", path.display()));
            let mut emit = |out: csv::Writer<Vec<u8>>| -> Result<(), SynthError> {
                let buf = out.into_inner().map_err(|e| SynthError(e.to_string()))?;
                match kind {
                    Kind::CsvGbk => {
                        let text = std::str::from_utf8(&buf).expect("utf-8 cells");
                        sink.write_all(&encoding_rs::GBK.encode(text).0)
                    }
                    _ => sink.write_all(&buf),
                }
                .map_err(&write_err)
            };
            if !table.continued {
                if let Some(title) = &spec.title {
                    out.write_record([title.as_str()]).map_err(record_err)?;
                }
                out.write_record(&headers).map_err(record_err)?;
            }
            for (n, row) in rows.iter().enumerate() {
                if spec.repeat_header && !table.continued && n == rows.len() / 2 {
                    out.write_record(&headers).map_err(record_err)?;
                }
                let cells: Vec<String> = index
                    .iter()
                    .enumerate()
                    .map(|(c, &i)| label(c, render(&row[i], spec, rng)))
                    .collect();
                out.write_record(&cells).map_err(record_err)?;
                if n % 4096 == 4095 {
                    emit(std::mem::replace(&mut out, new_writer()))?;
                }
            }
            if spec.total_row {
                let mut total = vec![String::new(); headers.len()];
                total[0] = "合计".to_string();
                if let Some(amount) = spec.headers.iter().position(|(c, _)| *c == "amount") {
                    let sum: f64 = rows
                        .iter()
                        .map(|r| {
                            if let Cell::Num(v) = r[index[amount]] {
                                v
                            } else {
                                0.0
                            }
                        })
                        .sum();
                    total[amount] = render_number(sum, spec.thousands);
                }
                out.write_record(&total).map_err(record_err)?;
            }
            emit(out)?;
            sink.flush().map_err(io_error(&path))?;
        }
    }
    Ok(name)
}

fn workbook() -> Workbook {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(2025, 1, 2).expect("valid date");
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    book
}

fn write_xlsx(
    spec: &FileSpec,
    headers: &[&str],
    index: &[usize],
    rows: &[&Vec<Cell>],
    path: &Path,
    rng: &mut ChaCha8Rng,
    label: &dyn Fn(usize, String) -> String,
) -> Result<(), SynthError> {
    let err = |e: rust_xlsxwriter::XlsxError| SynthError(format!("{}: {e}", path.display()));
    let mut book = workbook();
    let date_format = CellFormat::new().set_num_format("yyyy-mm-dd");
    let sheet = book.add_worksheet();
    sheet.set_name("Sheet1").map_err(err)?;
    let mut r: u32 = 0;
    if let Some(title) = &spec.title {
        sheet.write_string(r, 0, title).map_err(err)?;
        r += 1;
    }
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(r, c as u16, *h).map_err(err)?;
    }
    r += 1;
    if !spec.units.is_empty() {
        for (c, (col, _)) in spec.headers.iter().enumerate() {
            if let Some((_, unit)) = spec.units.iter().find(|(u, _)| u == col) {
                sheet.write_string(r, c as u16, *unit).map_err(err)?;
            }
        }
        r += 1;
    }
    for row in rows {
        for (c, &i) in index.iter().enumerate() {
            let col = c as u16;
            match &row[i] {
                Cell::Num(v) => {
                    sheet.write_number(r, col, *v).map_err(err)?;
                }
                Cell::Int(v) => {
                    sheet.write_number(r, col, *v as f64).map_err(err)?;
                }
                Cell::Date(d) if spec.dates == Dates::Native => {
                    let dt =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                            .map_err(err)?;
                    sheet
                        .write_datetime_with_format(r, col, &dt, &date_format)
                        .map_err(err)?;
                }
                Cell::Null => {}
                other => {
                    sheet
                        .write_string(r, col, label(c, render(other, spec, rng)))
                        .map_err(err)?;
                }
            }
        }
        r += 1;
    }
    let notes = book.add_worksheet();
    notes.set_name("填表说明").map_err(err)?;
    notes
        .write_string(0, 0, "本表由业务系统导出，仅供巡察比对使用")
        .map_err(err)?;
    book.save(path).map_err(err)
}

/// Relief households exported wide: one row per household with its other
/// members in 成员N columns.
fn write_wide_households(
    households: &Table,
    members: &Table,
    dir: &Path,
    look: &mut Look,
) -> Result<String, SynthError> {
    const OWN_NAME: &str = "城乡低保特困家庭花名册.xlsx";
    let name = look.file_name(households.dataset, OWN_NAME);
    let wording = look.wording;
    let path = dir.join(&name);
    let err = |e: rust_xlsxwriter::XlsxError| SynthError(format!("{}: {e}", path.display()));
    let (m_household, m_id, m_name, m_relation) = (
        members.col("household_id"),
        members.col("id_number"),
        members.col("name"),
        members.col("relation"),
    );
    let head_id = households.col("head_id_number");
    let mut by_household: std::collections::BTreeMap<&str, Vec<&Vec<Cell>>> = Default::default();
    for row in &members.rows {
        if let Some(h) = row[m_household].text() {
            by_household.entry(h).or_default().push(row);
        }
    }
    let others = |row: &Vec<Cell>| -> Vec<&Vec<Cell>> {
        let id = row[households.col("household_id")]
            .text()
            .unwrap_or_default();
        by_household.get(id).map_or_else(Vec::new, |m| {
            m.iter()
                .copied()
                .filter(|r| r[m_id] != row[head_id])
                .collect()
        })
    };
    let width = households
        .rows
        .iter()
        .map(|r| others(r).len())
        .max()
        .unwrap_or(0);
    let base = [
        ("household_id", "家庭编号"),
        ("program", "救助类别"),
        ("head_name", "户主姓名"),
        ("head_id_number", "户主身份证号"),
        ("village_code", "村代码"),
        ("member_count", "保障人数"),
        ("approved_date", "审批日期"),
        ("status", "状态"),
    ];
    let mut book = workbook();
    let sheet = book.add_worksheet();
    sheet.set_name("花名册").map_err(err)?;
    sheet
        .write_string(0, 0, format!("{COUNTY}2024年城乡低保、特困供养家庭花名册"))
        .map_err(err)?;
    let dataset = households.dataset;
    let mut headers: Vec<String> = base
        .iter()
        .map(|(c, h)| wording.header(dataset, c, h, OWN_NAME))
        .collect();
    let member = |column: &str, own: &str, n: usize| {
        wording
            .header(dataset, column, own, OWN_NAME)
            .replace("{n}", &n.to_string())
    };
    for n in 1..=width {
        headers.extend([
            member("member_name", "成员{n}姓名", n),
            member("member_id_number", "成员{n}身份证号", n),
            member("member_relation", "成员{n}与户主关系", n),
        ]);
    }
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(1, c as u16, h).map_err(err)?;
    }
    for (r, row) in households.rows.iter().enumerate() {
        let r = r as u32 + 2;
        let mut cells: Vec<String> = base
            .iter()
            .map(|(col, _)| match &row[households.col(col)] {
                Cell::Date(d) => render_date(*d, Dates::Slash),
                Cell::Int(i) => i.to_string(),
                other => {
                    let value = other.text().unwrap_or_default();
                    if Wording::has_labels(dataset, col) && !value.is_empty() {
                        wording.label(dataset, col, value, OWN_NAME)
                    } else {
                        value.to_string()
                    }
                }
            })
            .collect();
        for m in others(row) {
            for i in [m_name, m_id, m_relation] {
                cells.push(m[i].text().unwrap_or_default().to_string());
            }
        }
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                sheet.write_string(r, c as u16, v).map_err(err)?;
            }
        }
    }
    book.save(&path).map_err(err)?;
    Ok(name)
}

/// Write tables as clean canonical Parquet, `<dataset>.parquet` (and
/// `<dataset>.<n>.parquet` for further parts; `parts` counts them).
fn write_parquet(
    tables: &[Table],
    dir: &Path,
    parts: &mut BTreeMap<&'static str, usize>,
) -> Result<Vec<String>, SynthError> {
    let mut written = Vec::new();
    for table in tables {
        let spec = xuncha_schema::dataset(table.dataset).expect("canonical dataset");
        let columns: Vec<Column> = spec
            .columns
            .iter()
            .map(|c| {
                let i = table.col(c.name);
                let cells = table.rows.iter().map(|r| &r[i]);
                match c.kind.dtype() {
                    DataType::Date => {
                        let days: Vec<Option<i32>> = cells
                            .map(|v| match v {
                                Cell::Date(d) | Cell::Period(d) => {
                                    Some((*d - NaiveDate::default()).num_days() as i32)
                                }
                                _ => None,
                            })
                            .collect();
                        Int32Chunked::from_iter_options(c.name.into(), days.into_iter())
                            .into_date()
                            .into_column()
                    }
                    DataType::Float64 => Column::new(
                        c.name.into(),
                        cells
                            .map(|v| if let Cell::Num(x) = v { Some(*x) } else { None })
                            .collect::<Vec<_>>(),
                    ),
                    DataType::Int64 => Column::new(
                        c.name.into(),
                        cells
                            .map(|v| if let Cell::Int(x) = v { Some(*x) } else { None })
                            .collect::<Vec<_>>(),
                    ),
                    _ => Column::new(
                        c.name.into(),
                        cells
                            .map(|v| v.text().map(str::to_string))
                            .collect::<Vec<_>>(),
                    ),
                }
            })
            .collect();
        let mut df =
            DataFrame::new(table.rows.len(), columns).map_err(|e| SynthError(e.to_string()))?;
        // Later parts of a large dataset go to numbered files.
        let part = parts.entry(table.dataset).or_insert(0);
        let name = match *part {
            0 => format!("{}.parquet", table.dataset),
            n => format!("{}.{n}.parquet", table.dataset),
        };
        *part += 1;
        let path = dir.join(&name);
        let file = File::create(&path).map_err(io_error(&path))?;
        ParquetWriter::new(file)
            .finish(&mut df)
            .map_err(|e| SynthError(e.to_string()))?;
        written.push(name);
    }
    Ok(written)
}

/// Write `truth.csv`: model id, subject key, village code per planted problem.
pub fn write_truth(truth: &[TruthRow], dir: &Path) -> Result<(), SynthError> {
    let path = dir.join("truth.csv");
    let mut out = csv::Writer::from_path(&path).map_err(|e| SynthError(e.to_string()))?;
    let fail = |e: csv::Error| SynthError(format!("{}: {e}", path.display()));
    out.write_record(["model_id", "subject_key", "village_code"])
        .map_err(fail)?;
    for t in truth {
        out.write_record([&t.model_id, &t.subject_key, &t.village_code])
            .map_err(fail)?;
    }
    out.flush().map_err(io_error(&path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn residents(names: &[&str]) -> Table {
        let mut t = Table::new("residents");
        for (i, name) in names.iter().enumerate() {
            t.push(vec![
                ("id_number", Cell::Text(format!("41112219800101{i:03}X"))),
                ("name", (*name).into()),
                ("village_code", "411122001001".into()),
            ]);
        }
        t
    }

    /// A large dataset arrives in parts: the later part appends rows to
    /// the same file, without a second header or more broken rows.
    #[test]
    fn later_parts_append_to_the_first_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = Writer::new(dir.path(), OutputFormat::Messy, 1, Wording(0));
        let mut table = residents(&["甲", "乙", "丙", "丁"]);
        let part = table.take_part();
        assert!(!part.continued && part.rows.len() == 4);
        assert!(table.continued && table.rows.is_empty());
        writer.write(&[part]).unwrap();
        table.rows = residents(&["戊", "己"]).rows;
        writer.write(&[table]).unwrap();
        let bytes = std::fs::read(dir.path().join("户籍人口信息.csv")).unwrap();
        let text = encoding_rs::GBK.decode(&bytes).0;
        let lines: Vec<&str> = text.lines().collect();
        // The header, once more halfway through the first part, and the
        // first part's broken copies; the second part adds only its rows.
        let headers = lines
            .iter()
            .filter(|l| l.starts_with("公民身份号码"))
            .count();
        let broken = lines.iter().filter(|l| l.contains("E+17")).count();
        assert_eq!((headers, broken), (2, 2), "{text}");
        assert_eq!(lines.len(), 2 + 2 + 6, "{text}");
        for name in ["乙", "丁", "戊", "己"] {
            assert_eq!(
                lines.iter().filter(|l| l.contains(name)).count(),
                1,
                "{name}"
            );
        }
        assert_eq!(writer.files, vec!["户籍人口信息.csv"]);
        assert_eq!(writer.rows, vec![("residents".to_string(), 6)]);

        let dir = tempfile::tempdir().unwrap();
        let mut writer = Writer::new(dir.path(), OutputFormat::Parquet, 1, Wording(0));
        let mut third = residents(&["戊"]);
        third.continued = true;
        writer.write(&[residents(&["甲", "乙"]), third]).unwrap();
        assert_eq!(
            writer.files,
            vec!["residents.parquet", "residents.1.parquet"]
        );
    }
}
