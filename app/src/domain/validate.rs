//! Input rules for accounts, shared so the form and the server say the same.

use super::problem::{Problem, Thing};

/// Fewest characters a password may have.
pub const PASSWORD_MIN_CHARS: usize = 8;
/// Most characters a password may have (far above the 64 that must be accepted).
pub const PASSWORD_MAX_CHARS: usize = 1024;
/// Longest email address (RFC 5321 path limit).
pub const EMAIL_MAX_CHARS: usize = 254;
/// Longest display name.
pub const NAME_MAX_CHARS: usize = 200;

/// A rule an input broke, tied to the form field it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub problem: Problem,
}

impl FieldError {
    fn new(field: &'static str, problem: Problem) -> Self {
        Self { field, problem }
    }
}

/// Trims and lower-cases an email address and checks its shape.
pub fn normalize_email(raw: &str) -> Result<String, FieldError> {
    let email = raw.trim().to_lowercase();
    let chars = email.chars().count();
    if email.is_empty() {
        return Err(FieldError::new("email", Problem::Missing(Thing::Email)));
    }
    if chars > EMAIL_MAX_CHARS {
        return Err(FieldError::new(
            "email",
            Problem::TooLong {
                thing: Thing::Email,
                chars,
                max: EMAIL_MAX_CHARS,
            },
        ));
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if valid {
        Ok(email)
    } else {
        Err(FieldError::new("email", Problem::EmailShape))
    }
}

/// Checks a new password's length. Any characters are allowed and nothing is
/// truncated; the server also refuses the most common passwords.
pub fn check_password_length(password: &str) -> Result<(), FieldError> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(FieldError::new(
            "password",
            Problem::PasswordTooShort {
                chars,
                min: PASSWORD_MIN_CHARS,
            },
        ));
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(FieldError::new(
            "password",
            Problem::TooLong {
                thing: Thing::Password,
                chars,
                max: PASSWORD_MAX_CHARS,
            },
        ));
    }
    Ok(())
}

/// Trims a display name and checks it is present and not too long.
pub fn normalize_display_name(raw: &str) -> Result<String, FieldError> {
    let name = raw.trim().to_string();
    let chars = name.chars().count();
    if name.is_empty() {
        return Err(FieldError::new(
            "display_name",
            Problem::Missing(Thing::PersonName),
        ));
    }
    if chars > NAME_MAX_CHARS {
        return Err(FieldError::new(
            "display_name",
            Problem::TooLong {
                thing: Thing::PersonName,
                chars,
                max: NAME_MAX_CHARS,
            },
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(FieldError::new(
            "display_name",
            Problem::ControlCharacters(Thing::PersonName),
        ));
    }
    Ok(name)
}

/// Returns `next` when it is a path on this site, else the dashboard.
/// Stops a sign-in link from sending people to another site.
pub fn safe_next_path(next: Option<&str>) -> String {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.starts_with("/\\")
                && !p.starts_with("/api/")
                && !p.starts_with("/sign-in")
                && p.len() <= 2048
                && !p.chars().any(|c| c.is_control()) =>
        {
            p.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            normalize_email("  Ana@Firm.Example ").unwrap(),
            "ana@firm.example"
        );
    }

    #[test]
    fn malformed_and_oversized_emails_are_refused_with_a_reason() {
        for bad in [
            "",
            "ana",
            "ana@",
            "@firm.example",
            "ana@firm",
            "a b@firm.example",
            "a@b@c.example",
        ] {
            assert_eq!(normalize_email(bad).unwrap_err().field, "email", "{bad:?}");
        }
        let long = format!("{}@firm.example", "a".repeat(300));
        assert!(matches!(
            normalize_email(&long).unwrap_err().problem,
            Problem::TooLong { max: 254, .. }
        ));
    }

    #[test]
    fn passwords_need_eight_characters_and_accept_long_ones_untruncated() {
        assert_eq!(
            check_password_length("1234567").unwrap_err().problem,
            Problem::PasswordTooShort { chars: 7, min: 8 }
        );
        assert!(check_password_length("12345678").is_ok());
        // Characters, not bytes: eight CJK characters are enough.
        assert!(check_password_length("密码密码密码密码").is_ok());
        assert!(check_password_length(&"x".repeat(64)).is_ok());
        assert!(check_password_length(&"x".repeat(PASSWORD_MAX_CHARS)).is_ok());
        assert!(check_password_length(&"x".repeat(PASSWORD_MAX_CHARS + 1)).is_err());
    }

    #[test]
    fn names_in_any_script_are_kept() {
        assert_eq!(normalize_display_name(" 王伟 ").unwrap(), "王伟");
        assert!(normalize_display_name("   ").is_err());
        assert!(matches!(
            normalize_display_name(&"n".repeat(201))
                .unwrap_err()
                .problem,
            Problem::TooLong { max: 200, .. }
        ));
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next_path(Some("/admin?tab=users")), "/admin?tab=users");
        for evil in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/api/sign_out",
            "/sign-in",
        ] {
            assert_eq!(safe_next_path(Some(evil)), "/", "{evil}");
        }
        assert_eq!(safe_next_path(None), "/");
    }
}
