//! The HTML document and the router.

use crate::api::account::signed_in_user;
use crate::components::layout::{Shell, ViewerResource};
use crate::pages;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

/// The whole HTML document, rendered on the server around [`App`].
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The stylesheet sits with the bundle under its version (`pkg/<version>`),
    // so it is cached for good and a new build is a new URL.
    let stylesheet = format!("/{}/visadesk.css", options.site_pkg_dir);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" type="image/svg+xml" href="/assets/favicon.svg"/>
                <link rel="stylesheet" id="leptos" href=stylesheet/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: routes, and who is signed in.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let viewer: ViewerResource = Resource::new(|| (), |_| signed_in_user());
    provide_context(viewer);

    // Lets tests (and people debugging) see when the page has become interactive.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Title formatter=document_title/>
        <Router>
            <Routes fallback=pages::not_found::NotFound>
                <Route path=path!("/sign-in") view=pages::sign_in::SignInPage/>
                <Route path=path!("/forgot-password") view=pages::password_reset::ForgotPasswordPage/>
                <Route path=path!("/reset-password/:token") view=pages::password_reset::ResetPasswordPage/>
                <Route path=path!("/portal") view=pages::portal::PortalPage/>
                <Route path=path!("/portal/join/:token") view=pages::portal::JoinPage/>
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=pages::dashboard::DashboardPage/>
                    <Route path=path!("/clients") view=pages::clients::ClientsPage/>
                    <Route path=path!("/clients/new") view=pages::client_form::NewClientPage/>
                    <Route path=path!("/clients/:id") view=pages::client_detail::ClientPage/>
                    <Route path=path!("/clients/:id/edit") view=pages::client_form::EditClientPage/>
                    <Route path=path!("/cases") view=pages::cases::CasesPage/>
                    <Route path=path!("/cases/board") view=pages::board::BoardPage/>
                    <Route path=path!("/cases/:id") view=pages::case_detail::CasePage/>
                    <Route path=path!("/cases/:id/edit") view=pages::case_form::EditCasePage/>
                    <Route path=path!("/admin") view=pages::admin::AdminPage/>
                    <Route path=path!("/admin/audit") view=pages::audit::AuditPage/>
                    <Route path=path!("/admin/outbox") view=pages::outbox::OutboxListPage/>
                    <Route path=path!("/admin/outbox/:id") view=pages::outbox::OutboxMessagePage/>
                    <Route path=path!("/account/sessions") view=pages::sessions::SessionsPage/>
                    <Route path=path!("/notifications") view=pages::notices::NoticesPage/>
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
