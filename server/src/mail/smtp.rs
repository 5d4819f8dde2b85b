//! Delivery over SMTP with lettre. `VISADESK_SMTP_URL` chooses the server:
//!
//! - `smtp://host:port` on a loopback host: plain SMTP (a local relay);
//! - `smtp://host:port` anywhere else: STARTTLS, required (the connection
//!   fails rather than send in the clear);
//! - `smtps://host:port`: TLS from the first byte (port 465 by default).
//!
//! `user:password@` before the host signs in (percent-encode `@`, `:` and `/`).

use crate::error::ServerError;
use crate::store::outbox::OutboxRow;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use percent_encoding::percent_decode_str;
use std::net::IpAddr;
use std::time::Duration;
use visadesk_app::domain::mail::one_line;

/// How long one SMTP conversation may take before it counts as failed.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// How the connection to the SMTP server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// None: only to a server on this machine.
    Plain,
    /// STARTTLS, required.
    StartTls,
    /// TLS from the start.
    Tls,
}

/// A parsed `VISADESK_SMTP_URL`.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    pub host: String,
    pub port: u16,
    pub security: Security,
    user: Option<String>,
    password: Option<String>,
}

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpUrl")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl SmtpUrl {
    /// Reads `smtp://[user:password@]host[:port]` or `smtps://...`.
    pub fn parse(url: &str) -> Result<SmtpUrl, String> {
        let url = url.trim();
        let (scheme, rest) = url.split_once("://").ok_or_else(|| {
            format!(
                "VISADESK_SMTP_URL must start with smtp:// or smtps://; got \"{}\"",
                redact(url)
            )
        })?;
        let secure = match scheme.to_ascii_lowercase().as_str() {
            "smtp" => false,
            "smtps" => true,
            other => {
                return Err(format!(
                    "VISADESK_SMTP_URL must start with smtp:// or smtps://, not {other}://"
                ))
            }
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let (host, port) = split_host_port(hostport)?;
        if host.is_empty() {
            return Err("VISADESK_SMTP_URL has no host".into());
        }
        let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
        let (user, password) = match userinfo {
            Some(info) => match info.split_once(':') {
                Some((u, p)) => (Some(decode(u)), Some(decode(p))),
                None => (Some(decode(info)), None),
            },
            None => (None, None),
        };
        let security = if secure {
            Security::Tls
        } else if is_loopback(&host) {
            Security::Plain
        } else {
            Security::StartTls
        };
        let port = port.unwrap_or(match security {
            Security::Tls => 465,
            Security::StartTls => 587,
            Security::Plain => 25,
        });
        Ok(SmtpUrl {
            host,
            port,
            security,
            user,
            password,
        })
    }
}

fn split_host_port(hostport: &str) -> Result<(String, Option<u16>), String> {
    let bad_port = |p: &str| format!("VISADESK_SMTP_URL has a port that is not a number: {p}");
    if let Some(rest) = hostport.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or("VISADESK_SMTP_URL has an unclosed [ in its host")?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p.parse().map_err(|_| bad_port(p))?),
            None => None,
        };
        return Ok((host.to_string(), port));
    }
    match hostport.rsplit_once(':') {
        Some((h, p)) => Ok((h.to_string(), Some(p.parse().map_err(|_| bad_port(p))?))),
        None => Ok((hostport.to_string(), None)),
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The URL without its credentials, for messages.
fn redact(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let shown = match rest.rsplit_once('@') {
        Some((_, host)) => format!("…@{host}"),
        None => rest.to_string(),
    };
    if scheme.is_empty() {
        shown
    } else {
        format!("{scheme}://{shown}")
    }
}

/// Sends outbox rows from one sender address.
#[derive(Clone)]
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from_address: Address,
    describe: String,
}

