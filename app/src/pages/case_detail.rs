//! `/cases/:id`: a case's overview, stage moves, tasks and deadlines,
//! internal notes and timeline.
//!
//! Form state (the move note, the new task) lives above the reloading part
//! of the page, so a failed request never clears what was typed.

use crate::api::cases::{
    add_checklist_item, add_task, assignable_staff, delete_task, get_case, move_case,
    set_task_done, waive_checklist_item,
};
use crate::api::eligibility::load_case_eligibility;
use crate::components::documents::Versions;
use crate::components::eligibility::AssessSection;
use crate::components::form::FormError;
use crate::components::layout::RequirePermission;
use crate::components::messages::Messages;
use crate::components::upload::{Upload, UploadTracker};
use crate::domain::case::{CaseDetail, StaffRef};
use crate::domain::checklist::{ChecklistItem, DocumentKind, ItemStatus, Progress};
use crate::domain::task::Task;
use crate::domain::{CaseId, CurrentUser, ItemId, Permission, Stage, TaskId};
use crate::error::AppError;
use crate::i18n::{format, names, td_string, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// What the page's forms hold, kept across reloads of the case.
#[derive(Clone, Copy)]
struct Forms {
    move_note: RwSignal<String>,
    move_error: RwSignal<Option<AppError>>,
    task_title: RwSignal<String>,
    task_due: RwSignal<String>,
    task_assignee: RwSignal<String>,
    task_error: RwSignal<Option<AppError>>,
    waive_reason: RwSignal<String>,
    waiving: RwSignal<Option<ItemId>>,
    checklist_error: RwSignal<Option<AppError>>,
    busy: RwSignal<bool>,
    /// Bumped after every successful change: the case reloads.
    reload: RwSignal<u64>,
}

impl Forms {
    fn new() -> Forms {
        Forms {
            move_note: RwSignal::new(String::new()),
            move_error: RwSignal::new(None),
            task_title: RwSignal::new(String::new()),
            task_due: RwSignal::new(String::new()),
            task_assignee: RwSignal::new(String::new()),
            task_error: RwSignal::new(None),
            waive_reason: RwSignal::new(String::new()),
            waiving: RwSignal::new(None),
            checklist_error: RwSignal::new(None),
            busy: RwSignal::new(false),
            reload: RwSignal::new(0),
        }
    }

    fn changed(&self) {
        self.reload.update(|n| *n += 1);
    }
}

/// The case page.
#[component]
pub fn CasePage() -> impl IntoView {
    let params = use_params_map();
    let forms = Forms::new();
    UploadTracker::provide(move || forms.changed());
    let case = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                forms.reload.get(),
            )
        },
        |(id, _)| get_case(CaseId::new(id)),
    );
    let staff = Resource::new(|| (), |_| assignable_staff());
    // Reloads with the case, so saved assessments stay listed after other edits.
    let eligibility = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                forms.reload.get(),
            )
        },
        |(id, _)| load_case_eligibility(CaseId::new(id)),
    );
    let l = use_locale();
    view! {
        <Title text=td_string!(l, case.title)/>
        <RequirePermission
            permission=Permission::ViewCases
            page=move |_: CurrentUser| view! {
                <Transition fallback=move || view! { <p class="muted">{td_string!(l, common.loading)}</p> }>
                    {move || Suspend::new(async move {
                        let staff = staff.await.unwrap_or_default();
                        let eligibility = eligibility.await;
                        match case.await {
                            Ok(c) => view! {
                                <Case case=c.clone() staff forms/>
                                {match eligibility {
                                    Ok(e) => view! {
                                        <AssessSection
                                            profile=Signal::stored(e.profile)
                                            context=e.context
                                            case_id=c.summary.id.clone()
                                            assessments=e.assessments
                                            edit_href=format!("/clients/{}/edit", c.summary.client_id)
                                            current=c.summary.programme.code()
                                        />
                                    }.into_any(),
                                    Err(e) => view! {
                                        <p class="alert alert-error" role="alert">{td_string!(l, case.eligibility_failed, error = e.message(l)).to_string()}</p>
                                    }.into_any(),
                                }}
                            }.into_any(),
                            Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
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
fn Case(case: CaseDetail, staff: Vec<StaffRef>, forms: Forms) -> impl IntoView {
    let l = use_locale();
    let s = case.summary.clone();
    let id = s.id.clone();
    let do_move = Action::new(move |(id, to): &(CaseId, Stage)| {
        let (id, to) = (id.clone(), *to);
        async move {
            forms.busy.set(true);
            let result =
                move_case(id, to.code().into(), Some(forms.move_note.get_untracked())).await;
            forms.busy.set(false);
            match result {
                Ok(_) => {
                    forms.move_error.set(None);
                    forms.move_note.set(String::new());
                    forms.changed();
                }
                Err(e) => forms.move_error.set(Some(e)),
            }
        }
    });
    view! {
        <Title text=s.reference.clone()/>
        <p class="muted small"><A href="/cases">{td_string!(l, cases.title)}</A> " / " {s.reference.clone()}</p>
        <div class="page-head">
            <h1>{s.reference.clone()} " · " {s.client_name.clone()}</h1>
            <span class="badge badge-stage">{names::stage(l, s.stage)}</span>
            {case.can_edit.then(|| view! {
                <A href=format!("/cases/{}/edit", s.id) attr:class="button button-secondary">{td_string!(l, case.edit_details)}</A>
            })}
        </div>
        <div class="detail-grid">
            <section class="card" aria-labelledby="overview-title">
                <h2 id="overview-title">{td_string!(l, case.overview)}</h2>
                <dl class="facts">
                    <dt>{td_string!(l, cases.client)}</dt><dd><A href=format!("/clients/{}", s.client_id)>{s.client_name.clone()}</A></dd>
                    <dt>{td_string!(l, cases.programme)}</dt><dd>{names::programme(l, s.programme)}</dd>
                    <dt>{td_string!(l, cases.priority)}</dt><dd>{names::priority(l, s.priority)}</dd>
                    <dt>{td_string!(l, cases.attorney)}</dt><dd>{s.attorney.clone().map(|p| p.display_name).unwrap_or_else(|| "—".into())}</dd>
                    <dt>{td_string!(l, cases.paralegal)}</dt><dd>{s.paralegal.clone().map(|p| p.display_name).unwrap_or_else(|| "—".into())}</dd>
                    <dt>{td_string!(l, case.opened)}</dt><dd>{format::iso_date(l, &case.opened_on)}</dd>
                    <dt>{td_string!(l, cases.target_filing)}</dt><dd>{or_dash(&format::iso_date(l, &s.target_filing_on))}</dd>
                    <dt>{td_string!(l, case.filed)}</dt><dd>{or_dash(&format::iso_date(l, &case.filed_on))}</dd>
                    <dt>{td_string!(l, case.decision)}</dt><dd>{or_dash(&format::iso_date(l, &case.decision_on))}</dd>
                    <dt>{td_string!(l, case.outcome)}</dt><dd>{if s.stage.is_outcome() { names::stage(l, s.stage) } else { td_string!(l, case.pending) }}</dd>
                </dl>
            </section>
            <section class="card" aria-labelledby="move-title">
                <h2 id="move-title">{td_string!(l, cases.stage)}</h2>
                <p>{td_string!(l, case.now_in, stage = names::stage(l, s.stage)).to_string()}</p>
                <p class="muted small">{names::stage_in_plain_words(l, s.stage)}</p>
                <FormError error=forms.move_error/>
                {if case.offered_moves.is_empty() {
                    view! { <p class="muted">{if case.can_edit { td_string!(l, case.no_moves) } else { td_string!(l, case.cannot_move) }}</p> }.into_any()
                } else {
                    view! {
                        <div class="stack">
                            <div class="field">
                                <label for="move-note">{td_string!(l, case.move_note)}</label>
                                <input id="move-note" type="text" maxlength="2000" bind:value=forms.move_note/>
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
                                            disabled=move || forms.busy.get()
                                            on:click=move |_| { do_move.dispatch((id.clone(), to)); }
                                        >
                                            {td_string!(l, case.move_to, stage = names::stage(l, to)).to_string()}
                                        </button>
                                    }
                                }).collect_view()}
                            </div>
                        </div>
                    }.into_any()
                }}
            </section>
        </div>
        <Checklist case_id=id.clone() items=case.checklist.clone() can_edit=case.can_edit max_upload_bytes=case.max_upload_bytes forms/>
        <Tasks case_id=id.clone() tasks=case.tasks.clone() can_edit=case.can_edit staff forms/>
        <Messages case_id=id.clone() applicant=false/>
        <section class="card" aria-labelledby="notes-title">
            <h2 id="notes-title">{td_string!(l, case.notes)}</h2>
            {if case.internal_notes.is_empty() {
                view! { <p class="muted">{td_string!(l, case.no_notes)} {case.can_edit.then_some(td_string!(l, case.add_notes_hint))}</p> }.into_any()
            } else {
                view! { <p class="pre-wrap">{case.internal_notes.clone()}</p> }.into_any()
            }}
            <p class="muted small">{td_string!(l, case.staff_only)}</p>
        </section>
        <section class="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title">{td_string!(l, case.timeline)}</h2>
            <ol class="timeline">
                {case.timeline.into_iter().map(|m| view! {
                    <li>
                        <p>
                            <strong>{match m.from { Some(f) => format!("{} → {}", names::stage(l, f), names::stage(l, m.to)), None => td_string!(l, case.case_opened, stage = names::stage(l, m.to)).to_string() }}</strong>
                            <span class="muted small">" · " {m.actor_name} " · " {format::date_time(l, m.at)}</span>
                        </p>
                        {(!m.note.is_empty()).then(|| view! { <p class="small">{m.note}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

/// The case's tasks and deadlines, with a form to add one.
#[component]
fn Tasks(
    case_id: CaseId,
    tasks: Vec<Task>,
    can_edit: bool,
    staff: Vec<StaffRef>,
    forms: Forms,
) -> impl IntoView {
    let l = use_locale();
    let open = tasks.iter().filter(|t| !t.done).count();
    let overdue = tasks.iter().filter(|t| t.overdue).count();
    let add = Action::new(move |case_id: &CaseId| {
        let case_id = case_id.clone();
        async move {
            forms.busy.set(true);
            let result = add_task(
                case_id,
                forms.task_title.get_untracked(),
                Some(forms.task_due.get_untracked()),
                Some(forms.task_assignee.get_untracked()),
            )
            .await;
            forms.busy.set(false);
            match result {
                Ok(_) => {
                    forms.task_error.set(None);
                    forms.task_title.set(String::new());
                    forms.task_due.set(String::new());
                    forms.task_assignee.set(String::new());
                    forms.changed();
                }
                Err(e) => forms.task_error.set(Some(e)),
            }
        }
    });
    let change = Action::new(move |(task_id, done): &(TaskId, Option<bool>)| {
        let (task_id, done) = (task_id.clone(), *done);
        async move {
            forms.busy.set(true);
            let result = match done {
                Some(done) => set_task_done(task_id, done).await.map(|_| ()),
                None => delete_task(task_id).await,
            };
            forms.busy.set(false);
            match result {
                Ok(()) => {
                    forms.task_error.set(None);
                    forms.changed();
                }
                Err(e) => forms.task_error.set(Some(e)),
            }
        }
    });
    let field_error = move |field: &'static str| {
        Signal::derive(move || forms.task_error.get().and_then(|e| e.message_for(l, field)))
    };
    // Type-erased: the case page's view type is otherwise too deep to compile.
    view! {
        <section class="card" aria-labelledby="tasks-title">
            <h2 id="tasks-title">{td_string!(l, case.tasks)}</h2>
            <p class="muted small" role="status">
                {td_string!(l, case.open_tasks, count = open).to_string()}
                {(overdue > 0).then(|| view! { " · " <span class="text-danger">{td_string!(l, case.overdue_tasks, count = overdue).to_string()}</span> })}
            </p>
            <FormError error=Signal::derive(move || forms.task_error.get().filter(|e| e.field().is_none() && !matches!(e, AppError::InvalidFields(_))))/>
            {if tasks.is_empty() {
                view! { <p class="muted">{td_string!(l, case.no_tasks)}</p> }.into_any()
            } else {
                view! {
                    <ul class="tasks">
                        {tasks.into_iter().map(|t| {
                            let (done_id, delete_id) = (t.id.clone(), t.id.clone());
                            let check_id = format!("task-{}", t.id);
                            let done = t.done;
                            view! {
                                <li class="task" class:task-done=t.done class:task-overdue=t.overdue>
                                    <input
                                        type="checkbox"
                                        id=check_id.clone()
                                        checked=t.done
                                        disabled=move || !can_edit || forms.busy.get()
                                        on:change=move |_| { change.dispatch((done_id.clone(), Some(!done))); }
                                    />
                                    <label for=check_id class="task-title">{t.title.clone()}</label>
                                    <span class="task-meta small">
                                        {if t.due_on.is_empty() { td_string!(l, case.no_due_date).to_string() } else { td_string!(l, case.due, date = format::iso_date(l, &t.due_on)).to_string() }}
                                        {t.overdue.then(|| view! { " " <span class="badge badge-danger">{td_string!(l, case.overdue)}</span> })}
                                        {t.assignee.clone().map(|a| view! { <span class="muted">" · " {a.display_name}</span> })}
                                    </span>
                                    {can_edit.then(|| view! {
                                        <button
                                            type="button"
                                            class="button button-small button-danger"
                                            aria-label=td_string!(l, case.delete_task, title = t.title.clone()).to_string()
                                            disabled=move || forms.busy.get()
                                            on:click=move |_| { change.dispatch((delete_id.clone(), None)); }
                                        >
                                            {td_string!(l, case.delete)}
                                        </button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {can_edit.then(|| view! {
                <form class="task-form" novalidate on:submit=move |ev| { ev.prevent_default(); add.dispatch(case_id.clone()); }>
                    <h3 class="small">{td_string!(l, case.add_task_title)}</h3>
                    <div class="grid-form">
                        <div class="field" class:field-invalid=move || field_error("title").get().is_some()>
                            <label for="task-title">{td_string!(l, case.task_field)}</label>
                            <input id="task-title" type="text" maxlength="200" bind:value=forms.task_title
                                aria-invalid=move || field_error("title").get().is_some().then_some("true")
                                aria-describedby="task-title-error"/>
                            <p class="field-error" id="task-title-error">{move || field_error("title").get()}</p>
                        </div>
                        <div class="field" class:field-invalid=move || field_error("due_on").get().is_some()>
                            <label for="task-due">{td_string!(l, case.due_field)}</label>
                            <input id="task-due" type="date" bind:value=forms.task_due
                                aria-invalid=move || field_error("due_on").get().is_some().then_some("true")
                                aria-describedby="task-due-error"/>
                            <p class="field-error" id="task-due-error">{move || field_error("due_on").get()}</p>
                        </div>
                        <div class="field" class:field-invalid=move || field_error("assignee_id").get().is_some()>
                            <label for="task-assignee">{td_string!(l, case.assignee)}</label>
                            <select id="task-assignee" on:change=move |ev| forms.task_assignee.set(event_target_value(&ev))>
                                <option value="" selected=move || forms.task_assignee.get().is_empty()>{td_string!(l, case.nobody)}</option>
                                {staff.iter().map(|p| {
                                    let pid = p.id.to_string();
                                    view! { <option value=pid.clone() selected=move || forms.task_assignee.get() == pid>{p.display_name.clone()}</option> }
                                }).collect_view()}
                            </select>
                            <p class="field-error">{move || field_error("assignee_id").get()}</p>
                        </div>
                    </div>
                    <button type="submit" class="button" disabled=move || forms.busy.get()>{td_string!(l, case.add_task)}</button>
                </form>
            })}
        </section>
    }
    .into_any()
}

/// The case's document checklist: progress, each item's status, and (for
/// those who may edit the case) waiving, restoring and adding items.
#[component]
fn Checklist(
    case_id: CaseId,
    items: Vec<ChecklistItem>,
    can_edit: bool,
    max_upload_bytes: u64,
    forms: Forms,
) -> impl IntoView {
    let l = use_locale();
    let progress = Progress::of(items.iter().map(|i| (i.required, &i.status)));
    let uploads = use_context::<UploadTracker>();
    let present: Vec<DocumentKind> = items.iter().map(|i| i.kind).collect();
    let addable: Vec<DocumentKind> = DocumentKind::ALL
        .into_iter()
        .filter(|k| !present.contains(k))
        .collect();
    let done = move |result: Result<ChecklistItem, AppError>| match result {
        Ok(_) => {
            forms.checklist_error.set(None);
            forms.waiving.set(None);
            forms.waive_reason.set(String::new());
            forms.changed();
        }
        Err(e) => forms.checklist_error.set(Some(e)),
    };
    let waive = Action::new(move |(item_id, waive): &(ItemId, bool)| {
        let (item_id, waive) = (item_id.clone(), *waive);
        async move {
            forms.busy.set(true);
            let reason = Some(forms.waive_reason.get_untracked());
            let result = waive_checklist_item(item_id, waive, reason).await;
            forms.busy.set(false);
            done(result);
        }
    });
    let add = Action::new(move |(case_id, kind): &(CaseId, String)| {
        let (case_id, kind) = (case_id.clone(), kind.clone());
        async move {
            forms.busy.set(true);
            let result = add_checklist_item(case_id, kind).await;
            forms.busy.set(false);
            done(result);
        }
    });
    let new_kind = RwSignal::new(
        addable
            .first()
            .map(|k| k.code().to_string())
            .unwrap_or_default(),
    );
    view! {
        <section class="card" aria-labelledby="documents-title">
            <h2 id="documents-title">{td_string!(l, case.documents)}</h2>
            <p class="muted small" role="status">
                {td_string!(l, cases.documents_progress, accepted = progress.accepted, counted = progress.counted).to_string()} {progress.complete().then_some(td_string!(l, case.complete))}
            </p>
            <FormError error=Signal::derive(move || forms.checklist_error.get().filter(|e| e.field().is_none()))/>
            <ul class="checklist">
                {items.into_iter().map(|item| {
                    let (status_class, reason) = match &item.status {
                        ItemStatus::Accepted => ("badge badge-ok", None),
                        ItemStatus::Rejected(r) => ("badge badge-danger", Some(r.clone())),
                        ItemStatus::Waived(r) => ("badge badge-off", Some(r.clone())),
                        ItemStatus::Uploaded => ("badge", None),
                        ItemStatus::Missing => ("badge badge-task", None),
                    };
                    let waived = matches!(item.status, ItemStatus::Waived(_));
                    let (id_waive, id_restore, id_open, id_is) = (item.id.clone(), item.id.clone(), item.id.clone(), item.id.clone());
                    let reason_id = format!("waive-{}", item.id);
                    let label = names::document(l, item.kind);
                    view! {
                        <li class="checklist-item" data-kind=item.kind.code()>
                            <span class="checklist-name">
                                {label}
                                {(!item.required).then_some(view! { <span class="muted small">" " {td_string!(l, common.optional)}</span> })}
                            </span>
                            <span class=status_class>{names::checklist_status(l, &item.status)}</span>
                            {reason.map(|r| view! { <span class="small muted checklist-reason">{r}</span> })}
                            <div class="checklist-documents">
                                <Versions versions=item.versions.clone() label=label can_review=can_edit on_change=Callback::new(move |_| forms.changed())/>
                                {(can_edit && !waived).then(|| view! {
                                    <Upload item_id=item.id.clone() label=label max_bytes=max_upload_bytes
                                        action=if item.versions.is_empty() { td_string!(l, portal.upload) } else { td_string!(l, portal.upload_new_version) }
                                        on_done=Callback::new(move |_| match uploads {
                                            Some(uploads) => uploads.done(),
                                            None => forms.changed(),
                                        })/>
                                })}
                            </div>
                            {can_edit.then(|| if waived {
                                view! {
                                    <button type="button" class="button button-small button-secondary"
                                        disabled=move || forms.busy.get()
                                        on:click=move |_| { waive.dispatch((id_restore.clone(), false)); }>
                                        {td_string!(l, case.needed_again)}
                                    </button>
                                }.into_any()
                            } else {
                                view! {
                                    <Show
                                        when=move || forms.waiving.get().as_ref() == Some(&id_is)
                                        fallback=move || { let id_open = id_open.clone(); view! {
                                            <button type="button" class="button button-small button-secondary"
                                                aria-label=td_string!(l, case.waive_label, document = label).to_string()
                                                on:click=move |_| { forms.checklist_error.set(None); forms.waiving.set(Some(id_open.clone())); }>
                                                {td_string!(l, case.waive)}
                                            </button>
                                        }}
                                    >
                                        {
                                            let id_waive = id_waive.clone();
                                            let reason_id = reason_id.clone();
                                            view! {
                                                <form class="inline-form waive-form" on:submit=move |ev| { ev.prevent_default(); waive.dispatch((id_waive.clone(), true)); }>
                                                    <label class="sr-only" for=reason_id.clone()>{td_string!(l, case.why_not_needed_label, document = label).to_string()}</label>
                                                    <input id=reason_id type="text" maxlength="500" placeholder=td_string!(l, case.why_not_needed) bind:value=forms.waive_reason/>
                                                    <button type="submit" class="button button-small" disabled=move || forms.busy.get()>{td_string!(l, case.waive)}</button>
                                                    <button type="button" class="button button-small button-secondary" on:click=move |_| forms.waiving.set(None)>{td_string!(l, common.cancel)}</button>
                                                    <p class="field-error">{move || forms.checklist_error.get().and_then(|e| e.message_for(l, "reason"))}</p>
                                                </form>
                                            }
                                        }
                                    </Show>
                                }.into_any()
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {(can_edit && !addable.is_empty()).then(|| view! {
                <form class="inline-form" on:submit=move |ev| { ev.prevent_default(); add.dispatch((case_id.clone(), new_kind.get_untracked())); }>
                    <label for="add-document">{td_string!(l, case.also_ask_for)}</label>
                    <select id="add-document" on:change=move |ev| new_kind.set(event_target_value(&ev))>
                        {addable.iter().map(|k| {
                            let code = k.code();
                            view! { <option value=code selected=move || new_kind.get() == code>{names::document(l, *k)}</option> }
                        }).collect_view()}
                    </select>
                    <button type="submit" class="button button-small" disabled=move || forms.busy.get()>{td_string!(l, case.add_to_checklist)}</button>
                </form>
            })}
        </section>
    }
    .into_any()
}
