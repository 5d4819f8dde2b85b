//! The words of each email, in a plain-text part and an HTML part that say
//! the same. Everything a person typed is escaped in the HTML part, and the
//! firm's name signs every email.

use visadesk_app::domain::time::format_utc;

/// An email's subject and its two parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A paragraph or a button of a letter.
enum Block {
    Para(String),
    Link {
        label: String,
        url: String,
    },
    Quote(String),
    List {
        heading: String,
        items: Vec<DigestLine>,
    },
}

/// One line of a digest: what, more words (may be empty), and a link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigestLine {
    pub text: String,
    pub detail: String,
    pub link: String,
}

/// Builds a letter from blocks, in both parts, signed by the firm.
struct Draft {
    subject: String,
    greeting: String,
    blocks: Vec<Block>,
}

impl Draft {
    fn new(subject: String, to_name: &str) -> Draft {
        let greeting = if to_name.trim().is_empty() {
            "Hello,".to_string()
        } else {
            format!("Dear {},", to_name.trim())
        };
        Draft {
            subject,
            greeting,
            blocks: Vec::new(),
        }
    }

    fn para(mut self, text: impl Into<String>) -> Draft {
        self.blocks.push(Block::Para(text.into()));
        self
    }

    fn link(mut self, label: &str, url: String) -> Draft {
        self.blocks.push(Block::Link {
            label: label.into(),
            url,
        });
        self
    }

    fn quote(mut self, text: impl Into<String>) -> Draft {
        self.blocks.push(Block::Quote(text.into()));
        self
    }

    fn list(mut self, heading: &str, items: Vec<DigestLine>) -> Draft {
        if !items.is_empty() {
            self.blocks.push(Block::List {
                heading: heading.into(),
                items,
            });
        }
        self
    }

    fn sign(self, firm: &str) -> Letter {
        let mut text = format!("{}\n\n", self.greeting);
        let mut html = format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>{}</title></head>\
             <body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#1f2933;max-width:36rem\">\
             <p>{}</p>",
            escape(&self.subject),
            escape(&self.greeting)
        );
        for block in &self.blocks {
            match block {
                Block::Para(p) => {
                    text.push_str(p);
                    text.push_str("\n\n");
                    html.push_str(&format!("<p>{}</p>", escape(p)));
                }
                Block::Link { label, url } => {
                    text.push_str(&format!("{label}:\n{url}\n\n"));
                    html.push_str(&format!(
                        "<p><a href=\"{}\" style=\"display:inline-block;padding:.5rem 1rem;\
                         background:#1d4ed8;color:#fff;border-radius:4px;text-decoration:none\">{}</a></p>\
                         <p style=\"font-size:.875rem;color:#52606d\">{}</p>",
                        escape(url),
                        escape(label),
                        escape(url)
                    ));
                }
                Block::List { heading, items } => {
                    text.push_str(&format!("{heading}\n"));
                    html.push_str(&format!(
                        "<h3 style=\"font-size:1rem;margin:1.25rem 0 .25rem\">{}</h3><ul style=\"padding-left:1.25rem\">",
                        escape(heading)
                    ));
                    for item in items {
                        text.push_str(&format!("- {}\n", item.text));
                        html.push_str(&format!(
                            "<li><a href=\"{}\">{}</a>",
                            escape(&item.link),
                            escape(&item.text)
                        ));
                        if !item.detail.is_empty() {
                            for line in item.detail.lines() {
                                text.push_str(&format!("  {line}\n"));
                            }
                            html.push_str(&format!(
                                "<br><span style=\"color:#52606d;white-space:pre-wrap\">{}</span>",
                                escape(&item.detail)
                            ));
                        }
                        text.push_str(&format!("  {}\n", item.link));
                        html.push_str("</li>");
                    }
                    text.push('\n');
                    html.push_str("</ul>");
                }
                Block::Quote(q) => {
                    for line in q.lines() {
                        text.push_str(&format!("> {line}\n"));
                    }
                    text.push('\n');
                    html.push_str(&format!(
                        "<blockquote style=\"border-left:3px solid #cbd2d9;margin:0 0 1rem;padding-left:1rem;white-space:pre-wrap\">{}</blockquote>",
                        escape(q)
                    ));
                }
            }
        }
        text.push_str(&format!(
            "{firm}\n\n-- \nSent by {firm} through Visadesk. Please do not reply to this email.\n"
        ));
        html.push_str(&format!(
            "<p>{}</p><hr style=\"border:none;border-top:1px solid #e4e7eb\">\
             <p style=\"font-size:.8rem;color:#7b8794\">Sent by {} through Visadesk. Please do not reply to this email.</p>\
             </body></html>",
            escape(firm),
            escape(firm)
        ));
        Letter {
            subject: self.subject,
            text,
            html,
        }
    }
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A portal invitation.
pub fn invitation(firm: &str, to_name: &str, link: String, expires_at: i64) -> Letter {
    Draft::new(format!("{firm} invites you to your case portal"), to_name)
        .para(format!(
            "{firm} uses Visadesk to keep your visa case in one place. In your portal you can \
             follow your case, see which documents are still needed, and upload them."
        ))
        .para("Choose a password with the link below to open your portal.")
        .link("Open your portal", link)
        .para(format!(
            "The link works once and until {}. If it has expired, ask {firm} for a new one.",
            format_utc(expires_at)
        ))
        .sign(firm)
}

