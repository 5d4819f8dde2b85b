//! `/admin`: users, roles and access (admins only).

use super::firm_settings::FirmSettings;
use super::scrub::ScrubCard;
use crate::api::second_factor::ResetSecondFactor;
use crate::api::users::{list_users, ChangeRole, CreateUser, SendPasswordReset, SetUserActive};
use crate::components::form::{action_error, FormError, FormSuccess};
use crate::components::layout::RequirePermission;
use crate::domain::validate::PASSWORD_MIN_CHARS;
use crate::domain::{CurrentUser, Permission, Role, UserId, UserSummary};
use crate::i18n::{format, names, td_string, use_locale};
use leptos::html;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The admin page.
#[component]
pub fn AdminPage() -> impl IntoView {
    let l = use_locale();
    view! {
        <Title text=td_string!(l, admin.title)/>
        <RequirePermission permission=Permission::ManageUsers page=|v: CurrentUser| view! { <Users viewer=v/> }/>
    }
}

#[component]
fn Users(viewer: CurrentUser) -> impl IntoView {
    let l = use_locale();
    let create = ServerAction::<CreateUser>::new();
    let change_role = ServerAction::<ChangeRole>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let send_reset = ServerAction::<SendPasswordReset>::new();
    let reset_factor = ServerAction::<ResetSecondFactor>::new();
    provide_context(reset_factor);
    let users = Resource::new(
        move || {
            (
                create.version().get(),
                change_role.version().get(),
                set_active.version().get(),
                reset_factor.version().get(),
            )
        },
        |_| list_users(),
    );

    let row_error = Signal::derive(move || {
        action_error(change_role.value())
            .get()
            .or_else(|| action_error(set_active.value()).get())
            .or_else(|| action_error(send_reset.value()).get())
            .or_else(|| action_error(reset_factor.value()).get())
    });
    let reset_sent = Signal::derive(move || match send_reset.value().get() {
        Some(Ok(sent)) => Some(
            td_string!(
                l,
                admin.reset_sent,
                email = sent.email,
                time = format::date_time(l, sent.expires_at)
            )
            .to_string(),
        ),
        _ => None,
    });
    let row_success =
        Signal::derive(
            move || match (change_role.value().get(), set_active.value().get()) {
                (Some(Ok(u)), _) if change_role.version().get() >= set_active.version().get() => {
                    Some(
                        td_string!(
                            l,
                            admin.now_role,
                            name = u.display_name,
                            role = names::role(l, u.role)
                        )
                        .to_string(),
                    )
                }
                (_, Some(Ok(u))) => Some(if u.active {
                    td_string!(l, admin.active_again, name = u.display_name).to_string()
                } else {
                    td_string!(l, admin.deactivated, name = u.display_name).to_string()
                }),
                _ => None,
            },
        );
    let me = viewer.user_id.clone();

    view! {
        <h1>{td_string!(l, admin.title)}</h1>
        <ul class="admin-links">
            <li><A href="/admin/audit">{td_string!(l, admin.audit_link)}</A> {td_string!(l, admin.audit_hint)}</li>
            <li><A href="/admin/outbox">{td_string!(l, admin.outbox_link)}</A> {td_string!(l, admin.outbox_hint)}</li>
        </ul>
        <section aria-labelledby="users-title" class="card">
            <h2 id="users-title">{td_string!(l, admin.users)}</h2>
            <FormError error=row_error/>
            <FormSuccess message=row_success/>
            <FormSuccess message=reset_sent/>
            <Transition fallback=move || view! { <p class="muted">{td_string!(l, admin.loading_users)}</p> }>
                {move || {
                    let me = me.clone();
                    Suspend::new(async move {
                        match users.await {
                            Ok(list) => view! { <UserTable users=list me change_role set_active send_reset/> }.into_any(),
                            Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
        <NewUserForm create/>
        <FirmSettings/>
        <ScrubCard/>
    }
}

#[component]
fn UserTable(
    users: Vec<UserSummary>,
    me: UserId,
    change_role: ServerAction<ChangeRole>,
    set_active: ServerAction<SetUserActive>,
    send_reset: ServerAction<SendPasswordReset>,
) -> impl IntoView {
    let l = use_locale();
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">{td_string!(l, clients.name)}</th>
                        <th scope="col">{td_string!(l, common.email)}</th>
                        <th scope="col">{td_string!(l, admin.role)}</th>
                        <th scope="col">{td_string!(l, admin.status)}</th>
                        <th scope="col">{td_string!(l, admin.last_sign_in)}</th>
                        <th scope="col"><span class="sr-only">{td_string!(l, admin.actions)}</span></th>
                    </tr>
                </thead>
                <tbody>
                    {users
                        .into_iter()
                        .map(|u| {
                            let is_me = u.id == me;
                            view! { <UserRow user=u is_me change_role set_active send_reset/> }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn UserRow(
    user: UserSummary,
    is_me: bool,
    change_role: ServerAction<ChangeRole>,
    set_active: ServerAction<SetUserActive>,
    send_reset: ServerAction<SendPasswordReset>,
) -> impl IntoView {
    let l = use_locale();
    let select_id = format!("role-{}", user.id);
    let role_label = td_string!(l, admin.role_for, email = user.email.clone()).to_string();
    let save_label = td_string!(l, admin.save_role, email = user.email.clone()).to_string();
    let toggle_label = if user.active {
        td_string!(l, admin.deactivate_label, email = user.email.clone()).to_string()
    } else {
        td_string!(l, admin.reactivate_label, email = user.email.clone()).to_string()
    };
    let (id_for_role, id_for_toggle) = (user.id.to_string(), user.id.to_string());
    let id_for_reset = user.id.to_string();
    let reset_label = td_string!(l, admin.reset_label, email = user.email.clone()).to_string();
    let can_reset = !is_me && user.active && user.role.is_staff();
    let roles: Vec<Role> = if user.role.is_staff() {
        Role::STAFF.to_vec()
    } else {
        vec![Role::Applicant]
    };
    let active = user.active;
    view! {
        <tr class:inactive=!active>
            <td data-label=td_string!(l, clients.name)>{user.display_name.clone()} {is_me.then(|| view! { <span class="muted small">{td_string!(l, admin.you)}</span> })}</td>
            <td data-label=td_string!(l, common.email)>{user.email.clone()}</td>
            <td data-label=td_string!(l, admin.role)>
                <ActionForm action=change_role attr:class="inline-form">
                    <input type="hidden" name="user_id" value=id_for_role/>
                    <label class="sr-only" for=select_id.clone()>{role_label.clone()}</label>
                    <select id=select_id name="role" disabled=is_me>
                        {roles
                            .into_iter()
                            .map(|r| view! { <option value=r.as_str() selected=r == user.role>{names::role(l, r)}</option> })
                            .collect_view()}
                    </select>
                    <button type="submit" class="button button-small" disabled=is_me aria-label=save_label>
                        {td_string!(l, admin.save)}
                    </button>
                </ActionForm>
            </td>
            <td data-label=td_string!(l, admin.status)>
                {if user.active { view! { <span class="badge badge-ok">{td_string!(l, admin.active)}</span> }.into_any() }
                 else { view! { <span class="badge badge-off">{td_string!(l, admin.inactive)}</span> }.into_any() }}
                {user.second_factor.then(|| view! { " " <span class="badge">{td_string!(l, second_factor.badge)}</span> })}
            </td>
            <td data-label=td_string!(l, admin.last_sign_in)>{user.last_sign_in_at.map(|t| format::date_time(l, t)).unwrap_or_else(|| td_string!(l, admin.never).into())}</td>
            <td data-label=(!is_me).then_some(td_string!(l, admin.actions))>
                {(!is_me).then(|| view! {
                    <ActionForm action=set_active attr:class="inline-form">
                        <input type="hidden" name="user_id" value=id_for_toggle/>
                        <input type="hidden" name="active" value=if active { "false" } else { "true" }/>
                        <button
                            type="submit"
                            class=if active { "button button-small button-danger" } else { "button button-small button-secondary" }
                            aria-label=toggle_label.clone()
                        >
                            {if active { td_string!(l, admin.deactivate) } else { td_string!(l, admin.reactivate) }}
                        </button>
                    </ActionForm>
                })}
                {(!is_me && user.second_factor).then(|| {
                    let reset_factor = expect_context::<ServerAction<ResetSecondFactor>>();
                    let label = td_string!(l, second_factor.reset_label, email = user.email.clone()).to_string();
                    let id = user.id.to_string();
                    view! {
                        <ActionForm action=reset_factor attr:class="inline-form">
                            <input type="hidden" name="user_id" value=id/>
                            <button type="submit" class="button button-small button-secondary" aria-label=label
                                disabled=move || reset_factor.pending().get()>
                                {td_string!(l, second_factor.reset)}
                            </button>
                        </ActionForm>
                    }
                })}
                {can_reset.then(|| view! {
                    <ActionForm action=send_reset attr:class="inline-form">
                        <input type="hidden" name="user_id" value=id_for_reset/>
                        <button type="submit" class="button button-small button-secondary" aria-label=reset_label
                            disabled=move || send_reset.pending().get()>
                            {td_string!(l, admin.send_reset)}
                        </button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}

#[component]
fn NewUserForm(create: ServerAction<CreateUser>) -> impl IntoView {
    let l = use_locale();
    let form: NodeRef<html::Form> = NodeRef::new();
    let error = action_error(create.value());
    let field_error = move |field: &'static str| {
        move || {
            error
                .get()
                .filter(|e| e.field() == Some(field))
                .map(|e| e.message(l))
        }
    };
    let success = Signal::derive(move || match create.value().get() {
        Some(Ok(u)) => Some(
            td_string!(
                l,
                admin.created,
                name = u.display_name,
                email = u.email,
                role = names::role(l, u.role)
            )
            .to_string(),
        ),
        _ => None,
    });
    // Clear the form only after a successful create; a refused one keeps what was typed.
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            if let Some(form) = form.get() {
                form.reset();
            }
        }
    });
    view! {
        <section aria-labelledby="new-user-title" class="card">
            <h2 id="new-user-title">{td_string!(l, admin.new_user)}</h2>
            <FormSuccess message=success/>
            <Show when=move || error.get().is_some_and(|e| e.field().is_none())>
                <FormError error/>
            </Show>
            <ActionForm action=create node_ref=form attr:class="grid-form" attr:novalidate="novalidate">
                <div class="field">
                    <label for="new-email">{td_string!(l, common.email)}</label>
                    <input id="new-email" type="email" name="email" autocomplete="off" required maxlength="254"/>
                    <p class="field-error" role="alert">{field_error("email")}</p>
                </div>
                <div class="field">
                    <label for="new-name">{td_string!(l, admin.full_name)}</label>
                    <input id="new-name" type="text" name="display_name" autocomplete="off" required maxlength="200"/>
                    <p class="field-error" role="alert">{field_error("display_name")}</p>
                </div>
                <div class="field">
                    <label for="new-role">{td_string!(l, admin.role)}</label>
                    <select id="new-role" name="role">
                        {Role::STAFF
                            .into_iter()
                            .map(|r| view! { <option value=r.as_str() selected=r == Role::Paralegal>{names::role(l, r)}</option> })
                            .collect_view()}
                    </select>
                    <p class="field-error" role="alert">{field_error("role")}</p>
                </div>
                <div class="field">
                    <label for="new-password">{td_string!(l, admin.initial_password)}</label>
                    <input id="new-password" type="password" name="password" autocomplete="new-password" required/>
                    <p class="hint small">{td_string!(l, admin.password_hint, min = PASSWORD_MIN_CHARS).to_string()}</p>
                    <p class="field-error" role="alert">{field_error("password")}</p>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button" disabled=move || create.pending().get()>{td_string!(l, admin.create_user)}</button>
                </div>
            </ActionForm>
        </section>
    }
}
