//! Compiles the translation catalogues (`locales/<code>.json`) into the typed
//! keys of `crate::i18n`: a key used in code that no catalogue has does not
//! compile. A key missing from one language is only a warning here; the test
//! `i18n::catalogue_tests` fails on it.
//!
//! A browser bundle built for one language (feature `only-<code>`, see
//! `scripts/build-language-bundles`) carries that language's text alone: the
//! catalogues are rewritten so that English, the one every key falls back
//! to, holds that language's values and the others are empty. The server and
//! the bundle without such a feature carry every language.

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::error::Error;
use std::path::{Path, PathBuf};

/// The catalogues, the default (English) first.
const LANGUAGES: [&str; 2] = ["en", "zh-Hans"];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=locales");
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    let only: Vec<&str> = LANGUAGES
        .into_iter()
        .filter(|code| std::env::var_os(feature_variable(code)).is_some())
        .collect();
    if only.len() > 1 {
        return Err(format!("choose at most one `only-<language>` feature, not {only:?}").into());
    }
    if !only.is_empty() && std::env::var_os("CARGO_FEATURE_SSR").is_some() {
        return Err(
            "the server speaks every language: `only-<language>` is for the hydrate bundle".into(),
        );
    }

    let config = || -> Result<Config, Box<dyn Error>> {
        let mut config = Config::new(LANGUAGES[0])?;
        for code in &LANGUAGES[1..] {
            config = config.add_locale(code)?;
        }
        Ok(config.parse_options(ParseOptions::new().interpolate_display(true)))
    };
    let translations = match only.first() {
        None => {
            let translations = TranslationsInfos::parse(config()?)?;
            translations.rerun_if_locales_changed();
            translations.emit_diagnostics();
            translations
        }
        Some(code) => {
            let root = out_dir.join("one-language");
            one_language_catalogues(&manifest_dir.join("locales"), &root.join("locales"), code)?;
            let translations = TranslationsInfos::parse_at_dir(root, config()?)?;
            // The emptied catalogues would warn of every key; errors still show.
            translations.emit_errors();
            translations
        }
    };
    translations.generate_i18n_module(out_dir.join("i18n"))?;
    Ok(())
}

/// The variable Cargo sets for the feature `only-<code>`.
fn feature_variable(code: &str) -> String {
    format!(
        "CARGO_FEATURE_ONLY_{}",
        code.to_uppercase().replace('-', "_")
    )
}

/// Writes catalogues into `to` in which every key reads `code`'s text: the
/// default catalogue holds it and the others are empty (so fall back to it).
fn one_language_catalogues(from: &Path, to: &Path, code: &str) -> Result<(), Box<dyn Error>> {
    std::fs::create_dir_all(to)?;
    let text = std::fs::read_to_string(from.join(format!("{code}.json")))?;
    for (i, language) in LANGUAGES.into_iter().enumerate() {
        let contents = if i == 0 { text.as_str() } else { "{}" };
        std::fs::write(to.join(format!("{language}.json")), contents)?;
    }
    Ok(())
}
