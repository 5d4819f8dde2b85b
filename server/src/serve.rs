//! `visadesk serve`: open the database, migrate, and serve the app.

use crate::audit_anchor::Anchor;
use crate::backend::VisadeskBackend;
use crate::config::Config;
use crate::db::write_tx;
use crate::db::Db;
use crate::error::ServerError;
use crate::http::{self, HttpState};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::{from_fn, Compress, Condition, Logger};
use actix_web::{web, App, HttpServer};
use leptos::config::LeptosOptions;
use leptos::prelude::*;
use leptos_actix::{generate_route_list, LeptosRoutes, ResponseOptions};
use std::net::TcpListener;
use std::sync::Arc;
use visadesk_app::api::port::SharedBackend;
use visadesk_app::domain::{NewStaffUser, Role};

/// Opens the database named by the configuration and applies migrations.
pub fn open_database(config: &Config) -> Result<Db, ServerError> {
    let url = config.database().map_err(ServerError::Config)?;
    let db = Db::open(&url, config.db_pool_size)?;
    let applied = db.migrate()?;
    if !applied.is_empty() {
        tracing::info!(database = db.kind(), migrations = ?applied, "database migrated");
    }
    let indexed = db.run_here(|conn| write_tx(conn, crate::store::clients::fill_missing_terms))?;
    if indexed > 0 {
        tracing::info!(clients = indexed, "search terms built for existing clients");
    }
    let listed = db.run_here(|conn| {
        write_tx(conn, |conn| {
            crate::store::checklist::fill_missing(conn, crate::auth::now())
        })
    })?;
    if listed > 0 {
        tracing::info!(
            cases = listed,
            "document checklists added to existing cases"
        );
    }
    Ok(db)
}

