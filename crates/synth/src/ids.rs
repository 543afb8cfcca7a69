//! Well-formed AT Protocol identifiers for generated data: DIDs, TIDs
//! (record keys) and CIDs.
//!
//! The CIDs are syntactically real (CIDv1, dag-cbor, sha2-256 multihash,
//! base32) but their digest is derived from xxh3, not SHA-256 of the DAG-CBOR
//! record: nothing in levain verifies record hashes, and hashing every
//! generated record with SHA-256 would dominate generation time.

use xxhash_rust::xxh3::xxh3_128_with_seed;

const B32_SORT: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";
const B32_LOWER: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// `did:plc:` and 24 base32 characters, derived from (seed, n).
pub fn did(seed: u64, n: u64) -> String {
    let h = xxh3_128_with_seed(&n.to_le_bytes(), seed ^ 0x6469_6470);
    let mut s = String::with_capacity(32);
    s.push_str("did:plc:");
    for i in 0..24 {
        s.push(B32_LOWER[((h >> (i * 5)) & 31) as usize] as char);
    }
    s
}

/// A TID: 53 bits of microseconds and 10 bits of clock id, in the sortable
/// base32 alphabet, 13 characters.
pub fn tid(micros: i64, clock: u64) -> String {
    let v: u64 = ((micros as u64 & ((1 << 53) - 1)) << 10) | (clock & 1023);
    let mut out = [0u8; 13];
    for (i, o) in out.iter_mut().enumerate() {
        let shift = 60 - 5 * i as u32;
        *o = B32_SORT[((v >> shift) & 31) as usize];
    }
    String::from_utf8(out.to_vec()).expect("ascii")
}

/// A CIDv1 (dag-cbor, sha2-256) string for `content`.
pub fn cid(content: &[u8]) -> String {
    let a = xxh3_128_with_seed(content, 1).to_le_bytes();
    let b = xxh3_128_with_seed(content, 2).to_le_bytes();
    let mut bytes = Vec::with_capacity(36);
    bytes.extend_from_slice(&[0x01, 0x71, 0x12, 0x20]);
    bytes.extend_from_slice(&a);
    bytes.extend_from_slice(&b);
    let mut s = String::with_capacity(59);
    s.push('b');
    let mut acc: u32 = 0;
    let mut bits = 0;
    for byte in bytes {
        acc = (acc << 8) | byte as u32;
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            s.push(B32_LOWER[((acc >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        s.push(B32_LOWER[((acc << (5 - bits)) & 31) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tids_sort_like_their_times() {
        let a = tid(1_700_000_000_000_000, 5);
        let b = tid(1_700_000_000_000_001, 0);
        assert_eq!(a.len(), 13);
        assert!(a < b);
    }

    #[test]
    fn cids_look_like_dag_cbor_cidv1() {
        let c = cid(b"hello");
        assert!(c.starts_with("bafyrei"), "{c}");
        assert_eq!(c.len(), 59);
        assert_ne!(c, cid(b"hello!"));
    }

    #[test]
    fn dids_are_stable_and_distinct() {
        assert_eq!(did(1, 2), did(1, 2));
        assert_ne!(did(1, 2), did(1, 3));
        assert_eq!(did(1, 2).len(), 32);
    }
}
