//! `/cases/:id`: a case's overview, its stage moves and its timeline.

use crate::api::cases::{get_case, MoveCase};
use crate::components::form::{action_error, FormError};
use crate::components::layout::RequirePermission;
use crate::domain::case::CaseDetail;
use crate::domain::time::format_utc;
use crate::domain::{Permission, Viewer};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// The case page.
#[component]
pub fn CasePage() -> impl IntoView {
    let params = use_params_map();
    let move_action = ServerAction::<MoveCase>::new();
    let case = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                move_action.version().get(),
            )
        },
        |(id, _)| get_case(id),
    );
    view! {
        <Title text="Case"/>
        <RequirePermission
            permission=Permission::ViewCases
            page=move |_: Viewer| view! {
                <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match case.await {
                            Ok(c) => view! { <Case case=c move_action/> }.into_any(),
                            Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                        }
                    })}
                </Transition>
            }
        />
    }
}

fn or_dash(s: &str) -> String {
    if s.is_empty() {
        "—".into()
    } else {
        s.to_string()
    }
}

#[component]
fn Case(case: CaseDetail, move_action: ServerAction<MoveCase>) -> impl IntoView {
    let s = case.summary.clone();
    let error = action_error(move_action.value());
    let id = s.id.clone();
    view! {
        <Title text=s.reference.clone()/>
        <p class="muted small"><A href="/cases">"Cases"</A> " / " {s.reference.clone()}</p>
        <div class="page-head">
            <h1>{s.reference.clone()} " · " {s.client_name.clone()}</h1>
            <span class="badge badge-stage">{s.stage.label()}</span>
        </div>
        <div class="detail-grid">
            <section class="card" aria-labelledby="overview-title">
                <h2 id="overview-title">"Overview"</h2>
                <dl class="facts">
                    <dt>"Client"</dt><dd><A href=format!("/clients/{}", s.client_id)>{s.client_name.clone()}</A></dd>
                    <dt>"Programme"</dt><dd>{s.programme.label()}</dd>
                    <dt>"Priority"</dt><dd>{s.priority.label()}</dd>
                    <dt>"Attorney"</dt><dd>{s.attorney.clone().map(|p| p.display_name).unwrap_or_else(|| "—".into())}</dd>
                    <dt>"Paralegal"</dt><dd>{s.paralegal.clone().map(|p| p.display_name).unwrap_or_else(|| "—".into())}</dd>
                    <dt>"Opened"</dt><dd>{case.opened_on.clone()}</dd>
                    <dt>"Target filing"</dt><dd>{or_dash(&s.target_filing_on)}</dd>
                    <dt>"Filed"</dt><dd>{or_dash(&case.filed_on)}</dd>
                    <dt>"Decision"</dt><dd>{or_dash(&case.decision_on)}</dd>
                </dl>
            </section>
            <section class="card" aria-labelledby="move-title">
                <h2 id="move-title">"Stage"</h2>
                <p>"Now in " <strong>{s.stage.label()}</strong> "."</p>
                <FormError error/>
                {if case.offered_moves.is_empty() {
                    view! { <p class="muted">{if case.can_edit { "No further moves from here." } else { "You can't move this case." }}</p> }.into_any()
                } else {
                    let note = RwSignal::new(String::new());
                    view! {
                        <div class="stack">
                            <div class="field">
                                <label for="move-note">"Note for the timeline (optional)"</label>
                                <input id="move-note" type="text" maxlength="2000" bind:value=note/>
                            </div>
                            <div class="move-buttons">
                                {case.offered_moves.iter().enumerate().map(|(i, to)| {
                                    let (id, to) = (id.clone(), *to);
                                    // The first offered move is the way forward.
                                    let class = if i == 0 { "button" } else { "button button-secondary" };
                                    view! {
                                        <button
                                            type="button"
                                            class=class
                                            disabled=move || move_action.pending().get()
                                            on:click=move |_| {
                                                move_action.dispatch(MoveCase {
                                                    id: id.clone(),
                                                    to: to.code().to_string(),
                                                    note: Some(note.get_untracked()),
                                                });
                                            }
                                        >
                                            {format!("Move to {}", to.label())}
                                        </button>
                                    }
                                }).collect_view()}
                            </div>
                        </div>
                    }.into_any()
                }}
            </section>
        </div>
        {(!case.internal_notes.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="notes-title">
                <h2 id="notes-title">"Internal notes"</h2>
                <p class="pre-wrap">{case.internal_notes.clone()}</p>
            </section>
        })}
        <section class="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title">"Timeline"</h2>
            <ol class="timeline">
                {case.timeline.into_iter().map(|m| view! {
                    <li>
                        <p>
                            <strong>{match m.from { Some(f) => format!("{} → {}", f.label(), m.to.label()), None => m.to.label().to_string() }}</strong>
                            <span class="muted small">" · " {m.actor_name} " · " {format_utc(m.at)}</span>
                        </p>
                        {(!m.note.is_empty()).then(|| view! { <p class="small">{m.note}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}