/// Serves until SIGTERM / SIGINT, then finishes in-flight requests.
pub async fn serve(config: Config) -> Result<(), ServerError> {
    let started = std::time::Instant::now();
    http::limits::check_every_server_fn_has_a_rule()?;
    let db = open_database(&config)?;
    let listener = TcpListener::bind(config.addr)?;
    let local = listener.local_addr()?;
    let backend = Arc::new(VisadeskBackend::new(db, &config)?.listening_on(&config, local));
    sweep_documents(&config, &backend)?;
    bootstrap_admin(&config, &backend).await?;

    let live_reload = std::env::var_os("LEPTOS_WATCH")
        .is_some()
        .then_some(config.reload_port);
    let site = http::assets::Site::open(
        &config.site_root,
        &config.language_bundles,
        live_reload.is_some(),
    );
    let bundles = site.bundles();
    let leptos_options = LeptosOptions::builder()
        .output_name("visadesk")
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir(site.pkg_url_dir())
        .site_addr(config.addr)
        .reload_port(config.reload_port)
        .build();
    let state = HttpState {
        backend: backend.clone(),
        public_origin: config.public_origin(),
        https: config.https(),
        trusted_proxies: config.trusted_proxies.clone(),
    };
    let anchor = start_anchor(&config, &backend).await?;
    purge_periodically(backend.clone());
    let mail_worker = start_mail_worker(&config, &backend)?;
    start_digest(&config, &backend);
    start_scrub(&config, &backend);
    let routes = generate_route_list(visadesk_app::App);
    let port: SharedBackend = backend.clone();
    let metrics = start_metrics(&config, &backend)?;
    let (metrics_here, recording) = (
        metrics.main.clone(),
        metrics.main.is_some() || metrics.own.is_some(),
    );

    let server = HttpServer::new(move || {
        let port = port.clone();
        let options = leptos_options.clone();
        let bundles = bundles.clone();
        let context = move || {
            provide_context(port.clone());
            provide_context(bundles.clone());
            set_page_csp(live_reload);
        };
        let metrics_here = metrics_here.clone();
        App::new()
            .app_data(web::Data::new(state.clone()))
            .route("/healthz", web::get().to(http::health::healthz))
            .configure(move |cfg| {
                if let Some(m) = metrics_here {
                    cfg.app_data(web::Data::new(m))
                        .route("/metrics", web::get().to(crate::metrics::with_token));
                }
            })
            .route("/calendar/{token}", web::get().to(http::calendar::feed))
            .route(
                "/documents/items/{item_id}",
                web::post().to(http::documents::upload),
            )
            .route("/documents/{id}", web::get().to(http::documents::download))
            .route(
                "/documents/{id}/preview",
                web::get().to(http::documents::preview),
            )
            .configure(|cfg| site.configure(cfg))
            .leptos_routes_with_context(routes.clone(), context, move || {
                visadesk_app::shell(options.clone())
            })
            .wrap(from_fn(http::trace::server_fn_span))
            .wrap(from_fn(http::session::resolve))
            .wrap(from_fn(http::limits::check_server_fn_input))
            .wrap(from_fn(http::origin::check))
            .wrap(from_fn(http::security::headers))
            // Pages and API answers compressed as the browser asks (the
            // bundle comes precompressed; documents are left as stored).
            .wrap(Compress::default())
            .wrap(Condition::new(recording, from_fn(crate::metrics::record)))
            .wrap(from_fn(http::trace::request_id))
            .wrap(
                Logger::new("%{request}xi %s %b %Dms request=%{x-request-id}o")
                    .custom_request_replace("request", http::redacted_request_line)
                    .log_target("visadesk::http"),
            )
    })
    // Responses go out in several writes (headers, then body chunks, or a
    // streamed page): without TCP_NODELAY, Nagle's algorithm holds the later
    // writes until the client's delayed ACK, up to 40 ms per response.
    .on_connect(|conn, _| {
        if let Some(tcp) = conn.downcast_ref::<actix_web::rt::net::TcpStream>() {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "could not set TCP_NODELAY");
            }
        }
    })
    .listen(listener)?
    .shutdown_timeout(30)
    .disable_signals()
    .run();
    let mut handles = vec![server.handle()];
    if let Some(own) = metrics.own {
        handles.push(own.handle());
        actix_web::rt::spawn(async move {
            if let Err(e) = own.await {
                tracing::error!(error = %e, "the metrics listener stopped");
            }
        });
    }
    stop_on_signals(handles)?;
    tracing::info!(address = %local, startup_ms = started.elapsed().as_millis() as u64, "visadesk listening");
    // A fixed line on stdout that scripts and tests wait for.
    {
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        if let Err(e) =
            writeln!(stdout, "visadesk listening on http://{local}").and_then(|()| stdout.flush())
        {
            tracing::debug!(error = %e, "could not write the listening line");
        }
    }
    server.await?;
    // Stopped here, inside the runtime: the SMTP connection pool closes its
    // connections on a task of its own when dropped, which panics once the
    // runtime is gone.
    if let Some(worker) = mail_worker {
        worker.abort();
        let _ = worker.await;
    }
    // The last checkpoint covers everything this instance recorded.
    crate::audit_anchor::advance_logged(backend.db(), &anchor).await;
    tracing::info!("visadesk stopped");
    Ok(())
}

/// Where `/metrics` is served: on the main address behind its token, and
/// on a listener of its own.
struct MetricsServing {
    main: Option<crate::metrics::Metrics>,
    own: Option<actix_web::dev::Server>,
}

/// Installs the metrics recorder when a metrics setting asks for it, and
/// starts the metrics listener if one is set.
fn start_metrics(
    config: &Config,
    backend: &Arc<VisadeskBackend>,
) -> Result<MetricsServing, ServerError> {
    let token = config
        .metrics_token_file
        .as_deref()
        .filter(|p| !p.as_os_str().is_empty())
        .map(crate::metrics::read_token)
        .transpose()?;
    if token.is_none() && config.metrics_addr.is_none() {
        return Ok(MetricsServing {
            main: None,
            own: None,
        });
    }
    let has_token = token.is_some();
    let metrics = crate::metrics::install(backend.clone(), token)?;
    let own = match config.metrics_addr {
        Some(addr) => {
            let listener = TcpListener::bind(addr)
                .map_err(|e| ServerError::Config(format!("VISADESK_METRICS_ADDR {addr}: {e}")))?;
            let local = listener.local_addr()?;
            let data = web::Data::new(metrics.clone());
            let server = HttpServer::new(move || {
                App::new()
                    .app_data(data.clone())
                    .route("/metrics", web::get().to(crate::metrics::open))
            })
            .workers(1)
            .listen(listener)?
            .disable_signals()
            .run();
            tracing::info!(address = %local, "metrics served at /metrics");
            Some(server)
        }
        None => None,
    };
    Ok(MetricsServing {
        main: has_token.then_some(metrics),
        own,
    })
}

