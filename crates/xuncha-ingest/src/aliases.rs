//! Header aliases: the Chinese and English headers departments use for each
//! canonical column. Headers are compared after [`normalize_header`].

use crate::normalize::to_half_width;

/// Aliases that only apply within one dataset, tried before the general ones.
static DATASET_ALIASES: &[(&str, &str, &[&str])] = &[
    (
        "villages",
        "village_name",
        &[
            "村名称",
            "村(社区)名称",
            "村委会名称",
            "村(居)委会",
            "名称",
            "村名",
            "社区名称",
        ],
    ),
    (
        "villages",
        "population",
        &["户籍人口", "人口数", "总人口", "人口"],
    ),
    (
        "deaths",
        "source",
        &["数据来源", "来源", "信息来源", "注销来源"],
    ),
    (
        "relief_households",
        "status",
        &["状态", "救助状态", "保障状态", "在保状态"],
    ),
    (
        "relief_households",
        "program",
        &[
            "救助类别",
            "保障类别",
            "救助类型",
            "类别",
            "项目",
            "救助项目",
        ],
    ),
    (
        "relief_members",
        "relation",
        &["与户主关系", "关系", "家庭关系"],
    ),
    (
        "benefit_payments",
        "program",
        &[
            "救助类别",
            "补贴项目",
            "项目名称",
            "项目",
            "类别",
            "补贴类别",
            "发放项目",
        ],
    ),
    (
        "benefit_payments",
        "amount",
        &[
            "发放金额",
            "金额",
            "补贴金额",
            "实发金额",
            "保障金额",
            "救助金额",
        ],
    ),
    (
        "public_employees",
        "employer",
        &["工作单位", "单位名称", "单位", "所在单位"],
    ),
    (
        "public_employees",
        "start_date",
        &[
            "入职日期",
            "参加工作时间",
            "入编时间",
            "开始供养日期",
            "进入日期",
        ],
    ),
    (
        "public_employees",
        "end_date",
        &["离职日期", "退出日期", "减员日期", "终止日期"],
    ),
    ("village_cadres", "position", &["职务", "担任职务", "岗位"]),
    (
        "village_cadres",
        "term_start",
        &["任职开始日期", "任职日期", "任职时间", "任职开始"],
    ),
    (
        "village_cadres",
        "term_end",
        &["任职结束日期", "离任日期", "任职结束", "卸任日期"],
    ),
    ("vehicles", "status", &["机动车状态", "车辆状态", "状态"]),
    (
        "vehicles",
        "register_date",
        &["初次登记日期", "登记日期", "注册日期"],
    ),
    (
        "businesses",
        "name",
        &["企业名称", "主体名称", "市场主体名称", "名称", "单位名称"],
    ),
    ("businesses", "status", &["登记状态", "经营状态", "状态"]),
    (
        "businesses",
        "kind",
        &["市场主体类型", "企业类型", "主体类型", "类型"],
    ),
    (
        "real_estate",
        "register_date",
        &["登簿日期", "登记日期", "登记时间"],
    ),
    (
        "machinery_subsidies",
        "purchase_date",
        &["购机日期", "购买日期", "购置日期"],
    ),
    (
        "village_contracts",
        "amount",
        &["合同金额", "金额", "合同价款"],
    ),
    (
        "village_payments",
        "amount",
        &["支付金额", "金额", "支出金额", "付款金额", "凭证金额"],
    ),
    (
        "village_payments",
        "method",
        &["支付方式", "结算方式", "付款方式"],
    ),
    (
        "village_payments",
        "contract_no",
        &["合同编号", "关联合同编号", "合同号"],
    ),
    (
        "asset_leases",
        "start_date",
        &["起租日期", "租赁开始日期", "合同开始日期", "开始日期"],
    ),
    (
        "asset_leases",
        "end_date",
        &[
            "止租日期",
            "租赁结束日期",
            "合同结束日期",
            "到期日期",
            "结束日期",
        ],
    ),
    ("asset_leases", "area", &["面积", "资产面积", "租赁面积"]),
    (
        "asset_leases",
        "procedure",
        &["发包方式", "租赁方式", "出租方式", "交易方式", "程序"],
    ),
    (
        "lease_receipts",
        "amount",
        &["收款金额", "金额", "实收金额", "租金金额"],
    ),
    (
        "farmland_subsidies",
        "amount",
        &["补贴金额", "发放金额", "金额"],
    ),
];

