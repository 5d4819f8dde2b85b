//! The client form's "Job offer and eligibility facts" section.

use crate::components::field::{Field, YesNo};
use crate::eligibility::{EligibilityFacts, JobOffer};
use crate::error::AppError;
use crate::i18n::td_string;
use leptos::prelude::*;

/// One signal per fact, so nothing typed is lost.
#[derive(Clone, Copy)]
pub struct FactsDraft {
    in_us: RwSignal<Option<bool>>,
    institution_well_known: RwSignal<Option<bool>>,
    top_ranked: RwSignal<Option<bool>>,
    high_end_talent: RwSignal<Option<bool>>,
    talent_confirmation_letter: RwSignal<Option<bool>>,
    has_offer: RwSignal<bool>,
    country: RwSignal<String>,
    employer: RwSignal<String>,
    occupation: RwSignal<String>,
    annual_salary: RwSignal<String>,
    currency: RwSignal<String>,
    duration_months: RwSignal<String>,
    specialty_occupation: RwSignal<Option<bool>>,
    shortage_occupation: RwSignal<Option<bool>>,
    employer_sponsors: RwSignal<Option<bool>>,
    cap_exempt_employer: RwSignal<Option<bool>>,
    prevailing_wage_met: RwSignal<Option<bool>>,
    months_per_year: RwSignal<String>,
    encouraged_region: RwSignal<Option<bool>>,
    local_incentive_points: RwSignal<String>,
}

impl FactsDraft {
    /// The draft of `facts`.
    pub fn new(facts: &EligibilityFacts) -> FactsDraft {
        let o = facts.job_offer.clone().unwrap_or_default();
        FactsDraft {
            in_us: RwSignal::new(facts.in_us),
            institution_well_known: RwSignal::new(facts.institution_well_known),
            top_ranked: RwSignal::new(facts.top_ranked),
            high_end_talent: RwSignal::new(facts.high_end_talent),
            talent_confirmation_letter: RwSignal::new(facts.talent_confirmation_letter),
            has_offer: RwSignal::new(facts.job_offer.is_some()),
            country: RwSignal::new(o.country),
            employer: RwSignal::new(o.employer),
            occupation: RwSignal::new(o.occupation),
            annual_salary: RwSignal::new(o.annual_salary),
            currency: RwSignal::new(o.currency),
            duration_months: RwSignal::new(o.duration_months),
            specialty_occupation: RwSignal::new(o.specialty_occupation),
            shortage_occupation: RwSignal::new(o.shortage_occupation),
            employer_sponsors: RwSignal::new(o.employer_sponsors),
            cap_exempt_employer: RwSignal::new(o.cap_exempt_employer),
            prevailing_wage_met: RwSignal::new(o.prevailing_wage_met),
            months_per_year: RwSignal::new(o.months_per_year),
            encouraged_region: RwSignal::new(o.encouraged_region),
            local_incentive_points: RwSignal::new(o.local_incentive_points),
        }
    }

    /// The facts as typed (tracked reads: a memo of it follows typing).
    pub fn facts(&self) -> EligibilityFacts {
        let job_offer = self.has_offer.get().then(|| JobOffer {
            country: self.country.get(),
            employer: self.employer.get(),
            occupation: self.occupation.get(),
            annual_salary: self.annual_salary.get(),
            currency: self.currency.get(),
            duration_months: self.duration_months.get(),
            specialty_occupation: self.specialty_occupation.get(),
            shortage_occupation: self.shortage_occupation.get(),
            employer_sponsors: self.employer_sponsors.get(),
            cap_exempt_employer: self.cap_exempt_employer.get(),
            prevailing_wage_met: self.prevailing_wage_met.get(),
            months_per_year: self.months_per_year.get(),
            encouraged_region: self.encouraged_region.get(),
            local_incentive_points: self.local_incentive_points.get(),
        });
        EligibilityFacts {
            in_us: self.in_us.get(),
            institution_well_known: self.institution_well_known.get(),
            top_ranked: self.top_ranked.get(),
            high_end_talent: self.high_end_talent.get(),
            talent_confirmation_letter: self.talent_confirmation_letter.get(),
            job_offer,
        }
    }
}

