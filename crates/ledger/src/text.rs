//! Strict text helpers shared by the checkpoint, note and bundle parsers.
//!
//! One canonical spelling per value is what makes "any single-byte change is rejected"
//! hold: a lenient parser would accept two texts for the same bytes.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// Parses a decimal `u64` with no sign, no leading zeros (except "0") and no overflow.
pub(crate) fn parse_decimal(s: &str) -> Option<u64> {
    let bytes = s.as_bytes();
    if bytes.is_empty() || (bytes.len() > 1 && bytes[0] == b'0') {
        return None;
    }
    bytes.iter().try_fold(0u64, |acc, &b| {
        if b.is_ascii_digit() {
            acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        } else {
            None
        }
    })
}

/// Standard padded base64; the engine rejects non-canonical trailing bits.
pub(crate) fn b64_decode(s: &str) -> Option<Vec<u8>> {
    STANDARD.decode(s).ok()
}

pub(crate) fn b64_encode(data: &[u8]) -> String {
    STANDARD.encode(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_is_strict() {
        assert_eq!(parse_decimal("0"), Some(0));
        assert_eq!(parse_decimal("10"), Some(10));
        assert_eq!(parse_decimal("18446744073709551615"), Some(u64::MAX));
        for bad in [
            "",
            "00",
            "01",
            "+1",
            "-1",
            " 1",
            "1 ",
            "1e3",
            "18446744073709551616",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn base64_rejects_non_canonical() {
        assert_eq!(b64_decode("AA==").as_deref(), Some(&[0u8][..]));
        for bad in ["AB==", "AA", "AA=", " AA==", "AA==\n", "A===", "AA==AA=="] {
            assert_eq!(b64_decode(bad), None, "{bad:?}");
        }
    }
}
