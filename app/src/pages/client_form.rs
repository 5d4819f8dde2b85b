//! `/clients/new` and `/clients/:id/edit`: one form for a client's details.
//! Everything typed stays in the form whatever the server answers.

use crate::api::clients::{get_client, save_client};
use crate::api::eligibility::load_eligibility_context;
use crate::components::eligibility::AssessSection;
use crate::components::field::{Check, Field};
use crate::components::layout::RequirePermission;
use crate::domain::assessment::EligibilityContext;
use crate::domain::client::{
    changed_fields, Client, ClientInput, ClientSummary, Education, EducationLevel, LanguageSkill,
    SaveOutcome, Work, LIST_MAX,
};
use crate::domain::problem::Thing;
use crate::domain::{ClientId, CurrentUser, Language, Permission};
use crate::error::AppError;
use crate::i18n::problems::things;
use crate::i18n::{names, td_string, use_locale};
use crate::pages::client_facts::{FactsDraft, FactsFieldset};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

/// A new client.
#[component]
pub fn NewClientPage() -> impl IntoView {
    let context = Resource::new(|| (), |_| load_eligibility_context());
    let loc = use_locale();
    view! {
        <Title text=td_string!(loc, client_form.new_title)/>
        <RequirePermission
            permission=Permission::EditClients
            page=move |_: CurrentUser| view! {
                <Transition fallback=move || view! { <p class="muted">{td_string!(loc, common.loading)}</p> }>
                    {move || Suspend::new(async move {
                        let context = context.await.ok();
                        view! { <ClientForm existing=None context/> }
                    })}
                </Transition>
            }
        />
    }
}

/// Editing a client.
#[component]
pub fn EditClientPage() -> impl IntoView {
    let params = use_params_map();
    let client = Resource::new(
        move || ClientId::new(params.read().get("id").unwrap_or_default()),
        get_client,
    );
    let context = Resource::new(|| (), |_| load_eligibility_context());
    let loc = use_locale();
    view! {
        <Title text=td_string!(loc, client_form.edit_page_title)/>
        <RequirePermission
            permission=Permission::EditClients
            page=move |_: CurrentUser| view! {
                <Transition fallback=move || view! { <p class="muted">{td_string!(loc, common.loading)}</p> }>
                    {move || Suspend::new(async move {
                        let context = context.await.ok();
                        match client.await {
                            Ok(c) => view! { <ClientForm existing=Some(c) context/> }.into_any(),
                            Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(loc)}</p> }.into_any(),
                        }
                    })}
                </Transition>
            }
        />
    }
}

#[derive(Clone, Copy)]
struct EduDraft {
    key: u64,
    level: RwSignal<String>,
    field: RwSignal<String>,
    stem: RwSignal<bool>,
    institution: RwSignal<String>,
    country: RwSignal<String>,
    completed_on: RwSignal<String>,
}

#[derive(Clone, Copy)]
struct WorkDraft {
    key: u64,
    role: RwSignal<String>,
    employer: RwSignal<String>,
    country: RwSignal<String>,
    start_on: RwSignal<String>,
    end_on: RwSignal<String>,
    research_or_teaching: RwSignal<bool>,
}

#[derive(Clone, Copy)]
struct LangDraft {
    key: u64,
    language: RwSignal<String>,
    test: RwSignal<String>,
    level: RwSignal<String>,
}

/// The form's state: one signal per field, so nothing typed is ever lost.
#[derive(Clone, Copy)]
struct Draft {
    full_name: RwSignal<String>,
    latin_name: RwSignal<String>,
    email: RwSignal<String>,
    phone: RwSignal<String>,
    address: RwSignal<String>,
    date_of_birth: RwSignal<String>,
    nationality: RwSignal<String>,
    passport_number: RwSignal<String>,
    passport_expiry: RwSignal<String>,
    preferred_language: RwSignal<Language>,
    education: RwSignal<Vec<EduDraft>>,
    work: RwSignal<Vec<WorkDraft>>,
    languages: RwSignal<Vec<LangDraft>>,
    facts: FactsDraft,
    next_key: RwSignal<u64>,
}

