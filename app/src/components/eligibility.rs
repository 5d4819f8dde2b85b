//! The eligibility panel: every programme side by side, each criterion
//! expandable. It renders whatever assessment it is given, so the same
//! panel follows typing in the browser and shows stored assessments.

use crate::api::eligibility::save_assessment;
use crate::domain::assessment::{EligibilityContext, StoredAssessment};
use crate::domain::date::Date;
use crate::domain::time::format_utc;
use crate::domain::CaseId;
use crate::eligibility::{
    assess, field_label, Assessment, Criterion, Outcome, Points, Profile, ProgrammeResult, Source,
    Status, RULES_VERSION,
};
use leptos::prelude::*;

/// The panel. Programmes and criteria are keyed, so an open criterion stays
/// open while the assessment changes under it.
#[component]
pub fn EligibilityPanel(
    #[prop(into)] assessment: Signal<Assessment>,
    /// The code of the programme to mark, e.g. the case's.
    #[prop(default = None)]
    current: Option<&'static str>,
) -> impl IntoView {
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
                    let is_current = current == Some(code.as_str());
                    let result = Memo::new(move |_| {
                        assessment.with(|a| a.programmes.iter().find(|p| p.programme == code).cloned())
                    });
                    let present = Memo::new(move |_| result.with(Option::is_some));
                    move || present.get().then(|| view! { <ProgrammeCard result=result.into() is_current/> })
                }
            </For>
        </div>
    }
}

#[component]
fn ProgrammeCard(result: Signal<Option<ProgrammeResult>>, is_current: bool) -> impl IntoView {
    let get = move |f: fn(&ProgrammeResult) -> String| {
        move || result.with(|r| r.as_ref().map(f).unwrap_or_default())
    };
    let outcome = move || {
        result.with(|r| {
            r.as_ref()
                .map(|r| r.outcome)
                .unwrap_or(Outcome::NeedsInformation)
        })
    };
    let ids = move || {
        result.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.criteria
                        .iter()
                        .map(|c| c.id.to_string())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <article class="elig-card" class:elig-card-current=is_current data-programme=get(|r| r.programme.to_string()) data-outcome=move || outcome().code()>
            <header class="elig-head">
                <h3>
                    {get(|r| r.name.to_string())}
                    {is_current.then(|| view! { <span class="small muted elig-current">" · this case"</span> })}
                </h3>
                <span class=move || format!("badge outcome-{}", outcome().code())>{move || outcome().label()}</span>
            </header>
            <p class="small elig-summary">{get(|r| r.summary.clone())}</p>
            {move || result.with(|r| r.as_ref().and_then(|r| r.category.clone())).map(|c| view! {
                <p class="small"><strong>"Work-permit category " {c.to_string()}</strong></p>
            })}
            {move || result.with(|r| r.as_ref().and_then(|r| r.points.clone())).map(|p| view! { <PointsTable points=p/> })}
            <ul class="criteria">
                <For each=ids key=|id| id.clone() let:id>
                    {
                        let criterion = Memo::new(move |_| {
                            result.with(|r| r.as_ref().and_then(|r| r.criteria.iter().find(|c| c.id == id).cloned()))
                        });
                        view! { <CriterionRow c=criterion.into()/> }
                    }
                </For>
            </ul>
        </article>
    }
}

/// One criterion. The `<details>` element stays while the criterion
/// changes, so an open one stays open as the user types.
#[component]
fn CriterionRow(c: Signal<Option<Criterion>>) -> impl IntoView {
    let status = move || c.with(|c| c.as_ref().map_or(Status::Info, |c| c.status));
    let id = move || c.with(|c| c.as_ref().map(|c| c.id.to_string()).unwrap_or_default());
    let label = move || c.with(|c| c.as_ref().map(|c| c.label.to_string()).unwrap_or_default());
    view! {
        <li class="criterion" data-criterion=id data-status=move || status().code()>
            <details>
                <summary>
                    <span class=move || format!("status status-{}", status().code())>{move || status().label()}</span>
                    " " {label}
                </summary>
                {move || c.get().map(|c| view! { <CriterionBody c/> })}
            </details>
        </li>
    }
}