/// A password reset link.
pub fn password_reset(firm: &str, to_name: &str, link: String, minutes: i64) -> Letter {
    Draft::new(format!("Reset your {firm} password"), to_name)
        .para("Someone (we hope you) asked to reset the password of your Visadesk account.")
        .link("Choose a new password", link)
        .para(format!(
            "The link works once, for {minutes} minutes. Choosing a new password signs out \
             every browser that is signed in to your account."
        ))
        .para(
            "If you did not ask for this, you can ignore this email: your password stays as it is.",
        )
        .sign(firm)
}

/// Word that a password was changed through a reset link.
pub fn password_changed(firm: &str, to_name: &str, sign_in: String, at: i64) -> Letter {
    Draft::new(format!("Your {firm} password was changed"), to_name)
        .para(format!(
            "The password of your Visadesk account was changed with a reset link on {}, and \
             every browser that was signed in has been signed out.",
            format_utc(at)
        ))
        .link("Sign in", sign_in)
        .para(format!(
            "If this was not you, tell {firm} at once: someone may have had access to your email."
        ))
        .sign(firm)
}

/// An admin sent a reset link on a staff member's behalf.
pub fn password_reset_by_admin(
    firm: &str,
    to_name: &str,
    admin: &str,
    link: String,
    minutes: i64,
) -> Letter {
    Draft::new(format!("Set a new {firm} password"), to_name)
        .para(format!(
            "{admin} sent you this link to choose a new password for your Visadesk account."
        ))
        .link("Choose a new password", link)
        .para(format!(
            "The link works once, for {minutes} minutes. Choosing a new password signs out \
             every browser that is signed in to your account."
        ))
        .sign(firm)
}

/// (Applicant) their case moved to another stage, in plain words.
pub fn stage_changed(
    firm: &str,
    to_name: &str,
    programme: &str,
    plain_words: &str,
    link: String,
) -> Letter {
    Draft::new(format!("News on your {programme} case"), to_name)
        .para(plain_words)
        .link("See your case", link)
        .para(format!(
            "{firm} will be in touch if anything is needed from you."
        ))
        .sign(firm)
}

/// (Applicant) a document was accepted.
pub fn document_accepted(firm: &str, to_name: &str, label: &str, link: String) -> Letter {
    Draft::new(format!("Your {label} was accepted"), to_name)
        .para(format!(
            "{firm} has checked your {label} and accepted it: nothing more is needed for it."
        ))
        .link("See what is still missing", link)
        .sign(firm)
}

/// (Applicant) a document was rejected, with the reason.
pub fn document_rejected(
    firm: &str,
    to_name: &str,
    label: &str,
    reason: &str,
    link: String,
) -> Letter {
    Draft::new(format!("Please send your {label} again"), to_name)
        .para(format!(
            "{firm} could not accept the {label} you sent, because:"
        ))
        .quote(reason)
        .para("Please upload a new one in your portal.")
        .link("Upload it again", link)
        .sign(firm)
}

/// (Applicant) a document was added to their checklist.
pub fn item_added(firm: &str, to_name: &str, label: &str, link: String) -> Letter {
    Draft::new(format!("{firm} needs one more document: {label}"), to_name)
        .para(format!(
            "{firm} has added \"{label}\" to the documents your case needs. You can upload it in your portal."
        ))
        .link("Upload it", link)
        .sign(firm)
}

/// (Staff) a document was uploaded to a case assigned to them.
pub fn document_uploaded(
    firm: &str,
    to_name: &str,
    title: &str,
    file_name: &str,
    link: String,
) -> Letter {
    Draft::new(title.to_string(), to_name)
        .para(format!(
            "{title} (file \"{file_name}\"). It waits for review."
        ))
        .link("Review it", link)
        .sign(firm)
}

/// (Staff) a task was given to them.
pub fn task_assigned(firm: &str, to_name: &str, title: &str, due: &str, link: String) -> Letter {
    let mut draft = Draft::new(title.to_string(), to_name).para(format!("{title}."));
    if !due.is_empty() {
        draft = draft.para(format!("It is due on {due}."));
    }
    draft.link("Open the case", link).sign(firm)
}

/// (Applicant) a new message from the firm; its text only if `words`.
pub fn message_to_applicant(
    firm: &str,
    to_name: &str,
    author: &str,
    words: Option<&str>,
    link: String,
) -> Letter {
    let mut draft = Draft::new(format!("New message from {firm}"), to_name).para(format!(
        "{author} of {firm} has written to you about your case."
    ));
    draft = match words {
        Some(w) => draft.quote(w),
        None => draft.para("Read it, and answer if you like, in your portal."),
    };
    draft.link("Read the message", link).sign(firm)
}

