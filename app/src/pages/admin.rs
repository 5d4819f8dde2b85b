//! `/admin`: users, roles and access (admins only).

use super::firm_settings::FirmSettings;
use crate::api::users::{list_users, ChangeRole, CreateUser, SendPasswordReset, SetUserActive};
use crate::components::form::{action_error, FormError, FormSuccess};
use crate::components::layout::RequirePermission;
use crate::domain::time::format_utc;
use crate::domain::validate::PASSWORD_MIN_CHARS;
use crate::domain::{CurrentUser, Permission, Role, UserId, UserSummary};
use leptos::html;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The admin page.
#[component]
pub fn AdminPage() -> impl IntoView {
    view! {
        <Title text="Admin"/>
        <RequirePermission permission=Permission::ManageUsers page=|v: CurrentUser| view! { <Users viewer=v/> }/>
    }
}

#[component]
fn Users(viewer: CurrentUser) -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let change_role = ServerAction::<ChangeRole>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let send_reset = ServerAction::<SendPasswordReset>::new();
    let users = Resource::new(
        move || {
            (
                create.version().get(),
                change_role.version().get(),
                set_active.version().get(),
            )
        },
        |_| list_users(),
    );

    let row_error = Signal::derive(move || {
        action_error(change_role.value())
            .get()
            .or_else(|| action_error(set_active.value()).get())
            .or_else(|| action_error(send_reset.value()).get())
    });
    let reset_sent = Signal::derive(move || match send_reset.value().get() {
        Some(Ok(sent)) => Some(format!(
            "A password reset link is on its way to {}; it works until {}.",
            sent.email,
            format_utc(sent.expires_at)
        )),
        _ => None,
    });
    let row_success =
        Signal::derive(
            move || match (change_role.value().get(), set_active.value().get()) {
                (Some(Ok(u)), _) if change_role.version().get() >= set_active.version().get() => {
                    Some(format!("{} is now {}.", u.display_name, u.role.label()))
                }
                (_, Some(Ok(u))) => Some(format!(
                    "{} is {}.",
                    u.display_name,
                    if u.active {
                        "active again"
                    } else {
                        "deactivated and signed out everywhere"
                    }
                )),
                _ => None,
            },
        );
    let me = viewer.user_id.clone();

    view! {
        <h1>"Admin"</h1>
        <ul class="admin-links">
            <li><A href="/admin/audit">"Audit trail"</A> " — every sign-in, change and refused request."</li>
            <li><A href="/admin/outbox">"Outbox"</A> " — every email Visadesk sends, and what the mail server answered."</li>
        </ul>
        <section aria-labelledby="users-title" class="card">
            <h2 id="users-title">"Users"</h2>
            <FormError error=row_error/>
            <FormSuccess message=row_success/>
            <FormSuccess message=reset_sent/>
            <Transition fallback=|| view! { <p class="muted">"Loading users…"</p> }>
                {move || {
                    let me = me.clone();
                    Suspend::new(async move {
                        match users.await {
                            Ok(list) => view! { <UserTable users=list me change_role set_active send_reset/> }.into_any(),
                            Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
        <NewUserForm create/>
        <FirmSettings/>
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
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Last sign-in"</th>
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
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
    let select_id = format!("role-{}", user.id);
    let role_label = format!("Role for {}", user.email);
    let toggle_label = format!(
        "{} {}",
        if user.active {
            "Deactivate"
        } else {
            "Reactivate"
        },
        user.email
    );
    let (id_for_role, id_for_toggle) = (user.id.to_string(), user.id.to_string());
    let id_for_reset = user.id.to_string();
    let reset_label = format!("Send a password reset link to {}", user.email);
    let can_reset = !is_me && user.active && user.role.is_staff();
    let roles: Vec<Role> = if user.role.is_staff() {
        Role::STAFF.to_vec()
    } else {
        vec![Role::Applicant]
    };
    let active = user.active;
    view! {
        <tr class:inactive=!active>
            <td data-label="Name">{user.display_name.clone()} {is_me.then(|| view! { <span class="muted small">" (you)"</span> })}</td>
            <td data-label="Email">{user.email.clone()}</td>
            <td data-label="Role">
                <ActionForm action=change_role attr:class="inline-form">
                    <input type="hidden" name="user_id" value=id_for_role/>
                    <label class="sr-only" for=select_id.clone()>{role_label.clone()}</label>
                    <select id=select_id name="role" disabled=is_me>
                        {roles
                            .into_iter()
                            .map(|r| view! { <option value=r.as_str() selected=r == user.role>{r.label()}</option> })
                            .collect_view()}
                    </select>
                    <button type="submit" class="button button-small" disabled=is_me aria-label=format!("Save {role_label}")>
                        "Save"
                    </button>
                </ActionForm>
            </td>
            <td data-label="Status">
                {if user.active { view! { <span class="badge badge-ok">"Active"</span> }.into_any() }
                 else { view! { <span class="badge badge-off">"Deactivated"</span> }.into_any() }}
            </td>
            <td data-label="Last sign-in">{user.last_sign_in_at.map(format_utc).unwrap_or_else(|| "Never".into())}</td>
            <td data-label=(!is_me).then_some("Actions")>
                {(!is_me).then(|| view! {
                    <ActionForm action=set_active attr:class="inline-form">
                        <input type="hidden" name="user_id" value=id_for_toggle/>
                        <input type="hidden" name="active" value=if active { "false" } else { "true" }/>
                        <button
                            type="submit"
                            class=if active { "button button-small button-danger" } else { "button button-small button-secondary" }
                            aria-label=toggle_label.clone()
                        >
                            {if active { "Deactivate" } else { "Reactivate" }}
                        </button>
                    </ActionForm>
                })}
                {can_reset.then(|| view! {
                    <ActionForm action=send_reset attr:class="inline-form">
                        <input type="hidden" name="user_id" value=id_for_reset/>
                        <button type="submit" class="button button-small button-secondary" aria-label=reset_label
                            disabled=move || send_reset.pending().get()>
                            "Send reset link"
                        </button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}

#[component]
fn NewUserForm(create: ServerAction<CreateUser>) -> impl IntoView {
    let form: NodeRef<html::Form> = NodeRef::new();
    let error = action_error(create.value());
    let field_error = move |field: &'static str| {
        move || {
            error
                .get()
                .filter(|e| e.field() == Some(field))
                .map(|e| e.to_string())
        }
    };
    let success = Signal::derive(move || match create.value().get() {
        Some(Ok(u)) => Some(format!(
            "Created {} ({}) as {}.",
            u.display_name,
            u.email,
            u.role.label()
        )),
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
            <h2 id="new-user-title">"Create a staff user"</h2>
            <FormSuccess message=success/>
            <Show when=move || error.get().is_some_and(|e| e.field().is_none())>
                <FormError error/>
            </Show>
            <ActionForm action=create node_ref=form attr:class="grid-form" attr:novalidate="novalidate">
                <div class="field">
                    <label for="new-email">"Email"</label>
                    <input id="new-email" type="email" name="email" autocomplete="off" required maxlength="254"/>
                    <p class="field-error" role="alert">{field_error("email")}</p>
                </div>
                <div class="field">
                    <label for="new-name">"Full name"</label>
                    <input id="new-name" type="text" name="display_name" autocomplete="off" required maxlength="200"/>
                    <p class="field-error" role="alert">{field_error("display_name")}</p>
                </div>
                <div class="field">
                    <label for="new-role">"Role"</label>
                    <select id="new-role" name="role">
                        {Role::STAFF
                            .into_iter()
                            .map(|r| view! { <option value=r.as_str() selected=r == Role::Paralegal>{r.label()}</option> })
                            .collect_view()}
                    </select>
                    <p class="field-error" role="alert">{field_error("role")}</p>
                </div>
                <div class="field">
                    <label for="new-password">"Initial password"</label>
                    <input id="new-password" type="password" name="password" autocomplete="new-password" required/>
                    <p class="hint small">{format!("At least {PASSWORD_MIN_CHARS} characters. Share it privately; they can sign in with it at once.")}</p>
                    <p class="field-error" role="alert">{field_error("password")}</p>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button" disabled=move || create.pending().get()>"Create user"</button>
                </div>
            </ActionForm>
        </section>
    }
}
