//! `/`: where staff land: the pipeline at a glance, their cases, what is due.

use crate::api::cases::dashboard_data;
use crate::components::layout::RequirePermission;
use crate::domain::case::{CaseSummary, Dashboard};
use crate::domain::task::Deadline;
use crate::domain::{CurrentUser, Permission};
use crate::i18n::{format, names, td_string, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The staff dashboard.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let l = use_locale();
    view! {
        <Title text=td_string!(l, dashboard.title)/>
        <RequirePermission permission=Permission::ViewDashboard page=|v: CurrentUser| view! { <DashboardView viewer=v/> }/>
    }
}

#[component]
fn DashboardView(viewer: CurrentUser) -> impl IntoView {
    let l = use_locale();
    let data = Resource::new(|| (), |_| dashboard_data());
    view! {
        <h1>{td_string!(l, dashboard.welcome, name = viewer.display_name.clone()).to_string()}</h1>
        <p class="muted">{td_string!(l, dashboard.signed_in_as, role = names::role(l, viewer.role)).to_string()}</p>
        <Transition fallback=move || view! { <p class="muted">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <Panels data=d/> }.into_any(),
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Panels(data: Dashboard) -> impl IntoView {
    let l = use_locale();
    let overdue = match data.overdue {
        1 => td_string!(l, dashboard.overdue_one).to_string(),
        n => td_string!(l, dashboard.overdue_several, count = n).to_string(),
    };
    view! {
        {(data.overdue > 0).then(|| view! {
            <p class="alert alert-warning" role="status">
                <A href="/cases?overdue=true">{overdue}</A>
            </p>
        })}
        <div class="detail-grid">
            <BarChart
                id="by-stage"
                title=td_string!(l, dashboard.per_stage)
                bars=data.by_stage.into_iter().map(|(st, n)| (names::stage(l, st), format!("/cases?stage={}", st.code()), n)).collect()
            />
            <BarChart
                id="by-programme"
                title=td_string!(l, dashboard.per_programme)
                bars=data.by_programme.into_iter().map(|(p, n)| (names::programme(l, p), format!("/cases?programme={}", p.code()), n)).collect()
            />
        </div>
        <div class="detail-grid">
            <section class="card" aria-labelledby="mine-title">
                <h2 id="mine-title">{td_string!(l, dashboard.mine)}</h2>
                <CaseList cases=data.mine empty=td_string!(l, dashboard.mine_empty)/>
            </section>
            <section class="card" aria-labelledby="upcoming-title">
                <h2 id="upcoming-title">{td_string!(l, dashboard.deadlines)}</h2>
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
    let l = use_locale();
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
                            <td><progress max=max value=n aria-label=td_string!(l, dashboard.cases_count, count = n).to_string()>{n}</progress></td>
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
    let l = use_locale();
    if cases.is_empty() {
        return view! { <p class="muted">{empty}</p> }.into_any();
    }
    view! {
        <ul class="case-list">
            {cases.into_iter().map(|c| view! {
                <li>
                    <A href=format!("/cases/{}", c.id)>{c.reference}</A>
                    " · " {c.client_name} " · " <span class="muted">{names::programme(l, c.programme)}</span>
                    <br/>
                    <span class="badge">{names::stage(l, c.stage)}</span>
                    {(!c.target_filing_on.is_empty()).then(|| view! { <span class="muted small">{td_string!(l, dashboard.target_filing, date = format::iso_date(l, &c.target_filing_on)).to_string()}</span> })}
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// Target filings and tasks due soon, by date.
#[component]
fn DeadlineList(deadlines: Vec<Deadline>) -> impl IntoView {
    let l = use_locale();
    if deadlines.is_empty() {
        return view! { <p class="muted">{td_string!(l, dashboard.deadlines_empty)}</p> }
            .into_any();
    }
    view! {
        <ul class="case-list deadlines">
            {deadlines.into_iter().map(|d| { let due = d.due_on.clone(); view! {
                <li>
                    <time class="due" datetime=due>{format::iso_date(l, &d.due_on)}</time>
                    " "
                    <span class=if d.is_task { "badge badge-task" } else { "badge badge-filing" }>
                        {if d.is_task { td_string!(l, dashboard.task) } else { td_string!(l, dashboard.filing) }}
                    </span>
                    " " <strong>{if d.is_task { d.what } else { td_string!(l, cases.target_filing).to_string() }}</strong>
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