/// (Staff) the applicant wrote on a case assigned to them.
pub fn message_to_staff(
    firm: &str,
    to_name: &str,
    title: &str,
    words: Option<&str>,
    link: String,
) -> Letter {
    let mut draft = Draft::new(title.to_string(), to_name).para(format!("{title}."));
    if let Some(w) = words {
        draft = draft.quote(w);
    }
    draft.link("Read and reply", link).sign(firm)
}

/// What one person's daily digest holds, section by section.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DigestContent {
    pub overdue: Vec<DigestLine>,
    pub due_today: Vec<DigestLine>,
    pub due_tomorrow: Vec<DigestLine>,
    pub filings: Vec<DigestLine>,
    /// What happened since the last digest, for the categories they chose
    /// to hear about in it.
    pub news: Vec<DigestLine>,
}

impl DigestContent {
    /// Whether there is nothing to send.
    pub fn is_empty(&self) -> bool {
        self.overdue.is_empty()
            && self.due_today.is_empty()
            && self.due_tomorrow.is_empty()
            && self.filings.is_empty()
            && self.news.is_empty()
    }
}

/// The daily digest of `day` (`YYYY-MM-DD`); `settings` links to where its
/// reader chooses what comes by email.
pub fn digest(
    firm: &str,
    to_name: &str,
    day: &str,
    content: DigestContent,
    settings: String,
) -> Letter {
    let mut counts = Vec::new();
    for (n, what) in [
        (content.overdue.len(), "overdue"),
        (content.due_today.len(), "due today"),
        (content.due_tomorrow.len(), "due tomorrow"),
    ] {
        if n > 0 {
            counts.push(format!("{n} {what}"));
        }
    }
    if !content.filings.is_empty() {
        counts.push(format!("{} to file this week", content.filings.len()));
    }
    if !content.news.is_empty() {
        counts.push(format!(
            "{} update{}",
            content.news.len(),
            plural(content.news.len())
        ));
    }
    Draft::new(
        format!("Your daily digest for {day}: {}", counts.join(", ")),
        to_name,
    )
    .list("Overdue tasks", content.overdue)
    .list("Tasks due today", content.due_today)
    .list("Tasks due tomorrow", content.due_tomorrow)
    .list("Target filings in the next 7 days", content.filings)
    .list("Since your last digest", content.news)
    .link("Choose what comes by email", settings)
    .sign(firm)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A quoted block of someone's words (kept for messages and reasons).
pub fn quoted(firm: &str, to_name: &str, subject: String, intro: &str, words: &str) -> Letter {
    Draft::new(subject, to_name)
        .para(intro)
        .quote(words)
        .sign(firm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_parts_carry_the_link_and_the_firm() {
        let l = invitation(
            "Chen & Partners",
            "Ana <Silva>",
            "https://v.example/portal/join/abc".into(),
            0,
        );
        assert!(l.text.contains("https://v.example/portal/join/abc"));
        assert!(l
            .html
            .contains("href=\"https://v.example/portal/join/abc\""));
        assert!(l.text.contains("Chen & Partners"));
        assert!(l.html.contains("Chen &amp; Partners"));
        assert!(l.html.contains("Dear Ana &lt;Silva&gt;,"));
        assert!(!l.html.contains("<Silva>"));
    }

    #[test]
    fn a_digest_lists_each_section_with_links_in_both_parts() {
        let line = |text: &str, detail: &str| DigestLine {
            text: text.into(),
            detail: detail.into(),
            link: "https://v.example/cases/1".into(),
        };
        let l = digest(
            "F",
            "Li Wei",
            "2026-12-03",
            DigestContent {
                overdue: vec![line("Call <Priya>", "Was due on 2026-12-01.")],
                news: vec![line("Your Passport was accepted", ""), line("x", "")],
                ..Default::default()
            },
            "https://v.example/account/sessions".into(),
        );
        assert_eq!(
            l.subject,
            "Your daily digest for 2026-12-03: 1 overdue, 2 updates"
        );
        assert!(l.text.contains("Overdue tasks\n- Call <Priya>\n  Was due on 2026-12-01.\n  https://v.example/cases/1\n"));
        assert!(
            !l.text.contains("Tasks due today"),
            "empty sections are left out"
        );
        assert!(l
            .html
            .contains("<a href=\"https://v.example/cases/1\">Call &lt;Priya&gt;</a>"));
        assert!(l.text.contains("https://v.example/account/sessions"));
    }

    #[test]
    fn quoted_words_are_escaped_and_kept_line_by_line() {
        let l = quoted(
            "F",
            "",
            "S".into(),
            "They wrote:",
            "<script>x</script>\nline two",
        );
        assert!(l.text.contains("> <script>x</script>\n> line two"));
        assert!(l.html.contains("&lt;script&gt;"));
        assert!(l.text.starts_with("Hello,"));
    }
}
