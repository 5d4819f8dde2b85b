//! The browser bundle and static assets.
//!
//! The bundle (`/pkg`: the hydrate JS, the WASM and the stylesheet) is served
//! under a version taken from its contents, `/pkg/<version>/visadesk.wasm`, with
//! `Cache-Control: immutable`: a browser that has it never asks again, and a
//! new build is a new URL. Both bundle and assets come as the precompressed
//! brotli or gzip copy beside each file (`cargo leptos build --release
//! --precompress` writes them) when the browser accepts it.

use actix_files::NamedFile;
use actix_web::http::header::{self, ContentEncoding, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};
use std::path::{Component, Path, PathBuf};
use visadesk_app::domain::Language;

/// `Cache-Control` of a versioned bundle file.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of everything else here: cached, but revalidated.
const REVALIDATE: &str = "no-cache";

/// The built site as this process serves it.
#[derive(Debug, Clone)]
pub struct Site {
    /// The bundle with every language (and the stylesheet), in
    /// `<site root>/pkg`.
    default: Bundle,
    /// Bundles with one language's text each: what pages in that language
    /// load (`scripts/build-language-bundles`).
    languages: Vec<(Language, Bundle)>,
    assets_dir: PathBuf,
    /// `cargo leptos watch` rebuilds the bundle under a running server, so
    /// the version cannot promise the contents: revalidate instead.
    immutable: bool,
}

/// One bundle's folder and the version it is served under.
#[derive(Debug, Clone)]
struct Bundle {
    dir: PathBuf,
    version: String,
}

impl Bundle {
    fn url_dir(&self) -> String {
        format!("pkg/{}", self.version)
    }
}

impl Site {
    /// Reads the built site under `site_root` and the language bundles
    /// under `language_bundles` (`<code>/pkg` each); `watching` is true
    /// under `cargo leptos watch`, which rebuilds only the default bundle,
    /// so the language bundles are left out then.
    pub fn open(site_root: &Path, language_bundles: &Path, watching: bool) -> Site {
        let pkg_dir = site_root.join("pkg");
        let assets_dir = site_root.join("assets");
        let version = match bundle_version(&pkg_dir) {
            Ok(Some(v)) => v,
            Ok(None) => {
                tracing::warn!(folder = %pkg_dir.display(), "not found: pages will not hydrate; build with `cargo leptos build`");
                "unbuilt".to_string()
            }
            Err(e) => {
                tracing::error!(folder = %pkg_dir.display(), error = %e, "could not read the browser bundle");
                "unreadable".to_string()
            }
        };
        if !has_precompressed(&pkg_dir) && pkg_dir.is_dir() {
            tracing::info!(
                "the browser bundle has no precompressed copies: it is sent uncompressed; \
                 build with `cargo leptos build --release --precompress`"
            );
        }
        let languages = if watching {
            Vec::new()
        } else {
            language_bundles_in(language_bundles)
        };
        Site {
            default: Bundle {
                dir: pkg_dir,
                version,
            },
            languages,
            assets_dir,
            immutable: !watching,
        }
    }

    /// The default bundle's folder in URLs, without slashes:
    /// `pkg/<version>`. The stylesheet is linked from it.
    pub fn pkg_url_dir(&self) -> String {
        self.default.url_dir()
    }

    /// The bundles as pages choose among them.
    pub fn bundles(&self) -> visadesk_app::bundle::Bundles {
        let app_bundle = |b: &Bundle| visadesk_app::bundle::Bundle::new(&b.dir, b.url_dir());
        self.languages.iter().fold(
            visadesk_app::bundle::Bundles::new(app_bundle(&self.default)),
            |all, (language, b)| all.with_language(*language, app_bundle(b)),
        )
    }

    /// The bundle served under `version`.
    fn bundle(&self, version: &str) -> Option<&Bundle> {
        std::iter::once(&self.default)
            .chain(self.languages.iter().map(|(_, b)| b))
            .find(|b| b.version == version)
    }

    /// Mounts `/pkg/<version>/…` and `/assets/…`.
    pub fn configure(&self, cfg: &mut web::ServiceConfig) {
        cfg.app_data(web::Data::new(self.clone()))
            .route("/pkg/{version}/{file:.*}", web::get().to(bundle_file))
            .route("/assets/{file:.*}", web::get().to(asset_file));
    }
}

