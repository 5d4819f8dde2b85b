//! One spelling on the wire: every enum reads and writes in JSON exactly the
//! snake_case code that forms, URLs and the database use.

use super::case::Priority;
use super::checklist::{DocumentKind, ItemStatus};
use super::client::{ClientSort, EducationLevel};
use super::document::Review;
use super::mail::{MailCategory, OutboxStatus};
use super::{Permission, Programme, Role, Section, Stage};
use crate::eligibility::{Outcome, Status};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// `value` serialises as `code` and reads back from it.
fn spelled<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: T, code: &str) {
    assert_eq!(
        serde_json::to_value(&value).expect("serialises"),
        json!(code),
        "{value:?}"
    );
    assert_eq!(
        serde_json::from_value::<T>(json!(code)).expect("reads back"),
        value
    );
}

#[test]
fn unit_enums_travel_as_their_codes() {
    for s in Stage::ALL {
        spelled(s, s.code());
    }
    for p in Programme::ALL {
        spelled(p, p.code());
    }
    for p in Priority::ALL {
        spelled(p, p.code());
    }
    for l in EducationLevel::ALL {
        spelled(l, l.code());
    }
    for s in ClientSort::ALL {
        spelled(s, s.code());
    }
    for p in Permission::ALL {
        spelled(p, p.code());
    }
    for r in Role::ALL {
        spelled(r, r.as_str());
    }
    for r in super::second_factor::SecondFactorRule::ALL {
        spelled(r, r.code());
    }
    for k in super::scrub::FindingKind::ALL {
        spelled(k, k.code());
    }
    for p in [
        super::second_factor::ChallengePurpose::Verify,
        super::second_factor::ChallengePurpose::Enrol,
    ] {
        spelled(p, p.code());
    }
    for k in DocumentKind::ALL {
        spelled(k, k.code());
    }
    for s in OutboxStatus::ALL {
        spelled(s, s.code());
    }
    for c in MailCategory::ALL {
        spelled(c, c.code());
    }
    for s in Section::ALL {
        spelled(s, &s.label().to_lowercase());
    }
    for o in [
        Outcome::Eligible,
        Outcome::Ineligible,
        Outcome::NeedsInformation,
        Outcome::NeedsReview,
    ] {
        spelled(o, o.code());
    }
    for s in [
        Status::Met,
        Status::NotMet,
        Status::Missing,
        Status::Review,
        Status::Info,
    ] {
        spelled(s, s.code());
    }
}

#[test]
fn enums_with_a_reason_are_tagged_by_their_codes() {
    for (status, wire) in [
        (ItemStatus::Missing, json!("missing")),
        (ItemStatus::Uploaded, json!("uploaded")),
        (ItemStatus::Accepted, json!("accepted")),
        (
            ItemStatus::Rejected("blurred".into()),
            json!({"rejected": "blurred"}),
        ),
        (
            ItemStatus::Waived("not needed".into()),
            json!({"waived": "not needed"}),
        ),
    ] {
        let code = status.code();
        let written = serde_json::to_value(&status).expect("serialises");
        assert_eq!(written, wire);
        let tag = match &written {
            Value::String(s) => s.clone(),
            Value::Object(o) => o.keys().next().cloned().unwrap_or_default(),
            other => panic!("{other}"),
        };
        assert_eq!(tag, code);
        assert_eq!(
            serde_json::from_value::<ItemStatus>(wire).ok(),
            Some(status)
        );
    }
    for (review, wire) in [
        (Review::Pending, json!("pending")),
        (Review::Accepted, json!("accepted")),
        (
            Review::Rejected("cut off".into()),
            json!({"rejected": "cut off"}),
        ),
    ] {
        assert_eq!(serde_json::to_value(&review).expect("serialises"), wire);
        assert_eq!(serde_json::from_value::<Review>(wire).ok(), Some(review));
    }
}

#[test]
fn the_old_capitalised_spelling_is_refused_with_the_accepted_codes() {
    let err = serde_json::from_value::<Stage>(json!("AwaitingDecision"))
        .expect_err("PascalCase is not a stage");
    let text = err.to_string();
    assert!(text.contains("AwaitingDecision"), "{text}");
    assert!(text.contains("awaiting_decision"), "{text}");
}
