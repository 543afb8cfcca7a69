//! Plumbing shared by the XML formats (WordPress WXR, RSS and Atom feeds):
//! a reader that knows its line, text accumulation with a size bound, HTML
//! to plain text, and e-mail hashing.

use std::io::{BufRead, BufReader, Read};

use quick_xml::events::{BytesRef, Event};
use sha2::{Digest, Sha256};

/// Largest text levain keeps from one XML element (a post body, a comment).
pub const MAX_TEXT: usize = 8 << 20;

/// A `BufRead` that counts the lines it has handed out, so a parse error or
/// a bad record can be reported by line even though XML is not line-based.
pub struct LineCounting<R> {
    inner: BufReader<R>,
    pub lines: u64,
}

impl<R: Read> LineCounting<R> {
    pub fn new(inner: R) -> Self {
        LineCounting {
            inner: BufReader::with_capacity(1 << 16, inner),
            lines: 1,
        }
    }
}

impl<R: Read> Read for LineCounting<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        self.lines += memchr::memchr_iter(b'\n', &out[..n]).count() as u64;
        Ok(n)
    }
}

impl<R: Read> BufRead for LineCounting<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let amt = amt.min(buf.len());
            self.lines += memchr::memchr_iter(b'\n', &buf[..amt]).count() as u64;
        }
        self.inner.consume(amt);
    }
}

/// The text of the element being read: text, CDATA and entity references
/// appended in order, capped at [`MAX_TEXT`] (the excess is dropped and
/// `overflow` set, so one huge element cannot exhaust memory).
#[derive(Default)]
pub struct TextBuf {
    pub text: String,
    pub overflow: bool,
    /// Bytes that were not valid UTF-8 (a file in another encoding than it declares).
    pub bad_encoding: bool,
}

impl TextBuf {
    pub fn clear(&mut self) {
        self.text.clear();
        self.overflow = false;
        self.bad_encoding = false;
    }

    fn push_str(&mut self, s: &str) {
        if self.text.len() + s.len() > MAX_TEXT {
            self.overflow = true;
        } else {
            self.text.push_str(s);
        }
    }

    pub fn push_bytes(&mut self, b: &[u8]) {
        match std::str::from_utf8(b) {
            Ok(s) => self.push_str(s),
            Err(_) => {
                self.bad_encoding = true;
                self.push_str(&String::from_utf8_lossy(b));
            }
        }
    }

    /// Text and CDATA events; other events are ignored.
    pub fn push_event(&mut self, ev: &Event) {
        match ev {
            Event::Text(t) => {
                let raw = t.as_ref();
                // XML 1.0 line ends: CR LF and lone CR become LF.
                if raw.contains(&b'\r') {
                    let s = String::from_utf8_lossy(raw).replace("\r\n", "\n");
                    self.bad_encoding |= std::str::from_utf8(raw).is_err();
                    self.push_str(&s.replace('\r', "\n"));
                } else {
                    self.push_bytes(raw);
                }
            }
            Event::CData(c) => self.push_bytes(c.as_ref()),
            Event::GeneralRef(r) => self.push_ref(r),
            _ => {}
        }
    }

    fn push_ref(&mut self, r: &BytesRef) {
        if let Ok(Some(c)) = r.resolve_char_ref() {
            let mut b = [0u8; 4];
            self.push_str(c.encode_utf8(&mut b));
            return;
        }
        let name = r.as_ref();
        let s = match name {
            b"amp" => "&",
            b"lt" => "<",
            b"gt" => ">",
            b"quot" => "\"",
            b"apos" => "'",
            other => {
                // Not an XML entity (HTML's &nbsp; in a sloppy feed): keep it
                // as written so html_to_text can still decode it.
                self.push_str("&");
                self.push_bytes(other);
                ";"
            }
        };
        self.push_str(s);
    }

    pub fn trimmed(&self) -> &str {
        self.text.trim()
    }
}

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
