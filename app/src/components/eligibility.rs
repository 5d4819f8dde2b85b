//! The eligibility panel: every programme side by side, each criterion
//! expandable. It renders whatever assessment it is given, so the same
//! panel follows typing in the browser and shows stored assessments.

use crate::eligibility::{Assessment, Criterion, Outcome, Points, ProgrammeResult, Source};
use leptos::prelude::*;

/// The panel. Programmes and criteria are keyed, so an open criterion stays
/// open while the assessment changes under it.
#[component]
pub fn EligibilityPanel(#[prop(into)] assessment: Signal<Assessment>) -> impl IntoView {
    let codes = move || {
        assessment.with(|a| {
            a.programmes
                .iter()
                .map(|p| p.programme.to_string())
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="eligibility-grid">
            <For each=codes key=|code| code.clone() let:code>
                {
                    let result = Memo::new(move |_| {
                        assessment.with(|a| a.programmes.iter().find(|p| p.programme == code).cloned())
                    });
                    move || result.get().map(|_| view! { <ProgrammeCard result=Signal::derive(move || result.get())/> })
                }
            </For>
        </div>
    }
}

#[component]
fn ProgrammeCard(result: Signal<Option<ProgrammeResult>>) -> impl IntoView {
    let get = move |f: fn(&ProgrammeResult) -> String| move || result.with(|r| r.as_ref().map(f).unwrap_or_default());
    let outcome = move || result.with(|r| r.as_ref().map(|r| r.outcome).unwrap_or(Outcome::NeedsInformation));
    let ids = move || {
        result.with(|r| {
            r.as_ref()
                .map(|r| r.criteria.iter().map(|c| c.id.to_string()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    view! {
        <article class="elig-card" data-programme=get(|r| r.programme.to_string()) data-outcome=move || outcome().code()>
            <header class="elig-head">
                <h3>{get(|r| r.name.to_string())}</h3>
                <span class=move || format!("badge outcome-{}", outcome().code())>{move || outcome().label()}</span>
            </header>
            <p class="small elig-summary">{get(|r| r.summary.clone())}</p>
            {move || result.with(|r| r.as_ref().and_then(|r| r.category.clone())).map(|c| view! {
                <p class="small"><strong>"Category " {c.to_string()}</strong></p>
            })}
            {move || result.with(|r| r.as_ref().and_then(|r| r.points.clone())).map(|p| view! { <PointsTable points=p/> })}
            <ul class="criteria">
                <For each=ids key=|id| id.clone() let:id>
                    {
                        let criterion = Memo::new(move |_| {
                            result.with(|r| r.as_ref().and_then(|r| r.criteria.iter().find(|c| c.id == id).cloned()))
                        });
                        move || criterion.get().map(|c| view! { <CriterionRow c/> })
                    }
                </For>
            </ul>
        </article>
    }
}

#[component]
fn CriterionRow(c: Criterion) -> impl IntoView {
    let status = c.status;
    view! {
        <li class="criterion" data-criterion=c.id.to_string() data-status=status.code()>
            <details>
                <summary>
                    <span class=format!("status status-{}", status.code())>{status.label()}</span>
                    " " {c.label.to_string()}
                </summary>
                <p>{c.explanation}</p>
                {(!c.values.is_empty()).then(|| view! {
                    <dl class="values">
                        {c.values.into_iter().map(|v| view! { <dt>{v.name.to_string()}</dt><dd>{v.value}</dd> }).collect_view()}
                    </dl>
                })}
                {(!c.missing.is_empty()).then(|| view! {
                    <p class="small">"Missing: " <code>{c.missing.join(", ")}</code></p>
                })}
                {c.setting.map(|s| view! {
                    <p class="small muted">"Rests on the firm setting " <code>{s.to_string()}</code> "."</p>
                })}
                <SourceLine source=c.source/>
            </details>
        </li>
    }
}

#[component]
fn SourceLine(source: Source) -> impl IntoView {
    let dates = match source.effective_until {
        Some(until) => format!("in force {} to {}", source.effective_from, until),
        None => format!("in force from {}", source.effective_from),
    };
    let url = source.url.to_string();
    view! {
        <p class="small muted source">
            "Source: " {source.citation.to_string()} " (" {dates} ")"
            {(!url.is_empty()).then(|| view! { " · " <a href=url.clone() target="_blank" rel="noopener noreferrer">"read"</a> })}
        </p>
    }
}

#[component]
fn PointsTable(points: Points) -> impl IntoView {
    view! {
        <details class="points">
            <summary>
                {format!("Points: {}", points.total)}
                {points.partial.then(|| format!(" so far (up to {} more unknown)", points.unknown_max))}
            </summary>
            <table class="table small">
                <thead><tr><th>"Factor"</th><th>"Value"</th><th class="num">"Points"</th></tr></thead>
                <tbody>
                    {points.factors.into_iter().map(|f| view! {
                        <tr class:muted=f.unknown>
                            <td>{f.factor.to_string()}</td>
                            <td>{f.value}</td>
                            <td class="num">{if f.unknown { format!("? / {}", f.max) } else { format!("{} / {}", f.points, f.max) }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

/// One line per programme: its outcome badge (for lists of assessments).
#[component]
pub fn OutcomeBadges(assessment: Assessment) -> impl IntoView {
    view! {
        <span class="outcome-badges">
            {assessment.programmes.into_iter().map(|p| view! {
                <span class=format!("badge outcome-{}", p.outcome.code()) title=p.summary>
                    {p.name.to_string()} ": " {p.outcome.label()}
                </span>
            }).collect_view()}
        </span>
    }
}
