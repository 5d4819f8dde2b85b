//! `/clients/:id`: a client's profile.

use crate::api::cases::{assignable_staff, list_cases, CreateCase};
use crate::api::clients::get_client;
use crate::api::documents::InviteApplicant;
use crate::api::eligibility::load_eligibility_context;
use crate::components::eligibility::AssessSection;
use crate::components::form::{action_error, FormError};
use crate::components::layout::RequirePermission;
use crate::domain::case::{CasePage, Priority, StaffRef};
use crate::domain::client::Client;
use crate::domain::date::Date;
use crate::domain::document::INVITATION_DAYS;
use crate::domain::time::format_utc;
use crate::domain::{ClientId, CurrentUser, Permission};
use crate::domain::{Programme, Role};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

/// The client page.
#[component]
pub fn ClientPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    // Everything the page shows loads together: one suspense, no nested ones.
    let client = Resource::new(id, |id| get_client(ClientId::new(id)));
    let cases = Resource::new(id, |id| list_cases(None, None, None, None, Some(id), None));
    let staff = Resource::new(|| (), |_| assignable_staff());
    let context = Resource::new(|| (), |_| load_eligibility_context());
    view! {
        <Title text="Client"/>
        <RequirePermission
            permission=Permission::ViewClients
            page=move |viewer: CurrentUser| view! {
                <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {
                        let viewer = viewer.clone();
                        move || {
                            let viewer = viewer.clone();
                            Suspend::new(async move {
                                match client.await {
                                    Ok(c) => {
                                        let cases = cases.await;
                                        let staff = staff.await.unwrap_or_default();
                                        let context = context.await;
                                        let profile = c.details.eligibility_profile();
                                        let edit_href = can_edit_client(&viewer).then(|| format!("/clients/{}/edit", c.id));
                                        let id = c.id.clone();
                                        let portal_id = c.id.clone();
                                        let email = c.details.email.clone();
                                        let can_edit = viewer.role.can(Permission::EditClients);
                                        view! {
                                            <div class="client-page">
                                                <Profile client=c can_edit/>
                                                <ClientCases client_id=id cases staff can_open=viewer.role.can(Permission::CreateCases)/>
                                                <PortalInvite client_id=portal_id email can_edit/>
                                                {match (context, edit_href) {
                                                    (Ok(context), Some(href)) => view! { <AssessSection profile=Signal::stored(profile) context edit_href=href/> }.into_any(),
                                                    (Ok(context), None) => view! { <AssessSection profile=Signal::stored(profile) context/> }.into_any(),
                                                    (Err(e), _) => view! { <p class="alert alert-error" role="alert">{format!("Eligibility could not be loaded: {e}")}</p> }.into_any(),
                                                }}
                                            </div>
                                        }
                                        .into_any()
                                    }
                                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                                }
                            })
                        }
                    }
                </Transition>
            }
        />
    }
}

fn can_edit_client(viewer: &CurrentUser) -> bool {
    viewer.role.can(Permission::EditClients)
}

fn or_dash(s: &str) -> String {
    if s.trim().is_empty() {
        "—".into()
    } else {
        s.to_string()
    }
}