impl Draft {
    fn new(d: &ClientInput) -> Draft {
        let next_key = RwSignal::new(0u64);
        let key = move || {
            let k = next_key.get_untracked();
            next_key.set(k + 1);
            k
        };
        Draft {
            full_name: RwSignal::new(d.full_name.clone()),
            latin_name: RwSignal::new(d.latin_name.clone()),
            email: RwSignal::new(d.email.clone()),
            phone: RwSignal::new(d.phone.clone()),
            address: RwSignal::new(d.address.clone()),
            date_of_birth: RwSignal::new(d.date_of_birth.clone()),
            nationality: RwSignal::new(d.nationality.clone()),
            passport_number: RwSignal::new(d.passport_number.clone()),
            passport_expiry: RwSignal::new(d.passport_expiry.clone()),
            preferred_language: RwSignal::new(d.preferred_language),
            education: RwSignal::new(d.education.iter().map(|e| edu_draft(key(), e)).collect()),
            work: RwSignal::new(d.work.iter().map(|w| work_draft(key(), w)).collect()),
            languages: RwSignal::new(d.languages.iter().map(|l| lang_draft(key(), l)).collect()),
            facts: FactsDraft::new(&d.eligibility),
            next_key,
        }
    }

    fn key(&self) -> u64 {
        let k = self.next_key.get_untracked();
        self.next_key.set(k + 1);
        k
    }

    /// The client as typed. Reads are tracked, so a memo of it follows
    /// every keystroke; call it inside `untrack` elsewhere.
    fn input(&self) -> ClientInput {
        ClientInput {
            full_name: self.full_name.get(),
            latin_name: self.latin_name.get(),
            email: self.email.get(),
            phone: self.phone.get(),
            address: self.address.get(),
            date_of_birth: self.date_of_birth.get(),
            nationality: self.nationality.get(),
            passport_number: self.passport_number.get(),
            passport_expiry: self.passport_expiry.get(),
            education: self
                .education
                .get()
                .iter()
                .map(|e| Education {
                    level: EducationLevel::from_code(&e.level.get())
                        .unwrap_or(EducationLevel::Bachelor),
                    field: e.field.get(),
                    stem: e.stem.get(),
                    institution: e.institution.get(),
                    country: e.country.get(),
                    completed_on: e.completed_on.get(),
                })
                .collect(),
            work: self
                .work
                .get()
                .iter()
                .map(|w| Work {
                    role: w.role.get(),
                    employer: w.employer.get(),
                    country: w.country.get(),
                    start_on: w.start_on.get(),
                    end_on: w.end_on.get(),
                    research_or_teaching: w.research_or_teaching.get(),
                })
                .collect(),
            languages: self
                .languages
                .get()
                .iter()
                .map(|l| LanguageSkill {
                    language: l.language.get(),
                    test: l.test.get(),
                    level: l.level.get(),
                })
                .collect(),
            eligibility: self.facts.facts(),
            preferred_language: self.preferred_language.get(),
        }
    }
}

fn edu_draft(key: u64, e: &Education) -> EduDraft {
    EduDraft {
        key,
        level: RwSignal::new(e.level.code().to_string()),
        field: RwSignal::new(e.field.clone()),
        stem: RwSignal::new(e.stem),
        institution: RwSignal::new(e.institution.clone()),
        country: RwSignal::new(e.country.clone()),
        completed_on: RwSignal::new(e.completed_on.clone()),
    }
}

fn work_draft(key: u64, w: &Work) -> WorkDraft {
    WorkDraft {
        key,
        role: RwSignal::new(w.role.clone()),
        employer: RwSignal::new(w.employer.clone()),
        country: RwSignal::new(w.country.clone()),
        start_on: RwSignal::new(w.start_on.clone()),
        end_on: RwSignal::new(w.end_on.clone()),
        research_or_teaching: RwSignal::new(w.research_or_teaching),
    }
}

fn lang_draft(key: u64, l: &LanguageSkill) -> LangDraft {
    LangDraft {
        key,
        language: RwSignal::new(l.language.clone()),
        test: RwSignal::new(l.test.clone()),
        level: RwSignal::new(l.level.clone()),
    }
}

/// What the form shows after a save attempt that did not leave the page.
#[derive(Clone, Debug, PartialEq)]
enum Notice {
    Duplicates(Vec<ClientSummary>),
    Conflict { changed: Vec<Thing> },
}