impl Smtp {
    /// The transport for `url`, sending as `from` (an address).
    pub fn new(url: &SmtpUrl, from: &str) -> Result<Smtp, ServerError> {
        let from_address: Address = from.trim().parse().map_err(|e| {
            ServerError::Config(format!(
                "VISADESK_MAIL_FROM must be an email address such as visadesk@firm.example ({e})"
            ))
        })?;
        let tls_error = |e: lettre::transport::smtp::Error| {
            ServerError::Config(format!("cannot set up TLS for {}: {e}", url.host))
        };
        let builder = match url.security {
            Security::Plain => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&url.host),
            Security::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&url.host)
                .map_err(tls_error)?,
            Security::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(&url.host).map_err(tls_error)?
            }
        };
        let mut builder = builder.port(url.port).timeout(Some(SMTP_TIMEOUT));
        if let Some(user) = &url.user {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                url.password.clone().unwrap_or_default(),
            ));
        }
        let security = match url.security {
            Security::Plain => "plain",
            Security::StartTls => "STARTTLS",
            Security::Tls => "TLS",
        };
        Ok(Smtp {
            transport: builder.build(),
            from_address,
            describe: format!("{}:{} ({security})", url.host, url.port),
        })
    }

    /// Where mail goes, for the log (no credentials).
    pub fn describe(&self) -> &str {
        &self.describe
    }

    /// Builds the email of an outbox row, signed with the firm's name.
    pub fn message(&self, row: &OutboxRow, firm: &str) -> Result<Message, String> {
        let to_address: Address = row
            .to_address
            .parse()
            .map_err(|e| format!("the recipient address is not valid: {e}"))?;
        let name = |n: &str| Some(one_line(n)).filter(|n| !n.is_empty());
        Message::builder()
            .message_id(Some(row.message_id.clone()))
            .from(Mailbox::new(name(firm), self.from_address.clone()))
            .to(Mailbox::new(name(&row.to_name), to_address))
            .subject(one_line(&row.subject))
            .multipart(MultiPart::alternative_plain_html(
                row.text_body.clone(),
                row.html_body.clone(),
            ))
            .map_err(|e| format!("the email could not be built: {e}"))
    }

    /// Hands a message to the SMTP server; the error says what it answered.
    pub async fn send(&self, message: Message) -> Result<(), String> {
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_plain_and_anything_else_needs_tls() {
        let local = SmtpUrl::parse("smtp://127.0.0.1:2525").unwrap();
        assert_eq!((local.security, local.port), (Security::Plain, 2525));
        assert_eq!(
            SmtpUrl::parse("smtp://localhost").unwrap().security,
            Security::Plain
        );
        assert_eq!(SmtpUrl::parse("smtp://[::1]:25").unwrap().host, "::1");
        let relay = SmtpUrl::parse("smtp://mail.firm.example").unwrap();
        assert_eq!((relay.security, relay.port), (Security::StartTls, 587));
        let tls = SmtpUrl::parse("smtps://mail.firm.example").unwrap();
        assert_eq!((tls.security, tls.port), (Security::Tls, 465));
    }

    #[test]
    fn credentials_are_decoded_and_kept_out_of_debug() {
        let url =
            SmtpUrl::parse("smtps://me%40firm.example:p%3Ass@mail.firm.example:2465").unwrap();
        assert_eq!(url.user.as_deref(), Some("me@firm.example"));
        assert_eq!(url.password.as_deref(), Some("p:ss"));
        assert!(!format!("{url:?}").contains("p:ss"));
    }

    #[test]
    fn a_bad_url_says_what_is_wrong_without_the_password() {
        let e = SmtpUrl::parse("imap://u:secret@h").unwrap_err();
        assert!(e.contains("smtp:// or smtps://"), "{e}");
        let e = SmtpUrl::parse("u:secret@h").unwrap_err();
        assert!(!e.contains("secret"), "{e}");
        assert!(SmtpUrl::parse("smtp://h:port")
            .unwrap_err()
            .contains("not a number"));
    }
}
