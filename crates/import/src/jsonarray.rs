//! The items of a JSON array, one at a time, from a stream.
//!
//! Exports keep their records in one big array: a top-level array (X's
//! `window.YTD.tweets.part0 = [ … ]`, Meta's `your_posts_1.json`) or the
//! array under a key of the top object (Mastodon's `orderedItems`, Meta's
//! `relationships_following`). Reading such a file whole would make memory
//! grow with the account's history; this scanner cuts the array into its
//! items' raw bytes instead (tracking strings, escapes and nesting only), so
//! each item is decoded on its own: memory is one item, a bad item is
//! rejected with its line while the others import, and a file cut short
//! keeps every item before the cut.

use std::io::{BufRead, ErrorKind};

/// What the scanner found next.
#[derive(Debug)]
pub enum Next {
    /// One item's bytes, and the line it starts on.
    Item { line: u64, bytes: Vec<u8> },
    /// An item larger than the cap: skipped, not kept in memory.
    Oversized { line: u64, size: u64 },
    /// The stream ended inside the array (inside an item, or before `]`).
    Truncated { line: u64 },
    /// The array is closed.
    End,
}

pub struct Items<R> {
    r: R,
    line: u64,
    max_item: usize,
    done: bool,
}

/// Why the array could not be found.
#[derive(Debug)]
pub enum Open {
    Io(std::io::Error),
    /// No array where one was expected, with what was found instead.
    NotFound(String),
}

impl<R: BufRead> Items<R> {
    /// Positions on the array: the top-level one (anything before the first
    /// `[` is skipped, as X's `window.YTD… =` prefix), or with `key`, the
    /// value of that key of the top-level object.
    pub fn open(mut r: R, key: Option<&str>, max_item: usize) -> Result<Items<R>, Open> {
        let mut line = 1;
        match key {
            None => loop {
                let Some(b) = next_byte(&mut r).map_err(Open::Io)? else {
                    return Err(Open::NotFound("the file ends before any `[`".into()));
                };
                match b {
                    b'[' => break,
                    b'\n' => line += 1,
                    b'{' => {
                        return Err(Open::NotFound(
                            "an object where an array of records was expected".into(),
                        ));
                    }
                    _ => {}
                }
            },
            Some(key) => find_key(&mut r, key, &mut line)?,
        }
        Ok(Items {
            r,
            line,
            max_item,
            done: false,
        })
    }

    pub fn next_item(&mut self) -> std::io::Result<Next> {
        if self.done {
            return Ok(Next::End);
        }
        // Between items: whitespace and commas, or the closing bracket.
        let first = loop {
            match next_byte(&mut self.r)? {
                None => {
                    self.done = true;
                    return Ok(Next::Truncated { line: self.line });
                }
                Some(b'\n') => self.line += 1,
                Some(b) if b.is_ascii_whitespace() || b == b',' => {}
                Some(b']') => {
                    self.done = true;
                    return Ok(Next::End);
                }
                Some(b) => break b,
            }
        };
        let start = self.line;
        let mut buf = vec![first];
        let mut size = 1u64;
        let mut keep = true;
        let mut depth = 0i64;
        let mut in_string = false;
        let mut escaped = false;
        match first {
            b'{' | b'[' => depth = 1,
            b'"' => in_string = true,
            _ => {}
        }
        // A scalar item (number, literal) ends at the next delimiter.
        let scalar = depth == 0 && !in_string;
        loop {
            if depth == 0 && !in_string && !scalar {
                break;
            }
            let Some(b) = peek_byte(&mut self.r)? else {
                if scalar {
                    break;
                }
                self.done = true;
                return Ok(Next::Truncated { line: start });
            };
            if scalar && (b == b',' || b == b']' || b.is_ascii_whitespace()) {
                break;
            }
            self.r.consume(1);
            if b == b'\n' {
                self.line += 1;
            }
            size += 1;
            if keep {
                if buf.len() >= self.max_item {
                    keep = false;
                    buf = Vec::new();
                } else {
                    buf.push(b);
                }
            }
            if in_string {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_string = false;
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => depth -= 1,
                _ => {}
            }
        }
        if !keep {
            return Ok(Next::Oversized { line: start, size });
        }
        Ok(Next::Item {
            line: start,
            bytes: buf,
        })
    }
}

