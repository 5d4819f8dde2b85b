//! What people are told when a case changes: applicants by email (stage,
//! review, a new document needed), staff by the bell and email (an upload
//! on their case, a task given to them). A refused change tells nobody.

use crate::common::firm::{firm_with, join_portal, move_to, opened, Firm};
use crate::common::smtp::{Received, SmtpSink};
use crate::common::Backend;
use visadesk_app::domain::case::CaseDetail;
use visadesk_app::domain::checklist::ChecklistItem;
use visadesk_app::domain::notice::{NoticeEvent, NoticeKind, NoticePage, NoticeText};
use visadesk_app::domain::task::Task;
use visadesk_app::domain::CaseId;
use visadesk_app::i18n::{names, notices, Locale};
use visadesk_app::AppError;

on_both_databases!(
    applicants_hear_of_stage_changes_reviews_and_new_documents_by_email,
    staff_hear_of_uploads_on_their_cases_and_tasks_given_to_them,
    a_staff_member_is_told_in_their_own_language,
    a_refused_change_tells_nobody,
);

/// A firm mailing to `sink`, whose client has joined the portal; returns
/// the applicant's browser and a case with the attorney and paralegal on it.
pub(crate) async fn firm_with_applicant(
    db: Backend,
    sink: &SmtpSink,
) -> (Firm, reqwest::Client, CaseId) {
    let url = sink.url();
    let f = firm_with(
        db,
        &[
            ("VISADESK_SMTP_URL", url.as_str()),
            ("VISADESK_MAIL_POLL_MS", "100"),
        ],
    )
    .await;
    let (att, para) = (f.attorney_id.to_string(), f.para_id.to_string());
    let case = opened(
        &f,
        &f.admin,
        "cn_k",
        &[("attorney_id", &att), ("paralegal_id", &para)],
    )
    .await;
    let applicant = join_portal(&f).await;
    sink.wait_for(1).await;
    (f, applicant, case.id)
}

/// The case as the admin sees it.
pub(crate) async fn case(f: &Firm, id: &CaseId) -> CaseDetail {
    f.app
        .ask(&f.admin, "get_case", &[("id", id.as_str())])
        .await
        .expect("the case")
}

/// Uploads a small PDF to a checklist item as `who`.
pub(crate) async fn upload(f: &Firm, who: &reqwest::Client, item: &str) -> ChecklistItem {
    let body = b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"passport.pdf\"\r\n\r\n%PDF-1.4 passport\r\n--b--\r\n".to_vec();
    who.post(f.app.url(&format!("/documents/items/{item}")))
        .header("content-type", "multipart/form-data; boundary=b")
        .body(body)
        .send()
        .await
        .expect("upload")
        .json()
        .await
        .expect("an item")
}

fn to<'a>(mail: &'a [Received], address: &str) -> Vec<&'a Received> {
    mail.iter().filter(|m| m.to == address).collect()
}

async fn applicants_hear_of_stage_changes_reviews_and_new_documents_by_email(db: Backend) {
    let sink = SmtpSink::start().await;
    let (f, applicant, case_id) = firm_with_applicant(db, &sink).await;

    move_to(
        &f,
        &f.para,
        &case_id,
        "eligibility_review",
        "internal: call the employer",
    )
    .await
    .expect("moved");
    let mail = sink.wait_for(2).await;
    let news = to(&mail, "priya@example.com")
        .pop()
        .expect("an email to the applicant");
    assert_eq!(news.subject, "News on your China K visa case");
    assert!(
        news.text.contains("We are checking which visa fits you"),
        "{}",
        news.text
    );
    assert!(
        !news.text.contains("internal"),
        "a move's note is for staff"
    );
    assert_eq!(
        news.link(&f.app.base),
        Some(format!("{}/portal", f.app.base))
    );

    let added: ChecklistItem = f
        .app
        .ask(
            &f.para,
            "add_checklist_item",
            &[("case_id", case_id.as_str()), ("kind", "health_insurance")],
        )
        .await
        .expect("added");
    let mail = sink.wait_for(3).await;
    let wanted = &mail[2];
    assert_eq!(wanted.to, "priya@example.com");
    assert!(
        wanted.subject.ends_with(added.kind.label()),
        "{}",
        wanted.subject
    );

    let item = case(&f, &case_id).await.checklist[0].id.to_string();
    let uploaded = upload(&f, &applicant, &item).await;
    let document = uploaded.versions[0].id.to_string();
    let _: ChecklistItem = f
        .app
        .ask(
            &f.para,
            "review_document",
            &[
                ("document_id", document.as_str()),
                ("accept", "false"),
                ("reason", "The photo page is cut off at the bottom."),
            ],
        )
        .await
        .expect("rejected");
    // The upload told the attorney and the paralegal (2), the rejection the applicant.
    let mail = sink.wait_for(6).await;
    let rejected = to(&mail, "priya@example.com").pop().expect("the rejection");
    assert!(
        rejected.subject.starts_with("Please send your"),
        "{}",
        rejected.subject
    );
    assert!(
        rejected
            .text
            .contains("> The photo page is cut off at the bottom."),
        "{}",
        rejected.text
    );
    assert!(rejected
        .html
        .contains("The photo page is cut off at the bottom."));

    let again = upload(&f, &applicant, &item).await;
    let _: ChecklistItem = f
        .app
        .ask(
            &f.para,
            "review_document",
            &[
                ("document_id", again.versions[0].id.as_str()),
                ("accept", "true"),
            ],
        )
        .await
        .expect("accepted");
    let mail = sink.wait_for(9).await;
    let accepted = to(&mail, "priya@example.com")
        .pop()
        .expect("the acceptance");
    assert!(
        accepted.subject.ends_with("was accepted"),
        "{}",
        accepted.subject
    );
}

