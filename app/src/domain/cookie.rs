//! Reading a `Cookie` request header.

/// The value of cookie `name` in a `Cookie` header, if present and non-empty.
pub fn value(header: &str, name: &str) -> Option<String> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().trim_matches('"').to_string())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_named_cookie_among_others() {
        let h = "theme=dark; visadesk_session=abc123; other=1";
        assert_eq!(value(h, "visadesk_session").as_deref(), Some("abc123"));
        assert_eq!(value(h, "missing"), None);
        assert_eq!(value("visadesk_session=", "visadesk_session"), None);
        assert_eq!(value("xvisadesk_session=1", "visadesk_session"), None);
    }
}
