//! The `visadesk` command line.

use crate::audit_anchor::Anchor;
use crate::backend::VisadeskBackend;
use crate::config::Config;
use crate::error::ServerError;
use crate::serve::open_database;
use clap::{Parser, Subcommand};
use std::io::{BufRead, IsTerminal};
use visadesk_app::domain::date::Date;
use visadesk_app::domain::{Language, NewStaffUser, Programme, Role};
use visadesk_app::eligibility::{assess, Profile, Settings};
use visadesk_app::i18n::eligibility::worded;

/// Visadesk: case management for immigration firms.
#[derive(Parser, Debug)]
#[command(name = "visadesk", version, about = "Visadesk: case management for immigration firms.", long_about = None)]
#[command(
    after_help = "Every option can also be set by the environment variable shown, or in a .env file."
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do (default: serve).
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the web app (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create an admin account. The password is read from a prompt, or from
    /// the first line of standard input when it is not a terminal.
    CreateAdmin {
        /// The admin's email address (their sign-in name); prompted for when omitted.
        #[arg(long)]
        email: Option<String>,
        /// The admin's name as shown in the app.
        #[arg(long, default_value = "Administrator")]
        name: String,
        /// Do nothing (successfully) when the database already has users.
        #[arg(long)]
        if_no_users: bool,
    },
    /// Fill an empty database with a demo firm: staff in every role (password
    /// printed), about 40 clients and their cases across programmes and stages.
    SeedDemo {
        /// Instead, create this many clients and cases (no staff), for benchmarks.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        scale: Option<u32>,
    },
    /// Work with the audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Take a consistent backup while the server keeps serving: every table,
    /// every document as stored (sealed), the audit checkpoint and a
    /// manifest of SHA-256 sums, into the new folder DEST. Or, with
    /// --verify SRC, check a backup without restoring it.
    Backup {
        /// The folder to create (it must not exist).
        #[arg(required_unless_present = "verify", conflicts_with = "verify")]
        dest: Option<std::path::PathBuf>,
        /// Check the backup in this folder instead: the manifest, and every
        /// file's size and SHA-256. Exits 0 when sound, 1 otherwise.
        #[arg(long, value_name = "SRC")]
        verify: Option<std::path::PathBuf>,
        /// Also copy the data folder's key files (the generated document and
        /// audit keys). Without it the backup cannot open documents by itself.
        #[arg(long)]
        include_keys: bool,
    },
    /// Restore a backup into an empty database and document storage (as
    /// configured), then check the audit trail and scrub every document.
    /// Exits 0 when everything checks out, 1 otherwise.
    Restore {
        /// The backup folder.
        src: std::path::PathBuf,
    },
    /// Copy this SQLite install (rows, and documents into the S3 bucket if
    /// one is set) into an empty PostgreSQL database, comparing row counts
    /// and reading every document back. The install is left as it was;
    /// then set DATABASE_URL to the new database.
    MigrateData {
        /// The empty PostgreSQL database: postgres://user@host/database.
        #[arg(long, value_name = "URL")]
        to: String,
    },
    /// Read every stored document version back: check that it decrypts and
    /// matches its SHA-256 and size, and list stored files that belong to no
    /// document. Only reads; the Admin page shows the result. Exits 0 when
    /// nothing is missing, damaged or unreadable, 1 otherwise.
    Scrub {
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check eligibility from the command line.
    Eligibility {
        #[command(subcommand)]
        command: EligibilityCommand,
    },
}

/// What to do with eligibility.
#[derive(Subcommand, Debug)]
pub enum EligibilityCommand {
    /// Assess a profile (JSON, see docs/eligibility.md) and print the result
    /// as JSON. Missing facts give `needs_information`; unreadable input
    /// exits with code 2.
    Check {
        /// The profile, or `-` for standard input.
        file: std::path::PathBuf,
        /// The assessment date, YYYY-MM-DD (default: today, UTC).
        #[arg(long, value_parser = parse_date)]
        on: Option<Date>,
        /// Only this programme: cn_k, cn_r, cn_z, us_h1b or de_blue_card.
        #[arg(long, value_parser = parse_programme)]
        programme: Option<Programme>,
        /// The firm's settings as JSON (default: the documented defaults).
        #[arg(long)]
        settings: Option<std::path::PathBuf>,
        /// The language of the labels and explanations: en or zh-Hans.
        #[arg(long, default_value = "en", value_parser = parse_language)]
        lang: Language,
    },
}

fn parse_language(text: &str) -> Result<Language, String> {
    // Exactly a code Visadesk speaks: a command line is not a browser header.
    Language::ALL
        .into_iter()
        .find(|l| l.code() == text)
        .ok_or_else(|| {
            let codes: Vec<&str> = Language::ALL.iter().map(|l| l.code()).collect();
            format!("unknown language `{text}`: use one of {}", codes.join(", "))
        })
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("\"{text}\" is not a real date written YYYY-MM-DD"))
}