/// The language bundles built under `root` (`<code>/pkg`), each logged; a
/// language without one is served the default bundle (every language: it
/// works, and is larger).
fn language_bundles_in(root: &Path) -> Vec<(Language, Bundle)> {
    let mut found = Vec::new();
    for language in Language::ALL {
        let dir = root.join(language.code()).join("pkg");
        match bundle_version(&dir) {
            Ok(Some(version)) => {
                tracing::info!(language = language.code(), folder = %dir.display(), "pages in this language load its own bundle");
                found.push((language, Bundle { dir, version }));
            }
            Ok(None) => tracing::info!(
                language = language.code(),
                folder = %dir.display(),
                "no bundle of this language's own: its pages load the one with every language \
                 (scripts/build-language-bundles makes them)"
            ),
            Err(e) => {
                tracing::error!(language = language.code(), folder = %dir.display(), error = %e, "could not read a language bundle: its pages load the one with every language")
            }
        }
    }
    found
}

/// The bundle's version: the first 16 hex digits of a SHA-256 over its
/// files' names and contents (precompressed copies left out, as they follow
/// from the rest). `None` when the folder is missing or empty.
pub fn bundle_version(pkg_dir: &Path) -> std::io::Result<Option<String>> {
    if !pkg_dir.is_dir() {
        return Ok(None);
    }
    let mut names: Vec<PathBuf> = Vec::new();
    collect_files(pkg_dir, pkg_dir, &mut names)?;
    names.retain(|n| Encoding::of_copy(n).is_none());
    if names.is_empty() {
        return Ok(None);
    }
    names.sort();
    let mut hash = Sha256::new();
    for name in &names {
        let bytes = std::fs::read(pkg_dir.join(name))?;
        hash.update(name.to_string_lossy().as_bytes());
        hash.update([0]);
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(&bytes);
    }
    Ok(Some(hex::encode(&hash.finalize()[..8])))
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect_files(root, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_path_buf());
        }
    }
    Ok(())
}

fn has_precompressed(pkg_dir: &Path) -> bool {
    std::fs::read_dir(pkg_dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| Encoding::of_copy(&e.path()).is_some())
    })
}

/// A precompressed copy's encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    fn suffix(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gz",
        }
    }

    fn header(self) -> ContentEncoding {
        match self {
            Encoding::Brotli => ContentEncoding::Brotli,
            Encoding::Gzip => ContentEncoding::Gzip,
        }
    }

    /// The encoding of a file that is a precompressed copy (`x.js.br`).
    fn of_copy(path: &Path) -> Option<Encoding> {
        match path.extension()?.to_str()? {
            "br" => Some(Encoding::Brotli),
            "gz" => Some(Encoding::Gzip),
            _ => None,
        }
    }
}

/// The encodings an `Accept-Encoding` header allows, best first: brotli,
/// then gzip. A coding with `q=0` is refused, and `*` stands for any coding
/// not named.
pub fn accepted(accept_encoding: &str) -> Vec<Encoding> {
    let mut named: Vec<(String, bool)> = Vec::new();
    for part in accept_encoding.split(',') {
        let mut bits = part.split(';');
        let coding = bits.next().unwrap_or("").trim().to_ascii_lowercase();
        if coding.is_empty() {
            continue;
        }
        let mut allowed = true;
        for param in bits {
            if let Some((k, v)) = param.split_once('=') {
                if k.trim().eq_ignore_ascii_case("q") {
                    allowed = v.trim().parse::<f32>().is_ok_and(|q| q > 0.0);
                }
            }
        }
        named.push((coding, allowed));
    }
    let verdict = |name: &str, alias: Option<&str>| -> bool {
        let own = named
            .iter()
            .find(|(c, _)| c == name || Some(c.as_str()) == alias);
        match own {
            Some((_, allowed)) => *allowed,
            None => named.iter().any(|(c, allowed)| c == "*" && *allowed),
        }
    };
    let mut out = Vec::new();
    if verdict("br", None) {
        out.push(Encoding::Brotli);
    }
    if verdict("gzip", Some("x-gzip")) {
        out.push(Encoding::Gzip);
    }
    out
}

