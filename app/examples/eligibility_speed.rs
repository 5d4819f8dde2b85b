//! Eligibility benchmark: assesses 100,000 generated profiles against every
//! programme on one thread and prints the time (median and best of several
//! rounds). Figures only; nothing passes or fails on speed.
//!   cargo run --release -p visadesk-app --example eligibility_speed [profiles] [rounds]

use std::hint::black_box;
use std::time::{Duration, Instant};
use visadesk_app::domain::client::{Education, EducationLevel, LanguageSkill, Work};
use visadesk_app::domain::date::Date;
use visadesk_app::eligibility::{
    assess, programmes, EligibilityFacts, JobOffer, Outcome, Profile, Settings,
};

/// A small deterministic generator (SplitMix64), so every run sees the same profiles.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn date(&mut self, from: i32, years: u64) -> String {
        format!(
            "{:04}-{:02}-{:02}",
            from + self.below(years) as i32,
            1 + self.below(12),
            1 + self.below(28)
        )
    }
    fn maybe(&mut self) -> Option<bool> {
        match self.below(3) {
            0 => None,
            1 => Some(true),
            _ => Some(false),
        }
    }
}

fn profile(d: &mut Dice) -> Profile {
    let education = (0..d.below(3))
        .map(|_| Education {
            level: EducationLevel::ALL[d.below(5) as usize],
            field: "Computer science".into(),
            stem: d.below(3) > 0,
            institution: "University".into(),
            country: ["US", "IN", "CN", "DE"][d.below(4) as usize].into(),
            completed_on: d.date(2000, 26),
        })
        .collect();
    let work = (0..d.below(4))
        .map(|_| Work {
            role: "Engineer".into(),
            employer: "Employer".into(),
            country: "IN".into(),
            start_on: d.date(2005, 18),
            end_on: if d.below(2) == 0 {
                String::new()
            } else {
                d.date(2015, 11)
            },
            research_or_teaching: d.below(5) == 0,
        })
        .collect();
    let (country, currency) = [("CN", "CNY"), ("US", "USD"), ("DE", "EUR")][d.below(3) as usize];
    let job_offer = (d.below(4) > 0).then(|| JobOffer {
        country: country.into(),
        employer: "Employer".into(),
        occupation: "Engineer".into(),
        annual_salary: format!("{}.{:02}", 20_000 + d.below(500_000), d.below(100)),
        currency: currency.into(),
        specialty_occupation: d.maybe(),
        shortage_occupation: d.maybe(),
        duration_months: if d.below(2) == 0 {
            String::new()
        } else {
            (1 + d.below(36)).to_string()
        },
        employer_sponsors: d.maybe(),
        cap_exempt_employer: d.maybe(),
        prevailing_wage_met: d.maybe(),
        months_per_year: d.below(13).to_string(),
        encouraged_region: d.maybe(),
        local_incentive_points: d.below(11).to_string(),
    });
    Profile {
        date_of_birth: d.date(1960, 48),
        nationality: "IN".into(),
        education,
        work,
        languages: (d.below(3) == 0)
            .then(|| LanguageSkill {
                language: "Chinese".into(),
                test: "HSK".into(),
                level: (1 + d.below(6)).to_string(),
            })
            .into_iter()
            .collect(),
        eligibility: EligibilityFacts {
            in_us: d.maybe(),
            institution_well_known: d.maybe(),
            top_ranked: d.maybe(),
            high_end_talent: d.maybe(),
            talent_confirmation_letter: d.maybe(),
            job_offer,
        },
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let mut dice = Dice(2026);
    let profiles: Vec<Profile> = (0..count).map(|_| profile(&mut dice)).collect();
    let on = Date {
        year: 2026,
        month: 11,
        day: 24,
    };
    let settings = Settings::default();
    let programme_count = programmes().count();

    let mut times: Vec<Duration> = Vec::with_capacity(rounds);
    let mut eligible = 0usize;
    for round in 0..=rounds {
        eligible = 0;
        let started = Instant::now();
        for p in &profiles {
            let a = assess(black_box(p), on, &settings, None);
            eligible += a
                .programmes
                .iter()
                .filter(|r| r.outcome == Outcome::Eligible)
                .count();
            black_box(a);
        }
        if round > 0 {
            times.push(started.elapsed()); // round 0 warms up
        }
    }
    times.sort();
    let median = times[times.len() / 2];
    let best = times[0];
    println!(
        "eligibility: {count} profiles x {programme_count} programmes on one thread, {rounds} rounds"
    );
    println!(
        "  median {:.3} s ({:.0} profiles/s, {:.2} µs per profile), best {:.3} s; goal under 1 s",
        median.as_secs_f64(),
        count as f64 / median.as_secs_f64(),
        median.as_secs_f64() * 1e6 / count as f64,
        best.as_secs_f64()
    );
    println!(
        "  ({eligible} eligible outcomes of {})",
        count * programme_count
    );
}