fn parse_programme(text: &str) -> Result<Programme, String> {
    text.parse::<Programme>().map_err(|e| {
        let codes: Vec<&str> = Programme::ALL.iter().map(|p| p.code()).collect();
        format!("{e}; use one of {}", codes.join(", "))
    })
}

/// Input the eligibility check could not read (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(String);

fn read_json<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
    what: &str,
) -> Result<T, BadInput> {
    let text = if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|e| {
            BadInput(format!(
                "could not read the {what} from standard input: {e}"
            ))
        })?;
        text
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| BadInput(format!("could not read the {what} {}: {e}", path.display())))?
    };
    let mut unknown = Vec::new();
    let mut de = serde_json::Deserializer::from_str(&text);
    let parsed = serde_ignored::deserialize(&mut de, |path| unknown.push(path.to_string()))
        .and_then(|value| de.end().map(|()| value));
    if parsed.is_ok() && !unknown.is_empty() {
        let shown: Vec<String> = unknown.iter().take(5).map(|f| format!("`{f}`")).collect();
        return Err(BadInput(format!(
            "the {what} {} has {} the documented form does not have: {}{}",
            path.display(),
            if unknown.len() == 1 {
                "a field"
            } else {
                "fields"
            },
            shown.join(", "),
            match unknown.len() {
                n if n > 5 => format!(" and {} more", n - 5),
                _ => String::new(),
            }
        )));
    }
    parsed.map_err(|e| {
        let kind = match e.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                "is not valid JSON"
            }
            _ => "does not have the documented form",
        };
        let detail = e.to_string();
        let detail = detail
            .rsplit_once(" at line ")
            .map_or(detail.as_str(), |(d, _)| d);
        BadInput(format!(
            "the {what} {} {kind}: line {}, column {}: {detail}",
            path.display(),
            e.line(),
            e.column()
        ))
    })
}

/// Runs `eligibility check`: the result as pretty JSON, its words in
/// `language`.
pub fn eligibility_check(
    file: &std::path::Path,
    on: Option<Date>,
    programme: Option<Programme>,
    settings: Option<&std::path::Path>,
    language: Language,
) -> Result<String, BadInput> {
    let profile: Profile = read_json(file, "profile")?;
    let settings: Settings = match settings {
        Some(path) => read_json(path, "settings")?,
        None => Settings::default(),
    };
    settings
        .check()
        .map_err(|(name, message)| BadInput(format!("setting {name}: {message}")))?;
    let on = on.unwrap_or_else(|| Date::from_unix(crate::auth::now()));
    let assessment = assess(&profile, on, &settings, programme);
    let worded = worded(language.locale(), language.code(), &assessment);
    serde_json::to_string_pretty(&worded)
        .map_err(|e| BadInput(format!("the result could not be written: {e}")))
}

