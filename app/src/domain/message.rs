//! The thread between the firm and the applicant on a case: messages, who
//! has seen them, and how their text is shown (links made safe).

use super::problem::{Problem, Thing};
use super::{CaseId, MessageId};
use serde::{Deserialize, Serialize};

/// Longest message, in characters.
pub const MESSAGE_MAX_CHARS: usize = 10_000;

/// One message of a thread.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub author_name: String,
    /// Written by the firm's staff (else by the applicant).
    pub from_firm: bool,
    pub body: String,
    pub created_at: i64,
}

/// A case's thread as the caller sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thread {
    pub case_id: CaseId,
    /// Oldest first.
    pub messages: Vec<Message>,
    /// Messages from the other side since the caller last read the thread.
    pub unread: i64,
    /// When the other side (the applicant, or anyone at the firm) last read it.
    pub other_seen_at: Option<i64>,
    /// Whether the caller may write (viewers read only; a closed case is read-only).
    pub can_write: bool,
}

/// Checks a message: not empty, at most [`MESSAGE_MAX_CHARS`]; returns it
/// without surrounding blank space.
pub fn check_message(body: &str) -> Result<String, Problem> {
    let body = body.trim();
    if body.is_empty() {
        return Err(Problem::EmptyMessage);
    }
    let chars = body.chars().count();
    if chars > MESSAGE_MAX_CHARS {
        return Err(Problem::TooLong {
            thing: Thing::Message,
            chars,
            max: MESSAGE_MAX_CHARS,
        });
    }
    Ok(body.to_string())
}

/// A piece of a message's text as shown: words, or a web link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    /// An `http://` or `https://` address, shown as a link that opens apart
    /// from Visadesk and tells the site nothing about where it came from.
    Link(String),
}

/// Splits text into words and web links. Only `http://` and `https://`
/// become links (never `javascript:` or anything else); punctuation that
/// ends a sentence stays out of the link.
pub fn linkify(text: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let at = ["https://", "http://"]
            .iter()
            .filter_map(|p| find_ascii_ci(rest, p))
            .min();
        let Some(start) = at else {
            plain.push_str(rest);
            break;
        };
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
            .unwrap_or(tail.len());
        let mut link = &tail[..end];
        while let Some(last) = link.chars().last() {
            if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '\'') {
                link = &link[..link.len() - last.len_utf8()];
            } else {
                break;
            }
        }
        let scheme_only =
            link.eq_ignore_ascii_case("http://") || link.eq_ignore_ascii_case("https://");
        plain.push_str(&rest[..start]);
        if scheme_only {
            plain.push_str(link);
        } else {
            if !plain.is_empty() {
                out.push(Segment::Text(std::mem::take(&mut plain)));
            }
            out.push(Segment::Link(link.to_string()));
        }
        rest = &rest[start + link.len()..];
    }
    if !plain.is_empty() {
        out.push(Segment::Text(plain));
    }
    out
}

fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Segment::*;

    #[test]
    fn web_addresses_become_links_without_their_full_stop() {
        assert_eq!(
            linkify("See https://www.gov.cn/k-visa. Thanks"),
            vec![
                Text("See ".into()),
                Link("https://www.gov.cn/k-visa".into()),
                Text(". Thanks".into())
            ]
        );
        assert_eq!(
            linkify("(http://a.example/x?y=1)"),
            vec![
                Text("(".into()),
                Link("http://a.example/x?y=1".into()),
                Text(")".into())
            ]
        );
    }

    #[test]
    fn nothing_but_http_and_https_is_a_link() {
        assert_eq!(
            linkify("javascript:alert(1) <b>hi</b> https://"),
            vec![Text("javascript:alert(1) <b>hi</b> https://".into())]
        );
        assert_eq!(linkify(""), vec![]);
    }

    #[test]
    fn a_message_is_not_empty_and_not_too_long() {
        assert_eq!(check_message("  Hello \n").unwrap(), "Hello");
        assert!(check_message(" \n ").is_err());
        let long = "x".repeat(MESSAGE_MAX_CHARS + 1);
        assert!(check_message(&long)
            .unwrap_err()
            .to_string()
            .contains("10001 characters"));
        assert!(check_message(&"é".repeat(MESSAGE_MAX_CHARS)).is_ok());
    }
}
