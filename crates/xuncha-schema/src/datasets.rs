//! The canonical datasets of DESIGN.md. Models read only these names.

use polars::prelude::DataType;

/// Column every canonical dataset carries: where the row came from
/// (`file[#sheet]:row`, the row number as the user sees it in Excel).
pub const SOURCE_COLUMN: &str = "_src";

/// What a column holds, which decides how raw cells are normalized and typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Citizen ID number, normalized to 18 characters; a `<col>_valid` flag is added.
    IdNumber,
    /// Person or organisation name, whitespace and dots normalized.
    Name,
    /// Free text, trimmed.
    Text,
    /// A label mapped to a canonical value by a vocabulary (program, status,
    /// method); the label as written is kept in `<col>_raw`.
    Label,
    /// Code such as a credit code, plate or serial: trimmed, upper-cased.
    Code,
    /// 12-digit statistical village code (9-digit township codes padded).
    VillageCode,
    /// Calendar date.
    Date,
    /// Month, stored as the first day of the month.
    Period,
    /// Money in 元.
    Amount,
    /// Floating-point measure (area, rate).
    Number,
    /// Whole number.
    Integer,
}

impl ColumnKind {
    /// Polars type of the normalized column.
    pub fn dtype(self) -> DataType {
        match self {
            ColumnKind::Date | ColumnKind::Period => DataType::Date,
            ColumnKind::Amount | ColumnKind::Number => DataType::Float64,
            ColumnKind::Integer => DataType::Int64,
            _ => DataType::String,
        }
    }
}

/// One canonical column.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub kind: ColumnKind,
    /// A file mapped to the dataset must provide it.
    pub required: bool,
    /// Filled by ingest from another column's values, never from a header
    /// (`period_from`: a quarter spread over its months): never a gap.
    pub derived: bool,
}

/// One canonical dataset.
#[derive(Debug, Clone, Copy)]
pub struct DatasetSpec {
    pub name: &'static str,
    /// Chinese title, as in DESIGN.md.
    pub title: &'static str,
    pub columns: &'static [ColumnSpec],
}

impl DatasetSpec {
    /// Look up a column by canonical name.
    pub fn column(&self, name: &str) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The place of a column among the dataset's, by canonical name.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The polars schema of the normalized dataset, including `<id>_valid`
    /// flags and the source column.
    pub fn schema(&self) -> polars::prelude::Schema {
        let mut schema = polars::prelude::Schema::default();
        for c in self.columns {
            schema.insert(c.name.into(), c.kind.dtype());
            if c.kind == ColumnKind::IdNumber {
                schema.insert(format!("{}_valid", c.name).into(), DataType::Boolean);
            }
            if c.kind == ColumnKind::Label {
                schema.insert(format!("{}_raw", c.name).into(), DataType::String);
            }
        }
        schema.insert(SOURCE_COLUMN.into(), DataType::String);
        schema
    }
}

/// Find a canonical dataset by name.
pub fn dataset(name: &str) -> Option<&'static DatasetSpec> {
    DATASETS.iter().find(|d| d.name == name)
}

/// The date column of each dataset whose rows record an event on it (a
/// month paid, a payment, a receipt) and that a county adds rows to all
/// year: never later than the export, so its latest value shows how far the
/// export reaches. Deaths are left out: a few villages may go months
/// without one.
const RECORD_DATES: &[(&str, &str)] = &[
    ("benefit_payments", "period"),
    ("pension_payments", "period"),
    ("welfare_jobs", "period"),
    ("cadre_pay", "period"),
    ("village_payments", "pay_date"),
    ("village_income", "voucher_date"),
    ("lease_receipts", "receipt_date"),
];

/// The [`RECORD_DATES`] column of a dataset, if it has one.
pub fn record_date(dataset: &str) -> Option<&'static str> {
    (RECORD_DATES.iter())
        .find(|(d, _)| *d == dataset)
        .map(|(_, c)| *c)
}

/// What to say after “未知数据集 name”: the dataset meant, when one name is
/// a slip away (`benefit_payment`), or else every canonical name.
pub fn unknown_dataset_hint(name: &str) -> String {
    hint(name, DATASETS.iter().map(|d| d.name), "标准数据集")
}

/// What to say after “数据集 d 没有列 name”: the column meant, when one
/// name is a slip away, or else every column of the dataset.
pub fn unknown_column_hint(spec: &DatasetSpec, name: &str) -> String {
    hint(name, spec.columns.iter().map(|c| c.name), "可用的列")
}