/// "CN · 2021-09-01 to now", leaving out what is unknown.
fn work_facts(w: &crate::domain::client::Work) -> Option<String> {
    let period = match (w.start_on.as_str(), w.end_on.as_str()) {
        ("", "") => None,
        (start, "") => Some(format!("since {start}")),
        ("", end) => Some(format!("until {end}")),
        (start, end) => Some(format!("{start} to {end}")),
    };
    let parts: Vec<String> = [(!w.country.is_empty()).then(|| w.country.clone()), period]
        .into_iter()
        .flatten()
        .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

#[component]
fn Profile(client: Client, can_edit: bool) -> impl IntoView {
    let d = client.details.clone();
    let today = Date::from_unix(client.updated_at.max(0));
    let age = Date::parse(&d.date_of_birth)
        .map(|b| format!(" (age {} on {})", b.years_until(today), today));
    view! {
        <Title text=d.full_name.clone()/>
        <p class="muted small"><A href="/clients">"Clients"</A> " / " {d.full_name.clone()}</p>
        <div class="page-head">
            <h1>{d.full_name.clone()} {(!d.latin_name.is_empty()).then(|| view! { <span class="muted latin">" " {d.latin_name.clone()}</span> })}</h1>
            {can_edit.then(|| view! { <A href=format!("/clients/{}/edit", client.id) attr:class="button">"Edit"</A> })}
        </div>
        <div class="detail-grid">
            <section class="card" aria-labelledby="identity-title">
                <h2 id="identity-title">"Identity"</h2>
                <dl class="facts">
                    <dt>"Date of birth"</dt><dd>{or_dash(&d.date_of_birth)}{age}</dd>
                    <dt>"Nationality"</dt><dd>{or_dash(&d.nationality)}</dd>
                    <dt>"Passport"</dt><dd>{or_dash(&d.passport_number)}</dd>
                    <dt>"Passport expiry"</dt><dd>{or_dash(&d.passport_expiry)}</dd>
                </dl>
            </section>
            <section class="card" aria-labelledby="contact-title">
                <h2 id="contact-title">"Contact"</h2>
                <dl class="facts">
                    <dt>"Email"</dt><dd>{or_dash(&d.email)}</dd>
                    <dt>"Phone"</dt><dd>{or_dash(&d.phone)}</dd>
                    <dt>"Address"</dt><dd>{or_dash(&d.address)}</dd>
                </dl>
            </section>
        </div>
        <section class="card" aria-labelledby="education-title">
            <h2 id="education-title">"Education"</h2>
            {if d.education.is_empty() { view! { <p class="muted">"None recorded."</p> }.into_any() } else {
                view! { <ul class="entries">{d.education.iter().map(|e| view! {
                    <li>
                        <strong>{e.level.label()} " in " {e.field.clone()}</strong>
                        {e.stem.then(|| view! { " " <span class="badge">"STEM"</span> })}
                        <br/>{e.institution.clone()} {(!e.country.is_empty()).then(|| format!(", {}", e.country))}
                        {(!e.completed_on.is_empty()).then(|| format!(" · completed {}", e.completed_on))}
                    </li>
                }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="work-title">
            <h2 id="work-title">"Work"</h2>
            {if d.work.is_empty() { view! { <p class="muted">"None recorded."</p> }.into_any() } else {
                view! { <ul class="entries">{d.work.iter().map(|w| view! {
                    <li>
                        <strong>{w.role.clone()} " at " {w.employer.clone()}</strong>
                        {w.research_or_teaching.then(|| view! { " " <span class="badge">"Research / teaching"</span> })}
                        {work_facts(w).map(|f| view! { <br/>{f} })}
                    </li>
                }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="languages-title">
            <h2 id="languages-title">"Languages"</h2>
            {if d.languages.is_empty() { view! { <p class="muted">"None recorded."</p> }.into_any() } else {
                view! { <ul class="entries">{d.languages.iter().map(|l| view! {
                    <li><strong>{l.language.clone()}</strong> {(!l.test.is_empty()).then(|| format!(" · {} {}", l.test, l.level))}</li>
                }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <p class="muted small">"Version " {client.version} " · created " {format_utc(client.created_at)} " · updated " {format_utc(client.updated_at)}</p>
    }
}

/// The client's cases, and a form to open another.
#[component]
fn ClientCases(
    client_id: ClientId,
    cases: Result<CasePage, AppError>,
    staff: Vec<StaffRef>,
    can_open: bool,
) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="cases-title">
            <h2 id="cases-title">"Cases"</h2>
            {match cases {
                Ok(p) if p.total == 0 => view! { <p class="muted">"No cases yet."</p> }.into_any(),
                Ok(p) => view! { <crate::pages::cases::CaseTable page=p/> }.into_any(),
                Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
            }}
        </section>
        {can_open.then(|| view! { <NewCaseForm client_id staff/> })}
    }
}

#[component]
fn NewCaseForm(client_id: ClientId, staff: Vec<StaffRef>) -> impl IntoView {
    let create = ServerAction::<CreateCase>::new();
    let error = action_error(create.value());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(case)) = create.value().get() {
            navigate(&format!("/cases/{}", case.id), Default::default());
        }
    });
    let options = move |roles: &'static [Role]| {
        staff
            .iter()
            .filter(|s| roles.contains(&s.role))
            .map(|s| view! { <option value=s.id.to_string()>{s.display_name.clone()}</option> })
            .collect_view()
    };
    view! {
        <section class="card" aria-labelledby="new-case-title">
            <h2 id="new-case-title">"Open a case"</h2>
            <FormError error/>
            <ActionForm action=create attr:class="grid-form">
                <input type="hidden" name="client_id" value=client_id.to_string()/>
                <div class="field">
                    <label for="nc-programme">"Programme"</label>
                    <select id="nc-programme" name="programme">
                        {Programme::ALL.into_iter().map(|p| view! { <option value=p.code()>{p.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="nc-priority">"Priority"</label>
                    <select id="nc-priority" name="priority">
                        {Priority::ALL.into_iter().map(|p| view! { <option value=p.code() selected=p == Priority::Normal>{p.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="nc-attorney">"Attorney"</label>
                    <select id="nc-attorney" name="attorney_id">
                        <option value="">"Not yet assigned"</option>
                        {options(&[Role::Attorney, Role::Admin])}
                    </select>
                </div>
                <div class="field">
                    <label for="nc-paralegal">"Paralegal"</label>
                    <select id="nc-paralegal" name="paralegal_id">
                        <option value="">"Not yet assigned"</option>
                        {options(&[Role::Paralegal])}
                    </select>
                </div>
                <div class="field">
                    <label for="nc-target">"Target filing date"</label>
                    <input id="nc-target" type="date" name="target_filing_on"/>
                </div>
                <div class="field">
                    <label for="nc-notes">"Internal notes"</label>
                    <input id="nc-notes" type="text" name="internal_notes" maxlength="2000"/>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button" disabled=move || create.pending().get()>"Open case"</button>
                </div>
            </ActionForm>
        </section>
    }
}

/// Staff make a one-time portal link for the client and copy it to them.
#[component]
fn PortalInvite(client_id: ClientId, email: String, can_edit: bool) -> impl IntoView {
    if !can_edit {
        return ().into_any();
    }
    let invite = ServerAction::<InviteApplicant>::new();
    let error = action_error(invite.value());
    let origin = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Ok(o) = window().location().origin() {
            origin.set(o);
        }
    });
    let copied = RwSignal::new(false);
    view! {
        <section class="card" aria-labelledby="portal-title">
            <h2 id="portal-title">"Applicant portal"</h2>
            <p class="muted small">
                {if email.trim().is_empty() {
                    "Add the client's email address to invite them.".to_string()
                } else {
                    format!("Invite {email} to follow their case and upload documents. The link works once, for {INVITATION_DAYS} days; a new link replaces an unused one.")
                }}
            </p>
            <FormError error/>
            <ActionForm action=invite attr:class="inline-form">
                <input type="hidden" name="client_id" value=client_id.to_string()/>
                <button type="submit" class="button button-small" disabled=move || invite.pending().get()>"Email an invitation"</button>
            </ActionForm>
            {move || invite.value().get().and_then(|r| r.ok()).map(|inv| {
                let link = format!("{}{}", origin.get(), inv.path);
                let to_copy = link.clone();
                let said = if inv.emailed {
                    format!("The invitation is on its way to {} (the link works until {}). You can also copy it into a message of your own:", inv.email, format_utc(inv.expires_at))
                } else {
                    format!("Send this link to {} (valid until {}):", inv.email, format_utc(inv.expires_at))
                };
                view! {
                    <div class="invite-link" role="status">
                        <label for="invite-link">{said}</label>
                        <input id="invite-link" type="text" readonly value=link/>
                        <button type="button" class="button button-small button-secondary" on:click=move |_| {
                            let _ = window().navigator().clipboard().write_text(&to_copy);
                            copied.set(true);
                        }>{move || if copied.get() { "Copied" } else { "Copy link" }}</button>
                    </div>
                }
            })}
        </section>
    }
    .into_any()
}
