//! `/cases/:id/edit`: a case's priority, assignees, key dates and internal
//! notes. A save over someone else's newer version shows what they changed
//! and keeps everything typed here.

use crate::api::cases::{assignable_staff, get_case, update_case};
use crate::components::field::Field;
use crate::components::layout::RequirePermission;
use crate::domain::case::{
    changed_case_fields, CaseDetail, CaseEdit, CaseSaveOutcome, Priority, StaffRef, NOTES_MAX_CHARS,
};
use crate::domain::{CaseId, CurrentUser, Permission, Role};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

/// Editing a case's details.
#[component]
pub fn EditCasePage() -> impl IntoView {
    let params = use_params_map();
    let case = Resource::new(
        move || CaseId::new(params.read().get("id").unwrap_or_default()),
        get_case,
    );
    let staff = Resource::new(|| (), |_| assignable_staff());
    view! {
        <Title text="Edit case"/>
        <RequirePermission
            permission=Permission::ViewCases
            page=move |_: CurrentUser| view! {
                <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let staff = staff.await.unwrap_or_default();
                        match case.await {
                            Ok(c) if c.can_edit => view! { <CaseForm case=c staff/> }.into_any(),
                            Ok(c) => view! {
                                <p class="alert alert-error" role="alert">
                                    {format!("Only {}'s attorney, an admin or its assigned paralegal can edit it.", c.summary.reference)}
                                </p>
                                <p><A href=format!("/cases/{}", c.summary.id)>"Back to the case"</A></p>
                            }.into_any(),
                            Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                        }
                    })}
                </Transition>
            }
        />
    }
}

/// One signal per field, so nothing typed is lost whatever the server says.
#[derive(Clone, Copy)]
struct Draft {
    priority: RwSignal<String>,
    attorney_id: RwSignal<String>,
    paralegal_id: RwSignal<String>,
    target_filing_on: RwSignal<String>,
    filed_on: RwSignal<String>,
    decision_on: RwSignal<String>,
    internal_notes: RwSignal<String>,
}

impl Draft {
    fn new(e: &CaseEdit) -> Draft {
        Draft {
            priority: RwSignal::new(e.priority.clone()),
            attorney_id: RwSignal::new(e.attorney_id.clone()),
            paralegal_id: RwSignal::new(e.paralegal_id.clone()),
            target_filing_on: RwSignal::new(e.target_filing_on.clone()),
            filed_on: RwSignal::new(e.filed_on.clone()),
            decision_on: RwSignal::new(e.decision_on.clone()),
            internal_notes: RwSignal::new(e.internal_notes.clone()),
        }
    }

    fn edit(&self) -> CaseEdit {
        CaseEdit {
            priority: self.priority.get_untracked(),
            attorney_id: self.attorney_id.get_untracked(),
            paralegal_id: self.paralegal_id.get_untracked(),
            target_filing_on: self.target_filing_on.get_untracked(),
            filed_on: self.filed_on.get_untracked(),
            decision_on: self.decision_on.get_untracked(),
            internal_notes: self.internal_notes.get_untracked(),
        }
    }
}