/// Clears what uploads interrupted by a crash left in document storage.
fn sweep_documents(config: &Config, backend: &VisadeskBackend) -> Result<(), ServerError> {
    let keys = backend
        .db()
        .run_here(crate::store::documents::storage_keys)?;
    let local = config
        .s3_bucket
        .as_deref()
        .is_none_or(|b| b.trim().is_empty());
    let removed = crate::documents::sweep(backend.documents(), &keys, local)?;
    if removed > 0 {
        tracing::warn!(
            objects = removed,
            "removed document bytes left by interrupted uploads"
        );
    }
    tracing::info!(storage = %backend.documents().storage.describe(), "documents stored in");
    Ok(())
}

/// Stops gracefully (finishing in-flight requests) on SIGTERM or SIGINT.
/// The handlers are installed before the server says it is listening.
fn stop_on_signals(handles: Vec<actix_web::dev::ServerHandle>) -> Result<(), ServerError> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    actix_web::rt::spawn(async move {
        tokio::select! {
            _ = term.recv() => tracing::info!("SIGTERM: finishing in-flight requests"),
            _ = int.recv() => tracing::info!("SIGINT: finishing in-flight requests"),
        }
        for handle in handles {
            handle.stop(true).await;
        }
    });
    Ok(())
}

/// Starts delivering the outbox when an SMTP server is set; without one,
/// email waits in the outbox (the admin's Outbox page shows it). Returns its
/// task, which `serve` stops before the runtime ends.
fn start_mail_worker(
    config: &Config,
    backend: &VisadeskBackend,
) -> Result<Option<actix_web::rt::task::JoinHandle<()>>, ServerError> {
    let Some(worker) = mail_worker(config, backend.db().clone())? else {
        tracing::warn!("no SMTP server set (VISADESK_SMTP_URL): email waits in the outbox");
        return Ok(None);
    };
    Ok(Some(actix_web::rt::spawn(worker.run())))
}

/// Writes an audit checkpoint now, then keeps it current while serving.
async fn start_anchor(config: &Config, backend: &VisadeskBackend) -> Result<Anchor, ServerError> {
    let anchor = Anchor::from_config(
        config,
        format!("{}-{}", hostname(), uuid::Uuid::new_v4().simple()),
    )?;
    crate::audit_anchor::advance_logged(backend.db(), &anchor).await;
    if config.audit_checkpoint_secs == 0 {
        tracing::warn!("VISADESK_AUDIT_CHECKPOINT_SECS is 0: audit checkpoints are written only at start and on shutdown");
    } else {
        actix_web::rt::spawn(crate::audit_anchor::run_periodically(
            backend.db().clone(),
            anchor.clone(),
            std::time::Duration::from_secs(config.audit_checkpoint_secs),
        ));
    }
    Ok(anchor)
}

/// Checks for a due daily digest every `VISADESK_DIGEST_CHECK_SECS` (0:
/// never; a firm that wants none sets that on every instance).
fn start_digest(config: &Config, backend: &VisadeskBackend) {
    if config.digest_check_secs == 0 {
        tracing::warn!("VISADESK_DIGEST_CHECK_SECS is 0: no daily digest is sent");
        return;
    }
    actix_web::rt::spawn(crate::digest::run_periodically(
        backend.db().clone(),
        backend.mail().clone(),
        format!("{}-{}", hostname(), uuid::Uuid::new_v4().simple()),
        std::time::Duration::from_secs(config.digest_check_secs),
    ));
}

