//! `/account/sessions`: the viewer's own account: signed-in browsers, how
//! email reaches them, and (staff) their calendar feed.

use crate::api::account::{
    my_calendar_feed, my_sessions, EndOtherSessions, EndSession, RenewCalendarFeed,
    RevokeCalendarFeed,
};
use crate::components::email_choices::EmailChoices;
use crate::components::form::{action_error, FormError};
use crate::components::language::LanguageSwitcher;
use crate::components::layout::RequirePermission;
use crate::domain::time::format_utc;
use crate::domain::{CurrentUser, Permission, SessionInfo};
use crate::i18n::{td_string, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;

/// The sessions page.
#[component]
pub fn SessionsPage() -> impl IntoView {
    view! {
        <Title text="Your account"/>
        <RequirePermission permission=Permission::ManageOwnSessions page=|v: CurrentUser| view! {
            <Sessions/>
            <LanguageCard/>
            <EmailChoices role=v.role/>
            {v.role.can(Permission::ViewDashboard).then(|| view! { <CalendarFeedCard/> })}
        }/>
    }
}

/// The account's language, for pages and emails.
#[component]
fn LanguageCard() -> impl IntoView {
    let l = use_locale();
    view! {
        <section class="card" aria-labelledby="language-title">
            <h2 id="language-title">{td_string!(l, language.label)}</h2>
            <p class="muted small">{td_string!(l, language.account_hint)}</p>
            <LanguageSwitcher/>
        </section>
    }
}

#[component]
fn Sessions() -> impl IntoView {
    let end_one = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let sessions = Resource::new(
        move || (end_one.version().get(), end_others.version().get()),
        |_| my_sessions(),
    );
    let error = Signal::derive(move || {
        action_error(end_one.value())
            .get()
            .or_else(|| action_error(end_others.value()).get())
    });
    view! {
        <h1>"Your sessions"</h1>
        <p class="muted">"Each browser you are signed in on. End any you do not recognise."</p>
        <FormError error/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match sessions.await {
                    Ok(list) => view! {
                        <ul class="sessions">
                            {list.into_iter().map(|s| view! { <SessionItem session=s end_one/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
        <ActionForm action=end_others>
            <button type="submit" class="button button-secondary">"Sign out all other sessions"</button>
        </ActionForm>
    }
}

#[component]
fn SessionItem(session: SessionInfo, end_one: ServerAction<EndSession>) -> impl IntoView {
    let agent = crate::domain::agent::describe(&session.user_agent);
    let (id, current) = (session.id.clone(), session.current);
    view! {
        <li class="card session">
            <p>
                <strong>{agent}</strong>
                {session.current.then(|| view! { " " <span class="badge badge-ok">"This browser"</span> })}
            </p>
            <p class="muted small">
                "From " {if session.ip.is_empty() { "an unknown address".to_string() } else { session.ip.clone() }}
                " · signed in " {format_utc(session.created_at)}
                " · last active " {format_utc(session.last_seen_at)}
                " · expires " {format_utc(session.expires_at)}
            </p>
            {(!current).then(|| view! {
                <ActionForm action=end_one>
                    <input type="hidden" name="session_id" value=id.to_string()/>
                    <button type="submit" class="button button-small button-danger">"End this session"</button>
                </ActionForm>
            })}
        </li>
    }
}

/// The staff member's private calendar feed: make, renew or end it.
#[component]
fn CalendarFeedCard() -> impl IntoView {
    let renew = ServerAction::<RenewCalendarFeed>::new();
    let revoke = ServerAction::<RevokeCalendarFeed>::new();
    let feed = Resource::new(
        move || (renew.version().get(), revoke.version().get()),
        |_| my_calendar_feed(),
    );
    let origin = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Ok(o) = window().location().origin() {
            origin.set(o);
        }
    });
    let error = Signal::derive(move || {
        action_error(renew.value())
            .get()
            .or_else(|| action_error(revoke.value()).get())
    });
    let new_url = move || {
        (renew.version().get() > revoke.version().get())
            .then(|| renew.value().get().and_then(|r| r.ok()))
            .flatten()
            .map(|f| format!("{}{}", origin.get(), f.path))
    };
    view! {
        <section class="card" aria-labelledby="calendar-title">
            <h2 id="calendar-title">"Calendar feed"</h2>
            <p class="muted small">"Your open tasks with a due date and your cases' target filing dates, in any calendar app (Outlook, Google Calendar, Apple Calendar) that subscribes to a web address. Keep the address private: anyone who has it sees those dates."</p>
            <FormError error/>
            {move || new_url().map(|url| view! {
                <div class="invite-link" role="status">
                    <label for="calendar-url">"Subscribe to this address (shown once; make a new one if you lose it):"</label>
                    <input id="calendar-url" type="text" readonly value=url/>
                </div>
            })}
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match feed.await {
                        Ok(f) => match f.created_at {
                            Some(at) => view! {
                                <p>{format!("Your feed was made {}.", format_utc(at))}</p>
                                <div class="inline-form">
                                    <ActionForm action=renew attr:class="inline-form">
                                        <button type="submit" class="button button-secondary">"Make a new address"</button>
                                    </ActionForm>
                                    <ActionForm action=revoke attr:class="inline-form">
                                        <button type="submit" class="button button-danger">"End the feed"</button>
                                    </ActionForm>
                                </div>
                            }.into_any(),
                            None => view! {
                                <ActionForm action=renew attr:class="inline-form">
                                    <button type="submit" class="button">"Make a calendar feed"</button>
                                </ActionForm>
                            }.into_any(),
                        },
                        Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
