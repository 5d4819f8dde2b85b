//! `/admin`: users, roles and access (admins only).

use crate::api::eligibility::{load_eligibility_context, save_eligibility_settings};
use crate::api::users::{list_users, ChangeRole, CreateUser, SetUserActive};
use crate::components::field::Field;
use crate::components::form::{action_error, FormError, FormSuccess};
use crate::components::layout::RequirePermission;
use crate::domain::time::format_utc;
use crate::domain::validate::PASSWORD_MIN_CHARS;
use crate::domain::{CurrentUser, Permission, Role, UserId, UserSummary};
use crate::eligibility::{Settings, AGE_SETTING_RANGE};
use crate::error::AppError;
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
    let context = Resource::new(|| (), |_| load_eligibility_context());

    view! {
        <h1>"Admin"</h1>
        <p><A href="/admin/audit">"Audit trail"</A> " — every sign-in, change and refused request."</p>
        <section aria-labelledby="users-title" class="card">
            <h2 id="users-title">"Users"</h2>
            <FormError error=row_error/>
            <FormSuccess message=row_success/>
            <Transition fallback=|| view! { <p class="muted">"Loading users…"</p> }>
                {move || {
                    let me = me.clone();
                    Suspend::new(async move {
                        match users.await {
                            Ok(list) => view! { <UserTable users=list me change_role set_active/> }.into_any(),
                            Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
        <NewUserForm create/>
        <Transition fallback=|| view! { <p class="muted">"Loading settings…"</p> }>
            {move || Suspend::new(async move {
                match context.await {
                    Ok(c) => view! { <EligibilitySettingsForm current=c.settings/> }.into_any(),
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The firm's eligibility settings, where public sources are vague.
#[component]
fn EligibilitySettingsForm(current: Settings) -> impl IntoView {
    let k_age = RwSignal::new(current.k_visa_max_age.to_string());
    let b_age = RwSignal::new(current.z_permit_b_max_age.to_string());
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(None::<String>);
    let save = Action::new(move |settings: &Settings| {
        let settings = *settings;
        async move { save_eligibility_settings(settings).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(s)) => {
            error.set(None);
            done.set(Some(format!(
                "Saved: K visa age limit {}, work permit Category B age limit {}. Every assessment from now on uses them.",
                s.k_visa_max_age, s.z_permit_b_max_age
            )));
        }
        Some(Err(e)) => {
            done.set(None);
            error.set(Some(e));
        }
        None => {}
    });
    let (lo, hi) = AGE_SETTING_RANGE;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let parse = |v: RwSignal<String>| v.get_untracked().trim().parse::<u32>().ok();
        match (parse(k_age), parse(b_age)) {
            (Some(k), Some(b)) => {
                save.dispatch(Settings {
                    k_visa_max_age: k,
                    z_permit_b_max_age: b,
                });
            }
            (None, _) => error.set(Some(AppError::Invalid {
                field: "k_visa_max_age".into(),
                message: format!("Write the K visa age limit as a whole number from {lo} to {hi}."),
            })),
            (_, None) => error.set(Some(AppError::Invalid {
                field: "z_permit_b_max_age".into(),
                message: format!(
                    "Write the Category B age limit as a whole number from {lo} to {hi}."
                ),
            })),
        }
    };
    let err =
        move |f: &'static str| Signal::derive(move || error.get().and_then(|e| e.message_for(f)));
    view! {
        <section aria-labelledby="settings-title" class="card">
            <h2 id="settings-title">"Eligibility settings"</h2>
            <p class="hint small">"Where a public source sets no number, the firm decides. Every criterion that rests on a setting says so."</p>
            <form novalidate on:submit=submit>
                <div class="grid-form">
                    <Field label="K visa: oldest age counted as \"young\"".into() id="s-k-age".into() value=k_age error=err("k_visa_max_age") kind="number" hint="The decree sets no age limit; default 45."/>
                    <Field label="Work permit Category B: oldest age".into() id="s-b-age".into() value=b_age error=err("z_permit_b_max_age") kind="number" hint="The standard says 60, with exceptions where truly needed; default 60."/>
                </div>
                {move || error.get().filter(|e| e.message_for("k_visa_max_age").is_none() && e.message_for("z_permit_b_max_age").is_none()).map(|e| view! {
                    <p class="alert alert-error" role="alert">{e.to_string()}</p>
                })}
                <p class="alert alert-success" role="status" hidden=move || done.get().is_none()>{move || done.get()}</p>
                <button type="submit" class="button" disabled=move || save.pending().get()>"Save settings"</button>
            </form>
        </section>
    }
}

#[component]
fn UserTable(
    users: Vec<UserSummary>,
    me: UserId,
    change_role: ServerAction<ChangeRole>,
    set_active: ServerAction<SetUserActive>,
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
                            view! { <UserRow user=u is_me change_role set_active/> }
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
