//! Which browser bundle a page loads.
//!
//! The default bundle carries every language. A release build also makes
//! one bundle per language with that language's text alone
//! (`scripts/build-language-bundles`, feature `only-<code>`), and a page
//! loads the one of its language when the server has it, so a first visit
//! does not download the other language. The server finds the bundles on
//! disk and provides [`Bundles`] to every render; [`crate::shell`] links the
//! page's.

use crate::domain::Language;
use leptos::prelude::ArcStoredValue;
use leptos::WasmSplitManifest;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// The name cargo-leptos gives the split manifest (which page chunks each
/// lazy page needs) and the chunk loader, without hashed file names.
const SPLIT_MANIFEST: &str = "__wasm_split_manifest.json";
const SPLIT_LOADER: &str = "__wasm_split.______________________.js";

/// One built bundle: where its files are, and where browsers fetch them.
#[derive(Clone, Debug)]
pub struct Bundle {
    dir: String,
    url_dir: String,
    /// The page chunks each lazy page preloads, read once from the bundle's
    /// own manifest (chunk names differ between bundles).
    split_manifest: Option<Arc<HashMap<String, Vec<String>>>>,
}

impl Bundle {
    /// The bundle whose files lie in `dir` and are served at `/<url_dir>/`
    /// (`pkg/<version>`). A split manifest that cannot be read is logged
    /// and the page then preloads no chunks (they load when needed).
    pub fn new(dir: &Path, url_dir: String) -> Bundle {
        let path = dir.join(SPLIT_MANIFEST);
        let split_manifest = match std::fs::read_to_string(&path) {
            Ok(text) => match serde_json::from_str(&text) {
                Ok(manifest) => Some(Arc::new(manifest)),
                Err(e) => {
                    tracing::error!(file = %path.display(), error = %e, "unreadable split manifest: pages will not preload their chunks");
                    None
                }
            },
            Err(_) => None,
        };
        Bundle {
            dir: dir.to_string_lossy().into_owned(),
            url_dir,
            split_manifest,
        }
    }

    /// The folder holding the bundle's files.
    pub fn dir(&self) -> &str {
        &self.dir
    }

    /// The bundle's folder in URLs, without slashes: `pkg/<version>`.
    pub fn url_dir(&self) -> &str {
        &self.url_dir
    }

    /// What Leptos' server integration reads to preload a lazy page's chunks
    /// from this bundle (it would otherwise keep the first bundle it saw).
    pub(crate) fn split_manifest(&self) -> Option<WasmSplitManifest> {
        let manifest = self.split_manifest.as_ref()?;
        Some(WasmSplitManifest(ArcStoredValue::new((
            format!("/{}", self.url_dir),
            (**manifest).clone(),
            SPLIT_LOADER.to_string(),
        ))))
    }
}

/// The default bundle, and the languages that have a bundle of their own.
#[derive(Clone, Debug)]
pub struct Bundles {
    default: Bundle,
    languages: Vec<(Language, Bundle)>,
}

impl Bundles {
    /// Only the default bundle.
    pub fn new(default: Bundle) -> Bundles {
        Bundles {
            default,
            languages: Vec::new(),
        }
    }

    /// Adds `language`'s own bundle.
    pub fn with_language(mut self, language: Language, bundle: Bundle) -> Bundles {
        self.languages.retain(|(l, _)| *l != language);
        self.languages.push((language, bundle));
        self
    }

    /// The bundle a page in `language` loads.
    pub fn for_language(&self, language: Language) -> &Bundle {
        self.languages
            .iter()
            .find(|(l, _)| *l == language)
            .map(|(_, b)| b)
            .unwrap_or(&self.default)
    }

    /// The languages with a bundle of their own.
    pub fn languages(&self) -> impl Iterator<Item = Language> + '_ {
        self.languages.iter().map(|(l, _)| *l)
    }
}
