//! Finnish personal identity codes (*henkilötunnus*) in free text (A16, A18).

use std::ops::Range;

const CHECK: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";

/// Byte ranges of valid identity codes in `text`: `DDMMYY`, a century sign
/// (`+`, `-YXWVU`, `ABCDEF`), `NNN` (002–999), and the check character (`DDMMYYNNN` mod 31);
/// the date must exist. A code glued to letters or digits on either side is not one.
pub(crate) fn find(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 11 <= b.len() {
        if is_boundary(b, i) && valid(&b[i..i + 11]) && (i + 11 == b.len() || !is_word(b[i + 11])) {
            out.push(i..i + 11);
            i += 11;
        } else {
            i += 1;
        }
    }
    out
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c >= 0x80
}

fn is_boundary(b: &[u8], i: usize) -> bool {
    i == 0 || !is_word(b[i - 1])
}

/// Whether 11 bytes are a valid identity code.
pub(crate) fn valid(c: &[u8]) -> bool {
    if c.len() != 11
        || !c[..6].iter().all(u8::is_ascii_digit)
        || !c[7..10].iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    let num = |r: Range<usize>| {
        c[r].iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
    };
    let century = match c[6] {
        b'+' => 1800,
        b'-' | b'Y' | b'X' | b'W' | b'V' | b'U' => 1900,
        b'A' | b'B' | b'C' | b'D' | b'E' | b'F' => 2000,
        _ => return false,
    };
    let (day, month, year) = (num(0..2), num(2..4), century + num(4..6));
    let individual = num(7..10);
    if !(2..=999).contains(&individual) || !(1..=12).contains(&month) || day == 0 {
        return false;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day > days {
        return false;
    }
    let n = num(0..6) * 1000 + individual;
    CHECK[(n % 31) as usize] == c[10]
}

/// `131052-308T` → `131052-****` (the birth date and century sign only).
pub(crate) fn mask(code: &str) -> String {
    let keep: String = code.chars().take(7).collect();
    format!("{keep}****")
}