fn peek_byte(r: &mut impl BufRead) -> std::io::Result<Option<u8>> {
    loop {
        match r.fill_buf() {
            Ok(b) => return Ok(b.first().copied()),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

fn next_byte(r: &mut impl BufRead) -> std::io::Result<Option<u8>> {
    let b = peek_byte(r)?;
    if b.is_some() {
        r.consume(1);
    }
    Ok(b)
}

/// Moves `r` just past the `[` of `"key": [` in the top-level object,
/// skipping the values of other keys.
fn find_key(r: &mut impl BufRead, key: &str, line: &mut u64) -> Result<(), Open> {
    let mut depth = 0i64;
    let mut in_string = false;
    let mut escaped = false;
    let mut string = Vec::new();
    let mut last_key_matched = false;
    let mut awaiting_value = false;
    while let Some(b) = next_byte(r).map_err(Open::Io)? {
        if b == b'\n' {
            *line += 1;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
                continue;
            }
            if depth == 1 {
                string.push(b);
            }
            continue;
        }
        if awaiting_value && !b.is_ascii_whitespace() {
            awaiting_value = false;
            if b == b'[' && last_key_matched {
                return Ok(());
            }
        }
        match b {
            b'"' => {
                in_string = true;
                string.clear();
            }
            b':' if depth == 1 => {
                last_key_matched = string == key.as_bytes();
                awaiting_value = true;
            }
            b'{' | b'[' => {
                if depth == 0 && b == b'[' {
                    return Err(Open::NotFound(format!(
                        "an array where an object with `{key}` was expected"
                    )));
                }
                depth += 1
            }
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
    }
    Err(Open::NotFound(format!("no `{key}` array in the file")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str, key: Option<&str>, max: usize) -> Vec<String> {
        let mut it = Items::open(text.as_bytes(), key, max).unwrap();
        let mut out = Vec::new();
        loop {
            match it.next_item().unwrap() {
                Next::Item { line, bytes } => {
                    out.push(format!("{line}:{}", String::from_utf8(bytes).unwrap()))
                }
                Next::Oversized { line, size } => out.push(format!("{line}:big {size}")),
                Next::Truncated { line } => out.push(format!("{line}:cut")),
                Next::End => return out,
            }
        }
    }

    #[test]
    fn items_of_a_prefixed_array() {
        let text =
            "window.YTD.like.part0 = [\n {\"a\":\"x]}\\\"\"},\n {\"b\":[1,{\"c\":2}]}, \"s\", 12 ]";
        assert_eq!(
            all(text, None, 100),
            [
                "2:{\"a\":\"x]}\\\"\"}",
                "3:{\"b\":[1,{\"c\":2}]}",
                "3:\"s\"",
                "3:12"
            ]
        );
    }

    #[test]
    fn items_under_a_key_skip_other_values() {
        let text = r#"{"@context":["a",{"orderedItems":[9]}],"id":"x","orderedItems":[{"n":1},{"n":2}],"z":1}"#;
        assert_eq!(
            all(text, Some("orderedItems"), 100),
            ["1:{\"n\":1}", "1:{\"n\":2}"]
        );
        assert!(Items::open(&br#"{"a":[1]}"#[..], Some("orderedItems"), 10).is_err());
    }

    #[test]
    fn a_cut_stream_and_an_oversized_item() {
        assert_eq!(
            all("[{\"a\":1},\n{\"b\":", None, 100),
            ["1:{\"a\":1}", "2:cut"]
        );
        assert_eq!(all("[{\"a\":1}", None, 100), ["1:{\"a\":1}", "1:cut"]);
        assert_eq!(
            all("[{\"a\":\"0123456789\"},{\"b\":1}]", None, 8),
            ["1:big 18", "1:{\"b\":1}"]
        );
    }
}
