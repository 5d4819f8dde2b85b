//! The Admin page's document integrity card: when the scrub last read every
//! stored document back, what it found, and how often it runs.

use crate::api::audit::last_scrub;
use crate::domain::scrub::{FindingKind, ScrubFinding, ScrubRun, ScrubStatus};
use crate::i18n::format::{bytes, date_time};
use crate::i18n::{td_string, use_locale, Locale};
use leptos::prelude::*;
use leptos_router::components::A;

/// The card, loaded with the page.
#[component]
pub fn ScrubCard() -> impl IntoView {
    let l = use_locale();
    let status = Resource::new(|| (), |_| last_scrub());
    view! {
        <section aria-labelledby="scrub-title" class="card scrub-card">
            <h2 id="scrub-title">{td_string!(l, scrub.title)}</h2>
            <Transition fallback=move || view! { <p class="muted">{td_string!(l, scrub.loading)}</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(s) => view! { <Status status=s/> }.into_any(),
                        Err(e) => view! { <p class="alert alert-error" role="alert">{e.message(l)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Status(status: ScrubStatus) -> impl IntoView {
    let l = use_locale();
    let schedule = if status.every_hours == 0 {
        td_string!(l, scrub.manual).to_string()
    } else {
        td_string!(l, scrub.every, hours = status.every_hours).to_string()
    };
    view! {
        {match status.last {
            None => view! { <p>{td_string!(l, scrub.never)}</p> }.into_any(),
            Some(run) => view! { <LastRun run/> }.into_any(),
        }}
        <p class="small muted">{schedule} " " {td_string!(l, scrub.command)} " " <code>"visadesk scrub"</code></p>
    }
}

#[component]
fn LastRun(run: ScrubRun) -> impl IntoView {
    let l = use_locale();
    let how = if run.scheduled {
        td_string!(l, scrub.by_schedule)
    } else {
        td_string!(l, scrub.by_command)
    };
    let when = td_string!(
        l,
        scrub.last_run,
        time = date_time(l, run.started_at),
        how = how
    )
    .to_string();
    let (summary, class) = summary(l, &run);
    let shown = run.findings.len() as i64;
    let total = run.missing + run.corrupt + run.unreadable + run.orphaned;
    let more = (total > shown).then(|| td_string!(l, scrub.more, n = total - shown).to_string());
    let findings = run.findings;
    view! {
        <p>{when}</p>
        <p class=class>{summary}</p>
        {(!findings.is_empty()).then(|| view! {
            <div class="table-wrap">
                <table class="table scrub-findings">
                    <thead>
                        <tr>
                            <th scope="col">{td_string!(l, scrub.problem)}</th>
                            <th scope="col">{td_string!(l, scrub.document)}</th>
                            <th scope="col">{td_string!(l, scrub.object)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {findings.into_iter().map(|f| view! { <FindingRow finding=f/> }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        {more.map(|m| view! { <p class="small muted">{m}</p> })}
    }
}

/// The run's outcome in one sentence, and the alert style it calls for.
fn summary(l: Locale, run: &ScrubRun) -> (String, &'static str) {
    if run.finished_at.is_none() {
        return (td_string!(l, scrub.running).to_string(), "alert alert-info");
    }
    if run.failure.is_some() {
        return (
            td_string!(l, scrub.stopped, checked = run.checked).to_string(),
            "alert alert-error",
        );
    }
    if run.all_intact() && run.checked == 0 {
        return (
            td_string!(l, scrub.nothing).to_string(),
            "alert alert-success",
        );
    }
    if run.all_intact() {
        return (
            td_string!(
                l,
                scrub.intact,
                checked = run.checked,
                size = bytes(l, run.bytes.max(0) as u64)
            )
            .to_string(),
            "alert alert-success",
        );
    }
    let counts = td_string!(
        l,
        scrub.counts,
        checked = run.checked,
        missing = run.missing,
        corrupt = run.corrupt,
        unreadable = run.unreadable,
        orphaned = run.orphaned
    )
    .to_string();
    let class = if run.lost_something() {
        "alert alert-error"
    } else {
        "alert alert-info"
    };
    (counts, class)
}

fn kind_name(l: Locale, kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::Missing => td_string!(l, scrub.missing),
        FindingKind::WrongKey => td_string!(l, scrub.wrong_key),
        FindingKind::Damaged => td_string!(l, scrub.damaged),
        FindingKind::Unreadable => td_string!(l, scrub.unreadable),
        FindingKind::Orphaned => td_string!(l, scrub.orphaned),
    }
}

#[component]
fn FindingRow(finding: ScrubFinding) -> impl IntoView {
    let l = use_locale();
    let kind = finding.kind;
    let badge = match kind {
        FindingKind::Orphaned | FindingKind::Unreadable => "badge badge-off",
        _ => "badge badge-danger",
    };
    let document = match (finding.case_id, finding.file_name, finding.version) {
        (Some(case), Some(name), Some(version)) => view! {
            <A href=format!("/cases/{case}")>{td_string!(l, scrub.version_of, name = name, version = version).to_string()}</A>
        }
        .into_any(),
        _ => view! { <span class="muted">{td_string!(l, scrub.no_document)}</span> }.into_any(),
    };
    view! {
        <tr>
            <td data-label=td_string!(l, scrub.problem)><span class=badge>{kind_name(l, kind)}</span></td>
            <td data-label=td_string!(l, scrub.document)>{document}</td>
            <td data-label=td_string!(l, scrub.object)><code class="small">{finding.storage_key}</code></td>
        </tr>
    }
}
