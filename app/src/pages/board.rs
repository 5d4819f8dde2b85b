//! `/cases/board`: one column per stage. Cards are dragged to another
//! column, or moved with the "Move to" menu on each card (keyboard and
//! touch). Only the moves the stage machine allows the viewer are offered.

use crate::api::cases::{assignable_staff, case_board, move_case};
use crate::components::case_filters::{CaseFilterFields, CaseViews};
use crate::components::layout::RequirePermission;
use crate::domain::case::{can_edit_case, Board, CaseSummary};
use crate::domain::stage::offered_moves;
use crate::domain::{CaseId, CurrentUser, Permission, Stage, UserId};
use crate::error::AppError;
use crate::i18n::{format, names, td_string, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

/// The case board.
#[component]
pub fn BoardPage() -> impl IntoView {
    let l = use_locale();
    view! {
        <Title text=td_string!(l, board.title)/>
        <RequirePermission permission=Permission::ViewCases page=|v: CurrentUser| view! { <BoardView viewer=v/> }/>
    }
}

/// A card being dragged: its case, where it is, where it may go.
#[derive(Clone, Debug, PartialEq)]
struct Dragging {
    id: CaseId,
    reference: String,
    from: Stage,
    allowed: Vec<Stage>,
}

/// The board's shared state.
#[derive(Clone, Copy)]
struct BoardState {
    viewer_role: crate::domain::Role,
    dragging: RwSignal<Option<Dragging>>,
    over: RwSignal<Option<Stage>>,
    busy: RwSignal<bool>,
    mover: Action<(CaseId, String, Stage), ()>,
}

#[component]
fn BoardView(viewer: CurrentUser) -> impl IntoView {
    let l = use_locale();
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).filter(|v| !v.is_empty());
    let reload = RwSignal::new(0u64);
    let status = RwSignal::new(None::<Result<String, AppError>>);
    let busy = RwSignal::new(false);
    let mover = Action::new(move |(id, reference, to): &(CaseId, String, Stage)| {
        let (id, reference, to) = (id.clone(), reference.clone(), *to);
        async move {
            busy.set(true);
            let result = move_case(id, to.code().into(), None).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    status.set(Some(Ok(td_string!(
                        l,
                        board.moved,
                        reference = reference,
                        stage = names::stage(l, to)
                    )
                    .to_string())));
                    reload.update(|n| *n += 1);
                }
                Err(e) => status.set(Some(Err(e))),
            }
        }
    });
    let state = BoardState {
        viewer_role: viewer.role,
        dragging: RwSignal::new(None),
        over: RwSignal::new(None),
        busy,
        mover,
    };
    let board = Resource::new(
        move || {
            (
                param("programme"),
                param("assignee"),
                param("overdue").is_some(),
                reload.get(),
            )
        },
        |(programme, assignee, overdue, _)| case_board(programme, assignee, Some(overdue)),
    );
    let staff = Resource::new(|| (), |_| assignable_staff());
    let me = viewer.user_id.to_string();
    let viewer_id = viewer.user_id.clone();
    view! {
        <div class="page-head">
            <h1>{td_string!(l, board.title)}</h1>
            <CaseViews/>
        </div>
        <Form method="GET" action="" attr:class="toolbar" attr:aria-label=td_string!(l, board.filter_label)>
            <CaseFilterFields prefix="b" me=me.clone() staff/>
            <button type="submit" class="button">{td_string!(l, cases.filter)}</button>
        </Form>
        <p class="muted small">{td_string!(l, board.how)}</p>
        <div class="board-status" role="status" aria-live="polite">
            {move || status.get().map(|s| match s {
                Ok(message) => view! { <p class="alert alert-success">{message}</p> }.into_any(),
                Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
            })}
        </div>
        <Transition fallback=move || view! { <p class="muted">{td_string!(l, common.loading)}</p> }>
            {move || {
                let viewer_id = viewer_id.clone();
                Suspend::new(async move {
                    match board.await {
                        Ok(b) => view! { <Columns board=b viewer_id state/> }.into_any(),
                        Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn Columns(board: Board, viewer_id: UserId, state: BoardState) -> impl IntoView {
    let l = use_locale();
    view! {
        <div class="board">
            {board.columns.into_iter().map(|col| {
                let stage = col.stage;
                let shown = col.cards.len() as i64;
                let heading = format!("col-{}", stage.code());
                let heading_id = heading.clone();
                let accepts = move || state.dragging.with(|d| d.as_ref().is_some_and(|d| d.allowed.contains(&stage)));
                let dragging_elsewhere = move || state.dragging.with(|d| d.as_ref().is_some_and(|d| d.from != stage && !d.allowed.contains(&stage)));
                let viewer_id = viewer_id.clone();
                view! {
                    <section
                        class="board-column"
                        class:board-drop=move || accepts() && state.over.get() == Some(stage)
                        class:board-target=accepts
                        class:board-closed=dragging_elsewhere
                        data-stage=stage.code()
                        aria-labelledby=heading.clone()
                        on:dragover=move |ev| {
                            if accepts() {
                                ev.prevent_default();
                                if state.over.get_untracked() != Some(stage) {
                                    state.over.set(Some(stage));
                                }
                            }
                        }
                        on:dragleave=move |_| {
                            if state.over.get_untracked() == Some(stage) {
                                state.over.set(None);
                            }
                        }
                        on:drop=move |ev| {
                            ev.prevent_default();
                            state.over.set(None);
                            if let Some(d) = state.dragging.get_untracked() {
                                if d.allowed.contains(&stage) {
                                    state.mover.dispatch((d.id, d.reference, stage));
                                }
                            }
                            state.dragging.set(None);
                        }
                    >
                        <header class="board-column-head">
                            <h2 id=heading_id>{names::stage(l, stage)}</h2>
                            <span class="badge" aria-label=td_string!(l, dashboard.cases_count, count = col.total).to_string()>{col.total}</span>
                        </header>
                        <ul class="board-cards">
                            {col.cards.into_iter().map(|c| view! { <Card case=c viewer_id=viewer_id.clone() state/> }).collect_view()}
                        </ul>
                        {(col.total > shown).then(|| view! {
                            <p class="small muted board-more">
                                {td_string!(l, board.most_recent, shown = shown, total = col.total).to_string()}
                                <A href=format!("/cases?stage={}", stage.code())>{td_string!(l, board.see_all)}</A>
                            </p>
                        })}
                        {(col.total == 0).then(|| view! { <p class="small muted board-more">{td_string!(l, board.no_cases)}</p> })}
                    </section>
                }
            }).collect_view()}
        </div>
    }
}

#[component]
fn Card(case: CaseSummary, viewer_id: UserId, state: BoardState) -> impl IntoView {
    let l = use_locale();
    let can_edit = can_edit_case(
        state.viewer_role,
        &viewer_id,
        case.paralegal.as_ref().map(|p| &p.id),
    );
    let allowed = if can_edit {
        offered_moves(state.viewer_role, case.stage)
    } else {
        Vec::new()
    };
    let movable = !allowed.is_empty();
    let choice = RwSignal::new(
        allowed
            .first()
            .map(|s| s.code().to_string())
            .unwrap_or_default(),
    );
    let drag = Dragging {
        id: case.id.clone(),
        reference: case.reference.clone(),
        from: case.stage,
        allowed: allowed.clone(),
    };
    let (id, reference) = (case.id.clone(), case.reference.clone());
    let dragged_id = case.id.clone();
    let select_id = format!("move-{}", case.id);
    let menu_label =
        td_string!(l, board.move_label, reference = case.reference.clone()).to_string();
    let data_case = case.reference.clone();
    view! {
        <li
            class="board-card"
            class:board-card-movable=movable
            class:board-card-dragging=move || state.dragging.with(|d| d.as_ref().is_some_and(|d| d.id == dragged_id))
            draggable=if movable { "true" } else { "false" }
            data-case=data_case
            on:dragstart=move |ev| {
                if let Some(dt) = ev.data_transfer() {
                    let _ = dt.set_data("text/plain", &drag.reference);
                    dt.set_effect_allowed("move");
                }
                state.dragging.set(Some(drag.clone()));
            }
            on:dragend=move |_| {
                state.dragging.set(None);
                state.over.set(None);
            }
        >
            <p class="board-card-title">
                <A href=format!("/cases/{}", case.id)>{case.reference.clone()}</A>
                {(case.priority >= crate::domain::case::Priority::High).then(|| view! {
                    <span class="badge badge-danger">{names::priority(l, case.priority)}</span>
                })}
            </p>
            <p class="small">{case.client_name.clone()}</p>
            <p class="small muted">{names::programme(l, case.programme)}</p>
            <p class="small muted">
                {[case.attorney.as_ref(), case.paralegal.as_ref()].into_iter().flatten().map(|p| p.display_name.clone()).collect::<Vec<_>>().join(" · ")}
            </p>
            {(!case.target_filing_on.is_empty()).then(|| view! {
                <p class="small muted">{td_string!(l, board.target_filing, date = format::iso_date(l, &case.target_filing_on)).to_string()}</p>
            })}
            <p class="small muted">{td_string!(l, board.documents, progress = td_string!(l, cases.documents_progress, accepted = case.documents.accepted, counted = case.documents.counted).to_string()).to_string()}</p>
            {movable.then(|| view! {
                <div class="board-move">
                    <label class="sr-only" for=select_id.clone()>{menu_label}</label>
                    <select id=select_id on:change=move |ev| choice.set(event_target_value(&ev))>
                        {allowed.iter().map(|s| {
                            let code = s.code();
                            view! { <option value=code selected=move || choice.get() == code>{names::stage(l, *s)}</option> }
                        }).collect_view()}
                    </select>
                    <button
                        type="button"
                        class="button button-small"
                        disabled=move || state.busy.get()
                        on:click=move |_| {
                            if let Ok(to) = choice.get_untracked().parse::<Stage>() {
                                state.mover.dispatch((id.clone(), reference.clone(), to));
                            }
                        }
                    >
                        {td_string!(l, board.move_button)}
                    </button>
                </div>
            })}
        </li>
    }
}