/// What to do with the audit trail.
#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check the hash chain, and its end against the signed checkpoint;
    /// report the first row that was changed or removed and any rows cut off
    /// the end. Exits 0 when intact, 1 otherwise.
    Verify {
        /// Checkpoint files to check against (repeat for several instances'
        /// files). Default: this instance's, VISADESK_AUDIT_CHECKPOINT.
        #[arg(long = "checkpoint", value_name = "FILE")]
        checkpoints: Vec<std::path::PathBuf>,
    },
    /// Write a checkpoint of the trail's newest row now (the server does so
    /// by itself while it runs). Refuses when the trail no longer extends
    /// the last checkpoint.
    Checkpoint,
}

/// Creates an admin; the password never comes from the command line.
/// Returns the new admin's email, or `None` when `if_no_users` found users.
pub async fn create_admin(
    config: &Config,
    email: Option<String>,
    name: String,
    if_no_users: bool,
) -> Result<Option<String>, ServerError> {
    let db = open_database(config)?;
    let backend = VisadeskBackend::new(db, config)?;
    if if_no_users && backend.user_count().await? > 0 {
        return Ok(None);
    }
    let email = match email {
        Some(email) => email,
        None => prompt_line("Email of the first admin: ")?,
    };
    let password = read_password()?;
    let created = backend
        .add_user(
            NewStaffUser {
                email,
                display_name: name,
                role: Role::Admin,
                password,
            },
            crate::backend::By::system("create-admin"),
        )
        .await
        .map_err(|e| match e {
            ServerError::Refused(app) => ServerError::Config(app.to_string()),
            other => other,
        })?;
    checkpoint_after(config, backend.db());
    Ok(Some(created.email))
}

/// After a command that recorded audit rows: moves the checkpoint forward,
/// warning (never failing the command) when it is held.
fn checkpoint_after(config: &Config, db: &crate::db::Db) {
    let anchor = match Anchor::from_config(config, instance_name()) {
        Ok(anchor) => anchor,
        Err(e) => {
            eprintln!("visadesk: warning: no audit checkpoint written: {e}");
            return;
        }
    };
    let result = db.run_here(|conn| {
        Ok(crate::audit_anchor::advance(
            conn,
            &anchor,
            crate::auth::now(),
        ))
    });
    match result {
        Ok(Ok(_)) => {}
        Ok(Err(held)) => eprintln!("visadesk: warning: audit checkpoint held: {held}"),
        Err(e) => eprintln!("visadesk: warning: no audit checkpoint written: {e}"),
    }
}

fn prompt_line(prompt: &str) -> Result<String, ServerError> {
    if !std::io::stdin().is_terminal() {
        return Err(ServerError::Config(
            "--email is required when standard input is not a terminal".into(),
        ));
    }
    eprint!("{prompt}");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim().to_string())
}

