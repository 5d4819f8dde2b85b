//! A case's thread between the firm and the applicant, on the staff case
//! page and in the portal: the messages (links shown safely), who has seen
//! them, and a box to write in that keeps its text when sending fails.

use crate::api::messages::{case_thread, mark_thread_seen, send_message};
use crate::domain::message::{linkify, Message, Segment, Thread, MESSAGE_MAX_CHARS};
use crate::domain::problem::Problem;
use crate::domain::CaseId;
use crate::error::AppError;
use crate::i18n::{format, td_string, use_locale};
use leptos::prelude::*;

/// The thread of `case_id`. `applicant`: seen from the portal (the firm is
/// "they"), else from the firm's side.
#[component]
pub fn Messages(case_id: CaseId, applicant: bool) -> impl IntoView {
    let l = use_locale();
    let sent_count = RwSignal::new(0u32);
    let id_for_thread = case_id.clone();
    let thread = Resource::new(
        move || sent_count.get(),
        move |_| case_thread(id_for_thread.clone()),
    );
    let body = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let id_for_send = case_id.clone();
    let send = Action::new(move |text: &String| {
        let (id, text) = (id_for_send.clone(), text.clone());
        async move { send_message(id, text).await }
    });
    Effect::new(move |_| match send.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            body.set(String::new());
            sent_count.update(|n| *n += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    // Reading the thread marks it seen (once per load with something new).
    let id_for_seen = case_id.clone();
    Effect::new(move |_| {
        if let Some(Ok(t)) = thread.get() {
            if t.unread > 0 || t.messages.iter().any(|m| m.from_firm == applicant) {
                let id = id_for_seen.clone();
                leptos::task::spawn_local(async move {
                    if let Err(e) = mark_thread_seen(id).await {
                        leptos::logging::warn!("could not mark the thread seen: {e}");
                    }
                });
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = body.get_untracked();
        if text.trim().is_empty() {
            error.set(Some(AppError::invalid("body", Problem::EmptyMessage)));
            return;
        }
        send.dispatch(text);
    };
    let box_id = format!("message-{case_id}");
    let title_id = format!("{box_id}-title");
    let hint_id = format!("{box_id}-hint");
    let labelled_by = title_id.clone();
    // The thread renders in the browser only, after hydration: the server's
    // HTML holds none of it, so the two can never disagree (a mismatch on
    // the staff case page duplicated the thread and broke the page).
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    let count = move || body.with(|b| b.chars().count());
    let form = move || {
        let (box_id, hint_id) = (box_id.clone(), hint_id.clone());
        view! {
                <form class="stack message-form" novalidate on:submit=submit>
                    <label for=box_id.clone()>{if applicant { td_string!(l, messages.write_to_firm) } else { td_string!(l, messages.write_to_applicant) }}</label>
                    <textarea id=box_id.clone() rows="4" maxlength=MESSAGE_MAX_CHARS.to_string()
                        prop:value=move || body.get()
                        on:input=move |ev| body.set(event_target_value(&ev))
                        aria-describedby=hint_id.clone()></textarea>
                    <p id=hint_id.clone() class="hint small">
                        {move || td_string!(l, messages.count_hint, count = count(), max = MESSAGE_MAX_CHARS).to_string()}
                        {(!applicant).then(|| view! { " " {td_string!(l, messages.staff_hint)} })}
                    </p>
                    {move || error.get().map(|e| view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> })}
                    <div><button type="submit" class="button" disabled=move || send.pending().get()>
                        {move || if send.pending().get() { td_string!(l, common.sending) } else { td_string!(l, common.send) }}
                    </button></div>
                </form>
        }
    };
    let section = move || {
        let (labelled_by, title_id, form) = (labelled_by.clone(), title_id.clone(), form.clone());
        view! {
        <section class="card messages" aria-labelledby=labelled_by>
            <h2 id=title_id>
                {if applicant { td_string!(l, messages.with_firm) } else { td_string!(l, messages.with_applicant) }}
            </h2>
            <Transition fallback=move || view! { <p class="muted">{td_string!(l, messages.loading)}</p> }>
                {move || { let form = form.clone(); Suspend::new(async move {
                    match thread.await {
                        Ok(t) => {
                            let can_write = t.can_write;
                            view! {
                                <ThreadView thread=t applicant/>
                                {can_write.then(form)}
                            }.into_any()
                        }
                        Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
                    }
                })}}
            </Transition>

        </section>
        }
    };
    view! { <Show when=move || mounted.get()>{section.clone()}</Show> }
}

#[component]
fn ThreadView(thread: Thread, applicant: bool) -> impl IntoView {
    let l = use_locale();
    if thread.messages.is_empty() {
        return view! {
            <p class="muted">{if applicant {
                td_string!(l, messages.none_applicant)
            } else {
                td_string!(l, messages.none)
            }}</p>
        }
        .into_any();
    }
    let other_seen = thread.other_seen_at;
    let last_mine = thread
        .messages
        .iter()
        .rposition(|m| m.from_firm != applicant)
        .map(|i| thread.messages[i].created_at);
    let seen_line = match (last_mine, other_seen) {
        (Some(mine), Some(seen)) if seen >= mine => {
            let when = format::date_time(l, seen);
            Some(if applicant {
                td_string!(l, messages.seen_by_firm, when = when).to_string()
            } else {
                td_string!(l, messages.seen_by_applicant, when = when).to_string()
            })
        }
        (Some(_), _) => Some(if applicant {
            td_string!(l, messages.not_seen_by_firm).to_string()
        } else {
            td_string!(l, messages.not_seen_by_applicant).to_string()
        }),
        _ => None,
    };
    view! {
        {(thread.unread > 0).then(|| view! {
            <p class="badge badge-new">{match thread.unread { 1 => td_string!(l, messages.one_new).to_string(), n => td_string!(l, messages.several_new, count = n).to_string() }}</p>
        })}
        <ol class="thread">
            {thread.messages.into_iter().map(|m| view! { <MessageItem message=m applicant/> }).collect_view()}
        </ol>
        {seen_line.map(|s| view! { <p class="muted small seen">{s}</p> })}
    }
    .into_any()
}

#[component]
fn MessageItem(message: Message, applicant: bool) -> impl IntoView {
    let l = use_locale();
    let mine = message.from_firm != applicant;
    let parts = linkify(&message.body)
        .into_iter()
        .map(|s| match s {
            Segment::Text(t) => view! { <span>{t}</span> }.into_any(),
            Segment::Link(url) => view! {
                <a href=url.clone() target="_blank" rel="noopener noreferrer nofollow">{url.clone()}</a>
            }
            .into_any(),
        })
        .collect_view();
    view! {
        <li class="bubble" class:mine=mine>
            <p class="bubble-meta small">
                <strong>{message.author_name.clone()}</strong>
                {(!message.from_firm && !applicant).then(|| td_string!(l, messages.applicant_mark))}
                {format!(" · {}", format::date_time(l, message.created_at))}
            </p>
            <p class="bubble-text">{parts}</p>
        </li>
    }
}
