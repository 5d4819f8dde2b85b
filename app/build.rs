//! Compiles the translation catalogues (`locales/<code>.json`) into the typed
//! keys of `crate::i18n`: a key used in code that no catalogue has does not
//! compile. A key missing from one language is only a warning here; the test
//! `i18n::catalogue_tests` fails on it.

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=locales");
    let config = Config::new("en")?
        .add_locale("zh-Hans")?
        .parse_options(ParseOptions::new().interpolate_display(true));
    let translations = TranslationsInfos::parse(config)?;
    translations.rerun_if_locales_changed();
    translations.emit_diagnostics();
    let out = PathBuf::from(std::env::var("OUT_DIR")?).join("i18n");
    translations.generate_i18n_module(out)?;
    Ok(())
}
