//! Text helpers shared by the formats that carry HTML and URLs (WordPress,
//! feeds, Discourse): HTML to plain text, hosts, language codes, hashtags,
//! e-mail hashing.

use sha2::{Digest, Sha256};

/// Plain text of an HTML fragment, and the targets of its links.
///
/// Hand-written on purpose: post bodies need only tags dropped, block ends
/// turned into line breaks and entities decoded; an HTML5 parser (html5ever)
/// would be a large dependency for that.
pub fn html_to_text(html: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(html.len());
    let mut links = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let Some(end) = after.find('>') else {
            out.push_str(after);
            rest = "";
            break;
        };
        let tag = &after[1..end];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if matches!(
            name.as_str(),
            "p" | "br" | "div" | "li" | "h1" | "h2" | "h3" | "h4" | "blockquote" | "tr"
        ) && !out.ends_with('\n')
            && !out.is_empty()
        {
            out.push('\n');
        }
        if name == "a"
            && let Some(href) = attribute(tag, "href")
        {
            links.push(html_escape::decode_html_entities(href).into_owned());
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    let decoded = html_escape::decode_html_entities(&out);
    let text = decoded
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    (text, links)
}

/// The value of `name="…"` (or single quotes) inside a tag's text.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before_ok = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value_start = tag.len() - rest.len() + 1;
        let v = tag[value_start..].trim_start();
        let quote = v.chars().next()?;
        if quote == '"' || quote == '\'' {
            let body = &v[1..];
            return body.find(quote).map(|e| &body[..e]);
        }
        return v.split_whitespace().next();
    }
    None
}

/// Hex SHA-256 of a trimmed, lower-cased e-mail address: enough to link one
/// person's comments across sites without keeping the address itself.
pub fn email_hash(email: &str) -> String {
    let digest = Sha256::digest(email.trim().to_lowercase().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The host of an `http(s)` URL, lower-cased, without `www.`.
pub fn host(url: &str) -> Option<String> {
    let rest = url
        .trim()
        .strip_prefix("https://")
        .or_else(|| url.trim().strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    (!host.is_empty()).then(|| host.to_owned())
}

/// `fr-FR`, `fr_CA`, `EN` → `fr`, `fr`, `en`.
pub fn lang_code(tag: &str) -> Option<String> {
    let code = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    (code.len() == 2 || code.len() == 3).then_some(code)
}

/// Hashtags written in a text (`#vélotaf`), without `#`, lower-cased.
pub fn inline_hashtags(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, _) in text.match_indices('#') {
        let before = text[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '&') {
            continue;
        }
        let tag: String = text[i + 1..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !tag.is_empty() && !tag.chars().all(|c| c.is_ascii_digit()) {
            let tag = tag.to_lowercase();
            if !out.contains(&tag) {
                out.push(tag);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_text_with_its_links() {
        let (text, links) = html_to_text(
            "<p>Caf&eacute; &amp; v&#233;lo</p><p>Voir <a class=\"x\" href=\"https://ex.fr/a?utm_source=blog&amp;utm_medium=social\">ici</a>.</p>",
        );
        assert_eq!(text, "Café & vélo\nVoir ici.");
        assert_eq!(links, ["https://ex.fr/a?utm_source=blog&utm_medium=social"]);
    }

    #[test]
    fn hosts_and_language_codes_are_normalised() {
        assert_eq!(
            host("https://www.Example.org:8080/p?x").as_deref(),
            Some("example.org")
        );
        assert_eq!(host("mailto:a@b.c"), None);
        assert_eq!(lang_code("fr-FR").as_deref(), Some("fr"));
        assert_eq!(lang_code("").as_deref(), None);
    }

    #[test]
    fn inline_hashtags_skip_anchors_and_numbers() {
        assert_eq!(
            inline_hashtags("Vive le #Vélotaf ! page#x #2 &#233; #vélotaf"),
            ["vélotaf"]
        );
    }

    #[test]
    fn email_hashes_ignore_case_and_spaces() {
        assert_eq!(
            email_hash(" Jean@Example.org "),
            email_hash("jean@example.org")
        );
        assert_eq!(email_hash("a@b.c").len(), 64);
    }
}