#[component]
fn CaseForm(case: CaseDetail, staff: Vec<StaffRef>) -> impl IntoView {
    let id = case.summary.id.clone();
    let opened = RwSignal::new(CaseEdit::of(&case));
    let base_version = RwSignal::new(case.version);
    let draft = Draft::new(&opened.get_untracked());
    let error = RwSignal::new(None::<AppError>);
    let conflict = RwSignal::new(None::<Vec<&'static str>>);
    let navigate = use_navigate();
    let save = Action::new({
        let id = id.clone();
        move |edit: &CaseEdit| {
            let (id, edit) = (id.clone(), edit.clone());
            async move { update_case(id, base_version.get_untracked(), edit).await }
        }
    });
    Effect::new(move |_| {
        let Some(result) = save.value().get() else {
            return;
        };
        match result {
            Ok(CaseSaveOutcome::Saved(saved)) => {
                error.set(None);
                navigate(&format!("/cases/{}", saved.summary.id), Default::default());
            }
            Ok(CaseSaveOutcome::Conflict(current)) => {
                error.set(None);
                let theirs = CaseEdit::of(&current);
                conflict.set(Some(changed_case_fields(&opened.get_untracked(), &theirs)));
                opened.set(theirs);
                base_version.set(current.version);
            }
            Err(e) => {
                conflict.set(None);
                error.set(Some(e));
            }
        }
    });
    let err = move |path: &'static str| {
        Signal::derive(move || error.get().and_then(|e| e.message_for(path)))
    };
    let can_assign = case.can_assign;
    let reference = case.summary.reference.clone();
    let crumb = reference.clone();
    let people = move |roles: &'static [Role], chosen: RwSignal<String>| {
        staff
            .iter()
            .filter(|p| roles.contains(&p.role))
            .map(|p| {
                let pid = p.id.to_string();
                view! { <option value=pid.clone() selected=move || chosen.get() == pid>{p.display_name.clone()}</option> }
            })
            .collect_view()
    };
    let attorneys = people(&[Role::Attorney, Role::Admin], draft.attorney_id);
    let paralegals = people(&[Role::Paralegal], draft.paralegal_id);
    let notes_left =
        move || NOTES_MAX_CHARS as i64 - draft.internal_notes.with(|n| n.chars().count()) as i64;
    view! {
        <p class="muted small"><A href="/cases">"Cases"</A> " / " <A href=format!("/cases/{id}")>{crumb}</A> " / Edit"</p>
        <h1>"Edit " {reference.clone()} " · " {case.summary.client_name.clone()}</h1>
        <Show when=move || error.get().is_some()>
            <p class="alert alert-error" role="alert">{move || error.get().map(|e| e.to_string())}</p>
        </Show>
        {move || conflict.get().map(|changed| view! {
            <div class="alert alert-warning" role="alert">
                <p>
                    <strong>"Someone changed this case while you were editing."</strong>
                    {if changed.is_empty() {
                        " None of these details changed (it may have moved stage).".to_string()
                    } else {
                        format!(" They changed: {}.", changed.join(", "))
                    }}
                </p>
                <p>"Your edits are still below. Save again to replace their version with yours, or cancel to see theirs."</p>
            </div>
        })}
        <form class="client-form" novalidate on:submit=move |ev| { ev.prevent_default(); save.dispatch(draft.edit()); }>
            <fieldset class="card">
                <legend>"Assignment and priority"</legend>
                <div class="grid-form">
                    <div class="field" class:field-invalid=move || err("priority").get().is_some()>
                        <label for="k-priority">"Priority"</label>
                        <select id="k-priority" on:change=move |ev| draft.priority.set(event_target_value(&ev))>
                            {Priority::ALL.into_iter().map(|p| view! {
                                <option value=p.code() selected=move || draft.priority.get() == p.code()>{p.label()}</option>
                            }).collect_view()}
                        </select>
                        <p class="field-error">{move || err("priority").get()}</p>
                    </div>
                    <div class="field" class:field-invalid=move || err("attorney_id").get().is_some()>
                        <label for="k-attorney">"Attorney"</label>
                        <select id="k-attorney" disabled=!can_assign on:change=move |ev| draft.attorney_id.set(event_target_value(&ev))>
                            <option value="" selected=move || draft.attorney_id.get().is_empty()>"Unassigned"</option>
                            {attorneys}
                        </select>
                        <p class="field-error">{move || err("attorney_id").get()}</p>
                    </div>
                    <div class="field" class:field-invalid=move || err("paralegal_id").get().is_some()>
                        <label for="k-paralegal">"Paralegal"</label>
                        <select id="k-paralegal" disabled=!can_assign on:change=move |ev| draft.paralegal_id.set(event_target_value(&ev))>
                            <option value="" selected=move || draft.paralegal_id.get().is_empty()>"Unassigned"</option>
                            {paralegals}
                        </select>
                        <p class="field-error">{move || err("paralegal_id").get()}</p>
                    </div>
                </div>
                {(!can_assign).then(|| view! { <p class="hint small">"Only an attorney or an admin can change who is assigned."</p> })}
            </fieldset>
            <fieldset class="card">
                <legend>"Key dates"</legend>
                <div class="grid-form">
                    <div class="field">
                        <label for="k-opened">"Opened"</label>
                        <input id="k-opened" type="date" value=case.opened_on.clone() disabled=true/>
                    </div>
                    <Field label="Target filing".into() id="k-target".into() value=draft.target_filing_on error=err("target_filing_on") kind="date"/>
                    <Field label="Filed".into() id="k-filed".into() value=draft.filed_on error=err("filed_on") kind="date" hint="Set when the case moves to Submitted"/>
                    <Field label="Decision".into() id="k-decision".into() value=draft.decision_on error=err("decision_on") kind="date" hint="Set when an outcome is recorded"/>
                </div>
            </fieldset>
            <fieldset class="card">
                <legend>"Internal notes"</legend>
                <div class="field" class:field-invalid=move || err("internal_notes").get().is_some()>
                    <label for="k-notes">"Notes (staff only; applicants never see them)"</label>
                    <textarea id="k-notes" rows="8" bind:value=draft.internal_notes
                        aria-invalid=move || err("internal_notes").get().is_some().then_some("true")
                        aria-describedby="k-notes-count k-notes-error"></textarea>
                    <p class="hint small" id="k-notes-count" class:text-danger=move || notes_left() < 0>
                        {move || format!("{} characters left", notes_left())}
                    </p>
                    <p class="field-error" id="k-notes-error">{move || err("internal_notes").get()}</p>
                </div>
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="button" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save case" }}
                </button>
                <A href=format!("/cases/{id}") attr:class="button button-secondary">"Cancel"</A>
            </div>
        </form>
    }
}