#[component]
fn ClientForm(existing: Option<Client>, context: Option<EligibilityContext>) -> impl IntoView {
    let loc = use_locale();
    let id = existing.as_ref().map(|c| c.id.clone());
    let opened = RwSignal::new(
        existing
            .as_ref()
            .map(|c| c.details.clone())
            .unwrap_or_default(),
    );
    let base_version = RwSignal::new(existing.as_ref().map(|c| c.version));
    let draft = Draft::new(&opened.get_untracked());
    let error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<Notice>);
    let navigate = use_navigate();

    let save = Action::new(move |(input, confirm): &(ClientInput, bool)| {
        let (id, input, confirm) = (id.clone(), input.clone(), *confirm);
        async move { save_client(id, base_version.get_untracked(), input, confirm).await }
    });
    Effect::new(move |_| {
        let Some(result) = save.value().get() else {
            return;
        };
        match result {
            Ok(SaveOutcome::Saved(client)) => {
                error.set(None);
                navigate(&format!("/clients/{}", client.id), Default::default());
            }
            Ok(SaveOutcome::PossibleDuplicate(list)) => {
                error.set(None);
                notice.set(Some(Notice::Duplicates(list)));
            }
            Ok(SaveOutcome::Conflict(current)) => {
                error.set(None);
                let changed = changed_fields(&opened.get_untracked(), &current.details);
                opened.set(current.details.clone());
                base_version.set(Some(current.version));
                notice.set(Some(Notice::Conflict { changed }));
            }
            Err(e) => {
                notice.set(None);
                error.set(Some(e));
            }
        }
    });
    let submit = move |confirm: bool| {
        save.dispatch((untrack(|| draft.input()), confirm));
    };
    let err = move |path: String| {
        Signal::derive(move || error.get().and_then(|e| e.message_for(loc, &path)))
    };
    let is_new = existing.is_none();
    let cancel_href = existing
        .as_ref()
        .map(|c| format!("/clients/{}", c.id))
        .unwrap_or_else(|| "/clients".into());
    let title = existing
        .as_ref()
        .map(|c| {
            td_string!(
                loc,
                client_form.edit_title,
                name = c.details.full_name.clone()
            )
            .to_string()
        })
        .unwrap_or_else(|| td_string!(loc, client_form.new_title).into());

    view! {
        <p class="muted small"><A href="/clients">{td_string!(loc, clients.title)}</A> " / " {title.clone()}</p>
        <h1>{title}</h1>
        <Show when=move || error.get().is_some()>
            <p class="alert alert-error" role="alert">{move || error.get().map(|e| e.message(loc))}</p>
        </Show>
        {move || notice.get().map(|n| match n {
            Notice::Duplicates(list) => view! {
                <div class="alert alert-warning" role="alert">
                    <p><strong>{td_string!(loc, client_form.maybe_duplicate)}</strong> {td_string!(loc, client_form.duplicates_share)}</p>
                    <ul>
                        {list.into_iter().map(|c| view! {
                            <li><A href=format!("/clients/{}", c.id)>{c.full_name}</A> " · " {c.email} " · " {c.passport_number}</li>
                        }).collect_view()}
                    </ul>
                    <button type="button" class="button button-secondary" on:click=move |_| submit(true)>
                        {td_string!(loc, client_form.save_anyway)}
                    </button>
                </div>
            }.into_any(),
            Notice::Conflict { changed } => view! {
                <div class="alert alert-warning" role="alert">
                    <p>
                        <strong>{td_string!(loc, client_form.saved_meanwhile)}</strong>
                        {if changed.is_empty() {
                            td_string!(loc, client_form.nothing_changed).to_string()
                        } else {
                            td_string!(loc, client_form.they_changed, fields = things(loc, &changed)).to_string()
                        }}
                    </p>
                    <p>{td_string!(loc, client_form.edits_kept)}</p>
                </div>
            }.into_any(),
        })}
        <div class="client-form-layout">
        <form class="client-form" novalidate on:submit=move |ev| { ev.prevent_default(); submit(false); }>
            <fieldset class="card">
                <legend>{td_string!(loc, client.identity)}</legend>
                <div class="grid-form">
                    <Field label=td_string!(loc, client_form.full_name).into() id="c-full-name".into() value=draft.full_name error=err("full_name".into()) required=true maxlength=200 hint=td_string!(loc, client_form.full_name_hint)/>
                    <Field label=td_string!(loc, client_form.latin_name).into() id="c-latin-name".into() value=draft.latin_name error=err("latin_name".into()) maxlength=200 hint=td_string!(loc, client_form.latin_name_hint)/>
                    <Field label=td_string!(loc, client.date_of_birth).into() id="c-dob".into() value=draft.date_of_birth error=err("date_of_birth".into()) kind="date"/>
                    <Field label=td_string!(loc, clients.nationality).into() id="c-nationality".into() value=draft.nationality error=err("nationality".into()) maxlength=2 hint=td_string!(loc, client_form.nationality_hint)/>
                    <Field label=td_string!(loc, client_form.passport_number).into() id="c-passport".into() value=draft.passport_number error=err("passport_number".into()) maxlength=24/>
                    <Field label=td_string!(loc, client.passport_expiry).into() id="c-passport-expiry".into() value=draft.passport_expiry error=err("passport_expiry".into()) kind="date"/>
                </div>
            </fieldset>
            <fieldset class="card">
                <legend>{td_string!(loc, client.contact)}</legend>
                <div class="grid-form">
                    <Field label=td_string!(loc, common.email).into() id="c-email".into() value=draft.email error=err("email".into()) kind="email" maxlength=254 autocomplete="off"/>
                    <Field label=td_string!(loc, client.phone).into() id="c-phone".into() value=draft.phone error=err("phone".into()) kind="tel" maxlength=200/>
                    <Field label=td_string!(loc, client.address).into() id="c-address".into() value=draft.address error=err("address".into()) maxlength=200/>
                    <div class="field">
                        <label for="c-language">{td_string!(loc, client_form.preferred_language)}</label>
                        <select id="c-language" on:change=move |ev| {
                            if let Some(language) = Language::from_code(&event_target_value(&ev)) {
                                draft.preferred_language.set(language);
                            }
                        }>
                            {Language::ALL.into_iter().map(|language| view! {
                                <option value=language.code() selected=move || draft.preferred_language.get() == language>{language.native_name()}</option>
                            }).collect_view()}
                        </select>
                        <p class="hint small">{td_string!(loc, client_form.preferred_language_hint)}</p>
                    </div>
                </div>
            </fieldset>
            <fieldset class="card">
                <legend>{td_string!(loc, client.education)}</legend>
                <For each=move || draft.education.get() key=|d| d.key let:d>
                    {
                        let index = move || draft.education.with(|l| l.iter().position(|x| x.key == d.key).unwrap_or(0));
                        let p = move |f: &'static str| Signal::derive(move || error.get().and_then(|e| e.message_for(loc, &format!("education.{}.{f}", index()))));
                        let n = d.key;
                        view! {
                            <div class="entry">
                                <div class="grid-form">
                                    <div class="field">
                                        <label for=format!("edu-{n}-level")>{td_string!(loc, client_form.level)}</label>
                                        <select id=format!("edu-{n}-level") on:change=move |ev| d.level.set(event_target_value(&ev))>
                                            {EducationLevel::ALL.into_iter().map(|l| view! {
                                                <option value=l.code() selected=move || d.level.get() == l.code()>{names::education_level(loc, l)}</option>
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <Field label=td_string!(loc, client_form.field_of_study).into() id=format!("edu-{n}-field") value=d.field error=p("field") required=true maxlength=200/>
                                    <Field label=td_string!(loc, client_form.institution).into() id=format!("edu-{n}-institution") value=d.institution error=p("institution") required=true maxlength=200/>
                                    <Field label=td_string!(loc, client_form.country).into() id=format!("edu-{n}-country") value=d.country error=p("country") maxlength=2 hint=td_string!(loc, client_form.country_hint)/>
                                    <Field label=td_string!(loc, client_form.completed_on).into() id=format!("edu-{n}-completed") value=d.completed_on error=p("completed_on") kind="date"/>
                                    <Check label=td_string!(loc, client_form.stem).into() id=format!("edu-{n}-stem") checked=d.stem/>
                                </div>
                                <button type="button" class="button button-small button-danger" on:click=move |_| draft.education.update(|l| l.retain(|x| x.key != n))>
                                    {td_string!(loc, client_form.remove_education)}
                                </button>
                            </div>
                        }
                    }
                </For>
                <button type="button" class="button button-secondary" disabled=move || draft.education.with(|l| l.len() >= LIST_MAX)
                    on:click=move |_| { let k = draft.key(); draft.education.update(|l| l.push(edu_draft(k, &Education { level: EducationLevel::Bachelor, field: String::new(), stem: false, institution: String::new(), country: String::new(), completed_on: String::new() }))) }>
                    {td_string!(loc, client_form.add_education)}
                </button>
            </fieldset>
            <fieldset class="card">
                <legend>{td_string!(loc, client.work)}</legend>
                <For each=move || draft.work.get() key=|d| d.key let:w>
                    {
                        let index = move || draft.work.with(|l| l.iter().position(|x| x.key == w.key).unwrap_or(0));
                        let p = move |f: &'static str| Signal::derive(move || error.get().and_then(|e| e.message_for(loc, &format!("work.{}.{f}", index()))));
                        let n = w.key;
                        view! {
                            <div class="entry">
                                <div class="grid-form">
                                    <Field label=td_string!(loc, client_form.role).into() id=format!("work-{n}-role") value=w.role error=p("role") required=true maxlength=200/>
                                    <Field label=td_string!(loc, client_form.employer).into() id=format!("work-{n}-employer") value=w.employer error=p("employer") required=true maxlength=200/>
                                    <Field label=td_string!(loc, client_form.country).into() id=format!("work-{n}-country") value=w.country error=p("country") maxlength=2 hint=td_string!(loc, client_form.country_hint)/>
                                    <Field label=td_string!(loc, client_form.started).into() id=format!("work-{n}-start") value=w.start_on error=p("start_on") kind="date"/>
                                    <Field label=td_string!(loc, client_form.ended).into() id=format!("work-{n}-end") value=w.end_on error=p("end_on") kind="date" hint=td_string!(loc, client_form.ended_hint)/>
                                    <Check label=td_string!(loc, client_form.research).into() id=format!("work-{n}-research") checked=w.research_or_teaching/>
                                </div>
                                <button type="button" class="button button-small button-danger" on:click=move |_| draft.work.update(|l| l.retain(|x| x.key != n))>
                                    {td_string!(loc, client_form.remove_job)}
                                </button>
                            </div>
                        }
                    }
                </For>
                <button type="button" class="button button-secondary" disabled=move || draft.work.with(|l| l.len() >= LIST_MAX)
                    on:click=move |_| { let k = draft.key(); draft.work.update(|l| l.push(work_draft(k, &Work { role: String::new(), employer: String::new(), country: String::new(), start_on: String::new(), end_on: String::new(), research_or_teaching: false }))) }>
                    {td_string!(loc, client_form.add_work)}
                </button>
            </fieldset>
            <fieldset class="card">
                <legend>{td_string!(loc, client.languages)}</legend>
                <For each=move || draft.languages.get() key=|d| d.key let:l>
                    {
                        let index = move || draft.languages.with(|x| x.iter().position(|y| y.key == l.key).unwrap_or(0));
                        let p = move |f: &'static str| Signal::derive(move || error.get().and_then(|e| e.message_for(loc, &format!("languages.{}.{f}", index()))));
                        let n = l.key;
                        view! {
                            <div class="entry">
                                <div class="grid-form">
                                    <Field label=td_string!(loc, client_form.language).into() id=format!("lang-{n}-language") value=l.language error=p("language") required=true maxlength=200/>
                                    <Field label=td_string!(loc, client_form.test).into() id=format!("lang-{n}-test") value=l.test error=p("test") maxlength=200 hint=td_string!(loc, client_form.test_hint)/>
                                    <Field label=td_string!(loc, client_form.level_or_score).into() id=format!("lang-{n}-level") value=l.level error=p("level") maxlength=200 hint=td_string!(loc, client_form.level_hint)/>
                                </div>
                                <button type="button" class="button button-small button-danger" on:click=move |_| draft.languages.update(|x| x.retain(|y| y.key != n))>
                                    {td_string!(loc, client_form.remove_language)}
                                </button>
                            </div>
                        }
                    }
                </For>
                <button type="button" class="button button-secondary" disabled=move || draft.languages.with(|l| l.len() >= LIST_MAX)
                    on:click=move |_| { let k = draft.key(); draft.languages.update(|l| l.push(lang_draft(k, &LanguageSkill { language: String::new(), test: String::new(), level: String::new() }))) }>
                    {td_string!(loc, client_form.add_language)}
                </button>
            </fieldset>
            <FactsFieldset draft=draft.facts error/>
            <div class="form-actions sticky-actions">
                <button type="submit" class="button" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { td_string!(loc, common.saving) } else if is_new { td_string!(loc, client_form.create) } else { td_string!(loc, client_form.save_changes) }}
                </button>
                " "
                <A href=cancel_href attr:class="button button-secondary">{td_string!(loc, common.cancel)}</A>
            </div>
        </form>
        {context.map(|context| view! {
            <aside class="eligibility-live">
                <AssessSection profile=Signal::derive(move || draft.input().eligibility_profile()) live=true context/>
            </aside>
        })}
        </div>
    }
}
