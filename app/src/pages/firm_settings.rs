//! The firm's settings on the admin page: its name in emails, and the
//! eligibility settings where public sources are vague.

use crate::api::eligibility::{load_eligibility_context, save_eligibility_settings};
use crate::api::mail::{
    load_digest_schedule, load_firm_profile, SaveDigestSchedule, SaveFirmProfile,
};
use crate::components::field::Field;
use crate::components::form::{action_error, FormError, FormSuccess};
use crate::domain::delivery::{DigestSchedule, COMMON_TIME_ZONES};
use crate::domain::mail::{FirmProfile, FIRM_NAME_MAX};
use crate::eligibility::{Settings, AGE_SETTING_RANGE};
use crate::error::AppError;
use leptos::prelude::*;

/// Both settings forms, each loaded on its own.
#[component]
pub fn FirmSettings() -> impl IntoView {
    let context = Resource::new(|| (), |_| load_eligibility_context());
    let firm = Resource::new(|| (), |_| load_firm_profile());
    let digest = Resource::new(|| (), |_| load_digest_schedule());
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading the firm's name…"</p> }>
            {move || Suspend::new(async move {
                match firm.await {
                    Ok(f) => view! { <FirmNameForm current=f/> }.into_any(),
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
        <Transition fallback=|| view! { <p class="muted">"Loading the digest's hour…"</p> }>
            {move || Suspend::new(async move {
                match digest.await {
                    Ok(d) => view! { <DigestForm current=d/> }.into_any(),
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
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

/// The firm's name, which signs every email.
#[component]
fn FirmNameForm(current: FirmProfile) -> impl IntoView {
    let save = ServerAction::<SaveFirmProfile>::new();
    let error = action_error(save.value());
    let saved = Signal::derive(move || match save.value().get() {
        Some(Ok(f)) => Some(format!(
            "Saved: emails now come from \"{}\"{}.",
            f.name,
            if f.message_text_in_email {
                " and quote messages"
            } else {
                ""
            }
        )),
        _ => None,
    });
    view! {
        <section aria-labelledby="firm-title" class="card">
            <h2 id="firm-title">"The firm in emails"</h2>
            <p class="hint small">"The sender name and the signature of every email Visadesk sends for the firm."</p>
            <FormSuccess message=saved/>
            <Show when=move || error.get().is_some_and(|e| e.field() != Some("name"))>
                <FormError error/>
            </Show>
            <ActionForm action=save attr:class="stack" attr:novalidate="novalidate">
                <div class="field">
                    <label for="firm-name">"Firm name"</label>
                    <input id="firm-name" type="text" name="name" value=current.name required maxlength=FIRM_NAME_MAX.to_string()/>
                    <p class="field-error" role="alert">{move || error.get().and_then(|e| e.message_for("name"))}</p>
                </div>
                <div class="field">
                    <label class="checkbox">
                        <input type="checkbox" name="message_text_in_email" value="on" checked=current.message_text_in_email/>
                        " Quote a message's text in the email that announces it"
                    </label>
                    <p class="hint small">"Off: the email says who wrote and links to the message. Email leaves the firm's control, so leave it off unless clients ask."</p>
                </div>
                <div><button type="submit" class="button" disabled=move || save.pending().get()>"Save"</button></div>
            </ActionForm>
        </section>
    }
}

/// When the daily digest goes out: an hour in the firm's time zone.
#[component]
fn DigestForm(current: DigestSchedule) -> impl IntoView {
    let save = ServerAction::<SaveDigestSchedule>::new();
    let error = action_error(save.value());
    let saved = Signal::derive(move || match save.value().get() {
        Some(Ok(d)) => Some(format!(
            "Saved: the daily digest goes out from {} every day.",
            d.describe()
        )),
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
            <h2 id="digest-title">"Daily digest"</h2>
            <p class="hint small">"Each morning staff get one email with their overdue tasks, what is due today and tomorrow, and their cases' target filings within 7 days; anyone who chose \"In the daily digest\" for some news gets it there. Nobody gets an empty digest."</p>
            <FormSuccess message=saved/>
            <FormError error=general/>
            <ActionForm action=save attr:class="grid-form" attr:novalidate="novalidate">
                <div class="field">
                    <label for="digest-zone">"The firm's time zone"</label>
                    <input id="digest-zone" type="text" name="time_zone" value=current.time_zone list="digest-zones" required autocomplete="off" spellcheck="false"/>
                    <datalist id="digest-zones">{zones}</datalist>
                    <p class="hint small">"An IANA name, such as Asia/Shanghai or Europe/Berlin."</p>
                    <p class="field-error" role="alert">{move || error.get().and_then(|e| e.message_for("time_zone"))}</p>
                </div>
                <div class="field">
                    <label for="digest-hour">"Sent from"</label>
                    <select id="digest-hour" name="hour">{hours}</select>
                    <p class="hint small">"Local time in that zone."</p>
                    <p class="field-error" role="alert">{move || error.get().and_then(|e| e.message_for("hour"))}</p>
                </div>
                <div><button type="submit" class="button" disabled=move || save.pending().get()>"Save"</button></div>
            </ActionForm>
        </section>
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