/// The name of `names` meant by `name`, or else all of them after `listed`.
fn hint<'a>(name: &str, names: impl Iterator<Item = &'a str> + Clone, listed: &str) -> String {
    match closest(name, names.clone()) {
        Some(meant) => format!("，是否想写 {meant}？"),
        None => format!("（{listed}：{}）", names.collect::<Vec<_>>().join("、")),
    }
}

/// The one name among `names` a few edits from `name` (case aside), the
/// nearest first; none when two are equally near.
fn closest<'a>(name: &str, names: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let name = name.to_lowercase();
    let within = (name.chars().count() / 4).max(1);
    let mut near: Vec<(usize, &str)> = names
        .map(|n| (strsim::levenshtein(&name, n), n))
        .filter(|(d, _)| *d <= within)
        .collect();
    near.sort();
    match near.as_slice() {
        [(d, n), rest @ ..] if rest.first().is_none_or(|(d2, _)| d2 > d) => Some(n),
        _ => None,
    }
}

const fn req(name: &'static str, kind: ColumnKind) -> ColumnSpec {
    ColumnSpec {
        name,
        kind,
        required: true,
        derived: false,
    }
}

const fn opt(name: &'static str, kind: ColumnKind) -> ColumnSpec {
    ColumnSpec {
        name,
        kind,
        required: false,
        derived: false,
    }
}

const fn derived(name: &'static str, kind: ColumnKind) -> ColumnSpec {
    ColumnSpec {
        name,
        kind,
        required: false,
        derived: true,
    }
}

use ColumnKind::*;