/// Scrubs the documents every `VISADESK_SCRUB_EVERY_HOURS` (0: never).
fn start_scrub(config: &Config, backend: &VisadeskBackend) {
    if config.scrub_every_hours == 0 {
        tracing::info!(
            "VISADESK_SCRUB_EVERY_HOURS is 0: documents are scrubbed only by `visadesk scrub`"
        );
        return;
    }
    actix_web::rt::spawn(crate::scrub::run_periodically(
        backend.db().clone(),
        backend.documents().clone(),
        format!("{}-{}", hostname(), uuid::Uuid::new_v4().simple()),
        std::time::Duration::from_secs(config.scrub_every_hours.saturating_mul(3600)),
    ));
}

/// The mail worker the configuration asks for, checked; `None` without SMTP.
pub fn mail_worker(
    config: &Config,
    db: Db,
) -> Result<Option<crate::mail::worker::Worker>, ServerError> {
    use crate::mail::smtp::{Smtp, SmtpUrl};
    use crate::mail::worker::{RetryPolicy, Worker};
    let Some(url) = config.smtp_url() else {
        return Ok(None);
    };
    let url = SmtpUrl::parse(url).map_err(ServerError::Config)?;
    if config.mail_retry_secs < 1 || config.mail_max_attempts < 1 || config.mail_lease_secs < 5 {
        return Err(ServerError::Config(
            "VISADESK_MAIL_RETRY_SECS and VISADESK_MAIL_MAX_ATTEMPTS must be at least 1, \
             VISADESK_MAIL_LEASE_SECS at least 5"
                .into(),
        ));
    }
    Ok(Some(Worker {
        db,
        smtp: Smtp::new(&url, &config.mail_from)?,
        name: format!("{}-{}", hostname(), uuid::Uuid::new_v4().simple()),
        retry: RetryPolicy {
            base_secs: config.mail_retry_secs,
            max_attempts: config.mail_max_attempts,
        },
        lease_secs: config.mail_lease_secs,
        poll: std::time::Duration::from_millis(config.mail_poll_ms.max(50)),
        batch: 20,
    }))
}

/// This machine's name, for the mail worker's leases and audit checkpoints.
pub fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "visadesk".into())
}

/// Deletes expired sessions and stale throttle rows every ten minutes.
fn purge_periodically(backend: Arc<VisadeskBackend>) {
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            match backend.purge().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(rows = n, "purged expired sessions and throttle rows"),
                Err(e) => tracing::warn!(error = %e, "could not purge expired sessions"),
            }
        }
    });
}

/// Puts the page CSP, with the nonce Leptos gives its scripts, on rendered pages.
fn set_page_csp(live_reload: Option<u32>) {
    let (Some(nonce), Some(response)) =
        (leptos::nonce::use_nonce(), use_context::<ResponseOptions>())
    else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&http::security::page_csp(&nonce, live_reload)) {
        response.insert_header(HeaderName::from_static("content-security-policy"), value);
    }
}

/// Creates the first admin from VISADESK_INITIAL_ADMIN_* on an empty
/// database, or says how to create one.
async fn bootstrap_admin(config: &Config, backend: &VisadeskBackend) -> Result<(), ServerError> {
    if backend.user_count().await? > 0 {
        return Ok(());
    }
    match (&config.initial_admin_email, &config.initial_admin_password_file) {
        (Some(email), Some(file)) => {
            let password = std::fs::read_to_string(file)
                .map_err(|e| ServerError::Config(format!("cannot read {}: {e}", file.display())))?;
            let password = password.trim_end_matches(['\r', '\n']).to_string();
            let user = NewStaffUser { email: email.clone(), display_name: "Administrator".into(), role: Role::Admin, password };
            match backend.add_user(user, crate::backend::By::system("initial admin")).await {
                Ok(created) => tracing::info!(email = %created.email, "created the initial admin"),
                // Another instance starting at the same time created it.
                Err(ServerError::Refused(visadesk_app::AppError::Conflict(_)))
                | Err(ServerError::Query(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ))) => tracing::info!("the initial admin already exists"),
                Err(e) => return Err(ServerError::Config(format!("initial admin: {e}"))),
            }
        }
        _ => tracing::warn!(
            "no users yet: create the first admin with `visadesk create-admin --email you@firm.example` \
             (or scripts/visadesk create-admin ... from a checkout)"
        ),
    }
    Ok(())
}
