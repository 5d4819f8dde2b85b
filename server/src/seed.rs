//! `visadesk seed-demo`: a realistic firm to try Visadesk with, or (with
//! `--scale N`) N clients and N cases to measure it with.

use crate::auth::now;
use crate::backend::{By, VisadeskBackend};
use crate::error::ServerError;
use crate::store::audit::{self, Entry};
use crate::store::cases::{self, CaseRow, EventRow};
use crate::store::checklist;
use crate::store::clients;
use crate::store::tasks::{self, TaskRow};
use visadesk_app::domain::case::{reference, Priority};
use visadesk_app::domain::client::{ClientInput, Education, EducationLevel, LanguageSkill, Work};
use visadesk_app::domain::date::Date;
use visadesk_app::domain::{Language, NewStaffUser, Programme, Role, Stage};
use visadesk_app::eligibility::EligibilityFacts;
use visadesk_app::AppError;

/// The password of every demo staff account (printed by the command).
pub const DEMO_PASSWORD: &str = "visadesk demo 2026";

/// What was created.
#[derive(Debug, Default)]
pub struct Seeded {
    pub staff: Vec<(String, Role)>,
    pub clients: usize,
    pub cases: usize,
}

/// A small deterministic generator (xorshift), so demo data is the same each run.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// (name in its own script, name in Latin letters, nationality)
const PEOPLE: [(&str, &str, &str); 24] = [
    ("王伟", "WANG Wei", "CN"),
    ("李娜", "LI Na", "CN"),
    ("Priya Sharma", "", "IN"),
    ("Arjun Mehta", "", "IN"),
    ("अनन्या राव", "Ananya Rao", "IN"),
    ("Nguyễn Văn An", "NGUYEN Van An", "VN"),
    ("Иван Петров", "Ivan Petrov", "RU"),
    ("محمد علي", "Mohammed Ali", "EG"),
    ("김민준", "KIM Min-jun", "KR"),
    ("田中太郎", "TANAKA Taro", "JP"),
    ("Chiamaka Okafor", "", "NG"),
    ("João Silva", "", "BR"),
    ("María García", "", "MX"),
    ("Fatima Zahra", "", "MA"),
    ("Ahmed Khan", "", "PK"),
    ("Maria Santos", "", "PH"),
    ("Lukas Becker", "", "DE"),
    ("Emily Johnson", "", "US"),
    ("Aylin Yılmaz", "", "TR"),
    ("Oluwaseun Adeyemi", "", "NG"),
    ("Sofia Rossi", "", "IT"),
    ("Nadia Haddad", "", "LB"),
    ("Tran Thi Mai", "", "VN"),
    ("Rahul Verma", "", "IN"),
];

const FIELDS: [(&str, bool); 8] = [
    ("Computer science", true),
    ("Electrical engineering", true),
    ("Biochemistry", true),
    ("Mathematics", true),
    ("Mechanical engineering", true),
    ("Data science", true),
    ("Economics", false),
    ("Business administration", false),
];

const INSTITUTIONS: [(&str, &str); 8] = [
    ("Tsinghua University", "CN"),
    ("Indian Institute of Technology Bombay", "IN"),
    ("University of Lagos", "NG"),
    ("Universidade de São Paulo", "BR"),
    ("Technical University of Munich", "DE"),
    ("Vietnam National University", "VN"),
    ("Seoul National University", "KR"),
    ("University of Toronto", "CA"),
];

const EMPLOYERS: [(&str, &str); 6] = [
    ("Infosys", "IN"),
    ("Huawei", "CN"),
    ("Siemens", "DE"),
    ("Flutterwave", "NG"),
    ("Chinese Academy of Sciences", "CN"),
    ("Vingroup", "VN"),
];

const STAFF: [(&str, &str, Role); 7] = [
    ("Amara Osei", "amara.osei@demo.visadesk.test", Role::Admin),
    (
        "Daniel Park",
        "daniel.park@demo.visadesk.test",
        Role::Attorney,
    ),
    (
        "Sofia Lindqvist",
        "sofia.lindqvist@demo.visadesk.test",
        Role::Attorney,
    ),
    (
        "Pat Morgan",
        "pat.morgan@demo.visadesk.test",
        Role::Paralegal,
    ),
    ("Mei Chen", "mei.chen@demo.visadesk.test", Role::Paralegal),
    ("Ravi Iyer", "ravi.iyer@demo.visadesk.test", Role::Paralegal),
    ("Vera Novak", "vera.novak@demo.visadesk.test", Role::Viewer),
];

