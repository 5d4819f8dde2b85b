//! What the case list and the board share: the view switch, and the filters: programme, assignee and
//! overdue, as fields of a GET form whose values live in the URL.

use crate::domain::case::StaffRef;
use crate::domain::Programme;
use crate::error::AppError;
use crate::i18n::{names, td_string, use_locale};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// Programme, assignee ("Me" first, then every assignable staff member) and
/// "Overdue only"; ids are prefixed with `prefix` so two forms can coexist.
#[component]
pub fn CaseFilterFields(
    prefix: &'static str,
    /// The viewer's user id, offered as "Me".
    me: String,
    staff: Resource<Result<Vec<StaffRef>, AppError>>,
) -> impl IntoView {
    let l = use_locale();
    let query = use_query_map();
    let current = move |name: &'static str| query.read().get(name).filter(|v| !v.is_empty());
    let me_selected = {
        let me = me.clone();
        move || current("assignee").as_deref() == Some(me.as_str())
    };
    view! {
        <div class="field">
            <label for=format!("{prefix}-programme")>{td_string!(l, cases.programme)}</label>
            <select id=format!("{prefix}-programme") name="programme">
                <option value="">{td_string!(l, cases.any_programme)}</option>
                {Programme::ALL.into_iter().map(|p| view! {
                    <option value=p.code() selected=move || current("programme").as_deref() == Some(p.code())>{names::programme(l, p)}</option>
                }).collect_view()}
            </select>
        </div>
        <div class="field">
            <label for=format!("{prefix}-assignee")>{td_string!(l, cases.assigned_to)}</label>
            <select id=format!("{prefix}-assignee") name="assignee">
                <option value="">{td_string!(l, cases.anyone)}</option>
                <option value=me selected=me_selected>{td_string!(l, cases.me)}</option>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        staff.await.unwrap_or_default().into_iter().map(|s| {
                            let id = s.id.into_string();
                            let value = id.clone();
                            view! { <option value=value selected=move || current("assignee").as_deref() == Some(id.as_str())>{s.display_name}</option> }
                        }).collect_view()
                    })}
                </Transition>
            </select>
        </div>
        <div class="field field-check">
            <input id=format!("{prefix}-overdue") type="checkbox" name="overdue" value="true" prop:checked=move || current("overdue").is_some()/>
            <label for=format!("{prefix}-overdue")>{td_string!(l, cases.overdue_only)}</label>
        </div>
    }
}

/// The switch between the case list and the board; the current one is marked.
#[component]
pub fn CaseViews() -> impl IntoView {
    let l = use_locale();
    view! {
        <nav class="view-switch" aria-label=td_string!(l, cases.views)>
            <A href="/cases" exact=true>{td_string!(l, cases.list)}</A>
            <A href="/cases/board" exact=true>{td_string!(l, cases.board)}</A>
        </nav>
    }
}
