//! `/account/sessions`: the viewer's own account: signed-in browsers, how
//! email reaches them, and (staff) their calendar feed.

use crate::api::account::{
    my_calendar_feed, my_sessions, EndOtherSessions, EndSession, RenewCalendarFeed,
    RevokeCalendarFeed,
};
use crate::api::second_factor::{my_second_factor, RenewRecoveryCodes, TurnOffTotp};
use crate::components::email_choices::EmailChoices;
use crate::components::form::{action_error, FormError};
use crate::components::language::LanguageSwitcher;
use crate::components::layout::RequirePermission;
use crate::components::passkeys::{AddPasskey, PasskeyList};
use crate::components::second_factor::{RecoveryCodes, TotpSetup};
use crate::domain::{CurrentUser, Permission, SessionInfo};
use crate::i18n::{format, names, td_string, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;

/// The sessions page.
#[component]
pub fn SessionsPage() -> impl IntoView {
    let l = use_locale();
    view! {
        <Title text=td_string!(l, sessions.page_title)/>
        <RequirePermission permission=Permission::ManageOwnSessions page=|v: CurrentUser| view! {
            <Sessions/>
            <SecondFactorCard/>
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
    let l = use_locale();
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
        <h1>{td_string!(l, sessions.title)}</h1>
        <p class="muted">{td_string!(l, sessions.intro)}</p>
        <FormError error/>
        <Transition fallback=move || view! { <p class="muted">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match sessions.await {
                    Ok(list) => view! {
                        <ul class="sessions">
                            {list.into_iter().map(|s| view! { <SessionItem session=s end_one/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
                }
            })}
        </Transition>
        <ActionForm action=end_others>
            <button type="submit" class="button button-secondary">{td_string!(l, sessions.end_others)}</button>
        </ActionForm>
    }
}

#[component]
fn SessionItem(session: SessionInfo, end_one: ServerAction<EndSession>) -> impl IntoView {
    let l = use_locale();
    let agent = names::agent(l, &session.user_agent);
    let (id, current) = (session.id.clone(), session.current);
    view! {
        <li class="card session">
            <p>
                <strong>{agent}</strong>
                {session.current.then(|| view! { " " <span class="badge badge-ok">{td_string!(l, sessions.this_browser)}</span> })}
            </p>
            <p class="muted small">
                {td_string!(l, sessions.from, address = if session.ip.is_empty() { td_string!(l, sessions.unknown_address).to_string() } else { session.ip.clone() }).to_string()}
                {td_string!(l, sessions.signed_in, time = format::date_time(l, session.created_at)).to_string()}
                {td_string!(l, sessions.last_active, time = format::date_time(l, session.last_seen_at)).to_string()}
                {td_string!(l, sessions.expires, time = format::date_time(l, session.expires_at)).to_string()}
            </p>
            {(!current).then(|| view! {
                <ActionForm action=end_one>
                    <input type="hidden" name="session_id" value=id.to_string()/>
                    <button type="submit" class="button button-small button-danger">{td_string!(l, sessions.end)}</button>
                </ActionForm>
            })}
        </li>
    }
}

/// The staff member's private calendar feed: make, renew or end it.
#[component]
fn CalendarFeedCard() -> impl IntoView {
    let l = use_locale();
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
            <h2 id="calendar-title">{td_string!(l, calendar.title)}</h2>
            <p class="muted small">{td_string!(l, calendar.intro)}</p>
            <FormError error/>
            {move || new_url().map(|url| view! {
                <div class="invite-link" role="status">
                    <label for="calendar-url">{td_string!(l, calendar.subscribe)}</label>
                    <input id="calendar-url" type="text" readonly value=url/>
                </div>
            })}
            <Transition fallback=move || view! { <p class="muted">{td_string!(l, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match feed.await {
                        Ok(f) => match f.created_at {
                            Some(at) => view! {
                                <p>{td_string!(l, calendar.made, time = format::date_time(l, at)).to_string()}</p>
                                <div class="inline-form">
                                    <ActionForm action=renew attr:class="inline-form">
                                        <button type="submit" class="button button-secondary">{td_string!(l, calendar.renew)}</button>
                                    </ActionForm>
                                    <ActionForm action=revoke attr:class="inline-form">
                                        <button type="submit" class="button button-danger">{td_string!(l, calendar.end)}</button>
                                    </ActionForm>
                                </div>
                            }.into_any(),
                            None => view! {
                                <ActionForm action=renew attr:class="inline-form">
                                    <button type="submit" class="button">{td_string!(l, calendar.make)}</button>
                                </ActionForm>
                            }.into_any(),
                        },
                        Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Two-step sign-in: whether it is on, the recovery codes left, and setting
/// up, replacing or turning off the authenticator app.
#[component]
fn SecondFactorCard() -> impl IntoView {
    let l = use_locale();
    let renew = ServerAction::<RenewRecoveryCodes>::new();
    let turn_off = ServerAction::<TurnOffTotp>::new();
    let changed = RwSignal::new(0u32);
    let replacing = RwSignal::new(false);
    let status = Resource::new(
        move || {
            (
                changed.get(),
                renew.version().get(),
                turn_off.version().get(),
            )
        },
        |_| my_second_factor(),
    );
    let error = Signal::derive(move || {
        action_error(renew.value())
            .get()
            .or_else(|| action_error(turn_off.value()).get())
    });
    let new_codes = move || {
        (renew.version().get() > 0)
            .then(|| renew.value().get().and_then(|r| r.ok()))
            .flatten()
    };
    let turned_off = move || matches!(turn_off.value().get(), Some(Ok(())));
    let after_setup = Callback::new(move |_: Option<String>| {
        replacing.set(false);
        changed.update(|n| *n += 1);
    });
    let passkey_removed = RwSignal::new(false);
    let refresh = Callback::new(move |()| {
        passkey_removed.set(true);
        changed.update(|n| *n += 1);
    });
    let after_passkey = Callback::new(move |_: Option<String>| changed.update(|n| *n += 1));
    view! {
        <section class="card" aria-labelledby="second-factor-title">
            <h2 id="second-factor-title">{td_string!(l, second_factor.section_title)}</h2>
            <FormError error/>
            <Show when=turned_off>
                <p class="alert alert-success" role="status">{td_string!(l, second_factor.turned_off)}</p>
            </Show>
            <Show when=move || passkey_removed.get()>
                <p class="alert alert-success" role="status">{td_string!(l, second_factor.passkey_removed)}</p>
            </Show>
            {move || new_codes().map(|codes| view! {
                <RecoveryCodes codes on_continue=Callback::new(move |()| renew.value().set(None))/>
            })}
            <Transition fallback=move || view! { <p class="muted">{td_string!(l, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(s) => {
                            let required = s.required.then(|| view! {
                                <p class="small">{td_string!(l, second_factor.required)}</p>
                            });
                            let has_passkeys = !s.passkeys.is_empty();
                            let passkeys = view! {
                                <h3 id="passkeys-title">{td_string!(l, second_factor.passkeys_title)}</h3>
                                <p class="small">{td_string!(l, second_factor.passkeys_intro)}</p>
                                <PasskeyList passkeys=s.passkeys.clone() on_change=refresh/>
                            };
                            let app = match s.totp_since {
                                Some(since) => view! {
                                    <p>{td_string!(l, second_factor.status_on, date = format::date(l, crate::domain::date::Date::from_unix(since))).to_string()}</p>
                                    {required}
                                    <p class="muted small">{td_string!(l, second_factor.codes_left, n = s.recovery_codes_left).to_string()}</p>
                                    <div class="inline-form">
                                        <ActionForm action=renew attr:class="inline-form">
                                            <button type="submit" class="button button-secondary">{td_string!(l, second_factor.renew_codes)}</button>
                                        </ActionForm>
                                        <button type="button" class="button button-secondary" on:click=move |_| replacing.set(true)>
                                            {td_string!(l, second_factor.replace)}
                                        </button>
                                    </div>
                                    <Show when=move || replacing.get()>
                                        <TotpSetup next="" on_done=after_setup start_label=td_string!(l, second_factor.start_new).to_string()/>
                                    </Show>
                                    {(!s.required || has_passkeys).then(|| view! {
                                        <ActionForm action=turn_off attr:class="stack turn-off" attr:novalidate="novalidate">
                                            <div class="field">
                                                <label for="turn-off-code">{td_string!(l, second_factor.turn_off_hint)}</label>
                                                <input id="turn-off-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="12" required/>
                                            </div>
                                            <button type="submit" class="button button-danger">{td_string!(l, second_factor.turn_off)}</button>
                                        </ActionForm>
                                    })}
                                }.into_any(),
                                None if has_passkeys => view! {
                                    <p>{td_string!(l, second_factor.status_passkeys)}</p>
                                    {required}
                                    <p class="muted small">{td_string!(l, second_factor.codes_left, n = s.recovery_codes_left).to_string()}</p>
                                    <ActionForm action=renew attr:class="inline-form">
                                        <button type="submit" class="button button-secondary">{td_string!(l, second_factor.renew_codes)}</button>
                                    </ActionForm>
                                    <TotpSetup next="" on_done=after_setup start_label=td_string!(l, second_factor.start).to_string()/>
                                }.into_any(),
                                None => view! {
                                    <p>{td_string!(l, second_factor.status_off)}</p>
                                    {required}
                                    <TotpSetup next="" on_done=after_setup start_label=td_string!(l, second_factor.start).to_string()/>
                                }.into_any(),
                            };
                            view! { {app} {passkeys} }.into_any()
                        }
                        Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
                    }
                })}
            </Transition>
            <AddPasskey next="" on_done=after_passkey/>
        </section>
    }
}
