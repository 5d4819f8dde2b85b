//! The words of each email, in a plain-text part and an HTML part that say
//! the same. Everything a person typed is escaped in the HTML part, and the
//! firm's name signs every email.

use leptos_i18n::td_string;
use leptos_i18n::Locale as _;
use visadesk_app::domain::date::Date;
use visadesk_app::i18n::{format, Locale};

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

/// Builds a letter from blocks, in both parts, signed by the firm, in the
/// recipient's language.
struct Draft {
    l: Locale,
    subject: String,
    greeting: String,
    blocks: Vec<Block>,
}

impl Draft {
    fn new(l: Locale, subject: String, to_name: &str) -> Draft {
        let greeting = if to_name.trim().is_empty() {
            td_string!(l, email.greeting_anonymous).to_string()
        } else {
            td_string!(l, email.greeting, name = to_name.trim()).to_string()
        };
        Draft {
            l,
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
            "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
             <body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#1f2933;max-width:36rem\">\
             <p>{}</p>",
            self.l.as_str(),
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
                    let line = td_string!(self.l, email.link_line, label = label);
                    text.push_str(&format!("{line}\n{url}\n\n"));
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
        let l = self.l;
        let closing = td_string!(l, email.signature);
        let footer = td_string!(l, email.sent_by, firm = firm).to_string();
        text.push_str(&format!("{closing}\n{firm}\n\n-- \n{footer}\n"));
        html.push_str(&format!(
            "<p>{}<br>{}</p><hr style=\"border:none;border-top:1px solid #e4e7eb\">\
             <p style=\"font-size:.8rem;color:#7b8794\">{}</p>\
             </body></html>",
            escape(closing),
            escape(firm),
            escape(&footer)
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
pub fn invitation(l: Locale, firm: &str, to_name: &str, link: String, expires_at: i64) -> Letter {
    Draft::new(
        l,
        td_string!(l, email.invitation.subject, firm = firm).to_string(),
        to_name,
    )
    .para(td_string!(l, email.invitation.intro, firm = firm).to_string())
    .para(td_string!(l, email.invitation.choose))
    .link(td_string!(l, email.invitation.button), link)
    .para(
        td_string!(
            l,
            email.invitation.expiry,
            time = format::date_time(l, expires_at),
            firm = firm
        )
        .to_string(),
    )
    .sign(firm)
}

/// A password reset link.
pub fn password_reset(l: Locale, firm: &str, to_name: &str, link: String, minutes: i64) -> Letter {
    Draft::new(
        l,
        td_string!(l, email.reset.subject, firm = firm).to_string(),
        to_name,
    )
    .para(td_string!(l, email.reset.intro))
    .link(td_string!(l, email.reset.button), link)
    .para(td_string!(l, email.reset.expiry, minutes = minutes).to_string())
    .para(td_string!(l, email.reset.ignore))
    .sign(firm)
}

/// Word that a password was changed through a reset link.
pub fn password_changed(l: Locale, firm: &str, to_name: &str, sign_in: String, at: i64) -> Letter {
    Draft::new(
        l,
        td_string!(l, email.changed.subject, firm = firm).to_string(),
        to_name,
    )
    .para(td_string!(l, email.changed.intro, time = format::date_time(l, at)).to_string())
    .link(td_string!(l, common.sign_in), sign_in)
    .para(td_string!(l, email.changed.warning, firm = firm).to_string())
    .sign(firm)
}

/// What changed in someone's sign-in security, for [`security_alert`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecurityEvent {
    TotpOn,
    TotpOff,
    RecoveryCodesRenewed,
    /// An admin (named) removed the second factor.
    SecondFactorReset {
        admin: String,
    },
    /// A passkey (named) was added.
    PasskeyAdded {
        name: String,
    },
    /// A passkey (named) was removed.
    PasskeyRemoved {
        name: String,
    },
    /// A sign-in from a browser the account had not been used in before.
    NewBrowser {
        user_agent: String,
        ip: String,
    },
}

/// Word to the person that their sign-in security changed, with a link to
/// review their account (a security email: always sent).
pub fn security_alert(
    l: Locale,
    firm: &str,
    to_name: &str,
    event: &SecurityEvent,
    review: String,
    at: i64,
) -> Letter {
    let time = format::date_time(l, at);
    let what = match event {
        SecurityEvent::TotpOn => td_string!(l, email.security.totp_on, time = &time).to_string(),
        SecurityEvent::TotpOff => td_string!(l, email.security.totp_off, time = &time).to_string(),
        SecurityEvent::RecoveryCodesRenewed => {
            td_string!(l, email.security.codes_renewed, time = &time).to_string()
        }
        SecurityEvent::SecondFactorReset { admin } => {
            td_string!(l, email.security.reset, admin = admin, time = &time).to_string()
        }
        SecurityEvent::PasskeyAdded { name } => {
            td_string!(l, email.security.passkey_added, name = name, time = &time).to_string()
        }
        SecurityEvent::PasskeyRemoved { name } => {
            td_string!(l, email.security.passkey_removed, name = name, time = &time).to_string()
        }
        SecurityEvent::NewBrowser { user_agent, ip } => td_string!(
            l,
            email.security.new_browser,
            time = &time,
            browser = visadesk_app::i18n::names::agent(l, user_agent),
            ip = ip
        )
        .to_string(),
    };
    Draft::new(
        l,
        td_string!(l, email.security.subject, firm = firm).to_string(),
        to_name,
    )
    .para(what)
    .link(td_string!(l, email.security.review), review)
    .para(td_string!(l, email.security.warning, firm = firm).to_string())
    .sign(firm)
}

/// An admin sent a reset link on someone's behalf.
pub fn password_reset_by_admin(
    l: Locale,
    firm: &str,
    to_name: &str,
    admin: &str,
    link: String,
    minutes: i64,
) -> Letter {
    Draft::new(
        l,
        td_string!(l, email.reset_by_admin.subject, firm = firm).to_string(),
        to_name,
    )
    .para(td_string!(l, email.reset_by_admin.intro, admin = admin).to_string())
    .link(td_string!(l, email.reset.button), link)
    .para(td_string!(l, email.reset.expiry, minutes = minutes).to_string())
    .sign(firm)
}

/// (Applicant) their case moved to another stage, in plain words.
pub fn stage_changed(
    l: Locale,
    firm: &str,
    to_name: &str,
    programme: &str,
    plain_words: &str,
    link: String,
) -> Letter {
    Draft::new(
        l,
        td_string!(l, email.stage.subject, programme = programme).to_string(),
        to_name,
    )
    .para(plain_words)
    .link(td_string!(l, email.stage.button), link)
    .para(td_string!(l, email.stage.in_touch, firm = firm).to_string())
    .sign(firm)
}

/// (Applicant) a document was accepted.
pub fn document_accepted(
    l: Locale,
    firm: &str,
    to_name: &str,
    label: &str,
    link: String,
) -> Letter {
    Draft::new(
        l,
        td_string!(l, email.accepted.subject, document = label).to_string(),
        to_name,
    )
    .para(td_string!(l, email.accepted.body, firm = firm, document = label).to_string())
    .link(td_string!(l, email.accepted.button), link)
    .sign(firm)
}

/// (Applicant) a document was rejected, with the reason.
pub fn document_rejected(
    l: Locale,
    firm: &str,
    to_name: &str,
    label: &str,
    reason: &str,
    link: String,
) -> Letter {
    Draft::new(
        l,
        td_string!(l, email.rejected.subject, document = label).to_string(),
        to_name,
    )
    .para(td_string!(l, email.rejected.because, firm = firm, document = label).to_string())
    .quote(reason)
    .para(td_string!(l, email.rejected.upload_new))
    .link(td_string!(l, email.rejected.button), link)
    .sign(firm)
}

/// (Applicant) a document was added to their checklist.
pub fn item_added(l: Locale, firm: &str, to_name: &str, label: &str, link: String) -> Letter {
    Draft::new(
        l,
        td_string!(l, email.item_added.subject, firm = firm, document = label).to_string(),
        to_name,
    )
    .para(td_string!(l, email.item_added.body, firm = firm, document = label).to_string())
    .link(td_string!(l, email.item_added.button), link)
    .sign(firm)
}

/// (Staff) a document was uploaded to a case assigned to them.
pub fn document_uploaded(
    l: Locale,
    firm: &str,
    to_name: &str,
    title: &str,
    file_name: &str,
    link: String,
) -> Letter {
    Draft::new(l, title.to_string(), to_name)
        .para(td_string!(l, email.uploaded.body, title = title, file = file_name).to_string())
        .link(td_string!(l, email.uploaded.button), link)
        .sign(firm)
}

/// (Staff) a task was given to them.
pub fn task_assigned(
    l: Locale,
    firm: &str,
    to_name: &str,
    title: &str,
    due: Option<Date>,
    link: String,
) -> Letter {
    let mut draft = Draft::new(l, title.to_string(), to_name)
        .para(td_string!(l, email.sentence, text = title).to_string());
    if let Some(due) = due {
        draft = draft.para(td_string!(l, email.task.due, date = format::date(l, due)).to_string());
    }
    draft
        .link(td_string!(l, email.task.button), link)
        .sign(firm)
}

/// (Applicant) a new message from the firm; its text only if `words`.
pub fn message_to_applicant(
    l: Locale,
    firm: &str,
    to_name: &str,
    author: &str,
    words: Option<&str>,
    link: String,
) -> Letter {
    let mut draft = Draft::new(
        l,
        td_string!(l, email.message.subject, firm = firm).to_string(),
        to_name,
    )
    .para(td_string!(l, email.message.intro, author = author, firm = firm).to_string());
    draft = match words {
        Some(w) => draft.quote(w),
        None => draft.para(td_string!(l, email.message.read_in_portal)),
    };
    draft
        .link(td_string!(l, email.message.button), link)
        .sign(firm)
}

/// (Staff) the applicant wrote on a case assigned to them.
pub fn message_to_staff(
    l: Locale,
    firm: &str,
    to_name: &str,
    title: &str,
    words: Option<&str>,
    link: String,
) -> Letter {
    let mut draft = Draft::new(l, title.to_string(), to_name)
        .para(td_string!(l, email.sentence, text = title).to_string());
    if let Some(w) = words {
        draft = draft.quote(w);
    }
    draft
        .link(td_string!(l, email.applicant_wrote.button), link)
        .sign(firm)
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
    l: Locale,
    firm: &str,
    to_name: &str,
    day: Date,
    content: DigestContent,
    settings: String,
) -> Letter {
    let mut counts = Vec::new();
    let overdue = content.overdue.len();
    if overdue > 0 {
        counts.push(td_string!(l, email.digest.count_overdue, n = overdue).to_string());
    }
    let today = content.due_today.len();
    if today > 0 {
        counts.push(td_string!(l, email.digest.count_due_today, n = today).to_string());
    }
    let tomorrow = content.due_tomorrow.len();
    if tomorrow > 0 {
        counts.push(td_string!(l, email.digest.count_due_tomorrow, n = tomorrow).to_string());
    }
    let filings = content.filings.len();
    if filings > 0 {
        counts.push(td_string!(l, email.digest.count_filings, n = filings).to_string());
    }
    match content.news.len() {
        0 => {}
        1 => counts.push(td_string!(l, email.digest.one_update).to_string()),
        n => counts.push(td_string!(l, email.digest.count_updates, n = n).to_string()),
    }
    Draft::new(
        l,
        td_string!(
            l,
            email.digest.subject,
            day = format::date(l, day),
            counts = counts.join(td_string!(l, common.list_separator))
        )
        .to_string(),
        to_name,
    )
    .list(td_string!(l, email.digest.overdue), content.overdue)
    .list(td_string!(l, email.digest.due_today), content.due_today)
    .list(
        td_string!(l, email.digest.due_tomorrow),
        content.due_tomorrow,
    )
    .list(td_string!(l, email.digest.filings), content.filings)
    .list(td_string!(l, email.digest.news), content.news)
    .link(td_string!(l, email.digest.button), settings)
    .sign(firm)
}

/// A quoted block of someone's words (kept for messages and reasons).
pub fn quoted(
    l: Locale,
    firm: &str,
    to_name: &str,
    subject: String,
    intro: &str,
    words: &str,
) -> Letter {
    Draft::new(l, subject, to_name)
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
            Locale::en,
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
            Locale::en,
            "F",
            "Li Wei",
            Date::parse("2026-12-03").unwrap(),
            DigestContent {
                overdue: vec![line("Call <Priya>", "Was due on 2026-12-01.")],
                news: vec![line("Your Passport was accepted", ""), line("x", "")],
                ..Default::default()
            },
            "https://v.example/account/sessions".into(),
        );
        assert_eq!(
            l.subject,
            "Your daily digest for 3 December 2026: 1 overdue, 2 updates"
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
    fn a_letter_is_written_in_its_recipient_s_language() {
        let l = invitation(
            Locale::zh_Hans,
            "陈氏律师事务所",
            "王伟",
            "https://v.example/portal/join/abc".into(),
            1_765_000_000,
        );
        assert_eq!(l.subject, "陈氏律师事务所 邀请您登录案件门户");
        assert!(l.text.starts_with("王伟，您好："), "{}", l.text);
        assert!(l
            .text
            .contains("进入我的门户：\nhttps://v.example/portal/join/abc"));
        assert!(l.text.contains("有效期至 2025年12月6日"), "{}", l.text);
        assert!(l.html.contains("<html lang=\"zh-Hans\">"));
        assert!(!l.text.contains("Dear"), "no English left: {}", l.text);
    }

    #[test]
    fn a_digest_is_written_in_its_reader_s_language() {
        let line = DigestLine {
            text: "预约翻译（VD-2026-0001）".into(),
            detail: String::new(),
            link: "https://v.example/cases/1".into(),
        };
        let l = digest(
            Locale::zh_Hans,
            "陈氏律师事务所",
            "李伟",
            Date::parse("2026-12-03").unwrap(),
            DigestContent {
                due_today: vec![line.clone()],
                filings: vec![line.clone(), line],
                ..Default::default()
            },
            "https://v.example/account/sessions".into(),
        );
        assert_eq!(
            l.subject,
            "2026年12月3日每日摘要：1 项今天到期、2 件本周待递交"
        );
        assert!(
            l.text.contains("今天到期的待办事项\n- 预约翻译"),
            "{}",
            l.text
        );
        assert!(l.text.contains("选择通过邮件接收的内容"), "{}", l.text);
        assert!(!l.text.contains("Tasks due today"));
    }

    #[test]
    fn quoted_words_are_escaped_and_kept_line_by_line() {
        let l = quoted(
            Locale::en,
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
