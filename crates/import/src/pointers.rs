//! A few JSON pointers read out of a document in one pass: what a mapped
//! NDJSON import needs from each line. Parsing the whole line into a
//! `serde_json::Value` (every key and string allocated, then looked up by
//! pointer) was most of that format's cost; here the values the pointers
//! name are borrowed as raw JSON and everything else is skipped.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

/// JSON pointers (RFC 6901) as a tree of their tokens.
#[derive(Debug, Default)]
pub struct Pointers {
    root: Node,
    pointers: Vec<String>,
    /// One pointer lies under another ("/a" and "/a/b"): a node cannot be
    /// both kept raw and walked, so such maps read lines as whole values.
    nested: bool,
}

#[derive(Debug, Default)]
struct Node {
    /// The pointers whose value this node is.
    slots: Vec<usize>,
    children: Vec<(String, Node)>,
}

impl Node {
    /// Whether a pointer lies under another.
    fn nested(&self) -> bool {
        (!self.slots.is_empty() && !self.children.is_empty())
            || self.children.iter().any(|(_, c)| c.nested())
    }

    fn child(&self, token: &str) -> Option<&Node> {
        self.children
            .iter()
            .find(|(t, _)| t == token)
            .map(|(_, n)| n)
    }

    /// Forgets what a previous value of this key left: a key given twice
    /// keeps its last value, as in a parsed `Value`.
    fn clear(&self, out: &mut [Option<&RawValue>]) {
        for &s in &self.slots {
            out[s] = None;
        }
        for (_, c) in &self.children {
            c.clear(out);
        }
    }
}

impl Pointers {
    /// Pointers are `""` (the whole document) or start with `/`.
    pub fn new<S: AsRef<str>>(pointers: &[S]) -> Pointers {
        let mut p = Pointers {
            pointers: pointers.iter().map(|s| s.as_ref().to_owned()).collect(),
            ..Pointers::default()
        };
        for (slot, pointer) in pointers.iter().enumerate() {
            let mut node = &mut p.root;
            let tokens = pointer.as_ref().split('/').skip(1);
            for token in tokens.map(|t| t.replace("~1", "/").replace("~0", "~")) {
                let at = match node.children.iter().position(|(t, _)| *t == token) {
                    Some(i) => i,
                    None => {
                        node.children.push((token, Node::default()));
                        node.children.len() - 1
                    }
                };
                node = &mut node.children[at].1;
            }
            node.slots.push(slot);
        }
        p.nested = p.root.nested();
        p
    }

    /// Each pointer's value in the JSON document `text`, as the mapped
    /// formats read values: a string trimmed (None if empty), None for
    /// null or absent, any other value as compact JSON. An error if `text`
    /// is not one JSON document.
    pub fn texts(&self, text: &str) -> Result<Vec<Option<String>>, serde_json::Error> {
        if self.nested {
            let v: Value = serde_json::from_str(text)?;
            return Ok(self
                .pointers
                .iter()
                .map(|p| v.pointer(p).and_then(value_text))
                .collect());
        }
        let mut found: Vec<Option<&RawValue>> = vec![None; self.pointers.len()];
        let mut de = serde_json::Deserializer::from_str(text);
        Walk {
            node: &self.root,
            out: &mut found,
        }
        .deserialize(&mut de)?;
        de.end()?;
        found
            .into_iter()
            .map(|raw| match raw {
                None => Ok(None),
                Some(raw) if raw.get().starts_with('"') => {
                    let s: String = serde_json::from_str(raw.get())?;
                    Ok(trimmed(s))
                }
                Some(raw) => Ok(value_text(&serde_json::from_str(raw.get())?)),
            })
            .collect()
    }
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => trimmed(s.clone()),
        other => Some(other.to_string()),
    }
}

fn trimmed(s: String) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        None
    } else if t.len() == s.len() {
        Some(s)
    } else {
        Some(t.to_owned())
    }
}

/// Walks one value, keeping the raw text of the nodes with a slot.
struct Walk<'n, 'o, 'de> {
    node: &'n Node,
    out: &'o mut [Option<&'de RawValue>],
}

