//! Pages of lists that grow without bound (issue 16): a client's entries and appointments, the
//! access log, the security log, the account events, an organisation's clients. A page is at
//! most `limit` items in a stable order; when more follow, it carries an opaque cursor that
//! asks for the next page.
//!
//! The cursor names the list it belongs to and the key of the last item shown (a sequence
//! number or an id, never a name or other personal data, since cursors travel in URLs and
//! land in proxies' logs). It is hex text so it needs no escaping in a query string. The
//! store continues after that key (keyset pagination), so a page costs the same at the end
//! of a long list as at its start, and rows added meanwhile do not shift what follows.

use crate::error::{AppError, AppResult};

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
}

/// What a caller asks for: the cursor a previous page gave (none: the first page) and a page
/// size (none: the list's default).
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

impl PageRequest {
    /// The first page of the list's default size.
    pub fn first() -> Self {
        Self::default()
    }
}

/// A list's name in its cursors and its page sizes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct List {
    pub name: &'static str,
    pub default_limit: i64,
    pub max_limit: i64,
}

pub(crate) const ENTRIES: List = List {
    name: "entries",
    default_limit: 100,
    max_limit: 500,
};
pub(crate) const APPOINTMENTS: List = List {
    name: "appointments",
    default_limit: 100,
    max_limit: 500,
};
pub(crate) const ACCESS_LOG: List = List {
    name: "access_log",
    default_limit: 200,
    max_limit: 1000,
};
pub(crate) const SEEN_BY: List = List {
    name: "seen_by",
    default_limit: 200,
    max_limit: 1000,
};
pub(crate) const SECURITY_LOG: List = List {
    name: "security_log",
    default_limit: 200,
    max_limit: 10_000,
};
pub(crate) const ACCOUNT_EVENTS: List = List {
    name: "account_events",
    default_limit: 200,
    max_limit: 10_000,
};
pub(crate) const WORK_QUEUE: List = List {
    name: "work_queue",
    default_limit: 100,
    max_limit: 500,
};
pub(crate) const RECONSIDERATIONS: List = List {
    name: "reconsiderations",
    default_limit: 100,
    max_limit: 500,
};
pub(crate) const DELIVERIES: List = List {
    name: "deliveries",
    default_limit: 100,
    max_limit: 500,
};
pub(crate) const ACCOUNTS: List = List {
    name: "accounts",
    default_limit: 200,
    max_limit: 1000,
};
pub(crate) const STATEMENT_GAPS: List = List {
    name: "statement_gaps",
    default_limit: 100,
    max_limit: 500,
};
pub(crate) const CLIENTS: List = List {
    name: "clients",
    default_limit: 50,
    max_limit: 500,
};

/// A page request checked against a list: the key to continue after and the page size.
#[derive(Debug, Clone)]
pub(crate) struct Checked {
    pub after: Option<String>,
    pub limit: i64,
}

impl List {
    /// Checks `req`: a limit outside the list's range or a cursor another list (or nobody)
    /// gave is refused, naming the parameter.
    pub fn check(self, req: &PageRequest) -> AppResult<Checked> {
        let limit = req.limit.unwrap_or(self.default_limit);
        if !(1..=self.max_limit).contains(&limit) {
            return Err(AppError::invalid(
                "limit",
                format!("must be between 1 and {}", self.max_limit),
            ));
        }
        let after = req
            .cursor
            .as_deref()
            .map(|c| {
                decode(c)
                    .and_then(|s| {
                        s.strip_prefix(self.name)
                            .and_then(|r| r.strip_prefix(':'))
                            .filter(|k| !k.is_empty())
                            .map(str::to_owned)
                    })
                    .ok_or_else(|| {
                        AppError::invalid(
                            "cursor",
                            "not a cursor of this list: pass the `next` cursor of the previous page as it is",
                        )
                    })
            })
            .transpose()?;
        Ok(Checked { after, limit })
    }

    /// The sequence number a cursor of a list ordered by sequence number continues after.
    pub fn seq(self, c: &Checked) -> AppResult<Option<i64>> {
        c.after
            .as_deref()
            .map(|k| {
                k.parse::<i64>()
                    .map_err(|_| AppError::invalid("cursor", "not a cursor of this list"))
            })
            .transpose()
    }

    /// The page of `rows` (fetched `limit + 1` to tell whether more follow), with the cursor
    /// after the last one shown.
    pub fn page<T>(self, mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> String) -> Page<T> {
        let more = usize::try_from(limit).is_ok_and(|l| rows.len() > l);
        if more {
            rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        }
        let next = if more {
            rows.last()
                .map(|r| encode(&format!("{}:{}", self.name, key(r))))
        } else {
            None
        };
        Page { items: rows, next }
    }
}

impl List {
    /// The cursor that continues this list after the item whose key is `key` (for a list
    /// whose store answers the key to continue after itself).
    pub fn cursor(self, key: &str) -> String {
        encode(&format!("{}:{key}", self.name))
    }

    /// The page of `items` the store fetched knowing whether `more` follow.
    pub fn more<T>(self, items: Vec<T>, more: bool, key: impl Fn(&T) -> String) -> Page<T> {
        let next = if more {
            items
                .last()
                .map(|r| encode(&format!("{}:{}", self.name, key(r))))
        } else {
            None
        };
        Page { items, next }
    }
}

fn encode(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode(s: &str) -> Option<String> {
    if !s.len().is_multiple_of(2) || s.len() > 400 {
        return None;
    }
    let bytes = (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect::<Option<Vec<u8>>>()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_is_accepted_only_by_its_own_list() {
        let page = ENTRIES.page(vec![1, 2, 3], 2, |n| n.to_string());
        assert_eq!(page.items, vec![1, 2]);
        let next = page.next.clone().unwrap();
        let req = PageRequest {
            cursor: Some(next.clone()),
            limit: None,
        };
        let c = ENTRIES.check(&req).unwrap();
        assert_eq!(ENTRIES.seq(&c).unwrap(), Some(2));
        assert!(APPOINTMENTS.check(&req).is_err());
        for bad in ["", "zz", "abc", "656e7472696573"] {
            let req = PageRequest {
                cursor: Some(bad.into()),
                limit: None,
            };
            assert!(
                matches!(ENTRIES.check(&req), Err(AppError::Invalid { ref field, .. }) if field == "cursor"),
                "{bad}"
            );
        }
        assert!(ENTRIES
            .page(vec![1, 2], 2, |n| n.to_string())
            .next
            .is_none());
        for limit in [0, -1, 501] {
            let req = PageRequest {
                cursor: None,
                limit: Some(limit),
            };
            assert!(
                matches!(ENTRIES.check(&req), Err(AppError::Invalid { ref field, .. }) if field == "limit")
            );
        }
    }
}
