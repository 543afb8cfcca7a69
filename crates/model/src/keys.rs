//! Canonical identifiers and natural keys.
//!
//! Accounts, posts and records are named `channel:native_id`, e.g.
//! `bluesky:did:plc:abc` or `bluesky:at://did:plc:abc/app.bsky.feed.post/3k…`.
//!
//! A natural key is a 128-bit hash of the fields that make a fact unique
//! (for a like: its record URI). The store keeps one sorted key index per
//! table and drops rows whose key it already holds, which makes importing the
//! same data twice a no-op. 128 bits keep the chance of two different facts
//! colliding below 10^-20 even at 10^9 rows; 64 bits would not.

use xxhash_rust::xxh3::{Xxh3, xxh3_128};

/// A natural key: the 128-bit hash of the fields that identify a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key(pub u128);

impl Key {
    /// Hashes `parts` in order. A separator byte that cannot occur in UTF-8
    /// text keeps `["ab", "c"]` and `["a", "bc"]` apart.
    pub fn of(parts: &[&str]) -> Key {
        // The hash of the parts and separators laid end to end: one call
        // on a stack buffer when they fit (nearly always), which gives the
        // same hash as streaming them and costs a fraction of it.
        const FIT: usize = 256;
        let len: usize = parts.iter().map(|p| p.len() + 1).sum();
        if len <= FIT {
            let mut buf = [0u8; FIT];
            let mut at = 0;
            for p in parts {
                buf[at..at + p.len()].copy_from_slice(p.as_bytes());
                at += p.len();
                buf[at] = 0xff;
                at += 1;
            }
            return Key(xxh3_128(&buf[..at]));
        }
        let mut h = Xxh3::new();
        for p in parts {
            h.update(p.as_bytes());
            h.update(&[0xff]);
        }
        Key(h.digest128())
    }
}

/// `channel:native_id`, the key used for accounts, posts and records everywhere.
pub fn qualified(channel: &str, native_id: &str) -> String {
    let mut s = String::with_capacity(channel.len() + 1 + native_id.len());
    s.push_str(channel);
    s.push(':');
    s.push_str(native_id);
    s
}

/// Writes `channel:native_id` into `buf` (cleared first) and returns it, so hot
/// loops can reuse one allocation.
pub fn qualified_into<'b>(buf: &'b mut String, channel: &str, native_id: &str) -> &'b str {
    buf.clear();
    buf.push_str(channel);
    buf.push(':');
    buf.push_str(native_id);
    buf.as_str()
}

/// Splits `channel:native_id` at the first colon.
pub fn split(key: &str) -> Option<(&str, &str)> {
    let (channel, native) = key.split_once(':')?;
    if channel.is_empty() || native.is_empty() {
        return None;
    }
    Some((channel, native))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys are stored: the one-shot hash must give exactly the streamed
    /// hash of every earlier release, at every length around the buffer's.
    #[test]
    fn keys_are_the_streamed_hash_of_their_parts() {
        let streamed = |parts: &[&str]| {
            let mut h = Xxh3::new();
            for p in parts {
                h.update(p.as_bytes());
                h.update(&[0xff]);
            }
            Key(h.digest128())
        };
        let text: String = (0..600)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        for n in [
            0, 1, 5, 17, 100, 126, 127, 128, 200, 253, 254, 255, 256, 257, 300, 600,
        ] {
            let a = &text[..n];
            let b = &text[..n / 2];
            for parts in [vec![a], vec![a, b], vec!["like", b, a], vec![]] {
                assert_eq!(Key::of(&parts), streamed(&parts), "{n} {parts:?}");
            }
        }
    }

    #[test]
    fn keys_separate_field_boundaries() {
        assert_ne!(Key::of(&["ab", "c"]), Key::of(&["a", "bc"]));
        assert_eq!(Key::of(&["a", "b"]), Key::of(&["a", "b"]));
    }

    #[test]
    fn qualified_keys_split_at_the_first_colon() {
        let k = qualified("bluesky", "did:plc:abc");
        assert_eq!(k, "bluesky:did:plc:abc");
        assert_eq!(split(&k), Some(("bluesky", "did:plc:abc")));
        assert_eq!(split("nochannel"), None);
        assert_eq!(split(":x"), None);
    }
}
