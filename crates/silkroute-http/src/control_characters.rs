//! NUL and the Unicode bidirectional controls are refused in every string the API reads — JSON
//! bodies, query parameters and path ids — once, at the edge, so no handler has to remember. A
//! NUL truncates text in C libraries, PostgreSQL refuses it in `TEXT`, and bidi overrides make a
//! name or a product title display differently from what it is ("Trojan Source", CVE-2021-42574).

use serde_json::Value;

/// What a refused string is told.
pub const MESSAGE: &str =
    "must not contain NUL (U+0000) or Unicode bidirectional control characters";

/// NUL, the embeddings and overrides (U+202A–U+202E), the isolates (U+2066–U+2069) and the
/// implicit marks (U+200E, U+200F, U+061C).
pub fn is_refused(character: char) -> bool {
    matches!(
        character,
        '\u{0}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
    )
}

pub fn contains_refused(text: &str) -> bool {
    text.chars().any(is_refused)
}

/// A name as it may be echoed in a field path: refused characters written as `\u{…}` escapes,
/// so the error that names them does not carry them.
pub fn escaped(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for character in name.chars() {
        if is_refused(character) {
            out.push_str(&format!("\\u{{{:04X}}}", u32::from(character)));
        } else {
            out.push(character);
        }
    }
    out
}

/// The path (`lines[0].description`, as serde names fields) of the first string — value or
/// object key — holding a refused character, or `None` when the document is clean.
pub fn first_in_json(value: &Value) -> Option<String> {
    let mut path = String::new();
    walk(value, &mut path).then_some(path)
}

/// Depth-first; `path` holds the current position and is left at the offending one.
fn walk(value: &Value, path: &mut String) -> bool {
    match value {
        Value::String(text) => contains_refused(text),
        Value::Array(items) => items.iter().enumerate().any(|(index, item)| {
            let length = path.len();
            path.push_str(&format!("[{index}]"));
            let found = walk(item, path);
            if !found {
                path.truncate(length);
            }
            found
        }),
        Value::Object(fields) => fields.iter().any(|(key, item)| {
            let length = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&escaped(key));
            let found = contains_refused(key) || walk(item, path);
            if !found {
                path.truncate(length);
            }
            found
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_listed_control_is_refused_and_ordinary_text_is_not() {
        for refused in [
            '\u{0}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}',
            '\u{2067}', '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
        ] {
            assert!(is_refused(refused), "{:04X}", u32::from(refused));
        }
        // Arabic, Hebrew, emoji, a zero-width joiner and tabs are text, not controls.
        assert!(!contains_refused("متجر שלום 👩‍💻 a\tb\nc"));
        assert!(!contains_refused("\u{2029}\u{2065}\u{206A}\u{200D}"));
    }

    #[test]
    fn the_path_names_the_first_offending_string_or_key() {
        let body = json!({"lines": [{"quantity": 1}, {"description": "ok\u{202E}txt"}]});
        assert_eq!(
            first_in_json(&body).as_deref(),
            Some("lines[1].description")
        );
        let body = json!({"titles": {"e\u{0}n": "x"}});
        assert_eq!(first_in_json(&body).as_deref(), Some("titles.e\\u{0000}n"));
        assert_eq!(first_in_json(&json!(["\u{2066}"])).as_deref(), Some("[0]"));
        assert_eq!(first_in_json(&json!({"a": [1, "b", null]})), None);
    }
}