async fn staff_hear_of_uploads_on_their_cases_and_tasks_given_to_them(db: Backend) {
    let sink = SmtpSink::start().await;
    let (f, applicant, case_id) = firm_with_applicant(db, &sink).await;
    let unread = |c: &reqwest::Client| {
        let (app, c) = (&f.app, c.clone());
        async move {
            app.ask::<i64>(&c, "unread_notices", &[])
                .await
                .expect("unread")
        }
    };
    assert_eq!(unread(&f.para).await, 0);

    let item = case(&f, &case_id).await.checklist[0].id.to_string();
    upload(&f, &applicant, &item).await;
    assert_eq!(unread(&f.para).await, 1);
    assert_eq!(unread(&f.attorney).await, 1);
    assert_eq!(unread(&f.admin).await, 0, "the admin is not on the case");
    let page: NoticePage = f
        .app
        .ask(&f.para, "my_notices", &[("page", "0")])
        .await
        .expect("notices");
    let notice = &page.notices[0];
    assert_eq!(notice.kind, NoticeKind::DocumentUploaded);
    assert_eq!(notice.link, format!("/cases/{case_id}"));
    assert!(
        matches!(
            &notice.what,
            NoticeText::Event(NoticeEvent::DocumentUploaded { by, document: Some(_), .. })
                if by == "Priya Sharma"
        ),
        "{:?}",
        notice.what
    );
    let mail = sink.wait_for(3).await;
    let told = to(&mail, "para@firm.example")
        .pop()
        .expect("an email to the paralegal");
    assert_eq!(told.subject, notices::title(Locale::en, &notice.what));
    assert!(told.subject.starts_with("Priya Sharma uploaded"));
    assert_eq!(
        told.link(&f.app.base),
        Some(format!("{}/cases/{case_id}", f.app.base))
    );

    // A staff member's own upload tells the others on the case, not them.
    let other_item = case(&f, &case_id).await.checklist[1].id.to_string();
    upload(&f, &f.para, &other_item).await;
    assert_eq!(unread(&f.para).await, 1);
    assert_eq!(unread(&f.attorney).await, 2);

    // Reading: one's own only.
    let id = notice.id.to_string();
    let refused = f
        .app
        .ask::<()>(&f.attorney, "mark_notice_read", &[("id", &id)])
        .await;
    assert!(
        matches!(refused, Err((404, AppError::NotFound(_)))),
        "{refused:?}"
    );
    let () = f
        .app
        .ask(&f.para, "mark_notice_read", &[("id", &id)])
        .await
        .expect("read");
    assert_eq!(unread(&f.para).await, 0);
    let read: NoticePage = f
        .app
        .ask(&f.para, "my_notices", &[("page", "0")])
        .await
        .expect("notices");
    assert!(read.notices[0].read_at.is_some());
    let n: u64 = f
        .app
        .ask(&f.attorney, "mark_all_notices_read", &[])
        .await
        .expect("all read");
    assert_eq!(n, 2);
    assert_eq!(unread(&f.attorney).await, 0);

    // A task the attorney gives the paralegal; one the paralegal gives themself.
    let para = f.para_id.to_string();
    let _: Task = f
        .app
        .ask(
            &f.attorney,
            "add_task",
            &[
                ("case_id", case_id.as_str()),
                ("title", "Book the translator"),
                ("due_on", "2026-12-20"),
                ("assignee_id", &para),
            ],
        )
        .await
        .expect("a task");
    let _: Task = f
        .app
        .ask(
            &f.para,
            "add_task",
            &[
                ("case_id", case_id.as_str()),
                ("title", "Note to self"),
                ("assignee_id", &para),
            ],
        )
        .await
        .expect("a task");
    let page: NoticePage = f
        .app
        .ask(&f.para, "my_notices", &[("page", "0")])
        .await
        .expect("notices");
    assert_eq!(page.unread, 1);
    assert_eq!(page.notices[0].kind, NoticeKind::TaskAssigned);
    assert!(
        matches!(
            &page.notices[0].what,
            NoticeText::Event(NoticeEvent::TaskAssigned { task, .. }) if task == "Book the translator"
        ),
        "{:?}",
        page.notices[0].what
    );
    // The invitation, two for the applicant's upload, one for the
    // paralegal's, one for the task given to them.
    let mail = sink.wait_for(5).await;
    let task_mail = to(&mail, "para@firm.example")
        .pop()
        .expect("the task email");
    assert!(
        task_mail.text.contains("It is due on 20 December 2026."),
        "{}",
        task_mail.text
    );
}

