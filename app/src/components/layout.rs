//! The signed-in layout: header, navigation for the viewer's role, user menu.

use crate::api::account::SignOut;
use crate::api::notices::unread_notices;
use crate::domain::notice::badge_text;
use crate::domain::{CurrentUser, Permission, Section};
use crate::error::AppError;
use crate::i18n::{names, td_string, use_locale};
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

/// Who is signed in, loaded once per page load and shared by every page.
pub type ViewerResource = Resource<Result<Option<CurrentUser>, AppError>>;

/// The layout around every staff page.
#[component]
pub fn Shell() -> impl IntoView {
    let l = use_locale();
    let viewer = expect_context::<ViewerResource>();
    provide_context(NoticesChanged(RwSignal::new(0)));
    view! {
        <a class="skip-link" href="#main">{td_string!(l, layout.skip)}</a>
        <Suspense fallback=move || view! { <header class="topbar"><span class="brand">{td_string!(l, common.product)}</span></header> }>
            {move || Suspend::new(async move {
                match viewer.await {
                    Ok(Some(v)) => view! { <TopBar viewer=v/> }.into_any(),
                    _ => view! {
                        <header class="topbar">
                            <span class="brand">{td_string!(l, common.product)}</span>
                            <a class="button" href="/sign-in">{td_string!(l, common.sign_in)}</a>
                        </header>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
        <main id="main" class="page">
            <Outlet/>
        </main>
    }
}

/// Bumped when the viewer's notices change (read, marked all read), so the
/// bell counts again.
#[derive(Clone, Copy)]
pub struct NoticesChanged(pub RwSignal<u32>);

#[component]
fn TopBar(viewer: CurrentUser) -> impl IntoView {
    let l = use_locale();
    let sections = Section::visible_to(viewer.role);
    let has_bell = viewer.role.can(Permission::ViewDashboard);
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">{td_string!(l, common.product)}</A>
            <nav aria-label=td_string!(l, layout.main_nav) class="mainnav">
                <ul>
                    {sections
                        .into_iter()
                        .map(|s| view! { <li><A href=s.path() exact=s == Section::Dashboard>{names::section(l, s)}</A></li> })
                        .collect_view()}
                </ul>
            </nav>
            <Show when=move || has_bell>
                <Bell/>
            </Show>
            <UserMenu viewer/>
        </header>
    }
}

/// The bell: the number of unread notices, linking to their list. It
/// counts again on every navigation and when notices are read.
#[component]
fn Bell() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let changed = use_context::<NoticesChanged>().map(|c| c.0);
    let unread = Resource::new(
        move || (location.pathname.get(), changed.map(|c| c.get())),
        |_| unread_notices(),
    );
    let l = use_locale();
    let bell = move |count: i64| {
        let label = match count {
            0 => td_string!(l, layout.notifications_none).to_string(),
            1 => td_string!(l, layout.notifications_one).to_string(),
            n => td_string!(l, layout.notifications_several, count = n).to_string(),
        };
        view! {
            <A href="/notifications" attr:class="bell" attr:aria-label=label>
                <svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                    <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9"/>
                    <path d="M13.73 21a2 2 0 0 1-3.46 0"/>
                </svg>
                {badge_text(count).map(|t| view! { <span class="bell-count">{t}</span> })}
            </A>
        }
    };
    view! {
        <Transition fallback=move || bell(0)>
            {move || Suspend::new(async move { bell(unread.await.unwrap_or(0)) })}
        </Transition>
    }
}

#[component]
fn UserMenu(viewer: CurrentUser) -> impl IntoView {
    let l = use_locale();
    let sign_out = ServerAction::<SignOut>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            let _ = window().location().set_href("/sign-in?signed_out=1");
        }
    });
    let can_sessions = viewer.role.can(Permission::ManageOwnSessions);
    view! {
        <details class="usermenu">
            <summary>
                <span class="usermenu-name">{viewer.display_name.clone()}</span>
                <span class="badge">{names::role(l, viewer.role)}</span>
            </summary>
            <div class="usermenu-panel">
                <p class="muted small">{viewer.email.clone()}</p>
                <Show when=move || can_sessions>
                    <A href="/account/sessions">{td_string!(l, layout.your_account)}</A>
                </Show>
                <ActionForm action=sign_out>
                    <button type="submit" class="button button-secondary">{td_string!(l, common.sign_out)}</button>
                </ActionForm>
            </div>
        </details>
    }
}

/// Sets the HTTP status of a server-rendered page (no-op in the browser).
pub fn set_page_status(_code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(res), Ok(status)) = (
        use_context::<leptos_actix::ResponseOptions>(),
        actix_web::http::StatusCode::from_u16(_code),
    ) {
        res.set_status(status);
    }
}

/// Shown instead of a page the viewer's role may not open.
#[component]
pub fn AccessDenied() -> impl IntoView {
    set_page_status(403);
    let l = use_locale();
    view! {
        <section class="card narrow" aria-labelledby="denied-title">
            <h1 id="denied-title">{td_string!(l, layout.denied_title)}</h1>
            <p>{td_string!(l, layout.denied_body)}</p>
            <p><A href="/">{td_string!(l, layout.back_to_dashboard)}</A></p>
        </section>
    }
}

/// Runs `page` with the viewer when their role has `permission`, else shows
/// [`AccessDenied`].
#[component]
pub fn RequirePermission<F, V>(permission: Permission, page: F) -> impl IntoView
where
    F: Fn(CurrentUser) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let viewer = expect_context::<ViewerResource>();
    let l = use_locale();
    view! {
        <Suspense fallback=move || view! { <p class="muted">{td_string!(l, common.loading)}</p> }>
            {
                let page = page.clone();
                move || {
                    let page = page.clone();
                    Suspend::new(async move {
                        match viewer.await {
                            Ok(Some(v)) if v.role.can(permission) => page(v).into_any(),
                            _ => view! { <AccessDenied/> }.into_any(),
                        }
                    })
                }
            }
        </Suspense>
    }
}
