//! What a notice says happened (`crate::domain::notice`), in the reader's
//! language: the bell's list, and the staff emails and digest lines built
//! from the same event.

use super::names::document;
use super::{td_string, Locale};
use crate::domain::notice::{NoticeEvent, NoticeText};

/// A notice's line: its event in the reader's language, or the English it
/// was saved with before events were kept.
pub fn title(l: Locale, what: &NoticeText) -> String {
    match what {
        NoticeText::Event(e) => event(l, e),
        NoticeText::Recorded(text) => text.clone(),
    }
}

/// An event's line: "Priya Sharma uploaded Passport (photo page) to VD-2026-0007",
/// "Priya Sharma 向 VD-2026-0007 上传了护照（照片页）".
pub fn event(l: Locale, e: &NoticeEvent) -> String {
    match e {
        NoticeEvent::DocumentUploaded {
            by,
            document: d,
            case,
        } => td_string!(
            l,
            notices.events.document_uploaded,
            by = by,
            document = d.map_or(td_string!(l, notices.events.a_document), |d| document(l, d)),
            case = case
        )
        .to_string(),
        NoticeEvent::TaskAssigned { by, case, task } => td_string!(
            l,
            notices.events.task_assigned,
            by = by,
            case = case,
            task = task
        )
        .to_string(),
        NoticeEvent::MessageReceived { by, case } => {
            td_string!(l, notices.events.message_received, by = by, case = case).to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::checklist::DocumentKind;

    #[test]
    fn an_event_reads_in_each_language_and_a_recorded_line_as_it_was() {
        let uploaded = NoticeEvent::DocumentUploaded {
            by: "Priya Sharma".into(),
            document: Some(DocumentKind::Passport),
            case: "VD-2026-0007".into(),
        };
        assert_eq!(
            event(Locale::en, &uploaded),
            "Priya Sharma uploaded Passport (photo page) to VD-2026-0007"
        );
        assert_eq!(
            event(Locale::zh_Hans, &uploaded),
            "Priya Sharma 向 VD-2026-0007 上传了护照（照片页）"
        );
        let old = NoticeText::Recorded("Priya Sharma wrote on VD-2026-0001".into());
        assert_eq!(
            title(Locale::zh_Hans, &old),
            "Priya Sharma wrote on VD-2026-0001"
        );
    }
}