/// Aliases by canonical column name, for every dataset that has the column.
static COLUMN_ALIASES: &[(&str, &[&str])] = &[
    (
        "id_number",
        &[
            "公民身份号码",
            "身份证号码",
            "身份证号",
            "证件号码",
            "身份证件号码",
            "成员身份证号",
            "人员身份证号",
            "死者身份证号",
            "领取人身份证号",
            "补贴对象身份证号",
            "享受人身份证号",
        ],
    ),
    (
        "name",
        &[
            "姓名",
            "人员姓名",
            "成员姓名",
            "领取人姓名",
            "死者姓名",
            "补贴对象姓名",
            "享受人姓名",
            "户名",
        ],
    ),
    ("gender", &["性别"]),
    ("birth_date", &["出生日期", "出生年月日", "出生年月"]),
    ("household_no", &["户号", "户编号"]),
    ("relation_to_head", &["与户主关系", "家庭关系", "关系"]),
    (
        "village_code",
        &[
            "村级区划代码",
            "区划代码",
            "统计用区划代码",
            "行政区划代码",
            "村(社区)代码",
            "村代码",
            "村社区代码",
        ],
    ),
    ("status", &["人口状态", "户籍状态", "状态"]),
    (
        "status_date",
        &["状态变更日期", "变动日期", "注销日期", "迁出日期"],
    ),
    (
        "death_date",
        &["死亡日期", "死亡时间", "火化日期", "注销死亡日期"],
    ),
    (
        "household_id",
        &[
            "家庭编号",
            "救助家庭编号",
            "户编码",
            "家庭编码",
            "救助证编号",
            "保障证号",
        ],
    ),
    (
        "head_id_number",
        &[
            "户主身份证号",
            "户主身份证号码",
            "户主公民身份号码",
            "户主证件号码",
            "申请人身份证号",
        ],
    ),
    ("head_name", &["户主姓名", "户主", "申请人姓名"]),
    (
        "member_count",
        &[
            "保障人数",
            "家庭人口",
            "家庭人数",
            "救助人数",
            "享受人数",
            "人数",
        ],
    ),
    (
        "approved_date",
        &[
            "审批日期",
            "批准日期",
            "纳入日期",
            "救助开始日期",
            "审批时间",
        ],
    ),
    (
        "period",
        &[
            "发放月份",
            "所属期",
            "发放年月",
            "月份",
            "期间",
            "所属月份",
            "发放期间",
        ],
    ),
    ("amount", &["金额", "发放金额"]),
    (
        "bank_account",
        &[
            "银行账号",
            "银行卡号",
            "发放账号",
            "账号",
            "社保卡号",
            "一卡通账号",
            "存折账号",
        ],
    ),
    (
        "account_holder",
        &["账户名", "开户人姓名", "账户姓名", "持卡人", "开户名"],
    ),
    ("employer", &["工作单位"]),
    ("position", &["职务"]),
    (
        "owner_id_number",
        &[
            "所有人身份证号",
            "所有人身份证明号码",
            "车主身份证号",
            "权利人证件号",
            "权利人身份证号",
            "权利人证件号码",
            "身份证明号码",
            "证件号码",
            "身份证号",
        ],
    ),
    (
        "owner_name",
        &[
            "所有人",
            "所有人姓名",
            "车主姓名",
            "机动车所有人",
            "权利人",
            "权利人姓名",
            "姓名",
        ],
    ),
    ("plate", &["号牌号码", "车牌号", "车牌号码", "号牌"]),
    (
        "vehicle_type",
        &["车辆类型", "车辆种类", "号牌种类", "车型"],
    ),
    (
        "credit_code",
        &["统一社会信用代码", "信用代码", "社会信用代码", "注册号"],
    ),
    (
        "legal_rep_id_number",
        &[
            "法定代表人身份证号",
            "法定代表人证件号码",
            "法人身份证号",
            "负责人身份证号",
            "经营者身份证号",
        ],
    ),
    (
        "legal_rep_name",
        &[
            "法定代表人",
            "法定代表人姓名",
            "法人",
            "法人代表",
            "负责人",
            "经营者",
        ],
    ),
    (
        "registered_capital",
        &["注册资本", "注册资本(万元)", "注册资金"],
    ),
    ("established_date", &["成立日期", "登记日期", "设立日期"]),
    ("location", &["坐落", "不动产坐落", "房屋坐落", "地址"]),
    ("area_sqm", &["建筑面积", "面积", "房屋面积"]),
    (
        "contractor_id_number",
        &[
            "承包方代表身份证号",
            "承包方身份证号",
            "承包方代表证件号码",
            "承包户主身份证号",
            "身份证号",
            "证件号码",
        ],
    ),
    (
        "contractor_name",
        &[
            "承包方代表姓名",
            "承包方姓名",
            "承包方代表",
            "承包户主",
            "承包方",
            "姓名",
        ],
    ),
    (
        "contract_area_mu",
        &[
            "确权面积",
            "承包面积",
            "合同面积",
            "确权面积(亩)",
            "承包地面积",
            "实测面积",
        ],
    ),
    ("year", &["年度", "补贴年度", "年份"]),
    (
        "subsidy_area_mu",
        &["补贴面积", "补贴面积(亩)", "计补面积", "申报面积"],
    ),
    (
        "rate_per_mu",
        &["补贴标准", "每亩补贴", "补贴标准(元/亩)", "亩均补贴"],
    ),
    (
        "application_no",
        &["申请编号", "申请表编号", "补贴申请编号", "编号"],
    ),
    (
        "applicant_id_number",
        &[
            "购机者身份证号",
            "申请人身份证号",
            "购机人身份证号",
            "身份证号",
            "证件号码",
        ],
    ),
    (
        "applicant_name",
        &["购机者姓名", "购机者", "申请人", "申请人姓名", "购机人"],
    ),
    (
        "machine_type",
        &["机具品目", "机具名称", "品目", "机具类型"],
    ),
    ("factory_serial", &["出厂编号", "机身编号", "出厂编码"]),
    ("engine_no", &["发动机号", "发动机编号"]),
    ("subsidy_amount", &["补贴金额", "补贴额", "中央补贴额"]),
    ("dealer", &["经销商", "经销企业", "销售企业"]),
    ("contract_no", &["合同编号", "合同号"]),
    ("project_name", &["项目名称", "合同名称", "工程名称"]),
    (
        "counterparty_name",
        &[
            "合同相对方",
            "相对方名称",
            "乙方",
            "乙方名称",
            "承包单位",
            "供应商",
            "对方单位",
        ],
    ),
    (
        "counterparty_code",
        &[
            "相对方代码",
            "乙方统一社会信用代码",
            "相对方统一社会信用代码",
            "乙方证件号码",
            "相对方证件号",
        ],
    ),
    ("sign_date", &["签订日期", "合同签订日期", "签约日期"]),
    (
        "procurement_method",
        &["采购方式", "发包方式", "招标方式", "选定方式"],
    ),
    ("voucher_no", &["凭证号", "凭证编号", "记账凭证号"]),
    (
        "pay_date",
        &["支付日期", "付款日期", "凭证日期", "记账日期", "日期"],
    ),
    (
        "payee_name",
        &["收款方", "收款人", "收款单位", "收款方名称", "收款人名称"],
    ),
    (
        "payee_code",
        &[
            "收款方代码",
            "收款方证件号",
            "收款方统一社会信用代码",
            "收款人身份证号",
        ],
    ),
    (
        "payee_account",
        &["收款账号", "收款方账号", "收款人账号", "收款银行账号"],
    ),
    ("summary", &["摘要", "用途"]),
    ("subject", &["科目", "会计科目", "科目名称"]),
    ("lease_no", &["租赁编号", "合同编号", "租赁合同编号"]),
    ("asset_name", &["资产名称", "资源名称", "资产资源名称"]),
    ("asset_type", &["资产类型", "资产类别", "资源类型"]),
    (
        "lessee_name",
        &["承租方", "承租人", "承租方名称", "承租人姓名"],
    ),
    (
        "lessee_code",
        &[
            "承租方代码",
            "承租方证件号",
            "承租人身份证号",
            "承租方统一社会信用代码",
        ],
    ),
    (
        "annual_rent",
        &["年租金", "年租金(元)", "租金(元/年)", "每年租金"],
    ),
    (
        "receipt_date",
        &["收款日期", "收取日期", "到账日期", "收款时间"],
    ),
    (
        "village_name",
        &["村名称", "村(社区)", "村(社区)名称", "所属村", "村"],
    ),
    (
        "township",
        &["乡镇", "乡镇(街道)", "所属乡镇", "乡(镇、街道)"],
    ),
    ("county", &["县(市、区)", "县区", "区县", "所属县区"]),
];