/// Stages weighted towards work in progress.
const STAGE_MIX: [Stage; 14] = [
    Stage::Intake,
    Stage::Intake,
    Stage::EligibilityReview,
    Stage::EligibilityReview,
    Stage::CollectingDocuments,
    Stage::CollectingDocuments,
    Stage::CollectingDocuments,
    Stage::PreparingApplication,
    Stage::PreparingApplication,
    Stage::Submitted,
    Stage::AwaitingDecision,
    Stage::Approved,
    Stage::Refused,
    Stage::Withdrawn,
];

/// The main path from Intake to `stage` (the stage machine's forward moves).
/// Tasks the demo firm has on its open cases.
const TASK_TITLES: [&str; 8] = [
    "Request the degree certificate",
    "Chase the employer letter",
    "Book the credential evaluation",
    "Review the CV with the client",
    "Certified translation of the transcript",
    "Confirm passport validity",
    "Prepare the cover letter",
    "Call the client about missing documents",
];

fn path_to(stage: Stage) -> Vec<Stage> {
    let main = [
        Stage::Intake,
        Stage::EligibilityReview,
        Stage::CollectingDocuments,
        Stage::PreparingApplication,
        Stage::Submitted,
        Stage::AwaitingDecision,
    ];
    match stage {
        Stage::Approved | Stage::Refused => main.iter().copied().chain([stage]).collect(),
        Stage::Withdrawn => vec![Stage::Intake, Stage::EligibilityReview, Stage::Withdrawn],
        Stage::Closed => vec![
            Stage::Intake,
            Stage::EligibilityReview,
            Stage::Withdrawn,
            Stage::Closed,
        ],
        other => main
            .iter()
            .copied()
            .take_while(|s| *s != other)
            .chain([other])
            .collect(),
    }
}

fn client(dice: &mut Dice, i: usize, today: Date) -> ClientInput {
    let (name, latin, nationality) = *dice.pick(&PEOPLE);
    let (full_name, latin_name) = if i < PEOPLE.len() {
        (name.to_string(), latin.to_string())
    } else {
        (
            format!("{name} {}", i / PEOPLE.len() + 1),
            if latin.is_empty() {
                String::new()
            } else {
                format!("{latin} {}", i / PEOPLE.len() + 1)
            },
        )
    };
    let born = Date {
        year: today.year - 24 - dice.below(20) as i32,
        month: 1 + dice.below(12) as u8,
        day: 1 + dice.below(28) as u8,
    };
    let (field, stem) = *dice.pick(&FIELDS);
    let (institution, country) = *dice.pick(&INSTITUTIONS);
    let (employer, employer_country) = *dice.pick(&EMPLOYERS);
    let graduated = Date {
        year: born.year + 22 + dice.below(3) as i32,
        month: 7,
        day: 1,
    };
    let level = *dice.pick(&[
        EducationLevel::Bachelor,
        EducationLevel::Master,
        EducationLevel::Master,
        EducationLevel::Doctorate,
    ]);
    ClientInput {
        full_name,
        latin_name,
        email: format!("client{i}@example.com"),
        phone: format!("+1 555 {:04}", i % 10_000),
        address: String::new(),
        date_of_birth: born.to_string(),
        nationality: nationality.into(),
        passport_number: format!("P{:08}", 10_000_000 + i),
        passport_expiry: Date {
            year: today.year + 1 + dice.below(8) as i32,
            month: 6,
            day: 30,
        }
        .to_string(),
        education: vec![Education {
            level,
            field: field.into(),
            stem,
            institution: institution.into(),
            country: country.into(),
            completed_on: graduated.to_string(),
        }],
        work: vec![Work {
            role: if stem {
                "Research engineer".into()
            } else {
                "Analyst".into()
            },
            employer: employer.into(),
            country: employer_country.into(),
            start_on: Date {
                year: graduated.year,
                month: 9,
                day: 1,
            }
            .to_string(),
            end_on: String::new(),
            research_or_teaching: employer.contains("Academy"),
        }],
        languages: vec![LanguageSkill {
            language: "English".into(),
            test: "IELTS".into(),
            level: format!("{}.5", 6 + dice.below(3)),
        }],
        eligibility: EligibilityFacts {
            in_us: Some(employer_country == "US"),
            institution_well_known: Some(true),
            ..EligibilityFacts::default()
        },
        // Chinese nationals hear from the firm in Chinese, the rest in English.
        preferred_language: if nationality == "CN" {
            Language::ChineseSimplified
        } else {
            Language::English
        },
    }
}

