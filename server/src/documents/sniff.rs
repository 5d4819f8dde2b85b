//! What an uploaded file is (by its first bytes, never its name or the
//! browser's word), whether its name is acceptable, and how to name it
//! safely in a download.

use visadesk_app::domain::problem::{Problem, Thing};
/// The kinds of file Visadesk accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentKind {
    Pdf,
    Jpeg,
    Png,
}

impl ContentKind {
    /// The media type sent with downloads.
    pub fn mime(self) -> &'static str {
        match self {
            ContentKind::Pdf => "application/pdf",
            ContentKind::Jpeg => "image/jpeg",
            ContentKind::Png => "image/png",
        }
    }

    /// The stable code kept in the database.
    pub fn code(self) -> &'static str {
        match self {
            ContentKind::Pdf => "pdf",
            ContentKind::Jpeg => "jpeg",
            ContentKind::Png => "png",
        }
    }
}

/// Bytes [`sniff`] needs to decide.
pub const SNIFF_BYTES: usize = 8;

/// The kind of a file from its first bytes (at least [`SNIFF_BYTES`] when
/// the file has them), or `None` for anything else.
pub fn sniff(head: &[u8]) -> Option<ContentKind> {
    if head.starts_with(b"%PDF-") {
        Some(ContentKind::Pdf)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ContentKind::Jpeg)
    } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(ContentKind::Png)
    } else {
        None
    }
}

/// Longest file name kept, in characters.
pub const FILE_NAME_MAX_CHARS: usize = 255;

/// Checks a file name as sent with an upload: a plain name (no folders, no
/// `.` or `..`), without control characters, of at most
/// [`FILE_NAME_MAX_CHARS`]. Returns it trimmed, or what is wrong with it.
pub fn check_file_name(raw: &str) -> Result<String, Problem> {
    let name = raw.trim();
    let chars = name.chars().count();
    if name.is_empty() {
        return Err(Problem::NoFileName);
    }
    if chars > FILE_NAME_MAX_CHARS {
        return Err(Problem::TooLong {
            thing: Thing::FileName,
            chars,
            max: FILE_NAME_MAX_CHARS,
        });
    }
    if name.chars().any(char::is_control) {
        return Err(Problem::ControlCharacters(Thing::FileName));
    }
    if name.contains('/') || name.contains('\\') || name == "." || name == ".." {
        return Err(Problem::FileNameWithFolders);
    }
    Ok(name.to_string())
}

/// A `Content-Disposition: attachment` value for `name`: an ASCII fallback
/// (anything else becomes `_`) and the exact name in RFC 5987 form.
pub fn attachment(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && !matches!(c, '"' | '\\' | ';')) || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_known_by_their_first_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n%"), Some(ContentKind::Pdf));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(ContentKind::Jpeg)
        );
        assert_eq!(
            sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]),
            Some(ContentKind::Png)
        );
        // A name or a claimed type changes nothing: these are not documents.
        assert_eq!(sniff(b"MZ\x90\x00 a Windows program"), None);
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"%PD"), None);
    }

    #[test]
    fn file_names_with_folders_controls_or_too_long_are_refused() {
        assert_eq!(
            check_file_name(" passport scan.pdf ").unwrap(),
            "passport scan.pdf"
        );
        assert_eq!(check_file_name("护照.pdf").unwrap(), "护照.pdf");
        for bad in [
            "../../etc/passwd",
            "a\\b.pdf",
            "..",
            ".",
            "",
            "   ",
            "a\0b.pdf",
            "a\nb.pdf",
        ] {
            assert!(check_file_name(bad).is_err(), "{bad:?} accepted");
        }
        let long = "x".repeat(10_000);
        let err = check_file_name(&long).unwrap_err();
        assert!(err.to_string().contains("10000 characters"), "{err}");
    }

    #[test]
    fn download_names_are_quoted_safely() {
        assert_eq!(
            attachment("passport.pdf"),
            "attachment; filename=\"passport.pdf\"; filename*=UTF-8''passport.pdf"
        );
        let header = attachment("王伟 \"CV\";.pdf");
        assert!(
            header.starts_with("attachment; filename=\"__ _CV__.pdf\"; "),
            "{header}"
        );
        assert!(
            header.ends_with("filename*=UTF-8''%E7%8E%8B%E4%BC%9F%20%22CV%22%3B.pdf"),
            "{header}"
        );
    }
}
