//! Plumbing shared by the XML formats (WordPress WXR, RSS and Atom feeds):
//! a reader that knows its line and text accumulation with a size bound.

use std::io::{BufRead, BufReader, Read};

use quick_xml::events::{BytesRef, Event};

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
                let raw: &[u8] = t.as_ref();
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
        let name: &[u8] = r.as_ref();
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