/// Normalize a header for comparison: half-width, no whitespace, no `*`
/// required-markers, lower case. Bracketed units such as `(元)` are kept;
/// [`strip_unit`] removes them.
pub fn normalize_header(raw: &str) -> String {
    to_half_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .map(|c| match c {
            '【' | '〔' => '(',
            '】' | '〕' => ')',
            _ => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Split a trailing bracketed unit off a normalized header:
/// `金额(万元)` → (`金额`, Some(`万元`)).
pub fn strip_unit(header: &str) -> (&str, Option<&str>) {
    if let Some(open) = header.rfind('(') {
        if header.ends_with(')') && open > 0 {
            return (&header[..open], Some(&header[open + 1..header.len() - 1]));
        }
    }
    (header, None)
}

/// Every alias of a canonical column of a dataset, most specific first; the
/// canonical name itself is always an alias.
pub fn aliases(dataset: &str, column: &'static str) -> Vec<&'static str> {
    let mut out = vec![column];
    for (d, c, list) in DATASET_ALIASES {
        if *d == dataset && *c == column {
            out.extend_from_slice(list);
        }
    }
    for (c, list) in COLUMN_ALIASES {
        if *c == column {
            out.extend_from_slice(list);
        }
    }
    out
}

/// Does this normalized header name any canonical column of any dataset?
pub fn is_known_header(header: &str) -> bool {
    let (bare, _) = strip_unit(header);
    [header, bare].iter().any(|h| {
        COLUMN_ALIASES
            .iter()
            .any(|(c, l)| c == h || l.iter().any(|a| normalize_header(a) == *h))
            || DATASET_ALIASES
                .iter()
                .any(|(_, _, l)| l.iter().any(|a| normalize_header(a) == *h))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_normalize_and_units_split() {
        assert_eq!(normalize_header(" 金额（万元）* "), "金额(万元)");
        assert_eq!(strip_unit("金额(万元)"), ("金额", Some("万元")));
        assert_eq!(strip_unit("金额"), ("金额", None));
        assert_eq!(normalize_header("ID_Number"), "id_number");
    }

    #[test]
    fn dataset_specific_aliases_come_first() {
        let a = aliases("benefit_payments", "amount");
        assert_eq!(a[0], "amount");
        assert_eq!(a[1], "发放金额");
        assert!(aliases("deaths", "id_number").contains(&"公民身份号码"));
        assert!(is_known_header("公民身份号码"));
        assert!(is_known_header("金额(元)"));
        assert!(!is_known_header("××县2024年农村低保发放花名册"));
    }
}
