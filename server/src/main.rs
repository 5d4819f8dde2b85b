//! The `visadesk` binary: serve, migrate, create-admin, seed-demo, audit,
//! backup, restore, scrub, eligibility.
// The app's view types are deep: release builds (and their Send checks) need
// the same limit as `app` and the server library.
#![recursion_limit = "256"]

use clap::Parser;
use std::process::ExitCode;
use visadesk_server::cli::{
    audit_checkpoint, audit_verify, create_admin, eligibility_check, scrub, seed_demo,
    AuditCommand, Cli, Command, EligibilityCommand,
};
use visadesk_server::config::LogFormat;
use visadesk_server::serve::{open_database, serve};

/// How a command ended when it did not fail outright.
enum Outcome {
    Done,
    /// It ran, and found a problem (exit code 1).
    Failed,
    /// Its input could not be read (exit code 2).
    BadInput,
}

/// Writes to standard output. A reader that has gone away (`visadesk ... |
/// head`) is not an error: the rest of the output is simply not wanted.
fn out(text: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_fmt(text).and_then(|()| stdout.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => eprintln!("visadesk: could not write the output: {e}"),
    }
}

fn main() -> ExitCode {
    // A .env file may set any variable `--help` lists; the real environment wins.
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_new(&cli.config.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match cli.config.log_format {
        LogFormat::Text => logs.init(),
        // Each line names its request (the `request` span's `id`).
        LogFormat::Json => logs
            .json()
            .with_current_span(false)
            .with_span_list(true)
            .flatten_event(true)
            .init(),
    }

    let config = cli.config;
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Eligibility {
            command:
                EligibilityCommand::Check {
                    file,
                    on,
                    programme,
                    settings,
                    lang,
                },
        } => Ok(
            match eligibility_check(&file, on, programme, settings.as_deref(), lang) {
                Ok(json) => {
                    out(format_args!("{json}\n"));
                    Outcome::Done
                }
                Err(e) => {
                    eprintln!("visadesk: {e}");
                    Outcome::BadInput
                }
            },
        ),
        Command::Serve => actix_web::rt::System::new()
            .block_on(serve(config))
            .map(|()| Outcome::Done),
        Command::Migrate => open_database(&config).map(|db| {
            out(format_args!("database ({}) is up to date\n", db.kind()));
            Outcome::Done
        }),
        Command::SeedDemo { scale } => actix_web::rt::System::new()
            .block_on(seed_demo(&config, scale))
            .map(|report| {
                out(format_args!("{report}"));
                Outcome::Done
            }),
        Command::Audit {
            command: AuditCommand::Verify { checkpoints },
        } => audit_verify(&config, checkpoints).map(|(message, intact)| {
            out(format_args!("{message}\n"));
            if intact {
                Outcome::Done
            } else {
                Outcome::Failed
            }
        }),
        Command::Audit {
            command: AuditCommand::Checkpoint,
        } => audit_checkpoint(&config).map(|(message, written)| {
            out(format_args!("{message}\n"));
            if written {
                Outcome::Done
            } else {
                Outcome::Failed
            }
        }),
        Command::Backup {
            verify: Some(src), ..
        } => visadesk_server::backup::verify(&src).map(|manifest| {
            out(format_args!(
                "{} is a sound backup: {} files, {} rows, {} documents, schema {}, taken from {} at {}\n",
                src.display(),
                manifest.files.len(),
                manifest.tables.values().sum::<u64>(),
                manifest.documents,
                manifest.schema_version,
                manifest.database,
                manifest.created_at
            ));
            Outcome::Done
        }).or_else(|e| match e {
            visadesk_server::ServerError::Backup(why) => {
                eprintln!("visadesk: {why}");
                Ok(Outcome::Failed)
            }
            other => Err(other),
        }),
        Command::Backup {
            dest, include_keys, ..
        } => match dest {
            Some(dest) => visadesk_server::backup::take(&config, &dest, include_keys).map(|report| {
                out(format_args!("{}\n", report.lines().join("\n")));
                if report.manifest.documents_missing.is_empty() {
                    Outcome::Done
                } else {
                    Outcome::Failed
                }
            }),
            None => Ok(Outcome::BadInput),
        },
        Command::Restore { src } => visadesk_server::backup::restore(&config, &src).map(|report| {
            out(format_args!("{}\n", report.lines().join("\n")));
            if report.sound() {
                Outcome::Done
            } else {
                Outcome::Failed
            }
        }),
        Command::MigrateData { to } => visadesk_server::backup::migrate_data(&config, &to).map(|report| {
            out(format_args!("{}\n", report.lines().join("\n")));
            if report.sound() {
                out(format_args!("now set DATABASE_URL to the new database (and keep VISADESK_S3_BUCKET if set) and start Visadesk\n"));
                Outcome::Done
            } else {
                Outcome::Failed
            }
        }),
        Command::Scrub { json } => scrub(&config, json).map(|(report, sound)| {
            out(format_args!("{report}\n"));
            if sound {
                Outcome::Done
            } else {
                Outcome::Failed
            }
        }),
        Command::CreateAdmin {
            email,
            name,
            if_no_users,
        } => actix_web::rt::System::new()
            .block_on(create_admin(&config, email, name, if_no_users))
            .map(|created| match created {
                Some(email) => out(format_args!("created admin {email}; sign in at /sign-in\n")),
                None => out(format_args!(
                    "the database already has users; nothing to do\n"
                )),
            })
            .map(|()| Outcome::Done),
    };
    match result {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::Failed) => ExitCode::from(1),
        Ok(Outcome::BadInput) => ExitCode::from(2),
        Err(e) => {
            eprintln!("visadesk: {e}");
            ExitCode::FAILURE
        }
    }
}