/// The section of the form.
#[component]
pub fn FactsFieldset(draft: FactsDraft, error: RwSignal<Option<AppError>>) -> impl IntoView {
    let l = crate::i18n::use_locale();
    let err = move |f: &'static str| {
        Signal::derive(move || {
            error
                .get()
                .and_then(|e| e.message_for(l, &format!("eligibility.job_offer.{f}")))
        })
    };
    view! {
        <fieldset class="card">
            <legend>{td_string!(l, facts.title)}</legend>
            <p class="hint small">{td_string!(l, facts.intro)}</p>
            <div class="grid-form">
                <YesNo label=td_string!(l, facts.well_known) id="f-well-known" value=draft.institution_well_known hint=td_string!(l, facts.well_known_hint)/>
                <YesNo label=td_string!(l, facts.top_ranked) id="f-top-ranked" value=draft.top_ranked hint=td_string!(l, facts.top_ranked_hint)/>
                <YesNo label=td_string!(l, facts.high_end) id="f-high-end" value=draft.high_end_talent hint=td_string!(l, facts.high_end_hint)/>
                <YesNo label=td_string!(l, facts.letter) id="f-letter" value=draft.talent_confirmation_letter hint=td_string!(l, facts.letter_hint)/>
                <YesNo label=td_string!(l, facts.in_us) id="f-in-us" value=draft.in_us hint=td_string!(l, facts.in_us_hint)/>
            </div>
        </fieldset>
        <fieldset class="card">
            <legend>{td_string!(l, facts.job_offer)}</legend>
            <div class="field field-check">
                <input id="f-has-offer" type="checkbox" bind:checked=draft.has_offer/>
                <label for="f-has-offer">{td_string!(l, facts.has_offer)}</label>
            </div>
            <div class="grid-form" hidden=move || !draft.has_offer.get()>
                <Field label=td_string!(l, facts.country_of_work).into() id="f-offer-country".into() value=draft.country error=err("country") maxlength=2 hint=td_string!(l, facts.country_hint)/>
                <Field label=td_string!(l, client_form.employer).into() id="f-offer-employer".into() value=draft.employer error=err("employer") maxlength=200/>
                <Field label=td_string!(l, facts.occupation).into() id="f-offer-occupation".into() value=draft.occupation error=err("occupation") maxlength=200/>
                <Field label=td_string!(l, facts.salary).into() id="f-offer-salary".into() value=draft.annual_salary error=err("annual_salary") maxlength=20 hint=td_string!(l, facts.salary_hint)/>
                <Field label=td_string!(l, facts.currency).into() id="f-offer-currency".into() value=draft.currency error=err("currency") maxlength=3 hint=td_string!(l, facts.currency_hint)/>
                <Field label=td_string!(l, facts.duration).into() id="f-offer-duration".into() value=draft.duration_months error=err("duration_months") maxlength=10 hint=td_string!(l, facts.duration_hint)/>
                <YesNo label=td_string!(l, facts.sponsors) id="f-offer-sponsors" value=draft.employer_sponsors/>
                <YesNo label=td_string!(l, facts.specialty) id="f-offer-specialty" value=draft.specialty_occupation hint=td_string!(l, facts.specialty_hint)/>
                <YesNo label=td_string!(l, facts.wage) id="f-offer-wage" value=draft.prevailing_wage_met/>
                <YesNo label=td_string!(l, facts.cap_exempt) id="f-offer-cap-exempt" value=draft.cap_exempt_employer hint=td_string!(l, facts.cap_exempt_hint)/>
                <YesNo label=td_string!(l, facts.shortage) id="f-offer-shortage" value=draft.shortage_occupation/>
                <Field label=td_string!(l, facts.months).into() id="f-offer-months".into() value=draft.months_per_year error=err("months_per_year") maxlength=2/>
                <YesNo label=td_string!(l, facts.region) id="f-offer-region" value=draft.encouraged_region hint=td_string!(l, facts.region_hint)/>
                <Field label=td_string!(l, facts.local_points).into() id="f-offer-local".into() value=draft.local_incentive_points error=err("local_incentive_points") maxlength=2 hint=td_string!(l, facts.local_points_hint)/>
            </div>
        </fieldset>
    }
}
