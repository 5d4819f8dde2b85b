//! `/notifications`: what the staff member was told, newest first. Opening
//! one marks it read and goes to the thing itself.

use crate::api::notices::{mark_notice_read, my_notices, MarkAllNoticesRead, MarkNoticeRead};
use crate::components::form::{action_error, FormError};
use crate::components::layout::{NoticesChanged, RequirePermission};
use crate::domain::notice::Notice;
use crate::domain::{CurrentUser, Permission};
use crate::i18n::{format, names, td_string, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

/// The notifications page.
#[component]
pub fn NoticesPage() -> impl IntoView {
    let l = use_locale();
    view! {
        <Title text=td_string!(l, notices.title)/>
        <RequirePermission permission=Permission::ViewDashboard page=|_: CurrentUser| view! { <Notices/> }/>
    }
}

#[component]
fn Notices() -> impl IntoView {
    let l = use_locale();
    let query = use_query_map();
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let mark_one = ServerAction::<MarkNoticeRead>::new();
    let mark_all = ServerAction::<MarkAllNoticesRead>::new();
    let changed = use_context::<NoticesChanged>().map(|c| c.0);
    let list = Resource::new(
        move || (page(), mark_one.version().get(), mark_all.version().get()),
        |(page, _, _)| my_notices(page),
    );
    Effect::new(move |_| {
        mark_one.version().get();
        mark_all.version().get();
        if let Some(c) = changed {
            c.update(|n| *n += 1);
        }
    });
    let error = Signal::derive(move || {
        action_error(mark_one.value())
            .get()
            .or_else(|| action_error(mark_all.value()).get())
    });
    view! {
        <h1>{td_string!(l, notices.title)}</h1>
        <FormError error/>
        <Transition fallback=move || view! { <p class="muted">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(p) if p.notices.is_empty() => view! {
                        <div class="empty"><p>{td_string!(l, notices.empty)}</p></div>
                    }.into_any(),
                    Ok(p) => {
                        let (page_no, has_more, unread) = (p.page, p.has_more, p.unread);
                        view! {
                            <div class="toolbar">
                                <p class="muted">{match unread { 0 => td_string!(l, notices.all_read).to_string(), 1 => td_string!(l, notices.one_unread).to_string(), n => td_string!(l, notices.several_unread, count = n).to_string() }}</p>
                                {(unread > 0).then(|| view! {
                                    <ActionForm action=mark_all attr:class="inline-form">
                                        <button type="submit" class="button button-small button-secondary">{td_string!(l, notices.mark_all)}</button>
                                    </ActionForm>
                                })}
                            </div>
                            <ul class="notices card">
                                {p.notices.into_iter().map(|n| view! { <NoticeItem notice=n mark_one/> }).collect_view()}
                            </ul>
                            <p class="pager">
                                {(page_no > 0).then(|| view! { <a class="button button-secondary" href=format!("/notifications?page={}", page_no - 1)>{td_string!(l, notices.newer)}</a> })}
                                " "
                                {has_more.then(|| view! { <a class="button button-secondary" href=format!("/notifications?page={}", page_no + 1)>{td_string!(l, notices.older)}</a> })}
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
fn NoticeItem(notice: Notice, mark_one: ServerAction<MarkNoticeRead>) -> impl IntoView {
    let l = use_locale();
    let unread = notice.read_at.is_none();
    let navigate = use_navigate();
    let (id, link) = (notice.id.clone(), notice.link.clone());
    let open = move |ev: leptos::ev::MouseEvent| {
        if !unread {
            return;
        }
        ev.prevent_default();
        let (id, link, navigate) = (id.clone(), link.clone(), navigate.clone());
        leptos::task::spawn_local(async move {
            if let Err(e) = mark_notice_read(id).await {
                leptos::logging::warn!("could not mark a notice read: {e}");
            }
            navigate(&link, Default::default());
        });
    };
    let id_for_form = notice.id.to_string();
    let line = crate::i18n::notices::title(l, &notice.what);
    view! {
        <li class="notice" class:unread=unread>
            <div class="notice-body">
                <a href=notice.link.clone() on:click=open>{line.clone()}</a>
                <p class="muted small">{names::notice_kind(l, notice.kind)} " · " {format::date_time(l, notice.created_at)}</p>
            </div>
            {unread.then(|| view! {
                <ActionForm action=mark_one attr:class="inline-form">
                    <input type="hidden" name="id" value=id_for_form/>
                    <button type="submit" class="button button-small button-secondary" aria-label=td_string!(l, notices.mark_read_label, title = line.clone()).to_string()>{td_string!(l, notices.mark_read)}</button>
                </ActionForm>
            })}
        </li>
    }
}
