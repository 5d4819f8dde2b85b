//! `/cases`: every case, filtered by stage, programme, assignee or overdue.

use crate::api::cases::{assignable_staff, list_cases};
use crate::components::case_filters::{CaseFilterFields, CaseViews};
use crate::components::layout::RequirePermission;
use crate::domain::case::{CasePage, CASE_PAGE_SIZE};
use crate::domain::{CurrentUser, Permission, Stage};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

/// The case list.
#[component]
pub fn CasesPage() -> impl IntoView {
    view! {
        <Title text="Cases"/>
        <RequirePermission permission=Permission::ViewCases page=|v: CurrentUser| view! { <Cases viewer=v/> }/>
    }
}

#[component]
fn Cases(viewer: CurrentUser) -> impl IntoView {
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
            <h1>"Cases"</h1>
            <CaseViews/>
        </div>
        <Form method="GET" action="" attr:class="toolbar" attr:aria-label="Filter cases">
            <div class="field">
                <label for="f-stage">"Stage"</label>
                <select id="f-stage" name="stage">
                    <option value="">"Any stage"</option>
                    {Stage::ALL.into_iter().map(|s| view! {
                        <option value=s.code() selected=move || param("stage").as_deref() == Some(s.code())>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <CaseFilterFields prefix="f" me=me.clone() staff/>
            <button type="submit" class="button">"Filter"</button>
        </Form>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match cases.await {
                    Ok(p) if p.total == 0 => view! { <div class="empty"><p>"No cases match."</p></div> }.into_any(),
                    Ok(p) => view! { <CaseTable page=p/> }.into_any(),
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A table of cases (also used on the client page).
#[component]
pub fn CaseTable(page: CasePage) -> impl IntoView {
    let pages = ((page.total + CASE_PAGE_SIZE - 1) / CASE_PAGE_SIZE).max(1);
    view! {
        <p class="muted small" role="status">
            {format!("{} case{} · page {} of {}", page.total, if page.total == 1 { "" } else { "s" }, page.page, pages)}
        </p>
        <div class="table-wrap card">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Reference"</th>
                        <th scope="col">"Client"</th>
                        <th scope="col">"Programme"</th>
                        <th scope="col">"Stage"</th>
                        <th scope="col">"Priority"</th>
                        <th scope="col">"Attorney"</th>
                        <th scope="col">"Paralegal"</th>
                        <th scope="col">"Target filing"</th>
                        <th scope="col">"Documents"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.cases.into_iter().map(|c| view! {
                        <tr>
                            <td data-label="Reference"><A href=format!("/cases/{}", c.id)>{c.reference}</A></td>
                            <td data-label="Client">{c.client_name}</td>
                            <td data-label="Programme">{c.programme.label()}</td>
                            <td data-label="Stage"><span class="badge">{c.stage.label()}</span></td>
                            <td data-label="Priority">{c.priority.label()}</td>
                            <td data-label="Attorney">{c.attorney.map(|s| s.display_name).unwrap_or_else(|| "—".into())}</td>
                            <td data-label="Paralegal">{c.paralegal.map(|s| s.display_name).unwrap_or_else(|| "—".into())}</td>
                            <td data-label="Target filing">{if c.target_filing_on.is_empty() { "—".to_string() } else { c.target_filing_on }}</td>
                            <td data-label="Documents">{c.documents.text()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