#[component]
fn CriterionBody(c: Criterion) -> impl IntoView {
    view! {
        <p>{c.explanation}</p>
        {(!c.values.is_empty()).then(|| view! {
            <dl class="values">
                {c.values.into_iter().map(|v| view! { <dt>{v.name.to_string()}</dt><dd>{v.value}</dd> }).collect_view()}
            </dl>
        })}
        {(!c.missing.is_empty()).then(|| view! {
            <p class="small">"Missing: " {c.missing.iter().map(|m| field_label(m)).collect::<Vec<_>>().join(", ")}</p>
        })}
        {c.setting.map(|s| view! {
            <p class="small muted">"Rests on the firm setting " <code>{s.to_string()}</code> "."</p>
        })}
        <SourceLine source=c.source/>
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

/// A profile assessed in the browser on a date the user picks (no request
/// to the server), and on a case "Save assessment" plus the assessments kept
/// there.
#[component]
pub fn AssessSection(
    /// The profile: stored, or followed as it is typed (`live`).
    #[prop(into)]
    profile: Signal<Profile>,
    #[prop(optional)] live: bool,
    context: EligibilityContext,
    /// The case to save on; none on the client page.
    #[prop(optional)]
    case_id: Option<CaseId>,
    #[prop(optional)] assessments: Vec<StoredAssessment>,
    /// The client's edit page, to fill in what is missing.
    #[prop(optional)]
    edit_href: Option<String>,
    /// The case's programme, marked on the panel.
    #[prop(optional)]
    current: Option<&'static str>,
) -> impl IntoView {
    let on = RwSignal::new(context.today.clone());
    let settings = context.settings;
    let today = Date::parse(&context.today);
    let date = Memo::new(move |_| on.with(|d| Date::parse(d)));
    let assessment = Memo::new(move |_| {
        let day = date.get().or(today).unwrap_or(Date {
            year: 2026,
            month: 1,
            day: 1,
        });
        profile.with(|p| assess(p, day, &settings, None))
    });
    let saved = RwSignal::new(assessments);
    let error = RwSignal::new(None::<String>);
    let save = Action::new(move |(case_id, on): &(CaseId, String)| {
        let (case_id, on) = (case_id.clone(), on.clone());
        async move { save_assessment(case_id, on).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(stored)) => {
            error.set(None);
            saved.update(|list| list.insert(0, stored));
        }
        Some(Err(e)) => error.set(Some(e.to_string())),
        None => {}
    });
    let can_save = context.can_save && case_id.is_some();
    let case_for_save = case_id.clone().unwrap_or_default();
    view! {
        <section class="card eligibility-section" aria-labelledby="elig-title">
            <div class="section-head">
                <h2 id="elig-title">"Eligibility"</h2>
                <div class="field field-inline">
                    <label for="elig-on">"Assess on"</label>
                    <input id="elig-on" type="date" bind:value=on/>
                </div>
            </div>
            <p class="hint small">
                {if live { "Updates as you type, in your browser." } else { "From the client's saved profile, assessed in your browser." }}
                " Rules version " {RULES_VERSION} "."
                {edit_href.map(|href| view! { " " <a href=href>"Edit the profile"</a> " to fill what is missing." })}
            </p>
            <p class="field-error" hidden=move || date.get().is_some()>"Pick a real date to assess on."</p>
            <EligibilityPanel assessment current/>
            {can_save.then(|| view! {
                <div class="form-actions">
                    <button type="button" class="button" id="save-assessment"
                        disabled=move || save.pending().get() || date.get().is_none()
                        on:click=move |_| { save.dispatch((case_for_save.clone(), on.get_untracked())); }>
                        {move || if save.pending().get() { "Saving…" } else { "Save assessment" }}
                    </button>
                    <span class="hint small">" The server assesses again from the stored profile and keeps the result on the case."</span>
                </div>
            })}
            <p class="alert alert-error" role="alert" hidden=move || error.get().is_none()>{move || error.get()}</p>
            {case_id.is_some().then(|| view! {
                <h3>"Saved assessments"</h3>
                <p class="muted small" hidden=move || !saved.with(Vec::is_empty)>"None saved yet."</p>
                <ul class="assessment-list">
                    <For each=move || saved.get() key=|a| a.id.clone() let:a>
                        <SavedAssessment stored=a/>
                    </For>
                </ul>
            })}
        </section>
    }
    .into_any()
}

#[component]
fn SavedAssessment(stored: StoredAssessment) -> impl IntoView {
    let assessment = stored.assessment.clone();
    view! {
        <li class="assessment" data-assessment=stored.id.to_string()>
            <details>
                <summary>
                    <strong>{format!("On {}", stored.assessment.on)}</strong>
                    " · " {stored.created_by_name.clone()} " · " {format_utc(stored.created_at)}
                    " · rules " {stored.assessment.rules_version.to_string()}
                    <br/>
                    <OutcomeBadges assessment=stored.assessment.clone()/>
                </summary>
                <p class="small muted">
                    {format!("Client profile version {}; K visa age limit {}, work permit B age limit {}.",
                        stored.client_version, stored.assessment.settings.k_visa_max_age, stored.assessment.settings.z_permit_b_max_age)}
                </p>
                <EligibilityPanel assessment=Signal::stored(assessment)/>
            </details>
        </li>
    }
}
