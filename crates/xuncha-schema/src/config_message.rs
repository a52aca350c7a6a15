//! Chinese for the messages serde and the TOML parser give when a file users
//! write (a model, a view, `catalog.toml`, the nightly configuration) does not
//! fit its format. They word them in English (`unknown variant `fast`,
//! expected `in_memory` or `streaming``); an analyst reads them in Chinese,
//! the names kept as written.

/// The message in Chinese when it is one of serde's own (a missing, unknown or
/// repeated field, an unknown value, a value of the wrong type) or one of the
/// TOML mistakes people make most (text without quotes, an unclosed string or
/// table, a key given twice); any other message is returned as it is.
pub fn in_chinese(message: &str) -> String {
    let (first, rest) = match message.split_once('\n') {
        Some((first, rest)) => (first, Some(rest)),
        None => (message, None),
    };
    let Some(translated) = translate_line(first) else {
        return message.to_string();
    };
    match rest {
        Some(rest) => format!("{translated}\n{rest}"),
        None => translated,
    }
}

/// `第 N 行：` and the message in Chinese, for a file's `text` that does not
/// fit its format (without a place, the message alone).
pub fn located(text: &str, e: &toml::de::Error) -> String {
    let message = in_chinese(e.message());
    match e.span() {
        Some(span) => format!("第 {} 行：{message}", line_of(text, span.start)),
        None => message,
    }
}

/// The line (from 1) that byte `byte` of `text` is on.
pub fn line_of(text: &str, byte: usize) -> usize {
    text.as_bytes()[..byte.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

fn translate_line(line: &str) -> Option<String> {
    if let Some(name) = line.strip_prefix("missing field ") {
        return Some(format!("缺少字段 {name}"));
    }
    if let Some(name) = line.strip_prefix("duplicate field ") {
        return Some(format!("字段 {name} 重复"));
    }
    if let Some(rest) = line.strip_prefix("unknown field ") {
        let (name, expected) = split_expected(rest);
        return Some(match expected {
            Some(names) => format!("未知字段 {name}，可用的字段：{names}"),
            None => format!("未知字段 {name}"),
        });
    }
    if let Some(rest) = line.strip_prefix("unknown variant ") {
        let (value, expected) = split_expected(rest);
        return Some(match expected {
            Some(values) => format!("取值 {value} 无效，可选：{values}"),
            None => format!("取值 {value} 无效"),
        });
    }
    for (prefix, words) in [
        ("invalid type: ", "类型不对"),
        ("invalid value: ", "取值不对"),
    ] {
        if let Some(rest) = line.strip_prefix(prefix) {
            let (found, expected) = rest.rsplit_once(", expected ")?;
            return Some(format!("{words}：写的是 {found}，应为 {expected}"));
        }
    }
    // The parser's `, expected …` adds nothing the Chinese does not say.
    let what = line.split(", expected ").next().unwrap_or(line);
    let (_, words) = TOML_SYNTAX.iter().find(|(english, _)| *english == what)?;
    Some(words.to_string())
}

/// The TOML parser's words for the mistakes most often made by hand.
const TOML_SYNTAX: &[(&str, &str)] = &[
    (
        "string values must be quoted",
        "文字要用引号括起来，如 title = \"……\"",
    ),
    ("invalid basic string", "引号没有配对，文字缺少结尾的引号"),
    (
        "invalid literal string",
        "单引号没有配对，文字缺少结尾的单引号",
    ),
    (
        "invalid multiline basic string",
        "三引号没有配对，缺少结尾的 \"\"\"",
    ),
    ("duplicate key", "同一个键写了两次"),
    ("unclosed table", "表头缺少结尾的 ]"),
    ("unclosed array table", "表头缺少结尾的 ]]"),
    ("unclosed array", "数组缺少结尾的 ]"),
    (
        "missing comma between array elements",
        "数组元素之间缺少逗号",
    ),
    ("extra comma in array", "数组中有多余的逗号"),
    ("missing value", "缺少取值"),
    ("missing value for key", "键后缺少取值"),
    ("key with no value", "键后缺少 = 和取值"),
    (
        "missing assignment between key-value pairs",
        "键和取值之间缺少 =",
    ),
    ("invalid unquoted key", "键名含有需要加引号的字符"),
];

/// `\`x\`, expected \`a\`, \`b\`` → (`\`x\``, the expected names joined with
/// `、`); `None` when serde says there are none.
fn split_expected(rest: &str) -> (&str, Option<String>) {
    let Some((name, expected)) = rest.split_once(", expected ") else {
        let name = rest.split(", there are no").next().unwrap_or(rest);
        return (name, None);
    };
    let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let joined = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join("、");
    (name, (!names.is_empty()).then_some(joined))
}

#[cfg(test)]
mod tests {
    use super::in_chinese;

    #[test]
    fn serde_messages_read_in_chinese() {
        assert_eq!(
            in_chinese("unknown variant `fast`, expected `in_memory` or `streaming`"),
            "取值 `fast` 无效，可选：`in_memory`、`streaming`"
        );
        assert_eq!(
            in_chinese("unknown field `sqll`, expected one of `sql`, `executor`, `partition_by`"),
            "未知字段 `sqll`，可用的字段：`sql`、`executor`、`partition_by`"
        );
        assert_eq!(
            in_chinese("unknown field `x`, there are no fields"),
            "未知字段 `x`"
        );
        assert_eq!(in_chinese("missing field `title`"), "缺少字段 `title`");
        assert_eq!(in_chinese("duplicate field `sql`"), "字段 `sql` 重复");
        assert_eq!(
            in_chinese("invalid type: integer `3`, expected a string"),
            "类型不对：写的是 integer `3`，应为 a string"
        );
    }

    #[test]
    fn located_names_the_line() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        enum Executor {
            Streaming,
        }
        #[derive(Debug, serde::Deserialize)]
        struct Query {
            #[allow(dead_code)]
            executor: Executor,
        }
        let text = "a = 1\nb = 2\nexecutor = \"fast\"\n";
        let e = toml::from_str::<Query>(text).unwrap_err();
        assert_eq!(
            super::located(text, &e),
            "第 3 行：取值 `fast` 无效，可选：`streaming`"
        );
        let e = toml::from_str::<Query>("a = 1\n").unwrap_err();
        assert!(
            super::located("a = 1\n", &e).ends_with("缺少字段 `executor`"),
            "{e}"
        );
    }

    #[test]
    fn common_toml_mistakes_read_in_chinese() {
        assert_eq!(
            in_chinese("string values must be quoted, expected literal string"),
            "文字要用引号括起来，如 title = \"……\""
        );
        assert_eq!(
            in_chinese("unclosed table, expected `]`"),
            "表头缺少结尾的 ]"
        );
        assert_eq!(in_chinese("duplicate key"), "同一个键写了两次");
    }

    #[test]
    fn other_messages_are_kept() {
        for message in ["invalid string\nexpected `\"`, `'`", "未知数据集“x”", ""] {
            assert_eq!(in_chinese(message), message);
        }
    }
}