impl<'de> DeserializeSeed<'de> for Walk<'_, '_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        if !self.node.slots.is_empty() {
            let raw = <&RawValue>::deserialize(d)?;
            for &slot in &self.node.slots {
                self.out[slot] = Some(raw);
            }
            Ok(())
        } else if self.node.children.is_empty() {
            IgnoredAny::deserialize(d).map(|_| ())
        } else {
            d.deserialize_any(self)
        }
    }
}

/// An object's key, borrowed unless it has escapes.
#[derive(Deserialize)]
struct Key<'a>(#[serde(borrow)] Cow<'a, str>);

/// Visitor methods for values a pointer cannot go into: skipped.
macro_rules! leaves {
    ($($f:ident: $t:ty),*) => {
        $(fn $f<E: serde::de::Error>(self, _: $t) -> Result<(), E> {
            Ok(())
        })*
    };
}

impl<'de> Visitor<'de> for Walk<'_, '_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    leaves!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64,
        visit_str: &str, visit_bytes: &[u8]);
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<M: MapAccess<'de>>(self, mut m: M) -> Result<(), M::Error> {
        while let Some(Key(key)) = m.next_key::<Key<'de>>()? {
            match self.node.child(&key) {
                Some(child) => {
                    child.clear(self.out);
                    m.next_value_seed(Walk {
                        node: child,
                        out: self.out,
                    })?;
                }
                None => {
                    m.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
    fn visit_seq<S: SeqAccess<'de>>(self, mut s: S) -> Result<(), S::Error> {
        let mut index = 0usize;
        loop {
            let found = match self.node.child(&index.to_string()) {
                Some(child) => s
                    .next_element_seed(Walk {
                        node: child,
                        out: self.out,
                    })?
                    .is_some(),
                None => s.next_element::<IgnoredAny>()?.is_some(),
            };
            if !found {
                return Ok(());
            }
            index += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `Value::pointer` gives, read the way the mapped formats read it.
    fn by_value(pointers: &[&str], text: &str) -> Vec<Option<String>> {
        let v: Value = serde_json::from_str(text).unwrap();
        pointers
            .iter()
            .map(|p| v.pointer(p).and_then(value_text))
            .collect()
    }

    #[test]
    fn one_pass_reads_what_value_pointer_reads() {
        let pointers = [
            "/id",
            "/author/id",
            "/author/name",
            "/reference/messageId",
            "/tags/1",
            "/tags/01",
            "/a~1b/c~0d",
            "/count",
            "/ratio",
            "/flag",
            "/obj",
            "/missing/deep",
            "/dup/x",
            "/nested/0/k",
            "/id",
            "/",
        ];
        let lines = [
            r#"{"id":"42","author":{"id":7,"name":"  Anne \u00e9\"q\"  "},"reference":null,"tags":["a","b","c"],"a/b":{"c~d":"slash and tilde"},"count":12,"ratio":1.50,"flag":true,"obj":{"z": [1, {"y":null}], "a":"b"},"dup":{"x":"first"},"dup":{"y":"second"},"nested":[{"k":"v0"},{"k":"v1"}]}"#,
            r#"{"id":"","author":"not an object","tags":{"1":"object key one"},"count":-3e2,"ratio":"   ","flag":null}"#,
            r#"[1,2,3]"#,
            r#"{"id":"x","author":{"id":"y","id":"z"},"reference":{"messageId":"  m1 "},"":"empty key"}"#,
        ];
        let p = Pointers::new(&pointers);
        for line in lines {
            assert_eq!(p.texts(line).unwrap(), by_value(&pointers, line), "{line}");
        }
    }

    #[test]
    fn nested_pointers_and_the_whole_document_fall_back_to_values() {
        let pointers = ["/a", "/a/b", ""];
        let p = Pointers::new(&pointers);
        assert!(p.nested);
        let line = r#"{"a":{"b":" x "}}"#;
        assert_eq!(p.texts(line).unwrap(), by_value(&pointers, line));
        assert_eq!(p.texts(line).unwrap()[1].as_deref(), Some("x"));
    }

    #[test]
    fn a_line_that_is_not_one_document_is_an_error() {
        let p = Pointers::new(&["/id"]);
        for bad in [r#"{"id":"1""#, r#"{"id":"1"} {"id":"2"}"#, r#"{"id":}"#] {
            assert!(p.texts(bad).is_err(), "{bad}");
        }
    }
}
