//! The firm's settings on the admin page: its name in emails, and the
//! eligibility settings where public sources are vague.

use crate::api::eligibility::{load_eligibility_context, save_eligibility_settings};
use crate::api::mail::{
    load_digest_schedule, load_firm_profile, SaveDigestSchedule, SaveFirmProfile,
};
use crate::api::second_factor::{load_security_policy, SaveSecurityPolicy};
use crate::components::field::Field;
use crate::components::form::{action_error, FormError, FormSuccess};
use crate::domain::delivery::{DigestSchedule, COMMON_TIME_ZONES};
use crate::domain::mail::{FirmProfile, FIRM_NAME_MAX};
use crate::domain::problem::{Problem, Thing};
use crate::domain::second_factor::{SecondFactorRule, SecurityPolicy};
use crate::eligibility::{Settings, AGE_SETTING_RANGE};
use crate::error::AppError;
use crate::i18n::{td_string, use_locale};
use leptos::prelude::*;

/// Both settings forms, each loaded on its own.
#[component]
pub fn FirmSettings() -> impl IntoView {
    let context = Resource::new(|| (), |_| load_eligibility_context());
    let firm = Resource::new(|| (), |_| load_firm_profile());
    let digest = Resource::new(|| (), |_| load_digest_schedule());
    let security = Resource::new(|| (), |_| load_security_policy());
    let l = use_locale();
    view! {
        <Transition fallback=move || view! { <p class="muted">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match security.await {
                    Ok(p) => view! { <SecurityForm current=p/> }.into_any(),
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
                }
            })}
        </Transition>
        <Transition fallback=move || view! { <p class="muted">{td_string!(l, firm.loading_name)}</p> }>
            {move || Suspend::new(async move {
                match firm.await {
                    Ok(f) => view! { <FirmNameForm current=f/> }.into_any(),
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
                }
            })}
        </Transition>
        <Transition fallback=move || view! { <p class="muted">{td_string!(l, firm.loading_digest)}</p> }>
            {move || Suspend::new(async move {
                match digest.await {
                    Ok(d) => view! { <DigestForm current=d/> }.into_any(),
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
                }
            })}
        </Transition>
        <Transition fallback=move || view! { <p class="muted">{td_string!(l, firm.loading_settings)}</p> }>
            {move || Suspend::new(async move {
                match context.await {
                    Ok(c) => view! { <EligibilitySettingsForm current=c.settings/> }.into_any(),
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The firm's name, which signs every email.
#[component]
fn FirmNameForm(current: FirmProfile) -> impl IntoView {
    let l = use_locale();
    let save = ServerAction::<SaveFirmProfile>::new();
    let error = action_error(save.value());
    let saved = Signal::derive(move || match save.value().get() {
        Some(Ok(f)) => Some(if f.message_text_in_email {
            td_string!(l, firm.saved_name_quoting, name = f.name).to_string()
        } else {
            td_string!(l, firm.saved_name, name = f.name).to_string()
        }),
        _ => None,
    });
    view! {
        <section aria-labelledby="firm-title" class="card">
            <h2 id="firm-title">{td_string!(l, firm.in_emails)}</h2>
            <p class="hint small">{td_string!(l, firm.in_emails_hint)}</p>
            <FormSuccess message=saved/>
            <Show when=move || error.get().is_some_and(|e| e.field() != Some("name"))>
                <FormError error/>
            </Show>
            <ActionForm action=save attr:class="stack" attr:novalidate="novalidate">
                <div class="field">
                    <label for="firm-name">{td_string!(l, firm.name)}</label>
                    <input id="firm-name" type="text" name="name" value=current.name required maxlength=FIRM_NAME_MAX.to_string()/>
                    <p class="field-error" role="alert">{move || error.get().and_then(|e| e.message_for(l, "name"))}</p>
                </div>
                <div class="field">
                    <label class="checkbox">
                        <input type="checkbox" name="message_text_in_email" value="on" checked=current.message_text_in_email/>
                        {td_string!(l, firm.quote)}
                    </label>
                    <p class="hint small">{td_string!(l, firm.quote_hint)}</p>
                </div>
                <div><button type="submit" class="button" disabled=move || save.pending().get()>{td_string!(l, admin.save)}</button></div>
            </ActionForm>
        </section>
    }
}

/// When the daily digest goes out: an hour in the firm's time zone.
#[component]
fn DigestForm(current: DigestSchedule) -> impl IntoView {
    let l = use_locale();
    let save = ServerAction::<SaveDigestSchedule>::new();
    let error = action_error(save.value());
    let saved = Signal::derive(move || match save.value().get() {
        Some(Ok(d)) => Some(td_string!(l, firm.saved_digest, time = d.describe()).to_string()),
        _ => None,
    });
    let general = Signal::derive(move || {
        error
            .get()
            .filter(|e| !matches!(e.field(), Some("time_zone" | "hour")))
    });
    let hours = (0u8..24)
        .map(|h| view! { <option value=h.to_string() selected=h == current.hour>{format!("{h:02}:00")}</option> })
        .collect_view();
    let zones = COMMON_TIME_ZONES
        .iter()
        .map(|z| view! { <option value=*z></option> })
        .collect_view();
    view! {
        <section aria-labelledby="digest-title" class="card">
            <h2 id="digest-title">{td_string!(l, firm.digest)}</h2>
            <p class="hint small">{td_string!(l, firm.digest_hint)}</p>
            <FormSuccess message=saved/>
            <FormError error=general/>
            <ActionForm action=save attr:class="grid-form" attr:novalidate="novalidate">
                <div class="field">
                    <label for="digest-zone">{td_string!(l, firm.time_zone)}</label>
                    <input id="digest-zone" type="text" name="time_zone" value=current.time_zone list="digest-zones" required autocomplete="off" spellcheck="false"/>
                    <datalist id="digest-zones">{zones}</datalist>
                    <p class="hint small">{td_string!(l, firm.time_zone_hint)}</p>
                    <p class="field-error" role="alert">{move || error.get().and_then(|e| e.message_for(l, "time_zone"))}</p>
                </div>
                <div class="field">
                    <label for="digest-hour">{td_string!(l, firm.sent_from)}</label>
                    <select id="digest-hour" name="hour">{hours}</select>
                    <p class="hint small">{td_string!(l, firm.local_time)}</p>
                    <p class="field-error" role="alert">{move || error.get().and_then(|e| e.message_for(l, "hour"))}</p>
                </div>
                <div><button type="submit" class="button" disabled=move || save.pending().get()>{td_string!(l, admin.save)}</button></div>
            </ActionForm>
        </section>
    }
}

/// Who must use a second factor to sign in.
#[component]
fn SecurityForm(current: SecurityPolicy) -> impl IntoView {
    let l = use_locale();
    let save = ServerAction::<SaveSecurityPolicy>::new();
    let error = action_error(save.value());
    let saved = Signal::derive(move || match save.value().get() {
        Some(Ok(_)) => Some(td_string!(l, second_factor.policy_saved).to_string()),
        _ => None,
    });
    let options = SecondFactorRule::ALL
        .into_iter()
        .map(|r| {
            view! {
                <option value=r.code() selected=r == current.second_factor>
                    {crate::i18n::names::second_factor_rule(l, r)}
                </option>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="security-title" class="card">
            <h2 id="security-title">{td_string!(l, second_factor.policy_title)}</h2>
            <p class="hint small">{td_string!(l, second_factor.policy_hint)}</p>
            <FormSuccess message=saved/>
            <FormError error/>
            <ActionForm action=save attr:class="grid-form" attr:novalidate="novalidate">
                <div class="field">
                    <label for="security-rule">{td_string!(l, second_factor.policy_label)}</label>
                    <select id="security-rule" name="second_factor">{options}</select>
                </div>
                <div class="field">
                    <label class="checkbox">
                        <input type="checkbox" name="passkey_sign_in" value="true" checked=current.passkey_sign_in/>
                        {td_string!(l, second_factor.policy_passkey_label)}
                    </label>
                </div>
                <div><button type="submit" class="button" disabled=move || save.pending().get()>{td_string!(l, admin.save)}</button></div>
            </ActionForm>
        </section>
    }
}

/// The firm's eligibility settings, where public sources are vague.
#[component]
fn EligibilitySettingsForm(current: Settings) -> impl IntoView {
    let l = use_locale();
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
            done.set(Some(
                td_string!(
                    l,
                    firm.saved_settings,
                    k = s.k_visa_max_age,
                    b = s.z_permit_b_max_age
                )
                .to_string(),
            ));
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
            (None, _) => error.set(Some(AppError::invalid(
                "k_visa_max_age",
                Problem::OutOfRange {
                    thing: Thing::KVisaAgeLimit,
                    lo,
                    hi,
                },
            ))),
            (_, None) => error.set(Some(AppError::invalid(
                "z_permit_b_max_age",
                Problem::OutOfRange {
                    thing: Thing::WorkPermitBAgeLimit,
                    lo,
                    hi,
                },
            ))),
        }
    };
    let err = move |f: &'static str| {
        Signal::derive(move || error.get().and_then(|e| e.message_for(l, f)))
    };
    view! {
        <section aria-labelledby="settings-title" class="card">
            <h2 id="settings-title">{td_string!(l, firm.settings)}</h2>
            <p class="hint small">{td_string!(l, firm.settings_hint)}</p>
            <form novalidate on:submit=submit>
                <div class="grid-form">
                    <Field label=td_string!(l, firm.k_age).into() id="s-k-age".into() value=k_age error=err("k_visa_max_age") kind="number" hint=td_string!(l, firm.k_age_hint)/>
                    <Field label=td_string!(l, firm.b_age).into() id="s-b-age".into() value=b_age error=err("z_permit_b_max_age") kind="number" hint=td_string!(l, firm.b_age_hint)/>
                </div>
                {move || error.get().filter(|e| e.problem_for("k_visa_max_age").is_none() && e.problem_for("z_permit_b_max_age").is_none()).map(|e| view! {
                    <p class="alert alert-error" role="alert">{e.message(l)}</p>
                })}
                <p class="alert alert-success" role="status" hidden=move || done.get().is_none()>{move || done.get()}</p>
                <button type="submit" class="button" disabled=move || save.pending().get()>{td_string!(l, firm.save_settings)}</button>
            </form>
        </section>
    }
}
