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
use crate::domain::{ClientId, CurrentUser, Language, Permission};
use crate::domain::{Programme, Role};
use crate::error::AppError;
use crate::i18n::{format, names, td_string, use_locale, Locale};
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
    let l = use_locale();
    view! {
        <Title text=td_string!(l, client.title)/>
        <RequirePermission
            permission=Permission::ViewClients
            page=move |viewer: CurrentUser| view! {
                <Transition fallback=move || view! { <p class="muted">{td_string!(l, common.loading)}</p> }>
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
                                        let language = c.details.preferred_language;
                                        let can_edit = viewer.role.can(Permission::EditClients);
                                        view! {
                                            <div class="client-page">
                                                <Profile client=c can_edit/>
                                                <ClientCases client_id=id cases staff can_open=viewer.role.can(Permission::CreateCases)/>
                                                <PortalInvite client_id=portal_id email language can_edit/>
                                                {match (context, edit_href) {
                                                    (Ok(context), Some(href)) => view! { <AssessSection profile=Signal::stored(profile) context edit_href=href/> }.into_any(),
                                                    (Ok(context), None) => view! { <AssessSection profile=Signal::stored(profile) context/> }.into_any(),
                                                    (Err(e), _) => view! { <p class="alert alert-error" role="alert">{td_string!(l, case.eligibility_failed, error = e.message(l)).to_string()}</p> }.into_any(),
                                                }}
                                            </div>
                                        }
                                        .into_any()
                                    }
                                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
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

/// "CN · since 1 September 2021", leaving out what is unknown.
fn work_facts(l: Locale, w: &crate::domain::client::Work) -> Option<String> {
    let date = |d: &str| format::iso_date(l, d);
    let period = match (w.start_on.as_str(), w.end_on.as_str()) {
        ("", "") => None,
        (start, "") => Some(td_string!(l, client.since, date = date(start)).to_string()),
        ("", end) => Some(td_string!(l, client.until, date = date(end)).to_string()),
        (start, end) => {
            Some(td_string!(l, client.from_to, start = date(start), end = date(end)).to_string())
        }
    };
    let parts: Vec<String> = [(!w.country.is_empty()).then(|| w.country.clone()), period]
        .into_iter()
        .flatten()
        .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

#[component]
fn Profile(client: Client, can_edit: bool) -> impl IntoView {
    let l = use_locale();
    let d = client.details.clone();
    let today = Date::from_unix(client.updated_at.max(0));
    let age = Date::parse(&d.date_of_birth).map(|b| {
        td_string!(
            l,
            client.age_on,
            age = b.years_until(today),
            date = format::date(l, today)
        )
        .to_string()
    });
    view! {
        <Title text=d.full_name.clone()/>
        <p class="muted small"><A href="/clients">{td_string!(l, clients.title)}</A> " / " {d.full_name.clone()}</p>
        <div class="page-head">
            <h1>{d.full_name.clone()} {(!d.latin_name.is_empty()).then(|| view! { <span class="muted latin">" " {d.latin_name.clone()}</span> })}</h1>
            {can_edit.then(|| view! { <A href=format!("/clients/{}/edit", client.id) attr:class="button">{td_string!(l, client.edit)}</A> })}
        </div>
        <div class="detail-grid">
            <section class="card" aria-labelledby="identity-title">
                <h2 id="identity-title">{td_string!(l, client.identity)}</h2>
                <dl class="facts">
                    <dt>{td_string!(l, client.date_of_birth)}</dt><dd>{or_dash(&format::iso_date(l, &d.date_of_birth))}{age}</dd>
                    <dt>{td_string!(l, clients.nationality)}</dt><dd>{or_dash(&d.nationality)}</dd>
                    <dt>{td_string!(l, clients.passport)}</dt><dd>{or_dash(&d.passport_number)}</dd>
                    <dt>{td_string!(l, client.passport_expiry)}</dt><dd>{or_dash(&format::iso_date(l, &d.passport_expiry))}</dd>
                </dl>
            </section>
            <section class="card" aria-labelledby="contact-title">
                <h2 id="contact-title">{td_string!(l, client.contact)}</h2>
                <dl class="facts">
                    <dt>{td_string!(l, common.email)}</dt><dd>{or_dash(&d.email)}</dd>
                    <dt>{td_string!(l, client.phone)}</dt><dd>{or_dash(&d.phone)}</dd>
                    <dt>{td_string!(l, client.address)}</dt><dd>{or_dash(&d.address)}</dd>
                    <dt>{td_string!(l, client_form.preferred_language)}</dt><dd lang=d.preferred_language.code()>{d.preferred_language.native_name()}</dd>
                </dl>
            </section>
        </div>
        <section class="card" aria-labelledby="education-title">
            <h2 id="education-title">{td_string!(l, client.education)}</h2>
            {if d.education.is_empty() { view! { <p class="muted">{td_string!(l, client.none_recorded)}</p> }.into_any() } else {
                view! { <ul class="entries">{d.education.iter().map(|e| view! {
                    <li>
                        <strong>{td_string!(l, client.degree_in, level = names::education_level(l, e.level), field = e.field.clone()).to_string()}</strong>
                        {e.stem.then(|| view! { " " <span class="badge">"STEM"</span> })}
                        <br/>{e.institution.clone()} {(!e.country.is_empty()).then(|| format!(", {}", e.country))}
                        {(!e.completed_on.is_empty()).then(|| td_string!(l, client.completed, date = format::iso_date(l, &e.completed_on)).to_string())}
                    </li>
                }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="work-title">
            <h2 id="work-title">{td_string!(l, client.work)}</h2>
            {if d.work.is_empty() { view! { <p class="muted">{td_string!(l, client.none_recorded)}</p> }.into_any() } else {
                view! { <ul class="entries">{d.work.iter().map(|w| view! {
                    <li>
                        <strong>{td_string!(l, client.role_at, role = w.role.clone(), employer = w.employer.clone()).to_string()}</strong>
                        {w.research_or_teaching.then(|| view! { " " <span class="badge">{td_string!(l, client.research_teaching)}</span> })}
                        {work_facts(l, w).map(|f| view! { <br/>{f} })}
                    </li>
                }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="languages-title">
            <h2 id="languages-title">{td_string!(l, client.languages)}</h2>
            {if d.languages.is_empty() { view! { <p class="muted">{td_string!(l, client.none_recorded)}</p> }.into_any() } else {
                view! { <ul class="entries">{d.languages.iter().map(|skill| view! {
                    <li><strong>{skill.language.clone()}</strong> {(!skill.test.is_empty()).then(|| format!(" · {} {}", skill.test, skill.level))}</li>
                }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <p class="muted small">{td_string!(l, client.version_line, version = client.version, created = format::date_time(l, client.created_at), updated = format::date_time(l, client.updated_at)).to_string()}</p>
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
    let l = use_locale();
    view! {
        <section class="card" aria-labelledby="cases-title">
            <h2 id="cases-title">{td_string!(l, cases.title)}</h2>
            {match cases {
                Ok(p) if p.total == 0 => view! { <p class="muted">{td_string!(l, client.no_cases)}</p> }.into_any(),
                Ok(p) => view! { <crate::pages::cases::CaseTable page=p/> }.into_any(),
                Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
            }}
        </section>
        {can_open.then(|| view! { <NewCaseForm client_id staff/> })}
    }
}

#[component]
fn NewCaseForm(client_id: ClientId, staff: Vec<StaffRef>) -> impl IntoView {
    let l = use_locale();
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
            <h2 id="new-case-title">{td_string!(l, client.open_case_title)}</h2>
            <FormError error/>
            <ActionForm action=create attr:class="grid-form">
                <input type="hidden" name="client_id" value=client_id.to_string()/>
                <div class="field">
                    <label for="nc-programme">{td_string!(l, cases.programme)}</label>
                    <select id="nc-programme" name="programme">
                        {Programme::ALL.into_iter().map(|p| view! { <option value=p.code()>{names::programme(l, p)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="nc-priority">{td_string!(l, cases.priority)}</label>
                    <select id="nc-priority" name="priority">
                        {Priority::ALL.into_iter().map(|p| view! { <option value=p.code() selected=p == Priority::Normal>{names::priority(l, p)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="nc-attorney">{td_string!(l, cases.attorney)}</label>
                    <select id="nc-attorney" name="attorney_id">
                        <option value="">{td_string!(l, client.not_assigned)}</option>
                        {options(&[Role::Attorney, Role::Admin])}
                    </select>
                </div>
                <div class="field">
                    <label for="nc-paralegal">{td_string!(l, cases.paralegal)}</label>
                    <select id="nc-paralegal" name="paralegal_id">
                        <option value="">{td_string!(l, client.not_assigned)}</option>
                        {options(&[Role::Paralegal])}
                    </select>
                </div>
                <div class="field">
                    <label for="nc-target">{td_string!(l, client.target_filing_date)}</label>
                    <input id="nc-target" type="date" name="target_filing_on"/>
                </div>
                <div class="field">
                    <label for="nc-notes">{td_string!(l, case.notes)}</label>
                    <input id="nc-notes" type="text" name="internal_notes" maxlength="2000"/>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button" disabled=move || create.pending().get()>{td_string!(l, client.open_case)}</button>
                </div>
            </ActionForm>
        </section>
    }
}

/// Staff make a one-time portal link for the client and copy it to them.
#[component]
fn PortalInvite(
    client_id: ClientId,
    email: String,
    /// The client's language: the copied link opens the join page in it.
    language: Language,
    can_edit: bool,
) -> impl IntoView {
    if !can_edit {
        return ().into_any();
    }
    let l = use_locale();
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
            <h2 id="portal-title">{td_string!(l, client.portal)}</h2>
            <p class="muted small">
                {if email.trim().is_empty() {
                    td_string!(l, client.add_email_first).to_string()
                } else {
                    td_string!(l, client.invite_hint, email = email.clone(), days = INVITATION_DAYS).to_string()
                }}
            </p>
            <FormError error/>
            <ActionForm action=invite attr:class="inline-form">
                <input type="hidden" name="client_id" value=client_id.to_string()/>
                <button type="submit" class="button button-small" disabled=move || invite.pending().get()>{td_string!(l, client.email_invitation)}</button>
            </ActionForm>
            {move || invite.value().get().and_then(|r| r.ok()).map(|inv| {
                let link = format!("{}{}?lang={}", origin.get(), inv.path, language.code());
                let to_copy = link.clone();
                let until = format::date_time(l, inv.expires_at);
                let said = if inv.emailed {
                    td_string!(l, client.invitation_sent, email = inv.email.clone(), time = until).to_string()
                } else {
                    td_string!(l, client.send_link, email = inv.email.clone(), time = until).to_string()
                };
                view! {
                    <div class="invite-link" role="status">
                        <label for="invite-link">{said}</label>
                        <input id="invite-link" type="text" readonly value=link/>
                        <button type="button" class="button button-small button-secondary" on:click=move |_| {
                            let _ = window().navigator().clipboard().write_text(&to_copy);
                            copied.set(true);
                        }>{move || if copied.get() { td_string!(l, client.copied) } else { td_string!(l, client.copy_link) }}</button>
                    </div>
                }
            })}
        </section>
    }
    .into_any()
}
