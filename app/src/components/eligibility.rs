//! The eligibility panel: every programme side by side, each criterion
//! expandable. It renders whatever assessment it is given, so the same
//! panel follows typing in the browser and shows stored assessments.

use crate::api::eligibility::save_assessment;
use crate::domain::assessment::{EligibilityContext, StoredAssessment};
use crate::domain::date::Date;
use crate::domain::CaseId;
use crate::eligibility::{
    assess, Assessment, Criterion, Outcome, Points, Profile, ProgrammeResult, Source, Status,
    RULES_VERSION,
};
use crate::i18n::eligibility as words;
use crate::i18n::format::{date, date_time};
use crate::i18n::{td_string, use_locale};
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
    let l = use_locale();
    let get = move |f: fn(&ProgrammeResult) -> String| {
        move || result.with(|r| r.as_ref().map(f).unwrap_or_default())
    };
    let name = move || {
        result.with(|r| {
            r.as_ref()
                .map(|r| words::programme_name(l, &r.programme))
                .unwrap_or_default()
        })
    };
    let summary = move || {
        result.with(|r| {
            r.as_ref()
                .map(|r| words::summary(l, &r.summary))
                .unwrap_or_default()
        })
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
                    {name}
                    {is_current.then(|| view! { <span class="small muted elig-current">{td_string!(l, eligibility.panel.this_case)}</span> })}
                </h3>
                <span class=move || format!("badge outcome-{}", outcome().code())>{move || words::outcome(l, outcome())}</span>
            </header>
            <p class="small elig-summary">{summary}</p>
            {move || result.with(|r| r.as_ref().and_then(|r| r.category.clone())).map(|c| view! {
                <p class="small"><strong>{td_string!(l, eligibility.panel.category, category = c.to_string()).to_string()}</strong></p>
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
    let l = use_locale();
    let status = move || c.with(|c| c.as_ref().map_or(Status::Info, |c| c.status));
    let id = move || c.with(|c| c.as_ref().map(|c| c.id.to_string()).unwrap_or_default());
    let label = move || {
        c.with(|c| {
            c.as_ref()
                .map(|c| words::label(l, &c.label))
                .unwrap_or_default()
        })
    };
    view! {
        <li class="criterion" data-criterion=id data-status=move || status().code()>
            <details>
                <summary>
                    <span class=move || format!("status status-{}", status().code())>{move || words::status(l, status())}</span>
                    " " {label}
                </summary>
                {move || c.get().map(|c| view! { <CriterionBody c/> })}
            </details>
        </li>
    }
}

#[component]
fn CriterionBody(c: Criterion) -> impl IntoView {
    let l = use_locale();
    view! {
        <p>{words::reason(l, &c.reason)}</p>
        {(!c.values.is_empty()).then(|| view! {
            <dl class="values">
                {c.values.into_iter().map(|v| view! { <dt>{words::value_name(l, &v.name)}</dt><dd>{words::shown(l, &v.value)}</dd> }).collect_view()}
            </dl>
        })}
        {(!c.missing.is_empty()).then(|| view! {
            <p class="small">{td_string!(l, eligibility.panel.missing, fields = words::fields(l, &c.missing)).to_string()}</p>
        })}
        {c.setting.map(|s| view! {
            <p class="small muted">{td_string!(l, eligibility.panel.setting, name = words::setting(l, &s)).to_string()}</p>
        })}
        <SourceLine source=c.source/>
    }
}

/// Where a rule comes from. A citation names a published source in the
/// words it was published in, so it is shown as it is (marked English).
#[component]
fn SourceLine(source: Source) -> impl IntoView {
    let l = use_locale();
    let from = date(l, source.effective_from);
    let dates = match source.effective_until {
        Some(until) => td_string!(
            l,
            eligibility.panel.in_force_between,
            from = from,
            until = date(l, until)
        )
        .to_string(),
        None => td_string!(l, eligibility.panel.in_force_from, from = from).to_string(),
    };
    let url = source.url.to_string();
    view! {
        <p class="small muted source">
            {td_string!(l, eligibility.panel.source)} " " <cite lang="en">{source.citation.to_string()}</cite> " (" {dates} ")"
            {(!url.is_empty()).then(|| view! { " · " <a href=url.clone() target="_blank" rel="noopener noreferrer">{td_string!(l, eligibility.panel.read)}</a> })}
        </p>
    }
}

#[component]
fn PointsTable(points: Points) -> impl IntoView {
    let l = use_locale();
    // Also the labels of a row when a phone stacks the table.
    let (factor, value, points_column) = (
        td_string!(l, eligibility.panel.factor),
        td_string!(l, eligibility.panel.value),
        td_string!(l, eligibility.panel.points_column),
    );
    view! {
        <details class="points">
            <summary>
                {td_string!(l, eligibility.panel.points, total = points.total).to_string()}
                {points.partial.then(|| td_string!(l, eligibility.panel.points_so_far, more = points.unknown_max).to_string())}
            </summary>
            <table class="table small">
                <thead><tr><th>{factor}</th><th>{value}</th><th class="num">{points_column}</th></tr></thead>
                <tbody>
                    {points.factors.into_iter().map(|f| view! {
                        <tr class:muted=f.unknown>
                            <td data-label=factor>{words::factor(l, &f.factor)}</td>
                            <td data-label=value>{words::shown(l, &f.value)}</td>
                            <td class="num" data-label=points_column>{if f.unknown { format!("? / {}", f.max) } else { format!("{} / {}", f.points, f.max) }}</td>
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
    let l = use_locale();
    view! {
        <span class="outcome-badges">
            {assessment.programmes.into_iter().map(|p| view! {
                <span class=format!("badge outcome-{}", p.outcome.code()) title=words::summary(l, &p.summary)>
                    {td_string!(l, eligibility.panel.badge, programme = words::programme_name(l, &p.programme), outcome = words::outcome(l, p.outcome)).to_string()}
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
    let l = use_locale();
    let on = RwSignal::new(context.today.clone());
    let settings = context.settings;
    let today = Date::parse(&context.today);
    let day = Memo::new(move |_| on.with(|d| Date::parse(d)));
    let assessment = Memo::new(move |_| {
        let day = day.get().or(today).unwrap_or(Date {
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
        Some(Err(e)) => error.set(Some(e.message(l))),
        None => {}
    });
    let can_save = context.can_save && case_id.is_some();
    let case_for_save = case_id.clone().unwrap_or_default();
    view! {
        <section class="card eligibility-section" aria-labelledby="elig-title">
            <div class="section-head">
                <h2 id="elig-title">{td_string!(l, eligibility.panel.title)}</h2>
                <div class="field field-inline">
                    <label for="elig-on">{td_string!(l, eligibility.panel.assess_on)}</label>
                    <input id="elig-on" type="date" bind:value=on/>
                </div>
            </div>
            <p class="hint small">
                {if live { td_string!(l, eligibility.panel.live) } else { td_string!(l, eligibility.panel.stored) }}
                " " {td_string!(l, eligibility.panel.rules_version, version = RULES_VERSION).to_string()}
                {edit_href.map(|href| view! { " " <a href=href>{td_string!(l, eligibility.panel.edit_profile)}</a> " " {td_string!(l, eligibility.panel.to_fill)} })}
            </p>
            <p class="field-error" hidden=move || day.get().is_some()>{td_string!(l, eligibility.panel.pick_date)}</p>
            <EligibilityPanel assessment current/>
            {can_save.then(|| view! {
                <div class="form-actions">
                    <button type="button" class="button" id="save-assessment"
                        disabled=move || save.pending().get() || day.get().is_none()
                        on:click=move |_| { save.dispatch((case_for_save.clone(), on.get_untracked())); }>
                        {move || if save.pending().get() { td_string!(l, eligibility.panel.saving) } else { td_string!(l, eligibility.panel.save) }}
                    </button>
                    <span class="hint small">" " {td_string!(l, eligibility.panel.save_hint)}</span>
                </div>
            })}
            <p class="alert alert-error" role="alert" hidden=move || error.get().is_none()>{move || error.get()}</p>
            {case_id.is_some().then(|| view! {
                <h3>{td_string!(l, eligibility.panel.saved_title)}</h3>
                <p class="muted small" hidden=move || !saved.with(Vec::is_empty)>{td_string!(l, eligibility.panel.none_saved)}</p>
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
    let l = use_locale();
    let assessment = stored.assessment.clone();
    let settings = stored.assessment.settings;
    view! {
        <li class="assessment" data-assessment=stored.id.to_string()>
            <details>
                <summary>
                    <strong>{td_string!(l, eligibility.panel.saved_on, date = date(l, stored.assessment.on)).to_string()}</strong>
                    " · " {stored.created_by_name.clone()} " · " {date_time(l, stored.created_at)}
                    " · " {td_string!(l, eligibility.panel.rules, version = stored.assessment.rules_version.to_string()).to_string()}
                    <br/>
                    <OutcomeBadges assessment=stored.assessment.clone()/>
                </summary>
                <p class="small muted">
                    {td_string!(l, eligibility.panel.saved_details,
                        version = stored.client_version,
                        k_age = settings.k_visa_max_age,
                        b_age = settings.z_permit_b_max_age).to_string()}
                </p>
                <EligibilityPanel assessment=Signal::stored(assessment)/>
            </details>
        </li>
    }
}
