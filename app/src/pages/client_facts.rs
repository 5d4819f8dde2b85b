//! The client form's "Job offer and eligibility facts" section.

use crate::components::field::{Field, YesNo};
use crate::eligibility::{EligibilityFacts, JobOffer};
use crate::error::AppError;
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
    let err = move |f: &'static str| {
        Signal::derive(move || {
            error
                .get()
                .and_then(|e| e.message_for(&format!("eligibility.job_offer.{f}")))
        })
    };
    view! {
        <fieldset class="card">
            <legend>"Eligibility facts"</legend>
            <p class="hint small">"What the firm has confirmed. \"Not known\" leaves a criterion open."</p>
            <div class="grid-form">
                <YesNo label="Well-known university or research body (K visa)" id="f-well-known" value=draft.institution_well_known hint="The decree does not define it: the firm judges."/>
                <YesNo label="Top university, Fortune 500 employer or patent" id="f-top-ranked" value=draft.top_ranked hint="China work-permit points"/>
                <YesNo label="Meets a Category A talent criterion" id="f-high-end" value=draft.high_end_talent hint="Recognised award, selected talent programme…"/>
                <YesNo label="Holds the talent confirmation letter" id="f-letter" value=draft.talent_confirmation_letter hint="China R visa: issued to high-end foreign talent"/>
                <YesNo label="In the United States now" id="f-in-us" value=draft.in_us hint="H-1B $100,000 payment"/>
            </div>
        </fieldset>
        <fieldset class="card">
            <legend>"Job offer"</legend>
            <div class="field field-check">
                <input id="f-has-offer" type="checkbox" bind:checked=draft.has_offer/>
                <label for="f-has-offer">"The client has a job offer"</label>
            </div>
            <div class="grid-form" hidden=move || !draft.has_offer.get()>
                <Field label="Country of work".into() id="f-offer-country".into() value=draft.country error=err("country") maxlength=2 hint="Two-letter code, e.g. DE, US, CN"/>
                <Field label="Employer".into() id="f-offer-employer".into() value=draft.employer error=err("employer") maxlength=200/>
                <Field label="Occupation".into() id="f-offer-occupation".into() value=draft.occupation error=err("occupation") maxlength=200/>
                <Field label="Gross annual salary".into() id="f-offer-salary".into() value=draft.annual_salary error=err("annual_salary") maxlength=20 hint="e.g. 50700 or 45934.20"/>
                <Field label="Currency".into() id="f-offer-currency".into() value=draft.currency error=err("currency") maxlength=3 hint="e.g. EUR, USD, CNY"/>
                <Field label="Contract length (months)".into() id="f-offer-duration".into() value=draft.duration_months error=err("duration_months") maxlength=10 hint="Months, or open-ended"/>
                <YesNo label="Employer will sponsor (petition, permit)" id="f-offer-sponsors" value=draft.employer_sponsors/>
                <YesNo label="Specialty occupation (US)" id="f-offer-specialty" value=draft.specialty_occupation hint="Needs a degree in a specific specialty"/>
                <YesNo label="Prevailing wage met on a certified LCA (US)" id="f-offer-wage" value=draft.prevailing_wage_met/>
                <YesNo label="Cap-exempt employer (US)" id="f-offer-cap-exempt" value=draft.cap_exempt_employer hint="Universities, non-profit research"/>
                <YesNo label="Shortage occupation (Germany)" id="f-offer-shortage" value=draft.shortage_occupation/>
                <Field label="Months a year working in China".into() id="f-offer-months".into() value=draft.months_per_year error=err("months_per_year") maxlength=2/>
                <YesNo label="Encouraged region of China" id="f-offer-region" value=draft.encouraged_region hint="Western, north-east, poverty counties"/>
                <Field label="Local incentive points (China)".into() id="f-offer-local".into() value=draft.local_incentive_points error=err("local_incentive_points") maxlength=2 hint="0 to 10, set by the province"/>
            </div>
        </fieldset>
    }
}
