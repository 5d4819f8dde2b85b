//! The HTML document and the router.

use crate::api::account::signed_in_user;
#[cfg(feature = "ssr")]
use crate::bundle::{Bundle, Bundles};
use crate::components::layout::ViewerResource;
use crate::{pages, routes};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos_meta::MetaTags;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, Lazy};

#[cfg(feature = "ssr")]
/// The whole HTML document, rendered on the server around [`App`].
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The stylesheet sits with the bundle under its version (`pkg/<version>`),
    // so it is cached for good and a new build is a new URL.
    let stylesheet = format!("/{}/visadesk.css", options.site_pkg_dir);
    let language = crate::i18n::current_language();
    let bundle = match use_context::<Bundles>() {
        Some(bundles) => bundles.for_language(language).clone(),
        None => default_bundle(&options),
    };
    let (hydration, bundle_url) = hydration_options(&options, &bundle);
    view! {
        <!DOCTYPE html>
        <html lang=language.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" type="image/svg+xml" href="/assets/favicon.svg"/>
                <link rel="stylesheet" id="leptos" href=stylesheet/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options=hydration root=bundle_url/>
                <PreloadFrom bundle/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[cfg(feature = "ssr")]
/// The bundle built into `<site root>/pkg`, served at `/<site_pkg_dir>/`
/// (`pkg/<version>`): the one with every language.
fn default_bundle(options: &LeptosOptions) -> Bundle {
    let dir = format!("{}/pkg", options.site_root.trim_end_matches('/'));
    Bundle::new(std::path::Path::new(&dir), options.site_pkg_dir.to_string())
}

#[cfg(feature = "ssr")]
/// The options [`HydrationScripts`] needs for `bundle`, and the bundle's URL
/// folder.
///
/// A bundle is served at `/pkg/<version>/` but lies elsewhere on disk, and
/// Leptos links the scripts at `root/site_pkg_dir/`. So the site root
/// becomes the bundle's folder on disk, the package folder `.`, and the URL
/// folder comes in as `root`: the links read `/pkg/<version>/./visadesk.js`,
/// which a browser resolves to `/pkg/<version>/visadesk.js`.
fn hydration_options(options: &LeptosOptions, bundle: &Bundle) -> (LeptosOptions, String) {
    let mut on_disk = options.clone();
    on_disk.site_root = bundle.dir().to_string().into();
    on_disk.site_pkg_dir = ".".into();
    (on_disk, format!("/{}", bundle.url_dir()))
}

#[cfg(feature = "ssr")]
/// Makes the chunks a lazy page preloads come from `bundle`. Leptos keeps
/// the split manifest of the first page it rendered for the whole process,
/// which with a bundle per language would be the wrong bundle's half the
/// time; this replaces it for the page being rendered.
#[component]
fn PreloadFrom(bundle: Bundle) -> impl IntoView {
    if let Some(manifest) = bundle.split_manifest() {
        provide_context(manifest);
    }
}

/// The application: routes, and who is signed in.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    crate::i18n::provide_language(crate::i18n::current_language());
    let viewer: ViewerResource = Resource::new(|| (), |_| signed_in_user());
    provide_context(viewer);

    view! {
        <Title formatter=document_title/>
        <Router>
            <Routes fallback=|| {
                routes::mark_hydrated();
                pages::not_found::NotFound()
            }>
                <Route path=path!("/sign-in") view={Lazy::<routes::SignIn>::new()}/>
                <Route path=path!("/sign-in/verify") view={Lazy::<routes::VerifySecondFactor>::new()}/>
                <Route path=path!("/sign-in/enrol") view={Lazy::<routes::EnrolSecondFactor>::new()}/>
                <Route path=path!("/forgot-password") view={Lazy::<routes::ForgotPassword>::new()}/>
                <Route path=path!("/reset-password/:token") view={Lazy::<routes::ResetPassword>::new()}/>
                <Route path=path!("/portal") view={Lazy::<routes::Portal>::new()}/>
                <Route path=path!("/portal/join/:token") view={Lazy::<routes::PortalJoin>::new()}/>
                <ParentRoute path=path!("") view={Lazy::<routes::StaffShell>::new()}>
                    <Route path=path!("") view={Lazy::<routes::Dashboard>::new()}/>
                    <Route path=path!("/clients") view={Lazy::<routes::Clients>::new()}/>
                    <Route path=path!("/clients/new") view={Lazy::<routes::NewClient>::new()}/>
                    <Route path=path!("/clients/:id") view={Lazy::<routes::Client>::new()}/>
                    <Route path=path!("/clients/:id/edit") view={Lazy::<routes::EditClient>::new()}/>
                    <Route path=path!("/cases") view={Lazy::<routes::Cases>::new()}/>
                    <Route path=path!("/cases/board") view={Lazy::<routes::Board>::new()}/>
                    <Route path=path!("/cases/:id") view={Lazy::<routes::Case>::new()}/>
                    <Route path=path!("/cases/:id/edit") view={Lazy::<routes::EditCase>::new()}/>
                    <Route path=path!("/admin") view={Lazy::<routes::Admin>::new()}/>
                    <Route path=path!("/admin/audit") view={Lazy::<routes::Audit>::new()}/>
                    <Route path=path!("/admin/outbox") view={Lazy::<routes::Outbox>::new()}/>
                    <Route path=path!("/admin/outbox/:id") view={Lazy::<routes::OutboxMessage>::new()}/>
                    <Route path=path!("/account/sessions") view={Lazy::<routes::Account>::new()}/>
                    <Route path=path!("/notifications") view={Lazy::<routes::Notices>::new()}/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The document title for a page's own title `page` (a client's name, a case
/// reference...: user input). On the server leptos_meta writes the title into
/// the HTML as it is, so it is escaped here like any body text; in the browser
/// it is set through `document.title`, which takes plain text.
pub fn document_title(page: String) -> String {
    let title = if page.is_empty() {
        "Visadesk".to_string()
    } else {
        format!("{page} · Visadesk")
    };
    if cfg!(feature = "ssr") {
        escape_html(&title)
    } else {
        title
    }
}

/// `text` with the characters that mean something in HTML escaped.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_a_title_is_escaped() {
        assert_eq!(
            escape_html(r#"X </title><meta http-equiv="refresh">'&"#),
            "X &lt;/title&gt;&lt;meta http-equiv=&quot;refresh&quot;&gt;&#39;&amp;"
        );
    }

    #[test]
    fn an_empty_page_title_is_the_product_name() {
        assert_eq!(document_title(String::new()), "Visadesk");
    }
}
