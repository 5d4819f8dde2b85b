//! Client search: the terms a client can be found by, and how a typed query
//! becomes tokens. Every token must be the start of one of the client's
//! terms, so search is an index range scan, not a scan of every client.
//!
//! Names in scripts written without spaces (Chinese, Japanese, Korean) are
//! indexed with every suffix, so "伟" finds "王伟" as "wei" finds "Wang Wei".

/// At most this many tokens of a query are used.
pub const QUERY_TOKENS_MAX: usize = 6;
/// Longest term kept (longer words are cut).
const TERM_MAX_CHARS: usize = 40;
/// Suffixes are indexed for unspaced words up to this length.
const SUFFIX_WORD_MAX_CHARS: usize = 12;

/// What a client is found by.
pub struct Searchable<'a> {
    pub full_name: &'a str,
    pub latin_name: &'a str,
    pub email: &'a str,
    pub passport_number: &'a str,
    pub nationality: &'a str,
}

/// Whether `c` belongs to a script written without spaces between words.
fn unspaced(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x20000..=0x3134F) // CJK extensions B to G
}

fn clip(word: &str) -> String {
    word.chars().take(TERM_MAX_CHARS).collect()
}

/// Lower-cased words of `text`, split at anything that is not a letter or digit.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| clip(&w.to_lowercase()))
}

fn push_word(terms: &mut Vec<String>, word: String) {
    let chars: Vec<char> = word.chars().collect();
    if chars.iter().any(|c| unspaced(*c)) && chars.len() <= SUFFIX_WORD_MAX_CHARS {
        for start in 1..chars.len() {
            terms.push(chars[start..].iter().collect());
        }
    }
    terms.push(word);
}

/// Every term of a client, lower-cased and without duplicates.
pub fn client_terms(c: &Searchable) -> Vec<String> {
    let mut terms = Vec::new();
    for word in words(c.full_name).chain(words(c.latin_name)) {
        push_word(&mut terms, word);
    }
    let email = c.email.trim().to_lowercase();
    if !email.is_empty() {
        terms.push(clip(&email));
        terms.extend(words(&email));
    }
    let passport: String = c
        .passport_number
        .chars()
        .filter(|ch| !ch.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    if !passport.is_empty() {
        terms.push(clip(&passport));
    }
    terms.extend(words(c.nationality));
    terms.sort();
    terms.dedup();
    terms
}

/// The tokens of a typed query: words as for names, except that a word with
/// an `@` is kept whole (an email address).
pub fn query_tokens(q: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for part in q.split_whitespace() {
        if part.contains('@') {
            tokens.push(clip(&part.to_lowercase()));
        } else {
            tokens.extend(words(part));
        }
    }
    tokens.sort();
    tokens.dedup();
    // A token that starts another is implied by it: keep the longer one.
    let all = tokens.clone();
    tokens.retain(|t| !all.iter().any(|o| o != t && o.starts_with(t.as_str())));
    tokens.truncate(QUERY_TOKENS_MAX);
    tokens
}

/// The exclusive upper bound of the terms starting with `token` (byte order).
pub fn prefix_end(token: &str) -> String {
    format!("{token}\u{10FFFF}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wang() -> Vec<String> {
        client_terms(&Searchable {
            full_name: "王伟",
            latin_name: "WANG Wei",
            email: "Wang.Wei@Example.com",
            passport_number: "E 1234 5678",
            nationality: "CN",
        })
    }

    fn finds(terms: &[String], q: &str) -> bool {
        let tokens = query_tokens(q);
        !tokens.is_empty()
            && tokens
                .iter()
                .all(|t| terms.iter().any(|term| term.starts_with(t.as_str())))
    }

    #[test]
    fn a_client_is_found_by_names_in_either_script() {
        let terms = wang();
        assert!(finds(&terms, "王伟"));
        assert!(finds(&terms, "伟"));
        assert!(finds(&terms, "wang wei"));
        assert!(finds(&terms, "WEI"));
        assert!(finds(&terms, "wa"));
        assert!(!finds(&terms, "li"));
    }

    #[test]
    fn a_client_is_found_by_email_passport_and_nationality() {
        let terms = wang();
        assert!(finds(&terms, "wang.wei@example.com"));
        assert!(finds(&terms, "wang.wei@exa"));
        assert!(finds(&terms, "example.com"));
        assert!(finds(&terms, "E12345678"));
        assert!(finds(&terms, "e1234"));
        assert!(finds(&terms, "cn"));
        assert!(!finds(&terms, "other@example.com"));
    }

    #[test]
    fn every_token_must_match() {
        let terms = wang();
        assert!(finds(&terms, "wang cn"));
        assert!(!finds(&terms, "wang in"));
    }

    #[test]
    fn accented_names_match_case_insensitively() {
        let terms = client_terms(&Searchable {
            full_name: "José Müller-García",
            latin_name: "",
            email: "",
            passport_number: "",
            nationality: "ES",
        });
        assert!(finds(&terms, "müller"));
        assert!(finds(&terms, "GARCÍA"));
        assert!(finds(&terms, "josé garc"));
    }

    #[test]
    fn queries_drop_duplicate_and_implied_tokens_and_are_bounded() {
        assert_eq!(query_tokens("wang  Wang wa"), ["wang"]);
        assert_eq!(query_tokens(" , "), Vec::<String>::new());
        assert_eq!(query_tokens("a b c d e f g h").len(), QUERY_TOKENS_MAX);
    }

    #[test]
    fn prefix_end_sorts_after_every_term_with_the_prefix() {
        let end = prefix_end("wang");
        assert!("wang" < end.as_str());
        assert!("wangzzzz" < end.as_str());
        assert!("wang王" < end.as_str());
        assert!("wanh" > end.as_str());
    }
}
