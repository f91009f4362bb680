//! CSV downloads of the reports (issue 14): RFC 4180 (comma, CRLF, quotes doubled), UTF-8 with
//! a byte-order mark so spreadsheet programs read å, ä and ö, sent as an attachment.
//!
//! **Formula injection:** a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
//! return is prefixed with `'`, so a spreadsheet shows it as text and never evaluates it (an
//! official's or organisation's name is text someone typed).

use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// One cell, made safe and quoted where needed.
pub fn cell(s: &str) -> String {
    let mut v = String::with_capacity(s.len() + 2);
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        v.push('\'');
    }
    v.push_str(s);
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// The whole file: a header row, then the rows.
pub fn body(header: &[String], rows: &[Vec<String>]) -> String {
    let mut out = String::from('\u{feff}');
    for r in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        let line: Vec<String> = r.iter().map(|c| cell(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// A `text/csv` attachment named `filename` (ASCII letters, digits, `-` and `.`: the caller's
/// fixed name, never user input).
pub fn download(filename: &str, body: String) -> Response {
    let safe: String = filename
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        .collect();
    let mut resp = (StatusCode::OK, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        h.insert(CONTENT_DISPOSITION, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_quotes_doubled() {
        assert_eq!(cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@x"), "'@x");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=1,2"), "\"'=1,2\"");
        assert_eq!(cell("Ville"), "Ville");
        assert_eq!(
            body(&["a".into(), "b".into()], &[vec!["1".into(), "=2".into()]]),
            "\u{feff}a,b\r\n1,'=2\r\n"
        );
    }
}
