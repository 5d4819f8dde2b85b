//! `/admin/outbox` and `/admin/outbox/:id`: every email Visadesk sends, its
//! state and the mail server's last answer; failed ones can be retried.

use crate::api::mail::{list_outbox, read_outbox_message, RetryOutbox};
use crate::components::form::{action_error, FormError, FormSuccess};
use crate::components::layout::RequirePermission;
use crate::domain::mail::{OutboxEntry, OutboxStatus};
use crate::domain::{CurrentUser, OutboxId, Permission};
use crate::i18n::format::date_time;
use crate::i18n::names::{mail_category, outbox_status};
use crate::i18n::{td_string, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The outbox list.
#[component]
pub fn OutboxListPage() -> impl IntoView {
    let l = use_locale();
    view! {
        <Title text=td_string!(l, outbox.title)/>
        <RequirePermission permission=Permission::ManageOutbox page=|_: CurrentUser| view! { <Outbox/> }/>
    }
}

/// One email.
#[component]
pub fn OutboxMessagePage() -> impl IntoView {
    let l = use_locale();
    view! {
        <Title text=td_string!(l, outbox.email)/>
        <RequirePermission permission=Permission::ManageOutbox page=|_: CurrentUser| view! { <Message/> }/>
    }
}

fn badge(status: OutboxStatus) -> &'static str {
    match status {
        OutboxStatus::Sent => "badge badge-ok",
        OutboxStatus::Failed => "badge badge-danger",
        OutboxStatus::Queued | OutboxStatus::Sending => "badge badge-off",
    }
}

