//! Wide household exports (户主, 成员1姓名, 成员1身份证号, … 成员6): find the
//! member columns so each household also yields `relief_members` rows.

use crate::catalog::MembersRule;
use crate::header::Header;
use crate::lexicon::{lexicon, normalize_header, Reading, Subject};

/// Column indexes of one numbered member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberColumns {
    /// The member's number (0: the member of each row of a long roster).
    pub n: usize,
    pub name: Option<usize>,
    pub id_number: usize,
    pub relation: Option<usize>,
}

/// Highest member number looked for with a catalog rule.
const MAX_MEMBERS: usize = 50;

/// Member columns from a catalog rule with `{n}` placeholders.
pub fn from_rule(rule: &MembersRule, header: &Header) -> Vec<MemberColumns> {
    let find = |pattern: &str, n: usize| {
        let wanted = normalize_header(&pattern.replace("{n}", &n.to_string()));
        header
            .raw
            .iter()
            .position(|h| normalize_header(h) == wanted)
    };
    (1..=MAX_MEMBERS)
        .filter_map(|n| {
            let id_number = find(&rule.id_number, n)?;
            Some(MemberColumns {
                n,
                name: rule.name.as_deref().and_then(|p| find(p, n)),
                id_number,
                relation: rule.relation.as_deref().and_then(|p| find(p, n)),
            })
        })
        .collect()
}

/// Words that start a numbered member column (成员1姓名, 家庭成员2身份证号).
const MEMBER_PREFIXES: &[&str] = &["共同生活家庭成员", "家庭成员", "成员", "家属"];

/// Is this a numbered member's label (家庭成员1, 成员２, 共同生活家庭成员3信息),
/// as written over that member's columns in a header on two rows?
pub(crate) fn is_member_label(label: &str) -> bool {
    let label = normalize_header(label);
    let Some(rest) = MEMBER_PREFIXES.iter().find_map(|p| label.strip_prefix(p)) else {
        return false;
    };
    let number = rest.trim_end_matches("信息");
    !number.is_empty() && number.chars().all(|c| c.is_ascii_digit())
}

/// Member columns recognised by their headers: a member word and number,
/// then a name, ID-number or relation attribute of the lexicon
/// (`成员N姓名`, `家庭成员N公民身份号码`, `成员N与户主关系`).
pub fn detect(header: &Header) -> Vec<MemberColumns> {
    let mut members: Vec<MemberColumns> = Vec::new();
    for (i, name) in header.names.iter().enumerate() {
        let Some(rest) = MEMBER_PREFIXES.iter().find_map(|p| name.strip_prefix(p)) else {
            continue;
        };
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let Ok(n) = digits.parse::<usize>() else {
            continue;
        };
        let field = &rest[digits.len()..];
        let pos = match members.iter().position(|m| m.n == n) {
            Some(p) => p,
            None => {
                members.push(MemberColumns {
                    n,
                    name: None,
                    id_number: usize::MAX,
                    relation: None,
                });
                members.len() - 1
            }
        };
        let m = &mut members[pos];
        match lexicon().read(field).attribute.as_deref() {
            Some("name") => m.name = Some(i),
            Some("id_number") => m.id_number = i,
            Some("relation") => m.relation = Some(i),
            _ => {}
        }
    }
    members.retain(|m| m.id_number != usize::MAX);
    members.sort_by_key(|m| m.n);
    members
}

/// The member of each row of a long household roster (one row a member,
/// the household's columns repeated on each: 家庭编号, 户主…, 成员姓名,
/// 成员身份证号, 与户主关系): the member's ID column, with its name and
/// relation, among the headers (`readings`, as recognition read them)
/// `unused` says no canonical column took.
pub fn long(readings: &[Reading], unused: impl Fn(usize) -> bool) -> Option<MemberColumns> {
    let member = Subject::Known("member".into());
    let find = |attribute: &str, of_member: bool| {
        (0..readings.len()).find(|&i| {
            let r = &readings[i];
            unused(i)
                && r.attribute.as_deref() == Some(attribute)
                && (!of_member || r.subject == member)
        })
    };
    Some(MemberColumns {
        n: 0,
        id_number: find("id_number", true)?,
        name: find("name", true),
        relation: find("relation", false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header;
    use crate::read::RawRow;

    fn header(cells: &[&str]) -> Header {
        let rows = vec![RawRow {
            line: 1,
            cells: cells.iter().map(|c| c.to_string()).collect(),
        }];
        header::detect(&rows, None).unwrap()
    }

    #[test]
    fn numbered_member_columns_are_found() {
        let h = header(&[
            "户主姓名",
            "户主身份证号",
            "成员1姓名",
            "成员1身份证号",
            "成员1与户主关系",
            "成员2姓名",
            "成员2身份证号码",
        ]);
        let m = detect(&h);
        assert_eq!(m.len(), 2);
        assert_eq!(
            m[0],
            MemberColumns {
                n: 1,
                name: Some(2),
                id_number: 3,
                relation: Some(4)
            }
        );
        assert_eq!(
            m[1],
            MemberColumns {
                n: 2,
                name: Some(5),
                id_number: 6,
                relation: None
            }
        );
    }

    #[test]
    fn catalog_patterns_find_member_columns() {
        let h = header(&["户主姓名", "户主身份证号", "家属1", "家属1证件"]);
        let rule = MembersRule {
            name: Some("家属{n}".into()),
            id_number: "家属{n}证件".into(),
            relation: None,
        };
        assert_eq!(
            from_rule(&rule, &h),
            vec![MemberColumns {
                n: 1,
                name: Some(2),
                id_number: 3,
                relation: None
            }]
        );
    }
}
