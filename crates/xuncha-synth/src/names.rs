//! Name material for synthetic people, places and businesses.

use rand::seq::IndexedRandom;
use rand::Rng;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "英", "华", "平", "刚", "桂", "兰", "玉", "文", "辉", "建", "国", "红", "霞", "鹏",
    "飞", "宇", "浩", "凯", "丹", "琳", "晨", "阳", "志", "新", "春", "梅", "海", "波", "燕", "萍",
    "德", "福", "宏", "利", "林", "峰", "松", "荣", "昌", "云", "雪", "婷",
];
const PLACE: &[&str] = &[
    "东", "西", "南", "北", "前", "后", "上", "下", "大", "小", "新", "老", "王", "李", "张", "刘",
    "柳", "杨", "槐", "桑", "河", "坡", "岗", "营", "庄", "寨", "湾", "集", "店", "屯", "桥", "沟",
    "岭", "园", "坪", "塘",
];
const TRADES: &[&str] = &[
    "建筑工程",
    "路桥建设",
    "水利工程",
    "电气安装",
    "园林绿化",
    "商贸",
    "农业开发",
    "建材",
    "劳务",
    "装饰工程",
];
const SUFFIX: &[&str] = &["有限公司", "有限责任公司", "工程队", "合作社"];

/// A two- or three-character Chinese name.
pub fn person(rng: &mut impl Rng) -> String {
    let mut name = SURNAMES.choose(rng).expect("non-empty").to_string();
    name.push_str(GIVEN.choose(rng).expect("non-empty"));
    if rng.random_bool(0.7) {
        name.push_str(GIVEN.choose(rng).expect("non-empty"));
    }
    name
}

/// A place name stem of two characters.
pub fn place(rng: &mut impl Rng) -> String {
    let a = PLACE.choose(rng).expect("non-empty");
    let b = PLACE.choose(rng).expect("non-empty");
    format!("{a}{b}")
}

/// A business name in the county.
pub fn business(rng: &mut impl Rng, county: &str, n: usize) -> String {
    let trade = TRADES.choose(rng).expect("non-empty");
    let suffix = SUFFIX.choose(rng).expect("non-empty");
    format!("{county}{}{trade}{suffix}", place(rng) + &n.to_string())
}