#[component]
fn Outbox() -> impl IntoView {
    let l = use_locale();
    let query = use_query_map();
    let status = move || query.read().get("status").unwrap_or_default();
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let retry = ServerAction::<RetryOutbox>::new();
    let rows = Resource::new(
        move || (status(), page(), retry.version().get()),
        |(status, page, _)| list_outbox(status, page),
    );
    let retried = Signal::derive(move || match retry.value().get() {
        Some(Ok(e)) => Some(
            td_string!(
                l,
                outbox.queued_again,
                subject = e.subject,
                to = e.to_address
            )
            .to_string(),
        ),
        _ => None,
    });
    let link = move |s: &str, p: i64| {
        let mut q = Vec::new();
        if !s.is_empty() {
            q.push(format!("status={s}"));
        }
        if p > 0 {
            q.push(format!("page={p}"));
        }
        if q.is_empty() {
            "/admin/outbox".to_string()
        } else {
            format!("/admin/outbox?{}", q.join("&"))
        }
    };
    view! {
        <p class="muted small"><A href="/admin">{td_string!(l, sections.admin)}</A> " / " {td_string!(l, outbox.title)}</p>
        <h1>{td_string!(l, outbox.title)}</h1>
        <FormError error=action_error(retry.value())/>
        <FormSuccess message=retried/>
        <Transition fallback=move || view! { <p class="muted">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(out) => {
                        let current = status();
                        let count = |s: OutboxStatus| out.counts.iter().find(|(x, _)| *x == s).map_or(0, |(_, n)| *n);
                        let total: i64 = out.counts.iter().map(|(_, n)| n).sum();
                        let tabs = std::iter::once(("", td_string!(l, outbox.all, count = total).to_string()))
                            .chain(OutboxStatus::ALL.into_iter().map(|s| (s.code(), td_string!(l, outbox.tab, status = outbox_status(l, s), count = count(s)).to_string())))
                            .map(|(code, label)| {
                                let here = current == code;
                                view! { <li><a href=link(code, 0) aria-current=here.then_some("page") class:active=here>{label}</a></li> }
                            })
                            .collect_view();
                        let (page_no, has_more) = (out.page, out.has_more);
                        let current_for_links = current.clone();
                        view! {
                            {(!out.smtp_configured).then(|| view! {
                                <p class="alert alert-info" role="status">
                                    {td_string!(l, outbox.no_smtp_before)} <code>"VISADESK_SMTP_URL"</code> {td_string!(l, outbox.no_smtp_after)}
                                </p>
                            })}
                            <nav aria-label=td_string!(l, outbox.tabs_label)><ul class="tabs">{tabs}</ul></nav>
                            {if out.entries.is_empty() {
                                view! { <div class="empty"><p>{td_string!(l, outbox.empty)}</p></div> }.into_any()
                            } else {
                                view! { <OutboxTable entries=out.entries retry/> }.into_any()
                            }}
                            <p class="pager">
                                {(page_no > 0).then(|| view! { <a class="button button-secondary" href=link(&current_for_links, page_no - 1)>{td_string!(l, outbox.newer)}</a> })}
                                " "
                                {has_more.then(|| view! { <a class="button button-secondary" href=link(&current, page_no + 1)>{td_string!(l, outbox.older)}</a> })}
                            </p>
                        }.into_any()
                    }
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn OutboxTable(entries: Vec<OutboxEntry>, retry: ServerAction<RetryOutbox>) -> impl IntoView {
    let l = use_locale();
    let (queued, to, subject, status, attempts, last_error, actions) = (
        td_string!(l, outbox.queued),
        td_string!(l, outbox.to),
        td_string!(l, outbox.subject),
        td_string!(l, outbox.status),
        td_string!(l, outbox.attempts),
        td_string!(l, outbox.last_error),
        td_string!(l, outbox.actions),
    );
    view! {
        <div class="table-wrap card">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">{queued}</th>
                        <th scope="col">{to}</th>
                        <th scope="col">{subject}</th>
                        <th scope="col">{status}</th>
                        <th scope="col">{attempts}</th>
                        <th scope="col">{last_error}</th>
                        <th scope="col"><span class="sr-only">{actions}</span></th>
                    </tr>
                </thead>
                <tbody>
                    {entries.into_iter().map(|e| {
                        let href = format!("/admin/outbox/{}", e.id);
                        let failed = e.status == OutboxStatus::Failed;
                        let id = e.id.to_string();
                        let state = match e.status {
                            OutboxStatus::Sent => e.sent_at.map(|t| td_string!(l, outbox.sent_at, when = date_time(l, t)).to_string()).unwrap_or_else(|| outbox_status(l, OutboxStatus::Sent).to_string()),
                            OutboxStatus::Queued if e.attempts > 0 => td_string!(l, outbox.next_try, when = date_time(l, e.next_attempt_at)).to_string(),
                            s => outbox_status(l, s).to_string(),
                        };
                        view! {
                            <tr>
                                <td data-label=queued>{date_time(l, e.created_at)}</td>
                                <td data-label=to>{e.to_name.clone()}<br/><span class="muted small">{e.to_address.clone()}</span></td>
                                <td data-label=subject><a href=href>{e.subject.clone()}</a><br/><span class="muted small">{mail_category(l, e.category)}</span></td>
                                <td data-label=status><span class=badge(e.status)>{state}</span></td>
                                <td data-label=attempts>{e.attempts}</td>
                                <td data-label=last_error class="small">{if e.last_error.is_empty() { "—".to_string() } else { e.last_error.clone() }}</td>
                                <td data-label=failed.then_some(actions)>
                                    {failed.then(|| view! {
                                        <ActionForm action=retry attr:class="inline-form">
                                            <input type="hidden" name="id" value=id/>
                                            <button type="submit" class="button button-small" aria-label=td_string!(l, outbox.retry_label, subject = e.subject.clone(), to = e.to_address.clone()).to_string()>{td_string!(l, outbox.retry)}</button>
                                        </ActionForm>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn Message() -> impl IntoView {
    let l = use_locale();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let retry = ServerAction::<RetryOutbox>::new();
    let message = Resource::new(
        move || (id(), retry.version().get()),
        |(id, _)| read_outbox_message(OutboxId::new(id)),
    );
    view! {
        <p class="muted small"><A href="/admin">{td_string!(l, sections.admin)}</A> " / " <A href="/admin/outbox">{td_string!(l, outbox.title)}</A> " / " {td_string!(l, outbox.email)}</p>
        <FormError error=action_error(retry.value())/>
        <Transition fallback=move || view! { <p class="muted">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match message.await {
                    Ok(m) => {
                        let e = m.entry;
                        let failed = e.status == OutboxStatus::Failed;
                        view! {
                            <h1>{e.subject.clone()}</h1>
                            <dl class="facts card">
                                <dt>{td_string!(l, outbox.to)}</dt><dd>{format!("{} <{}>", e.to_name, e.to_address)}</dd>
                                <dt>{td_string!(l, outbox.about)}</dt><dd>{mail_category(l, e.category)}</dd>
                                <dt>{td_string!(l, outbox.status)}</dt><dd><span class=badge(e.status)>{outbox_status(l, e.status)}</span></dd>
                                <dt>{td_string!(l, outbox.queued)}</dt><dd>{date_time(l, e.created_at)}</dd>
                                <dt>{td_string!(l, outbox.sent)}</dt><dd>{e.sent_at.map(|t| date_time(l, t)).unwrap_or_else(|| td_string!(l, outbox.not_yet).to_string())}</dd>
                                <dt>{td_string!(l, outbox.attempts)}</dt><dd>{e.attempts}</dd>
                                <dt>{td_string!(l, outbox.last_error)}</dt><dd>{if e.last_error.is_empty() { "—".to_string() } else { e.last_error.clone() }}</dd>
                                <dt>{td_string!(l, outbox.message_id)}</dt><dd><code>{m.message_id}</code></dd>
                            </dl>
                            {failed.then(|| view! {
                                <ActionForm action=retry attr:class="inline-form">
                                    <input type="hidden" name="id" value=e.id.to_string()/>
                                    <button type="submit" class="button">{td_string!(l, outbox.retry_now)}</button>
                                </ActionForm>
                            })}
                            <section class="card" aria-labelledby="mail-text-title">
                                <h2 id="mail-text-title">{td_string!(l, outbox.text)}</h2>
                                {match m.text_body {
                                    Some(text) => view! { <pre class="mail-text">{text}</pre> }.into_any(),
                                    None => view! {
                                        <p class="muted">{td_string!(l, outbox.secret)}</p>
                                    }.into_any(),
                                }}
                            </section>
                        }.into_any()
                    }
                    Err(e) => view! {
                        <h1>{td_string!(l, outbox.email)}</h1>
                        <p class="alert alert-error" role="alert">{e.message(l)}</p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
