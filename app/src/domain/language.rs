//! The languages Visadesk speaks, and how one is chosen for a person: their
//! account's language, else the one they picked before signing in (a
//! cookie), else what their browser asks for (`Accept-Language`), else
//! English. An unknown code anywhere is passed over, never an error.

/// A language of the interface, emails and explanations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Language {
    #[default]
    English,
    /// Simplified Chinese.
    ChineseSimplified,
}

impl Language {
    /// Every language, English (the fallback) first.
    pub const ALL: [Language; 2] = [Language::English, Language::ChineseSimplified];

    /// The BCP 47 tag, as stored and as written in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::ChineseSimplified => "zh-Hans",
        }
    }

    /// The language's name in itself, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::ChineseSimplified => "简体中文",
        }
    }

    /// Reads a BCP 47 tag, ignoring case: `en` and any English variant;
    /// `zh-Hans`, and the Chinese of the places that write Simplified
    /// (`zh`, `zh-CN`, `zh-SG`, `zh-MY`). Traditional Chinese (`zh-Hant`,
    /// `zh-TW`, `zh-HK`, `zh-MO`) and anything else is `None`, so the next
    /// preference decides.
    pub fn from_code(tag: &str) -> Option<Language> {
        let lower = tag.trim().to_ascii_lowercase();
        let mut parts = lower.split(['-', '_']);
        match parts.next()? {
            "en" => Some(Language::English),
            "zh" => match parts.next() {
                None | Some("hans" | "cn" | "sg" | "my") => Some(Language::ChineseSimplified),
                Some(_) => None,
            },
            _ => None,
        }
    }

    /// The language an `Accept-Language` header prefers most among those
    /// Visadesk speaks (by weight, then by order), if any.
    pub fn from_accept_language(header: &str) -> Option<Language> {
        let mut best: Option<(u16, Language)> = None;
        for item in header.split(',') {
            let mut fields = item.split(';');
            let Some(language) = fields.next().and_then(Language::from_code) else {
                continue;
            };
            let weight = fields
                .filter_map(|f| f.trim().strip_prefix("q="))
                .next()
                .map_or(Some(1000), quality);
            match weight {
                Some(w) if w > 0 && best.is_none_or(|(b, _)| w > b) => best = Some((w, language)),
                _ => {}
            }
        }
        best.map(|(_, language)| language)
    }

    /// The language for one request: the account's, else the cookie's,
    /// else the browser's, else English.
    pub fn choose(
        account: Option<&str>,
        cookie: Option<&str>,
        accept_language: Option<&str>,
    ) -> Language {
        account
            .and_then(Language::from_code)
            .or_else(|| cookie.and_then(Language::from_code))
            .or_else(|| accept_language.and_then(Language::from_accept_language))
            .unwrap_or_default()
    }
}

/// On the wire and in the database a language is its code (`"zh-Hans"`).
impl serde::Serialize for Language {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// Reads a code that [`Language::from_code`] knows; anything else is refused
/// by name, so a request cannot store a language Visadesk does not speak.
impl<'de> serde::Deserialize<'de> for Language {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Language::from_code(&code).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown language `{}`: use one of en, zh-Hans",
                crate::error::clip(&code, 40)
            ))
        })
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// A `q=` weight in thousandths (`0.8` is 800); `None` if malformed.
fn quality(text: &str) -> Option<u16> {
    let value: f32 = text.trim().parse().ok()?;
    (0.0..=1.0)
        .contains(&value)
        .then(|| (value * 1000.0).round() as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_and_case_does_not_matter() {
        for language in Language::ALL {
            assert_eq!(Language::from_code(language.code()), Some(language));
        }
        assert_eq!(
            Language::from_code("ZH-hans"),
            Some(Language::ChineseSimplified)
        );
        assert_eq!(Language::from_code("en-GB"), Some(Language::English));
        assert_eq!(Language::from_code("en_US"), Some(Language::English));
    }

    #[test]
    fn chinese_of_simplified_places_is_simplified_and_traditional_is_passed_over() {
        for tag in ["zh", "zh-CN", "zh-SG", "zh-Hans-CN", "zh-MY"] {
            assert_eq!(
                Language::from_code(tag),
                Some(Language::ChineseSimplified),
                "{tag}"
            );
        }
        for tag in ["zh-TW", "zh-HK", "zh-Hant", "zh-Hant-TW", "zh-MO"] {
            assert_eq!(Language::from_code(tag), None, "{tag}");
        }
    }

    #[test]
    fn unknown_or_malformed_codes_are_none_never_an_error() {
        for tag in ["", "fr", "de-DE", "xx", "-", "zh-", "english", "*", "\u{0}"] {
            assert_eq!(Language::from_code(tag), None, "{tag:?}");
        }
    }

    #[test]
    fn the_browser_preference_goes_by_weight_then_order() {
        let pick = Language::from_accept_language;
        assert_eq!(
            pick("zh-CN,zh;q=0.9,en;q=0.8"),
            Some(Language::ChineseSimplified)
        );
        assert_eq!(
            pick("fr-FR,fr;q=0.9,en;q=0.8,zh;q=0.7"),
            Some(Language::English)
        );
        assert_eq!(
            pick("en;q=0.5, zh-Hans;q=0.6"),
            Some(Language::ChineseSimplified)
        );
        assert_eq!(pick("en, zh-CN"), Some(Language::English));
        assert_eq!(
            pick("zh-TW,zh;q=0.9,en;q=0.8"),
            Some(Language::ChineseSimplified)
        );
        assert_eq!(pick("zh-TW,en;q=0.5"), Some(Language::English));
        assert_eq!(pick("fr, de"), None);
        assert_eq!(pick("zh;q=0, en;q=0.1"), Some(Language::English));
        assert_eq!(pick("zh;q=abc, en;q=2, de"), None);
        assert_eq!(pick(""), None);
    }

    #[test]
    fn a_language_travels_as_its_code_and_an_unknown_one_is_refused_by_name() {
        assert_eq!(
            serde_json::to_string(&Language::ChineseSimplified).unwrap(),
            r#""zh-Hans""#
        );
        let read: Language = serde_json::from_str(r#""zh-CN""#).unwrap();
        assert_eq!(read, Language::ChineseSimplified);
        let err = serde_json::from_str::<Language>(r#""fr""#).unwrap_err();
        assert!(err.to_string().contains("unknown language `fr`"), "{err}");
    }

    #[test]
    fn the_account_wins_then_the_cookie_then_the_browser_then_english() {
        let zh = Some("zh-Hans");
        assert_eq!(Language::choose(Some("en"), zh, zh), Language::English);
        assert_eq!(
            Language::choose(None, zh, Some("en")),
            Language::ChineseSimplified
        );
        assert_eq!(
            Language::choose(Some("xx"), Some("bogus"), Some("zh-CN")),
            Language::ChineseSimplified
        );
        assert_eq!(Language::choose(None, None, Some("fr")), Language::English);
        assert_eq!(Language::choose(None, None, None), Language::English);
    }
}