fn read_password() -> Result<String, ServerError> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password for the new admin: ")?;
        let second = rpassword::prompt_password("Repeat the password: ")?;
        if first != second {
            return Err(ServerError::Config(
                "the two passwords differ; nothing was created".into(),
            ));
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

/// Checks the audit trail's hash chain and its end against checkpoint
/// files (default: this instance's); `Ok(message, intact)`.
pub fn audit_verify(
    config: &Config,
    checkpoints: Vec<std::path::PathBuf>,
) -> Result<(String, bool), ServerError> {
    let db = open_database(config)?;
    let anchor = Anchor::from_config(config, instance_name())?;
    let files = if checkpoints.is_empty() {
        vec![anchor.path.clone()]
    } else {
        checkpoints
    };
    let report =
        db.run_here(|conn| crate::audit_anchor::check::verify(conn, &anchor.keys, &files))?;
    Ok((report.lines().join("\n"), report.intact()))
}

/// Writes a checkpoint of the audit trail now; `Ok(message, written)`.
pub fn audit_checkpoint(config: &Config) -> Result<(String, bool), ServerError> {
    use crate::audit_anchor::{advance, Advanced};
    let db = open_database(config)?;
    let anchor = Anchor::from_config(config, instance_name())?;
    let path = anchor.path.display().to_string();
    Ok(
        match db.run_here(|conn| Ok(advance(conn, &anchor, crate::auth::now())))? {
            Ok(Advanced::Written(c)) => (
                format!("checkpoint of row {} written to {path}", c.seq),
                true,
            ),
            Ok(Advanced::Unchanged(c)) => (
                format!(
                    "the checkpoint in {path} already covers the newest row, {}",
                    c.seq
                ),
                true,
            ),
            Ok(Advanced::Empty) => (
                "the audit trail is empty: nothing to checkpoint yet".into(),
                true,
            ),
            Err(held) => (format!("{held}"), false),
        },
    )
}

/// This process, as its checkpoints name it.
fn instance_name() -> String {
    format!("{}-cli-{}", crate::serve::hostname(), std::process::id())
}

/// Seeds demo data; returns what to print.
pub async fn seed_demo(config: &Config, scale: Option<u32>) -> Result<String, ServerError> {
    let db = open_database(config)?;
    let backend = VisadeskBackend::new(db, config)?;
    let started = std::time::Instant::now();
    let seeded = match scale {
        Some(n) => crate::seed::seed(&backend, n as usize, false).await?,
        None => crate::seed::seed(&backend, 40, true).await?,
    };
    checkpoint_after(config, backend.db());
    let mut out = format!(
        "seeded {} clients and {} cases in {:.1} s\n",
        seeded.clients,
        seeded.cases,
        started.elapsed().as_secs_f64()
    );
    if !seeded.staff.is_empty() {
        out.push_str(&format!(
            "staff accounts (password \"{}\"):\n",
            crate::seed::DEMO_PASSWORD
        ));
        for (email, role) in &seeded.staff {
            out.push_str(&format!("  {:<10} {email}\n", role.as_str()));
        }
    }
    Ok(out)
}

/// Runs the document scrub now; `Ok(report, sound)`, where `sound` means
/// nothing was missing, damaged or unreadable (orphans are reported, and
/// lose nothing).
pub fn scrub(config: &Config, json: bool) -> Result<(String, bool), ServerError> {
    let db = open_database(config)?;
    let documents = crate::documents::open(config)?;
    let run = crate::scrub::run(&db, &documents, crate::scrub::COMMAND_LINE, None)?
        .ok_or_else(|| ServerError::Blocking("the scrub could not record its run".into()))?;
    let sound = run.failure.is_none() && !run.lost_something() && run.unreadable == 0;
    if json {
        let text = serde_json::to_string_pretty(&run)
            .map_err(|e| ServerError::CorruptData(format!("scrub result: {e}")))?;
        return Ok((text, sound));
    }
    let mut lines = vec![format!(
        "checked {} document versions ({} bytes) in {}: {} missing, {} damaged or under another key, {} unreadable, {} stored files with no document",
        run.checked,
        run.bytes,
        documents.storage.describe(),
        run.missing,
        run.corrupt,
        run.unreadable,
        run.orphaned
    )];
    for f in &run.findings {
        let what = match (&f.document_id, f.version, &f.file_name) {
            (Some(id), Some(v), Some(name)) => format!("document {id} version {v} ({name})"),
            _ => "no document".to_string(),
        };
        lines.push(format!("{}: {} [{}]", f.kind.code(), what, f.storage_key));
    }
    let total = run.missing + run.corrupt + run.unreadable + run.orphaned;
    if total > run.findings.len() as i64 {
        lines.push(format!(
            "... and {} more (the log lists every one)",
            total - run.findings.len() as i64
        ));
    }
    if let Some(failure) = &run.failure {
        lines.push(format!("the scrub stopped before its end: {failure}"));
    }
    lines.push(if sound {
        "documents intact".into()
    } else {
        "DOCUMENTS NOT INTACT".into()
    });
    Ok((lines.join("\n"), sound))
}