async fn a_staff_member_is_told_in_their_own_language(db: Backend) {
    let sink = SmtpSink::start().await;
    let (f, applicant, case_id) = firm_with_applicant(db, &sink).await;
    let _: () = f
        .app
        .ask(&f.para, "choose_language", &[("language", "zh-Hans")])
        .await
        .expect("the paralegal reads Chinese");
    let reference = case(&f, &case_id).await.summary.reference;
    let first = case(&f, &case_id).await.checklist[0].clone();
    upload(&f, &applicant, first.id.as_str()).await;

    // The bell's page words the event in Chinese; the attorney's in English.
    let bell = f
        .para
        .get(f.app.url("/notifications"))
        .send()
        .await
        .expect("the notices page")
        .text()
        .await
        .expect("its body");
    let in_chinese = format!(
        "Priya Sharma 向 {reference} 上传了{}",
        names::document(Locale::zh_Hans, first.kind)
    );
    assert!(bell.contains(&in_chinese), "{bell}");
    let attorneys: NoticePage = f
        .app
        .ask(&f.attorney, "my_notices", &[("page", "0")])
        .await
        .expect("notices");
    assert_eq!(
        notices::title(Locale::en, &attorneys.notices[0].what),
        format!(
            "Priya Sharma uploaded {} to {reference}",
            names::document(Locale::en, first.kind)
        )
    );

    // Each email is in its reader's language, subject and body.
    let mail = sink.wait_for(3).await;
    let to_para = to(&mail, "para@firm.example")
        .pop()
        .expect("an email to the paralegal");
    assert_eq!(to_para.subject, in_chinese);
    assert!(to_para.text.contains("等待审核"), "{}", to_para.text);
    assert!(to_para.text.contains("前往审核"), "{}", to_para.text);
    let to_attorney = to(&mail, "att@firm.example")
        .pop()
        .expect("an email to the attorney");
    assert!(
        to_attorney.text.contains("It waits for review."),
        "{}",
        to_attorney.text
    );

    // A notice saved before events were kept shows the line it was saved with.
    f.app
        .exec("UPDATE notifications SET event = '', title = 'Saved long ago'");
    let old: NoticePage = f
        .app
        .ask(&f.para, "my_notices", &[("page", "0")])
        .await
        .expect("notices");
    assert_eq!(
        old.notices[0].what,
        NoticeText::Recorded("Saved long ago".into())
    );
}

async fn a_refused_change_tells_nobody(db: Backend) {
    let sink = SmtpSink::start().await;
    let (f, _applicant, case_id) = firm_with_applicant(db, &sink).await;
    let before = f.app.count("SELECT COUNT(*) AS n FROM outbox");
    // Intake cannot jump to Approved; the duplicate item is refused.
    let refused = move_to(&f, &f.attorney, &case_id, "approved", "").await;
    assert!(matches!(refused, Err((409, _))), "{refused:?}");
    let _: ChecklistItem = f
        .app
        .ask(
            &f.para,
            "add_checklist_item",
            &[("case_id", case_id.as_str()), ("kind", "health_insurance")],
        )
        .await
        .expect("added");
    let twice = f
        .app
        .ask::<ChecklistItem>(
            &f.para,
            "add_checklist_item",
            &[("case_id", case_id.as_str()), ("kind", "health_insurance")],
        )
        .await;
    assert!(matches!(twice, Err((409, _))), "{twice:?}");
    assert_eq!(
        f.app.count("SELECT COUNT(*) AS n FROM outbox"),
        before + 1,
        "only the accepted change queued an email"
    );
    assert_eq!(f.app.count("SELECT COUNT(*) AS n FROM notifications"), 0);
}
