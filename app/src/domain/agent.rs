//! Short descriptions of browsers from their User-Agent strings.

/// What a User-Agent string says: the browser (with its major version) and
/// the system, where known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agent {
    pub browser: Option<String>,
    pub os: Option<&'static str>,
}

/// "Chrome 156 on Linux", "Safari on iPhone", or "Unknown browser".
pub fn describe(user_agent: &str) -> String {
    let Agent { browser, os } = parse(user_agent);
    match (browser, os) {
        (Some(b), Some(o)) => format!("{b} on {o}"),
        (Some(b), None) => b,
        (None, Some(o)) => format!("A browser on {o}"),
        (None, None) if user_agent.trim().is_empty() => "Unknown browser".to_string(),
        (None, None) => user_agent.chars().take(60).collect(),
    }
}

/// The browser and system of a User-Agent string.
pub fn parse(user_agent: &str) -> Agent {
    let ua = user_agent;
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("HeadlessChrome/", "Chrome (headless)"),
        ("Chrome/", "Chrome"),
        ("CriOS/", "Chrome"),
        ("Version/", "Safari"),
    ]
    .into_iter()
    .find_map(|(token, name)| {
        let rest = ua.split(token).nth(1)?;
        let major: String = rest.chars().take_while(char::is_ascii_digit).collect();
        Some(if name == "Safari" || major.is_empty() {
            name.to_string()
        } else {
            format!("{name} {major}")
        })
    });
    let os = [
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(token, _)| ua.contains(token))
    .map(|(_, name)| name);
    Agent { browser, os }
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn common_browsers_get_short_names() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
        assert_eq!(describe(chrome), "Chrome 156 on Linux");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
        assert_eq!(describe(iphone), "Safari on iPhone");
        let firefox =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0";
        assert_eq!(describe(firefox), "Firefox 140 on Windows");
        assert_eq!(describe(""), "Unknown browser");
        assert_eq!(describe("curl/8.5.0"), "curl/8.5.0");
    }
}