/// Every canonical dataset, in DESIGN.md order.
pub static DATASETS: &[DatasetSpec] = &[
    DatasetSpec {
        name: "villages",
        title: "村(社区)名录",
        columns: &[
            req("village_code", VillageCode),
            req("village_name", Name),
            opt("township", Name),
            opt("county", Name),
            opt("population", Integer),
        ],
    },
    DatasetSpec {
        name: "residents",
        title: "户籍人口",
        columns: &[
            req("id_number", IdNumber),
            req("name", Name),
            opt("gender", Text),
            opt("birth_date", Date),
            opt("household_no", Code),
            opt("relation_to_head", Text),
            opt("village_code", VillageCode),
            opt("status", Label),
            opt("status_date", Date),
        ],
    },
    DatasetSpec {
        name: "deaths",
        title: "死亡人员信息",
        columns: &[
            req("id_number", IdNumber),
            opt("name", Name),
            req("death_date", Date),
            opt("source", Text),
        ],
    },
    DatasetSpec {
        name: "relief_households",
        title: "救助家庭",
        columns: &[
            req("household_id", Code),
            opt("program", Label),
            req("head_id_number", IdNumber),
            opt("head_name", Name),
            opt("village_code", VillageCode),
            opt("member_count", Integer),
            opt("approved_date", Date),
            opt("status", Label),
        ],
    },
    DatasetSpec {
        name: "relief_members",
        title: "救助家庭成员",
        columns: &[
            req("household_id", Code),
            req("id_number", IdNumber),
            opt("name", Name),
            opt("relation", Text),
        ],
    },
    DatasetSpec {
        name: "benefit_payments",
        title: "救助补贴发放明细",
        columns: &[
            opt("program", Label),
            req("id_number", IdNumber),
            opt("name", Name),
            opt("household_id", Code),
            opt("village_code", VillageCode),
            req("period", Period),
            // A record spread over the months of a longer period (a quarter,
            // 2024年1-3月): that period's first and last month; empty otherwise.
            derived("period_from", Period),
            derived("period_to", Period),
            req("amount", Amount),
            opt("bank_account", Code),
            opt("account_holder", Name),
        ],
    },
    DatasetSpec {
        name: "public_employees",
        title: "财政供养人员",
        columns: &[
            req("id_number", IdNumber),
            opt("name", Name),
            opt("employer", Name),
            opt("start_date", Date),
            opt("end_date", Date),
        ],
    },
    DatasetSpec {
        name: "village_cadres",
        title: "村(社区)干部",
        columns: &[
            req("id_number", IdNumber),
            opt("name", Name),
            req("village_code", VillageCode),
            opt("position", Text),
            opt("term_start", Date),
            opt("term_end", Date),
        ],
    },
    DatasetSpec {
        name: "vehicles",
        title: "机动车登记",
        columns: &[
            req("owner_id_number", IdNumber),
            opt("owner_name", Name),
            req("plate", Code),
            opt("vehicle_type", Label),
            opt("register_date", Date),
            opt("status", Label),
        ],
    },
    DatasetSpec {
        name: "businesses",
        title: "市场主体登记",
        columns: &[
            req("credit_code", Code),
            req("name", Name),
            opt("legal_rep_id_number", IdNumber),
            opt("legal_rep_name", Name),
            opt("registered_capital", Number),
            opt("established_date", Date),
            opt("status", Label),
            opt("kind", Text),
        ],
    },
    DatasetSpec {
        name: "real_estate",
        title: "不动产登记",
        columns: &[
            req("owner_id_number", IdNumber),
            opt("owner_name", Name),
            opt("location", Text),
            opt("area_sqm", Number),
            opt("register_date", Date),
        ],
    },
    DatasetSpec {
        name: "land_contracts",
        title: "土地承包确权",
        columns: &[
            req("contractor_id_number", IdNumber),
            opt("contractor_name", Name),
            opt("village_code", VillageCode),
            req("contract_area_mu", Number),
        ],
    },
    DatasetSpec {
        name: "farmland_subsidies",
        title: "耕地地力保护补贴",
        columns: &[
            opt("year", Integer),
            req("id_number", IdNumber),
            opt("name", Name),
            opt("village_code", VillageCode),
            req("subsidy_area_mu", Number),
            opt("rate_per_mu", Number),
            opt("amount", Amount),
            opt("bank_account", Code),
        ],
    },
    DatasetSpec {
        name: "machinery_subsidies",
        title: "农机购置补贴",
        columns: &[
            req("application_no", Code),
            // A published 公示 gives no ID numbers, but the serials that
            // tell one machine subsidised twice.
            opt("applicant_id_number", IdNumber),
            opt("applicant_name", Name),
            opt("village_code", VillageCode),
            opt("machine_type", Text),
            opt("factory_serial", Code),
            opt("engine_no", Code),
            opt("purchase_date", Date),
            opt("subsidy_amount", Amount),
            opt("dealer", Name),
        ],
    },
    DatasetSpec {
        name: "village_contracts",
        title: "村级合同",
        columns: &[
            req("contract_no", Code),
            req("village_code", VillageCode),
            opt("project_name", Text),
            opt("counterparty_name", Name),
            opt("counterparty_code", Code),
            req("amount", Amount),
            req("sign_date", Date),
            opt("procurement_method", Label),
        ],
    },
    DatasetSpec {
        name: "village_payments",
        title: "村级支出凭证",
        columns: &[
            req("voucher_no", Code),
            req("village_code", VillageCode),
            req("pay_date", Date),
            opt("payee_name", Name),
            opt("payee_code", Code),
            opt("payee_account", Code),
            req("amount", Amount),
            opt("method", Label),
            opt("contract_no", Code),
            opt("summary", Text),
            opt("subject", Text),
        ],
    },
    DatasetSpec {
        name: "asset_leases",
        title: "集体资产资源租赁",
        columns: &[
            req("lease_no", Code),
            req("village_code", VillageCode),
            opt("asset_name", Text),
            opt("asset_type", Text),
            opt("area", Number),
            opt("lessee_name", Name),
            opt("lessee_code", Code),
            req("annual_rent", Amount),
            req("start_date", Date),
            req("end_date", Date),
            opt("procedure", Label),
        ],
    },
    DatasetSpec {
        name: "lease_receipts",
        title: "租金收取",
        columns: &[
            req("lease_no", Code),
            opt("village_code", VillageCode),
            req("receipt_date", Date),
            req("amount", Amount),
        ],
    },
    DatasetSpec {
        name: "pension_payments",
        title: "城乡居民养老保险待遇发放",
        columns: &[
            req("id_number", IdNumber),
            opt("name", Name),
            // 待遇类型 as written (正常待遇, 丧葬补助金 …): no model reads it, but
            // a table that has one is read whole as pension payments.
            opt("scheme", Text),
            opt("village_code", VillageCode),
            req("period", Period),
            // A record spread over the months of a longer period (a quarter,
            // 2024年1-3月): that period's first and last month; empty otherwise.
            derived("period_from", Period),
            derived("period_to", Period),
            req("amount", Amount),
            opt("bank_account", Code),
        ],
    },
    DatasetSpec {
        name: "medical_insurance",
        title: "城乡居民医保参保及资助参保",
        columns: &[
            req("id_number", IdNumber),
            opt("name", Name),
            opt("village_code", VillageCode),
            req("year", Integer),
            opt("subsidy_category", Label),
            opt("subsidy_amount", Amount),
        ],
    },
    DatasetSpec {
        name: "welfare_jobs",
        title: "公益性岗位人员及补贴发放",
        columns: &[
            req("id_number", IdNumber),
            opt("name", Name),
            req("village_code", VillageCode),
            opt("post", Text),
            opt("start_date", Date),
            opt("end_date", Date),
            req("period", Period),
            // A record spread over the months of a longer period (a quarter,
            // 2024年1-3月): that period's first and last month; empty otherwise.
            derived("period_from", Period),
            derived("period_to", Period),
            req("amount", Amount),
        ],
    },
    DatasetSpec {
        name: "homesteads",
        title: "农村宅基地使用权登记",
        columns: &[
            req("id_number", IdNumber),
            opt("name", Name),
            opt("village_code", VillageCode),
            opt("location", Text),
            opt("area_sqm", Number),
            opt("approved_date", Date),
        ],
    },
    DatasetSpec {
        name: "land_compensation",
        title: "征地补偿款发放",
        columns: &[
            opt("project_name", Text),
            req("id_number", IdNumber),
            opt("name", Name),
            req("village_code", VillageCode),
            opt("area_mu", Number),
            req("amount", Amount),
            opt("pay_date", Date),
        ],
    },
    DatasetSpec {
        name: "cadre_pay",
        title: "村干部报酬发放",
        columns: &[
            req("id_number", IdNumber),
            opt("name", Name),
            req("village_code", VillageCode),
            opt("position", Text),
            req("period", Period),
            // A record spread over the months of a longer period (a quarter,
            // 2024年1-3月): that period's first and last month; empty otherwise.
            derived("period_from", Period),
            derived("period_to", Period),
            req("amount", Amount),
        ],
    },
    DatasetSpec {
        name: "village_income",
        title: "村集体收入凭证",
        columns: &[
            req("voucher_no", Code),
            req("village_code", VillageCode),
            req("voucher_date", Date),
            opt("payer_name", Name),
            req("amount", Amount),
            opt("subject", Text),
            opt("summary", Text),
            opt("lease_no", Code),
        ],
    },
    DatasetSpec {
        name: "housing_renovation",
        title: "农村危房改造补助",
        columns: &[
            opt("household_no", Code),
            req("head_id_number", IdNumber),
            opt("head_name", Name),
            opt("village_code", VillageCode),
            req("year", Integer),
            req("amount", Amount),
            opt("address", Text),
        ],
    },
    DatasetSpec {
        name: "employee_pensions",
        title: "机关事业和企业职工养老金领取人员",
        columns: &[
            req("id_number", IdNumber),
            opt("name", Name),
            opt("scheme", Text),
            req("start_date", Date),
            opt("end_date", Date),
            opt("amount", Amount),
        ],
    },
    DatasetSpec {
        name: "disability_certificates",
        title: "残疾人证",
        columns: &[
            req("id_number", IdNumber),
            opt("name", Name),
            opt("category", Text),
            req("grade", Label),
            opt("issue_date", Date),
            opt("expiry_date", Date),
            opt("status", Label),
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dataset_has_unique_columns_and_a_required_one() {
        for d in DATASETS {
            let mut names: Vec<_> = d.columns.iter().map(|c| c.name).collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), d.columns.len(), "{}", d.name);
            assert!(d.columns.iter().any(|c| c.required), "{}", d.name);
        }
        assert_eq!(DATASETS.len(), 28);
    }

    #[test]
    fn schema_adds_validity_flags_and_source() {
        let s = dataset("deaths").unwrap().schema();
        assert_eq!(s.get("id_number_valid"), Some(&DataType::Boolean));
        assert_eq!(s.get("death_date"), Some(&DataType::Date));
        assert!(s.get(SOURCE_COLUMN).is_some());
    }

    #[test]
    fn record_dates_are_dates_of_their_datasets() {
        for (d, c) in RECORD_DATES {
            let kind = dataset(d).and_then(|d| d.column(c)).map(|c| c.kind);
            assert!(
                matches!(kind, Some(ColumnKind::Date | ColumnKind::Period)),
                "{d}.{c}"
            );
        }
        assert_eq!(record_date("lease_receipts"), Some("receipt_date"));
        assert_eq!(record_date("asset_leases"), None);
    }

    #[test]
    fn a_name_a_slip_away_is_suggested_and_otherwise_all_are_listed() {
        assert_eq!(
            unknown_dataset_hint("benefit_payment"),
            "，是否想写 benefit_payments？"
        );
        assert_eq!(unknown_dataset_hint("Deaths"), "，是否想写 deaths？");
        let all = unknown_dataset_hint("payments");
        assert!(
            all.starts_with("（标准数据集：") && all.contains("、village_payments、"),
            "{all}"
        );
        let deaths = dataset("deaths").unwrap();
        assert_eq!(
            unknown_column_hint(deaths, "death_dat"),
            "，是否想写 death_date？"
        );
        let columns = unknown_column_hint(deaths, "died");
        assert!(
            columns.contains("death_date") && !columns.contains("是否"),
            "{columns}"
        );
    }
}
