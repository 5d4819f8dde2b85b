//! The route table's pages, each loaded on demand in the browser.
//!
//! Every page is a [`LazyRoute`]: built with `cargo leptos --split`, its view
//! code (and whatever only it uses) goes into a WASM chunk of its own, which
//! the browser fetches when the page is first shown. A first visit downloads
//! the framework and the one page it opens, not every page of the product
//! (docs/performance.md). On the server, and in a build without `--split`,
//! a lazy route is an ordinary one.
//!
//! Adding a page: write its component in `pages/`, add a line to
//! `lazy_pages!` below, and a `<Route view={Lazy::<Name>::new()}/>` in
//! [`crate::App`].

use crate::components::layout;
use crate::pages;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// Declares, for each `Name => component`, a unit struct `Name` whose
/// [`LazyRoute`] view is that component, split into its own chunk, and which
/// marks the page hydrated once that view has hydrated.
macro_rules! lazy_pages {
    ($($(#[$doc:meta])* $name:ident => $page:path;)*) => {$(
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name;

        #[lazy_route]
        impl LazyRoute for $name {
            fn data() -> Self {
                $name
            }

            fn view(_this: Self) -> AnyView {
                mark_hydrated();
                $page().into_any()
            }
        }
    )*};
}

/// Sets `<body data-hydrated="true">` once the page's own view (loaded after
/// the main bundle) has hydrated: tests, and people debugging, wait for it.
/// The layout around staff pages does not mark it; the page inside does.
pub fn mark_hydrated() {
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// The layout around every staff page (top bar, bell, menu), in a chunk of
/// its own: the sign-in page and the portal never load it.
#[derive(Debug)]
pub struct StaffShell;

#[lazy_route]
impl LazyRoute for StaffShell {
    fn data() -> Self {
        StaffShell
    }

    fn view(_this: Self) -> AnyView {
        layout::Shell().into_any()
    }
}

lazy_pages! {
    /// `/sign-in`
    SignIn => pages::sign_in::SignInPage;
    /// `/forgot-password`
    ForgotPassword => pages::password_reset::ForgotPasswordPage;
    /// `/reset-password/:token`
    ResetPassword => pages::password_reset::ResetPasswordPage;
    /// `/portal`: the applicant's own case.
    Portal => pages::portal::PortalPage;
    /// `/portal/join/:token`
    PortalJoin => pages::portal::JoinPage;
    /// `/`
    Dashboard => pages::dashboard::DashboardPage;
    /// `/clients`
    Clients => pages::clients::ClientsPage;
    /// `/clients/new`
    NewClient => pages::client_form::NewClientPage;
    /// `/clients/:id`
    Client => pages::client_detail::ClientPage;
    /// `/clients/:id/edit`
    EditClient => pages::client_form::EditClientPage;
    /// `/cases`
    Cases => pages::cases::CasesPage;
    /// `/cases/board`
    Board => pages::board::BoardPage;
    /// `/cases/:id`
    Case => pages::case_detail::CasePage;
    /// `/cases/:id/edit`
    EditCase => pages::case_form::EditCasePage;
    /// `/admin`
    Admin => pages::admin::AdminPage;
    /// `/admin/audit`
    Audit => pages::audit::AuditPage;
    /// `/admin/outbox`
    Outbox => pages::outbox::OutboxListPage;
    /// `/admin/outbox/:id`
    OutboxMessage => pages::outbox::OutboxMessagePage;
    /// `/account/sessions`
    Account => pages::sessions::SessionsPage;
    /// `/notifications`
    Notices => pages::notices::NoticesPage;
}
