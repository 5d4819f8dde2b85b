//! Typed ids: a case id cannot be passed where a checklist item id belongs.
//!
//! Each is the server's opaque text id (a UUID) wrapped in its own type. On
//! the wire (JSON, forms, URLs) and in the database it is the bare text.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a stored or received id.
            pub fn new(id: impl Into<String>) -> Self {
                $name(id.into())
            }

            /// The id as text (for queries, paths and form values).
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id's text.
            pub fn into_string(self) -> String {
                self.0
            }

            /// Whether no id was given (an empty form field).
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                $name(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                $name(id.to_string())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}

id_type!(
    /// A user: staff or an applicant.
    UserId
);
id_type!(
    /// One signed-in browser of a user.
    SessionId
);
id_type!(
    /// A client (the firm's customer).
    ClientId
);
id_type!(
    /// A case: one visa application of a client.
    CaseId
);
id_type!(
    /// A task on a case.
    TaskId
);
id_type!(
    /// An item of a case's document checklist.
    ItemId
);
id_type!(
    /// One uploaded version of a checklist item's document.
    DocumentId
);
id_type!(
    /// A portal invitation (its link carries a token, never this id).
    InvitationId
);
id_type!(
    /// An assessment kept on a case.
    AssessmentId
);
id_type!(
    /// An email in the outbox.
    OutboxId
);
id_type!(
    /// Something a staff member is told in the app (the bell).
    NoticeId
);
id_type!(
    /// A message in a case's thread.
    MessageId
);
id_type!(
    /// A passkey registered to an account.
    PasskeyId
);
id_type!(
    /// A passkey registration or sign-in under way.
    CeremonyId
);

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a token from a link or a new one.
            pub fn new(token: impl Into<String>) -> Self {
                $name(token.into())
            }

            /// The token as text (to hash it, or to build the link).
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(..)"))
            }
        }
    };
}

secret_type!(
    /// The secret in a portal invitation's link: whoever holds it may use the
    /// invitation, so it never appears in logs (`Debug` hides it).
    InvitationToken
);
secret_type!(
    /// The secret in a password reset link (`Debug` hides it).
    ResetToken
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_bare_text_on_the_wire() {
        let id = CaseId::new("0b7c");
        assert_eq!(
            serde_json::to_value(&id).unwrap(),
            serde_json::json!("0b7c")
        );
        assert_eq!(serde_json::from_str::<CaseId>("\"0b7c\"").unwrap(), id);
        assert_eq!(format!("/cases/{id}"), "/cases/0b7c");
    }

    #[test]
    fn an_invitation_token_stays_out_of_debug_output() {
        let token = InvitationToken::new("s3cret-token");
        assert!(!format!("{token:?}").contains("s3cret"));
        assert_eq!(token.as_str(), "s3cret-token");
        assert!(!format!("{:?}", ResetToken::new("s3cret")).contains("s3cret"));
    }
}
