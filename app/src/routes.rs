//! The route table's pages, loaded on demand in the browser.
//!
//! Every page is a [`LazyRoute`] whose view lives in one of four WASM split
//! modules, built by `cargo leptos --split`:
//!
//! - `public`: signing in and resetting a password;
//! - `second_step`: a sign-in's second factor, and setting one up (an
//!   authenticator app or a passkey, code the sign-in page need not carry);
//! - `portal`: the applicant's portal and joining it;
//! - `staff`: the staff layout and every staff page.
//!
//! A first visit downloads the framework (the main module) and the module of
//! the page it opens; code that two modules share comes as a chunk beside
//! them. So an applicant on a phone never downloads the staff pages. Three
//! modules rather than one per page: with one per page the splitter cut the
//! shared code into some 600 chunks, each compressed alone and each a
//! request of its own, which made a staff page's first visit larger than the
//! whole unsplit bundle (docs/performance.md). A few modules, then. On the server, and in a build
//! without `--split`, a lazy route is an ordinary one.
//!
//! Adding a page: write its component in `pages/`, add a line to the group
//! it belongs to below, and a `<Route view={Lazy::<Name>::new()}/>` in
//! [`crate::App`].

use crate::components::layout;
use crate::pages;
use leptos::prelude::*;
use leptos_router::LazyRoute;

/// Declares, for each `Name(view_fn) => component`, a unit struct `Name`
/// whose [`LazyRoute`] view is that component, compiled into the split module
/// `$module`. Each entry marks the page hydrated once its view has hydrated,
/// unless it is written `Name(view_fn) => @layout component` (a layout is
/// not the page itself).
macro_rules! lazy_pages {
    ($module:ident: $($(#[$doc:meta])* $name:ident($view:ident) => $(@$layout:ident)? $page:path;)*) => {$(
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name;

        impl LazyRoute for $name {
            fn data() -> Self {
                $name
            }

            async fn view(this: Self) -> AnyView {
                $view(this).await
            }

            // The router awaits this before it hydrates the route, so the
            // module must be loaded here, or hydration would meet a view still
            // pending where the server rendered the page.
            async fn preload() {
                #[cfg(feature = "hydrate")]
                paste::paste! { [<__preload_ $view>]().await; }
            }
        }

        #[leptos::lazy($module)]
        fn $view(_route: $name) -> AnyView {
            lazy_pages!(@mark $($layout)?);
            $page().into_any()
        }
    )*};
    (@mark layout) => {};
    (@mark) => {
        mark_hydrated()
    };
}

/// Sets `<body data-hydrated="true">` once the page's own view (loaded after
/// the main module) has hydrated: tests, and people debugging, wait for it.
pub fn mark_hydrated() {
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

lazy_pages! { public:
    /// `/sign-in`
    SignIn(sign_in_view) => pages::sign_in::SignInPage;
    /// `/forgot-password`
    ForgotPassword(forgot_password_view) => pages::password_reset::ForgotPasswordPage;
    /// `/reset-password/:token`
    ResetPassword(reset_password_view) => pages::password_reset::ResetPasswordPage;
}

lazy_pages! { second_step:
    /// `/sign-in/verify`: the second factor of a sign-in.
    VerifySecondFactor(verify_second_factor_view) => pages::second_factor::VerifyPage;
    /// `/sign-in/enrol`: setting up a second factor the firm requires.
    EnrolSecondFactor(enrol_second_factor_view) => pages::second_factor::EnrolPage;
}

lazy_pages! { portal:
    /// `/portal`: the applicant's own case.
    Portal(portal_view) => pages::portal::PortalPage;
    /// `/portal/join/:token`
    PortalJoin(portal_join_view) => pages::portal::JoinPage;
}

lazy_pages! { staff:
    /// The layout around every staff page (top bar, bell, menu).
    StaffShell(staff_shell_view) => @layout layout::Shell;
    /// `/`
    Dashboard(dashboard_view) => pages::dashboard::DashboardPage;
    /// `/clients`
    Clients(clients_view) => pages::clients::ClientsPage;
    /// `/clients/new`
    NewClient(new_client_view) => pages::client_form::NewClientPage;
    /// `/clients/:id`
    Client(client_view) => pages::client_detail::ClientPage;
    /// `/clients/:id/edit`
    EditClient(edit_client_view) => pages::client_form::EditClientPage;
    /// `/cases`
    Cases(cases_view) => pages::cases::CasesPage;
    /// `/cases/board`
    Board(board_view) => pages::board::BoardPage;
    /// `/cases/:id`
    Case(case_view) => pages::case_detail::CasePage;
    /// `/cases/:id/edit`
    EditCase(edit_case_view) => pages::case_form::EditCasePage;
    /// `/admin`
    Admin(admin_view) => pages::admin::AdminPage;
    /// `/admin/audit`
    Audit(audit_view) => pages::audit::AuditPage;
    /// `/admin/outbox`
    Outbox(outbox_view) => pages::outbox::OutboxListPage;
    /// `/admin/outbox/:id`
    OutboxMessage(outbox_message_view) => pages::outbox::OutboxMessagePage;
    /// `/account/sessions`
    Account(account_view) => pages::sessions::SessionsPage;
    /// `/notifications`
    Notices(notices_view) => pages::notices::NoticesPage;
}