/// A file of the bundle, when the version in the URL is the one served.
async fn bundle_file(
    req: HttpRequest,
    site: web::Data<Site>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (version, file) = path.into_inner();
    let Some(bundle) = site.bundle(&version) else {
        // A page from before an upgrade: its bundle is gone; a reload
        // brings the page and bundle that belong together.
        return not_found();
    };
    let cache = if site.immutable {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    serve(&req, &bundle.dir, &file, cache).await
}

async fn asset_file(
    req: HttpRequest,
    site: web::Data<Site>,
    file: web::Path<String>,
) -> HttpResponse {
    serve(&req, &site.assets_dir, &file, REVALIDATE).await
}

/// Serves `dir/file` (or its precompressed copy), refusing paths that leave
/// `dir` and the copies themselves.
async fn serve(req: &HttpRequest, dir: &Path, file: &str, cache: &'static str) -> HttpResponse {
    let Some(rel) = safe_relative(file) else {
        return not_found();
    };
    if Encoding::of_copy(&rel).is_some() {
        return not_found();
    }
    let plain = dir.join(&rel);
    if !plain.is_file() {
        return not_found();
    }
    let accept = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = actix_files::file_extension_to_mime(
        plain.extension().and_then(|e| e.to_str()).unwrap_or(""),
    );
    let copy = accepted(accept).into_iter().find_map(|enc| {
        let mut name = plain.clone().into_os_string();
        name.push(".");
        name.push(enc.suffix());
        let path = PathBuf::from(name);
        path.is_file().then_some((enc, path))
    });
    let (opened, encoding) = match copy {
        Some((enc, path)) => (NamedFile::open_async(&path).await, enc.header()),
        // Identity stops the response compression middleware from
        // compressing a file on every request.
        None => (
            NamedFile::open_async(&plain).await,
            ContentEncoding::Identity,
        ),
    };
    let file = match opened {
        Ok(f) => f,
        Err(e) => {
            tracing::error!(file = %plain.display(), error = %e, "could not open a static file");
            return HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("Something went wrong on our side. Please try again.");
        }
    };
    let mut res = file
        .set_content_type(mime)
        .set_content_encoding(encoding)
        .disable_content_disposition()
        .into_response(req);
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    res
}

/// `file` as a path inside the served folder, or `None` if it tries to
/// leave it (`..`, a root, a drive prefix) or is empty.
fn safe_relative(file: &str) -> Option<PathBuf> {
    let rel = Path::new(file);
    let mut out = PathBuf::new();
    for part in rel.components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

fn not_found() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("Not found.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brotli_is_preferred_then_gzip_and_q_zero_refuses() {
        use Encoding::*;
        assert_eq!(accepted("gzip, deflate, br, zstd"), vec![Brotli, Gzip]);
        assert_eq!(accepted("gzip"), vec![Gzip]);
        assert_eq!(accepted("br;q=0, gzip;q=0.5"), vec![Gzip]);
        assert_eq!(accepted("BR"), vec![Brotli]);
        assert_eq!(accepted("x-gzip"), vec![Gzip]);
        assert_eq!(accepted("*"), vec![Brotli, Gzip]);
        assert_eq!(accepted("*;q=0, gzip"), vec![Gzip]);
        assert_eq!(accepted("identity"), Vec::<Encoding>::new());
        assert_eq!(accepted(""), Vec::<Encoding>::new());
        assert_eq!(accepted("gzip;q=nonsense"), Vec::<Encoding>::new());
    }

    #[test]
    fn paths_cannot_leave_the_served_folder() {
        assert_eq!(
            safe_relative("visadesk.js"),
            Some(PathBuf::from("visadesk.js"))
        );
        assert_eq!(safe_relative("./a/b.css"), Some(PathBuf::from("a/b.css")));
        assert_eq!(safe_relative("../secret"), None);
        assert_eq!(safe_relative("a/../../secret"), None);
        assert_eq!(safe_relative("/etc/passwd"), None);
        assert_eq!(safe_relative(""), None);
    }

    #[test]
    fn the_version_follows_the_contents_not_the_precompressed_copies() {
        let dir = tempfile::tempdir().expect("temp dir");
        let pkg = dir.path().join("pkg");
        assert_eq!(bundle_version(&pkg).expect("read"), None);
        std::fs::create_dir(&pkg).expect("mkdir");
        assert_eq!(bundle_version(&pkg).expect("read"), None);
        std::fs::write(pkg.join("visadesk.js"), "one").expect("write");
        std::fs::write(pkg.join("visadesk.wasm"), "two").expect("write");
        let first = bundle_version(&pkg).expect("read").expect("a version");
        assert_eq!(first.len(), 16);
        std::fs::write(pkg.join("visadesk.wasm.br"), "copy").expect("write");
        assert_eq!(bundle_version(&pkg).expect("read").as_ref(), Some(&first));
        std::fs::write(pkg.join("visadesk.wasm"), "three").expect("write");
        assert_ne!(bundle_version(&pkg).expect("read").as_ref(), Some(&first));
    }
}
