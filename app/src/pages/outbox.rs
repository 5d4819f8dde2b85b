//! `/admin/outbox` and `/admin/outbox/:id`: every email Visadesk sends, its
//! state and the mail server's last answer; failed ones can be retried.

use crate::api::mail::{list_outbox, read_outbox_message, RetryOutbox};
use crate::components::form::{action_error, FormError, FormSuccess};
use crate::components::layout::RequirePermission;
use crate::domain::mail::{OutboxEntry, OutboxStatus};
use crate::domain::time::format_utc;
use crate::domain::{CurrentUser, OutboxId, Permission};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The outbox list.
#[component]
pub fn OutboxListPage() -> impl IntoView {
    view! {
        <Title text="Outbox"/>
        <RequirePermission permission=Permission::ManageOutbox page=|_: CurrentUser| view! { <Outbox/> }/>
    }
}

/// One email.
#[component]
pub fn OutboxMessagePage() -> impl IntoView {
    view! {
        <Title text="Email"/>
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
        Some(Ok(e)) => Some(format!(
            "\"{}\" to {} is queued again.",
            e.subject, e.to_address
        )),
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
        <p class="muted small"><A href="/admin">"Admin"</A> " / Outbox"</p>
        <h1>"Outbox"</h1>
        <FormError error=action_error(retry.value())/>
        <FormSuccess message=retried/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(out) => {
                        let current = status();
                        let count = |s: OutboxStatus| out.counts.iter().find(|(x, _)| *x == s).map_or(0, |(_, n)| *n);
                        let total: i64 = out.counts.iter().map(|(_, n)| n).sum();
                        let tabs = std::iter::once(("", format!("All ({total})")))
                            .chain(OutboxStatus::ALL.into_iter().map(|s| (s.code(), format!("{} ({})", s.label(), count(s)))))
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
                                    "No mail server is set (" <code>"VISADESK_SMTP_URL"</code> "), so email waits here. "
                                    "Set it and restart Visadesk to send what is queued."
                                </p>
                            })}
                            <nav aria-label="Outbox status"><ul class="tabs">{tabs}</ul></nav>
                            {if out.entries.is_empty() {
                                view! { <div class="empty"><p>"No email here."</p></div> }.into_any()
                            } else {
                                view! { <OutboxTable entries=out.entries retry/> }.into_any()
                            }}
                            <p class="pager">
                                {(page_no > 0).then(|| view! { <a class="button button-secondary" href=link(&current_for_links, page_no - 1)>"Newer"</a> })}
                                " "
                                {has_more.then(|| view! { <a class="button button-secondary" href=link(&current, page_no + 1)>"Older"</a> })}
                            </p>
                        }.into_any()
                    }
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn OutboxTable(entries: Vec<OutboxEntry>, retry: ServerAction<RetryOutbox>) -> impl IntoView {
    view! {
        <div class="table-wrap card">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Queued"</th>
                        <th scope="col">"To"</th>
                        <th scope="col">"Subject"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Attempts"</th>
                        <th scope="col">"Last error"</th>
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {entries.into_iter().map(|e| {
                        let href = format!("/admin/outbox/{}", e.id);
                        let failed = e.status == OutboxStatus::Failed;
                        let id = e.id.to_string();
                        let state = match e.status {
                            OutboxStatus::Sent => e.sent_at.map(|t| format!("Sent {}", format_utc(t))).unwrap_or_else(|| "Sent".into()),
                            OutboxStatus::Queued if e.attempts > 0 => format!("Queued; next try {}", format_utc(e.next_attempt_at)),
                            s => s.label().to_string(),
                        };
                        view! {
                            <tr>
                                <td data-label="Queued">{format_utc(e.created_at)}</td>
                                <td data-label="To">{e.to_name.clone()}<br/><span class="muted small">{e.to_address.clone()}</span></td>
                                <td data-label="Subject"><a href=href>{e.subject.clone()}</a><br/><span class="muted small">{e.category.label()}</span></td>
                                <td data-label="Status"><span class=badge(e.status)>{state}</span></td>
                                <td data-label="Attempts">{e.attempts}</td>
                                <td data-label="Last error" class="small">{if e.last_error.is_empty() { "—".to_string() } else { e.last_error.clone() }}</td>
                                <td data-label=failed.then_some("Actions")>
                                    {failed.then(|| view! {
                                        <ActionForm action=retry attr:class="inline-form">
                                            <input type="hidden" name="id" value=id/>
                                            <button type="submit" class="button button-small" aria-label=format!("Retry \"{}\" to {}", e.subject, e.to_address)>"Retry"</button>
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
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let retry = ServerAction::<RetryOutbox>::new();
    let message = Resource::new(
        move || (id(), retry.version().get()),
        |(id, _)| read_outbox_message(OutboxId::new(id)),
    );
    view! {
        <p class="muted small"><A href="/admin">"Admin"</A> " / " <A href="/admin/outbox">"Outbox"</A> " / Email"</p>
        <FormError error=action_error(retry.value())/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match message.await {
                    Ok(m) => {
                        let e = m.entry;
                        let failed = e.status == OutboxStatus::Failed;
                        view! {
                            <h1>{e.subject.clone()}</h1>
                            <dl class="facts card">
                                <dt>"To"</dt><dd>{format!("{} <{}>", e.to_name, e.to_address)}</dd>
                                <dt>"About"</dt><dd>{e.category.label()}</dd>
                                <dt>"Status"</dt><dd><span class=badge(e.status)>{e.status.label()}</span></dd>
                                <dt>"Queued"</dt><dd>{format_utc(e.created_at)}</dd>
                                <dt>"Sent"</dt><dd>{e.sent_at.map(format_utc).unwrap_or_else(|| "Not yet".into())}</dd>
                                <dt>"Attempts"</dt><dd>{e.attempts}</dd>
                                <dt>"Last error"</dt><dd>{if e.last_error.is_empty() { "—".to_string() } else { e.last_error.clone() }}</dd>
                                <dt>"Message-ID"</dt><dd><code>{m.message_id}</code></dd>
                            </dl>
                            {failed.then(|| view! {
                                <ActionForm action=retry attr:class="inline-form">
                                    <input type="hidden" name="id" value=e.id.to_string()/>
                                    <button type="submit" class="button">"Retry now"</button>
                                </ActionForm>
                            })}
                            <section class="card" aria-labelledby="mail-text-title">
                                <h2 id="mail-text-title">"Text"</h2>
                                {match m.text_body {
                                    Some(text) => view! { <pre class="mail-text">{text}</pre> }.into_any(),
                                    None => view! {
                                        <p class="muted">"This email holds a single-use link to set a password, so it is not shown here. Only its recipient can read it."</p>
                                    }.into_any(),
                                }}
                            </section>
                        }.into_any()
                    }
                    Err(e) => view! {
                        <h1>"Email"</h1>
                        <p class="alert alert-error" role="alert">{e.to_string()}</p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
