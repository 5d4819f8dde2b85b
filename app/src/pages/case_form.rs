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
use crate::i18n::{names, td_string, use_locale};
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
    let l = use_locale();
    view! {
        <Title text=td_string!(l, case_form.title)/>
        <RequirePermission
            permission=Permission::ViewCases
            page=move |_: CurrentUser| view! {
                <Transition fallback=move || view! { <p class="muted">{td_string!(l, common.loading)}</p> }>
                    {move || Suspend::new(async move {
                        let staff = staff.await.unwrap_or_default();
                        match case.await {
                            Ok(c) if c.can_edit => view! { <CaseForm case=c staff/> }.into_any(),
                            Ok(c) => view! {
                                <p class="alert alert-error" role="alert">
                                    {td_string!(l, case_form.only_assigned, reference = c.summary.reference.clone()).to_string()}
                                </p>
                                <p><A href=format!("/cases/{}", c.summary.id)>{td_string!(l, case_form.back)}</A></p>
                            }.into_any(),
                            Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
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
    let l = use_locale();
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
        Signal::derive(move || error.get().and_then(|e| e.message_for(l, path)))
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
        <p class="muted small"><A href="/cases">{td_string!(l, cases.title)}</A> " / " <A href=format!("/cases/{id}")>{crumb}</A> {td_string!(l, case_form.crumb_edit)}</p>
        <h1>{td_string!(l, case_form.heading, reference = reference.clone(), client = case.summary.client_name.clone()).to_string()}</h1>
        <Show when=move || error.get().is_some()>
            <p class="alert alert-error" role="alert">{move || error.get().map(|e| e.message(l))}</p>
        </Show>
        {move || conflict.get().map(|changed| view! {
            <div class="alert alert-warning" role="alert">
                <p>
                    <strong>{td_string!(l, case_form.changed_meanwhile)}</strong>
                    {if changed.is_empty() {
                        td_string!(l, case_form.nothing_changed).to_string()
                    } else {
                        td_string!(l, client_form.they_changed, fields = changed.join(td_string!(l, common.list_separator))).to_string()
                    }}
                </p>
                <p>{td_string!(l, client_form.edits_kept)}</p>
            </div>
        })}
        <form class="client-form" novalidate on:submit=move |ev| { ev.prevent_default(); save.dispatch(draft.edit()); }>
            <fieldset class="card">
                <legend>{td_string!(l, case_form.assignment)}</legend>
                <div class="grid-form">
                    <div class="field" class:field-invalid=move || err("priority").get().is_some()>
                        <label for="k-priority">{td_string!(l, cases.priority)}</label>
                        <select id="k-priority" on:change=move |ev| draft.priority.set(event_target_value(&ev))>
                            {Priority::ALL.into_iter().map(|p| view! {
                                <option value=p.code() selected=move || draft.priority.get() == p.code()>{names::priority(l, p)}</option>
                            }).collect_view()}
                        </select>
                        <p class="field-error">{move || err("priority").get()}</p>
                    </div>
                    <div class="field" class:field-invalid=move || err("attorney_id").get().is_some()>
                        <label for="k-attorney">{td_string!(l, cases.attorney)}</label>
                        <select id="k-attorney" disabled=!can_assign on:change=move |ev| draft.attorney_id.set(event_target_value(&ev))>
                            <option value="" selected=move || draft.attorney_id.get().is_empty()>{td_string!(l, case_form.unassigned)}</option>
                            {attorneys}
                        </select>
                        <p class="field-error">{move || err("attorney_id").get()}</p>
                    </div>
                    <div class="field" class:field-invalid=move || err("paralegal_id").get().is_some()>
                        <label for="k-paralegal">{td_string!(l, cases.paralegal)}</label>
                        <select id="k-paralegal" disabled=!can_assign on:change=move |ev| draft.paralegal_id.set(event_target_value(&ev))>
                            <option value="" selected=move || draft.paralegal_id.get().is_empty()>{td_string!(l, case_form.unassigned)}</option>
                            {paralegals}
                        </select>
                        <p class="field-error">{move || err("paralegal_id").get()}</p>
                    </div>
                </div>
                {(!can_assign).then(|| view! { <p class="hint small">{td_string!(l, case_form.only_attorney)}</p> })}
            </fieldset>
            <fieldset class="card">
                <legend>{td_string!(l, case_form.key_dates)}</legend>
                <div class="grid-form">
                    <div class="field">
                        <label for="k-opened">{td_string!(l, case.opened)}</label>
                        <input id="k-opened" type="date" value=case.opened_on.clone() disabled=true/>
                    </div>
                    <Field label=td_string!(l, cases.target_filing).into() id="k-target".into() value=draft.target_filing_on error=err("target_filing_on") kind="date"/>
                    <Field label=td_string!(l, case.filed).into() id="k-filed".into() value=draft.filed_on error=err("filed_on") kind="date" hint=td_string!(l, case_form.filed_hint)/>
                    <Field label=td_string!(l, case.decision).into() id="k-decision".into() value=draft.decision_on error=err("decision_on") kind="date" hint=td_string!(l, case_form.decision_hint)/>
                </div>
            </fieldset>
            <fieldset class="card">
                <legend>{td_string!(l, case.notes)}</legend>
                <div class="field" class:field-invalid=move || err("internal_notes").get().is_some()>
                    <label for="k-notes">{td_string!(l, case_form.notes_label)}</label>
                    <textarea id="k-notes" rows="8" bind:value=draft.internal_notes
                        aria-invalid=move || err("internal_notes").get().is_some().then_some("true")
                        aria-describedby="k-notes-count k-notes-error"></textarea>
                    <p class="hint small" id="k-notes-count" class:text-danger=move || notes_left() < 0>
                        {move || td_string!(l, case_form.chars_left, count = notes_left()).to_string()}
                    </p>
                    <p class="field-error" id="k-notes-error">{move || err("internal_notes").get()}</p>
                </div>
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="button" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { td_string!(l, common.saving) } else { td_string!(l, case_form.save) }}
                </button>
                <A href=format!("/cases/{id}") attr:class="button button-secondary">{td_string!(l, common.cancel)}</A>
            </div>
        </form>
    }
}