/// Seeds a database that has no clients yet: staff in every role (skipped
/// in scale mode), then `count` clients each with a case.
pub async fn seed(
    backend: &VisadeskBackend,
    count: usize,
    with_staff: bool,
) -> Result<Seeded, ServerError> {
    let db = backend.db().clone();
    let existing = db.run(cases::count).await?
        + db.run(|conn| Ok(clients::search(conn, "", Default::default(), 1)?.total))
            .await?;
    if existing > 0 {
        return Err(ServerError::Config(
            "the database already has clients or cases; seed-demo fills an empty firm".into(),
        ));
    }
    let mut seeded = Seeded::default();
    if with_staff {
        for (name, email, role) in STAFF {
            let user = NewStaffUser {
                email: email.into(),
                display_name: name.into(),
                role,
                password: DEMO_PASSWORD.into(),
            };
            match backend.add_user(user, By::system("seed-demo")).await {
                Ok(_) | Err(ServerError::Refused(AppError::Conflict(_))) => {
                    seeded.staff.push((email.to_string(), role))
                }
                Err(e) => return Err(e),
            }
        }
    }
    let staff = db.run(cases::staff).await?;
    let attorneys: Vec<String> = staff
        .iter()
        .filter(|s| s.role == Role::Attorney)
        .map(|s| s.id.to_string())
        .collect();
    let paralegals: Vec<String> = staff
        .iter()
        .filter(|s| s.role == Role::Paralegal)
        .map(|s| s.id.to_string())
        .collect();

    let started = now();
    let today = Date::from_unix(started);
    let detailed = with_staff;
    let (client_rows, case_rows, events, task_rows) =
        actix_web::rt::task::spawn_blocking(move || {
            let mut dice = Dice(0x5eed_dec0_de00_2026);
            let mut client_rows = Vec::with_capacity(count);
            let mut case_rows = Vec::with_capacity(count);
            let mut events = Vec::with_capacity(count * if detailed { 5 } else { 1 });
            let mut task_rows = Vec::new();
            for i in 0..count {
                let row = clients::new_row(
                    &client(&mut dice, i, today),
                    None,
                    started - (count - i) as i64 * 60,
                )?;
                let stage = *dice.pick(&STAGE_MIX);
                let programme = *dice.pick(&Programme::ALL);
                let opened = started - (30 + dice.below(300)) as i64 * 86_400;
                let case_id = uuid::Uuid::new_v4().to_string();
                let path = if detailed {
                    path_to(stage)
                } else {
                    vec![stage]
                };
                let steps = path.len() as i64;
                for (seq, (from, to)) in std::iter::once(None)
                    .chain(path.iter().map(Some))
                    .zip(path.iter())
                    .enumerate()
                {
                    let from = from.filter(|f| *f != to);
                    if seq > 0 && from.is_none() {
                        continue;
                    }
                    events.push(EventRow {
                        id: uuid::Uuid::new_v4().to_string(),
                        case_id: case_id.clone(),
                        seq: seq as i64 + 1,
                        at: opened + seq as i64 * 86_400 * 7,
                        actor_id: None,
                        actor_name: "Demo data".into(),
                        from_stage: from.map(|f| f.code().to_string()),
                        to_stage: to.code().into(),
                        note: String::new(),
                    });
                }
                if detailed && stage.is_open() {
                    // A few tasks per open case: some late, some due soon, some done.
                    for _ in 0..1 + dice.below(3) {
                        let due = started + (dice.below(26) as i64 - 5) * 86_400;
                        let done = dice.below(4) == 0;
                        task_rows.push(TaskRow {
                            id: uuid::Uuid::new_v4().to_string(),
                            case_id: case_id.clone(),
                            title: (*dice.pick(&TASK_TITLES)).into(),
                            due_on: Date::from_unix(due).to_string(),
                            assignee_id: (!paralegals.is_empty())
                                .then(|| dice.pick(&paralegals).clone()),
                            done,
                            done_at: done.then_some(started - 86_400),
                            created_by: None,
                            created_at: opened,
                            updated_at: opened,
                        });
                    }
                }
                let target =
                    Date::from_unix(opened + (40 + dice.below(120)) as i64 * 86_400).to_string();
                let decided = stage.is_outcome();
                case_rows.push(CaseRow {
                    id: case_id,
                    reference: reference(today.year, i as i64 + 1),
                    client_id: row.id.clone(),
                    programme: programme.code().into(),
                    stage: stage.code().into(),
                    priority: dice
                        .pick(&[
                            Priority::Low,
                            Priority::Normal,
                            Priority::Normal,
                            Priority::High,
                            Priority::Urgent,
                        ])
                        .code()
                        .into(),
                    attorney_id: (!attorneys.is_empty()).then(|| dice.pick(&attorneys).clone()),
                    paralegal_id: (!paralegals.is_empty()).then(|| dice.pick(&paralegals).clone()),
                    opened_on: Date::from_unix(opened).to_string(),
                    target_filing_on: target,
                    filed_on: if matches!(
                        stage,
                        Stage::Submitted
                            | Stage::AwaitingDecision
                            | Stage::Approved
                            | Stage::Refused
                    ) {
                        Date::from_unix(opened + 28 * 86_400).to_string()
                    } else {
                        String::new()
                    },
                    decision_on: if decided {
                        Date::from_unix(opened + steps * 7 * 86_400).to_string()
                    } else {
                        String::new()
                    },
                    internal_notes: String::new(),
                    version: steps,
                    created_at: opened,
                    updated_at: opened + (steps - 1) * 7 * 86_400,
                });
                client_rows.push(row);
            }
            Ok::<_, ServerError>((client_rows, case_rows, events, task_rows))
        })
        .await
        .map_err(|e| ServerError::Blocking(e.to_string()))??;

    let (n_clients, n_cases) = (client_rows.len(), case_rows.len());
    db.write(move |conn| {
        clients::insert_many(conn, &client_rows)?;
        cases::insert_many(conn, &case_rows, &events)?;
        let items: Vec<_> = case_rows
            .iter()
            .filter_map(|c| {
                c.programme
                    .parse::<Programme>()
                    .ok()
                    .map(|p| checklist::rows_for(&c.id, p, c.created_at))
            })
            .flatten()
            .collect();
        checklist::insert_many(conn, &items)?;
        for task in &task_rows {
            tasks::insert(conn, task)?;
        }
        cases::set_counter(conn, today.year, case_rows.len() as i64)?;
        let summary = format!(
            "seeded {} clients and {} cases",
            client_rows.len(),
            case_rows.len()
        );
        let entry = By::system("seed-demo").entry_for_seed(&summary);
        audit::append(conn, entry, now())
    })
    .await?;
    seeded.clients = n_clients;
    seeded.cases = n_cases;
    Ok(seeded)
}

impl By {
    fn entry_for_seed(&self, summary: &str) -> Entry {
        Entry {
            actor_id: None,
            actor_email: self.email.clone(),
            action: "system.seed".into(),
            object_type: "firm".into(),
            object_id: String::new(),
            summary: summary.into(),
            ip: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use visadesk_app::domain::stage::check_move;

    #[test]
    fn demo_timelines_follow_the_stage_machine() {
        for target in Stage::ALL {
            let path = path_to(target);
            assert_eq!(path[0], Stage::Intake);
            assert_eq!(*path.last().unwrap(), target);
            for pair in path.windows(2) {
                assert_eq!(
                    check_move(Role::Attorney, pair[0], pair[1]),
                    Ok(()),
                    "{target:?}: {pair:?}"
                );
            }
        }
    }
}
