//! `/cases`: every case, filtered by stage, programme, assignee or overdue.

use crate::api::cases::{assignable_staff, list_cases};
use crate::components::case_filters::{CaseFilterFields, CaseViews};
use crate::components::layout::RequirePermission;
use crate::domain::case::{CasePage, CASE_PAGE_SIZE};
use crate::domain::{CurrentUser, Permission, Stage};
use crate::i18n::{format, names, td_string, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

/// The case list.
#[component]
pub fn CasesPage() -> impl IntoView {
    let l = use_locale();
    view! {
        <Title text=td_string!(l, cases.title)/>
        <RequirePermission permission=Permission::ViewCases page=|v: CurrentUser| view! { <Cases viewer=v/> }/>
    }
}

#[component]
fn Cases(viewer: CurrentUser) -> impl IntoView {
    let l = use_locale();
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).filter(|v| !v.is_empty());
    let page = move || {
        param("page")
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(1)
            .max(1)
    };
    let cases = Resource::new(
        move || {
            (
                param("stage"),
                param("programme"),
                param("assignee"),
                param("overdue").is_some(),
                page(),
            )
        },
        |(stage, programme, assignee, overdue, page)| {
            list_cases(stage, programme, assignee, Some(overdue), None, Some(page))
        },
    );
    let staff = Resource::new(|| (), |_| assignable_staff());
    let me = viewer.user_id.to_string();
    view! {
        <div class="page-head">
            <h1>{td_string!(l, cases.title)}</h1>
            <CaseViews/>
        </div>
        <Form method="GET" action="" attr:class="toolbar" attr:aria-label=td_string!(l, cases.filter_label)>
            <div class="field">
                <label for="f-stage">{td_string!(l, cases.stage)}</label>
                <select id="f-stage" name="stage">
                    <option value="">{td_string!(l, cases.any_stage)}</option>
                    {Stage::ALL.into_iter().map(|s| view! {
                        <option value=s.code() selected=move || param("stage").as_deref() == Some(s.code())>{names::stage(l, s)}</option>
                    }).collect_view()}
                </select>
            </div>
            <CaseFilterFields prefix="f" me=me.clone() staff/>
            <button type="submit" class="button">{td_string!(l, cases.filter)}</button>
        </Form>
        <Transition fallback=move || view! { <p class="muted">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match cases.await {
                    Ok(p) if p.total == 0 => view! { <div class="empty"><p>{td_string!(l, cases.none)}</p></div> }.into_any(),
                    Ok(p) => view! { <CaseTable page=p/> }.into_any(),
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A table of cases (also used on the client page).
#[component]
pub fn CaseTable(page: CasePage) -> impl IntoView {
    let l = use_locale();
    let pages = ((page.total + CASE_PAGE_SIZE - 1) / CASE_PAGE_SIZE).max(1);
    let count = if page.total == 1 {
        td_string!(l, cases.count_page_one, page = page.page, pages = pages).to_string()
    } else {
        td_string!(
            l,
            cases.count_page,
            total = page.total,
            page = page.page,
            pages = pages
        )
        .to_string()
    };
    let (reference, client, programme, stage, priority, attorney, paralegal, target, documents) = (
        td_string!(l, cases.reference),
        td_string!(l, cases.client),
        td_string!(l, cases.programme),
        td_string!(l, cases.stage),
        td_string!(l, cases.priority),
        td_string!(l, cases.attorney),
        td_string!(l, cases.paralegal),
        td_string!(l, cases.target_filing),
        td_string!(l, cases.documents),
    );
    view! {
        <p class="muted small" role="status">{count}</p>
        <div class="table-wrap card">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">{reference}</th>
                        <th scope="col">{client}</th>
                        <th scope="col">{programme}</th>
                        <th scope="col">{stage}</th>
                        <th scope="col">{priority}</th>
                        <th scope="col">{attorney}</th>
                        <th scope="col">{paralegal}</th>
                        <th scope="col">{target}</th>
                        <th scope="col">{documents}</th>
                    </tr>
                </thead>
                <tbody>
                    {page.cases.into_iter().map(|c| view! {
                        <tr>
                            <td data-label=reference><A href=format!("/cases/{}", c.id)>{c.reference}</A></td>
                            <td data-label=client>{c.client_name}</td>
                            <td data-label=programme>{names::programme(l, c.programme)}</td>
                            <td data-label=stage><span class="badge">{names::stage(l, c.stage)}</span></td>
                            <td data-label=priority>{names::priority(l, c.priority)}</td>
                            <td data-label=attorney>{c.attorney.map(|s| s.display_name).unwrap_or_else(|| "—".into())}</td>
                            <td data-label=paralegal>{c.paralegal.map(|s| s.display_name).unwrap_or_else(|| "—".into())}</td>
                            <td class="nowrap" data-label=target>{if c.target_filing_on.is_empty() { "—".to_string() } else { format::iso_date(l, &c.target_filing_on) }}</td>
                            <td class="nowrap" data-label=documents>{td_string!(l, cases.documents_progress, accepted = c.documents.accepted, counted = c.documents.counted).to_string()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
