//! The catalogues agree: every language has exactly English's keys, with the
//! same values to fill in, and every key is used somewhere in the code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const ENGLISH: &str = include_str!("../../locales/en.json");
const CHINESE: &str = include_str!("../../locales/zh-Hans.json");

/// Keys whose value is the same in every language: names and number
/// formats, not words.
const SAME_IN_EVERY_LANGUAGE: &[&str] = &[
    "common.product",
    "format.money",
    "format.group",
    "format.decimal",
    "format.currency_symbols.eur",
    "format.currency_symbols.usd",
];

/// Each key path (`a.b.c`) with its text.
fn flatten(json: &str) -> BTreeMap<String, String> {
    fn walk(prefix: &str, value: &serde_json::Value, out: &mut BTreeMap<String, String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let path = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&path, v, out);
                }
            }
            serde_json::Value::String(s) => {
                out.insert(prefix.to_string(), s.clone());
            }
            other => panic!("{prefix}: a catalogue holds text, not {other}"),
        }
    }
    let value: serde_json::Value = serde_json::from_str(json).expect("a catalogue is JSON");
    let mut out = BTreeMap::new();
    walk("", &value, &mut out);
    out
}

/// The names between `{{` and `}}` in a text.
fn placeholders(text: &str) -> BTreeSet<String> {
    text.split("{{")
        .skip(1)
        .filter_map(|rest| rest.split_once("}}"))
        .map(|(name, _)| name.trim().to_string())
        .collect()
}

fn catalogues() -> [(&'static str, BTreeMap<String, String>); 2] {
    [("en", flatten(ENGLISH)), ("zh-Hans", flatten(CHINESE))]
}

#[test]
fn every_language_has_exactly_the_keys_of_english() {
    let [(_, english), others @ ..] = catalogues();
    for (code, other) in others {
        let missing: Vec<_> = english.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<_> = other.keys().filter(|k| !english.contains_key(*k)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{code}: missing {missing:?}, not in English {extra:?}"
        );
    }
}

#[test]
fn every_translation_fills_in_the_same_values_as_english() {
    let [(_, english), others @ ..] = catalogues();
    for (code, other) in others {
        for (key, text) in &english {
            let theirs = other.get(key).map(|t| placeholders(t)).unwrap_or_default();
            assert_eq!(placeholders(text), theirs, "{code}: {key}");
        }
    }
}

#[test]
fn every_translation_is_translated() {
    let [(_, english), others @ ..] = catalogues();
    for (code, other) in others {
        for (key, text) in &english {
            if SAME_IN_EVERY_LANGUAGE.contains(&key.as_str()) {
                continue;
            }
            assert_ne!(other.get(key), Some(text), "{code}: {key} is still English");
        }
    }
}

#[test]
fn no_text_holds_markup() {
    // leptos_i18n reads `<b>` in a value as a component to fill in.
    for (code, catalogue) in catalogues() {
        for (key, text) in catalogue {
            assert!(!text.contains('<'), "{code}: {key} holds `<`");
        }
    }
}

/// Every `.rs` file under `dir`, read.
fn sources(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(std::fs::read_to_string(&path).unwrap_or_default());
        }
    }
}

/// Whether `key` is written in `code` as a whole key path (not as the start
/// of a longer one).
fn mentions(code: &str, key: &str) -> bool {
    let part = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    code.match_indices(key).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + key.len()..].chars().next();
        !before.is_some_and(part) && !after.is_some_and(part)
    })
}

#[test]
fn every_key_is_used_by_the_app_or_the_server() {
    let app = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut code = Vec::new();
    sources(&app.join("src"), &mut code);
    sources(&app.join("../server/src"), &mut code);
    let code: Vec<&str> = code
        .iter()
        .map(String::as_str)
        // This file names keys only to check them.
        .filter(|text| !text.contains("fn every_key_is_used_by_the_app_or_the_server"))
        .collect();
    let [(_, english), ..] = catalogues();
    let unused: Vec<_> = english
        .keys()
        .filter(|key| !code.iter().any(|text| mentions(text, key)))
        .collect();
    assert!(unused.is_empty(), "keys no code uses: {unused:?}");
}

#[test]
fn a_key_is_found_only_whole() {
    assert!(mentions("td!(l, portal.title)", "portal.title"));
    assert!(!mentions("td!(l, portal.title_long)", "portal.title"));
    assert!(!mentions("td!(l, x.portal.title)", "portal.title"));
}
