//! `/`: where staff land: the pipeline at a glance, their cases, what is due.

use crate::api::cases::dashboard_data;
use crate::components::layout::RequirePermission;
use crate::domain::case::{CaseSummary, Dashboard};
use crate::domain::task::Deadline;
use crate::domain::{CurrentUser, Permission};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The staff dashboard.
#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <Title text="Dashboard"/>
        <RequirePermission permission=Permission::ViewDashboard page=|v: CurrentUser| view! { <DashboardView viewer=v/> }/>
    }
}

#[component]
fn DashboardView(viewer: CurrentUser) -> impl IntoView {
    let data = Resource::new(|| (), |_| dashboard_data());
    view! {
        <h1>"Welcome, " {viewer.display_name.clone()}</h1>
        <p class="muted">"Signed in as " {viewer.role.label()} "."</p>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <Panels data=d/> }.into_any(),
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Panels(data: Dashboard) -> impl IntoView {
    view! {
        {(data.overdue > 0).then(|| view! {
            <p class="alert alert-warning" role="status">
                <A href="/cases?overdue=true">{format!("{} open case{} overdue: past the target filing date or with an overdue task", data.overdue, if data.overdue == 1 { " is" } else { "s are" })}</A>
            </p>
        })}
        <div class="detail-grid">
            <BarChart
                id="by-stage"
                title="Cases per stage"
                bars=data.by_stage.into_iter().map(|(st, n)| (st.label(), format!("/cases?stage={}", st.code()), n)).collect()
            />
            <BarChart
                id="by-programme"
                title="Open cases per programme"
                bars=data.by_programme.into_iter().map(|(p, n)| (p.label(), format!("/cases?programme={}", p.code()), n)).collect()
            />
        </div>
        <div class="detail-grid">
            <section class="card" aria-labelledby="mine-title">
                <h2 id="mine-title">"My open cases"</h2>
                <CaseList cases=data.mine empty="No open cases are assigned to you."/>
            </section>
            <section class="card" aria-labelledby="upcoming-title">
                <h2 id="upcoming-title">"Deadlines in the next 14 days"</h2>
                <DeadlineList deadlines=data.deadlines/>
            </section>
        </div>
    }
}

/// A horizontal bar chart: one row per (label, link, count), as a table of
/// native `<progress>` bars (no inline styles, so the CSP holds).
#[component]
fn BarChart(
    id: &'static str,
    title: &'static str,
    bars: Vec<(&'static str, String, i64)>,
) -> impl IntoView {
    let max = bars.iter().map(|(_, _, n)| *n).max().unwrap_or(0).max(1);
    let (labelled_by, title_id) = (format!("{id}-title"), format!("{id}-title"));
    view! {
        <section class="card" aria-labelledby=labelled_by>
            <h2 id=title_id>{title}</h2>
            <table class="chart">
                <tbody>
                    {bars.into_iter().map(|(label, href, n)| view! {
                        <tr>
                            <th scope="row"><A href=href>{label}</A></th>
                            <td><progress max=max value=n aria-label=format!("{n} cases")>{n}</progress></td>
                            <td class="num">{n}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn CaseList(cases: Vec<CaseSummary>, empty: &'static str) -> impl IntoView {
    if cases.is_empty() {
        return view! { <p class="muted">{empty}</p> }.into_any();
    }
    view! {
        <ul class="case-list">
            {cases.into_iter().map(|c| view! {
                <li>
                    <A href=format!("/cases/{}", c.id)>{c.reference}</A>
                    " · " {c.client_name} " · " <span class="muted">{c.programme.label()}</span>
                    <br/>
                    <span class="badge">{c.stage.label()}</span>
                    {(!c.target_filing_on.is_empty()).then(|| view! { <span class="muted small">" target filing " {c.target_filing_on}</span> })}
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// Target filings and tasks due soon, by date.
#[component]
fn DeadlineList(deadlines: Vec<Deadline>) -> impl IntoView {
    if deadlines.is_empty() {
        return view! { <p class="muted">"Nothing is due in the next 14 days."</p> }.into_any();
    }
    view! {
        <ul class="case-list deadlines">
            {deadlines.into_iter().map(|d| { let due = d.due_on.clone(); view! {
                <li>
                    <time class="due" datetime=due>{d.due_on}</time>
                    " "
                    <span class=if d.is_task { "badge badge-task" } else { "badge badge-filing" }>
                        {if d.is_task { "Task" } else { "Filing" }}
                    </span>
                    " " <strong>{d.what}</strong>
                    <br/>
                    <A href=format!("/cases/{}", d.case_id)>{d.reference}</A>
                    " · " {d.client_name}
                    {d.who.map(|w| view! { <span class="muted small">" · " {w}</span> })}
                </li>
            }}).collect_view()}
        </ul>
    }
    .into_any()
}
