//! Connections with the backend's own driver for whole-log reads and bulk loads (issue 16).
//!
//! Every other query of the store goes through sqlx's `Any` driver, which is fine for a
//! handful of rows but turns a row into boxed values one column at a time: reading the whole
//! log that way cost ten times hashing it. Verification reads through `SqliteConnection` or,
//! on PostgreSQL, `COPY … TO STDOUT (FORMAT binary)`, decoded here without a copy per value.

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};

use crate::{Backend, StoreError};

/// How to open a native connection to the store's database.
#[derive(Debug, Clone)]
pub(crate) enum NativeSource {
    /// `memory`: an in-memory database, alive while the store's writer connection is; a
    /// native connection shares it through SQLite's shared cache, so the writer must be held
    /// while it reads (a shared cache refuses a read beside a write instead of waiting).
    Sqlite {
        options: SqliteConnectOptions,
        memory: bool,
    },
    Postgres(PgConnectOptions),
}

static MEMORY_DATABASES: AtomicU64 = AtomicU64::new(0);

impl NativeSource {
    /// A URL naming a new in-memory SQLite database, unique in this process.
    pub(crate) fn memory_url() -> String {
        let n = MEMORY_DATABASES.fetch_add(1, Ordering::Relaxed);
        format!(
            "sqlite:file:kirjuri-memory-{}-{n}?mode=memory",
            std::process::id()
        )
    }

    pub(crate) fn new(backend: Backend, url: &str, memory: bool) -> Result<Self, StoreError> {
        Ok(match backend {
            Backend::Sqlite => Self::Sqlite {
                options: SqliteConnectOptions::from_str(url)?,
                memory,
            },
            Backend::Postgres => Self::Postgres(PgConnectOptions::from_str(url)?),
        })
    }

    /// A SQLite connection: read-only unless `write` (bulk loads), never creating a file.
    pub(crate) async fn sqlite(
        options: &SqliteConnectOptions,
        memory: bool,
        write: bool,
    ) -> Result<SqliteConnection, StoreError> {
        let options = options
            .clone()
            .create_if_missing(false)
            .read_only(!write && !memory)
            .disable_statement_logging();
        Ok(options.connect().await?)
    }

    pub(crate) async fn postgres(options: &PgConnectOptions) -> Result<PgConnection, StoreError> {
        Ok(options
            .clone()
            .disable_statement_logging()
            .connect()
            .await?)
    }
}

/// Closes a connection; a failure to say goodbye changes nothing that was read.
pub(crate) async fn close<C: Connection>(conn: C) {
    if let Err(e) = conn.close().await {
        tracing::debug!("closing a native connection: {e}");
    }
}

/// A decoder of PostgreSQL's binary COPY stream: the 19-byte header, then per row a 16-bit
/// field count and per field a 32-bit length (-1 for NULL) and the bytes, then a trailer
/// of -1. Chunks may split rows anywhere; a row's fields are read in place.
#[derive(Debug, Default)]
pub(crate) struct CopyDecoder {
    buf: Vec<u8>,
    at: usize,
    header_read: bool,
    done: bool,
    /// The current row's fields: start in `buf` and length (-1 for NULL).
    spans: Vec<(usize, i64)>,
}

const COPY_SIGNATURE: &[u8; 11] = b"PGCOPY\n\xff\r\n\0";

impl CopyDecoder {
    /// Adds a chunk of the stream; rows already read are dropped from the buffer.
    pub(crate) fn push(&mut self, chunk: &[u8]) {
        if self.at > 0 {
            self.buf.drain(..self.at);
            self.at = 0;
            self.spans.clear();
        }
        self.buf.extend_from_slice(chunk);
    }

    /// Whether the trailer has been read.
    pub(crate) fn finished(&self) -> bool {
        self.done
    }

    /// Moves to the next complete row; `false` when the buffer holds none yet (or the
    /// stream ended).
    pub(crate) fn advance(&mut self) -> Result<bool, StoreError> {
        self.spans.clear();
        if self.done {
            return Ok(false);
        }
        if !self.header_read {
            if self.buf.len() < self.at + 19 {
                return Ok(false);
            }
            if &self.buf[self.at..self.at + 11] != COPY_SIGNATURE {
                return Err(corrupt("the COPY stream has no binary header"));
            }
            let ext = be_u32(&self.buf[self.at + 15..self.at + 19]) as usize;
            if self.buf.len() < self.at + 19 + ext {
                return Ok(false);
            }
            self.at += 19 + ext;
            self.header_read = true;
        }
        let buf = &self.buf[..];
        let mut at = self.at;
        let Some(count) = buf.get(at..at + 2) else {
            return Ok(false);
        };
        let count = i16::from_be_bytes([count[0], count[1]]);
        at += 2;
        if count == -1 {
            self.done = true;
            self.at = at;
            return Ok(false);
        }
        let count = usize::try_from(count).map_err(|_| corrupt("negative COPY field count"))?;
        for _ in 0..count {
            let Some(len) = buf.get(at..at + 4) else {
                self.spans.clear();
                return Ok(false);
            };
            let len = i32::from_be_bytes([len[0], len[1], len[2], len[3]]);
            at += 4;
            if len < 0 {
                self.spans.push((at, -1));
                continue;
            }
            let len = len as usize;
            if buf.len() < at + len {
                self.spans.clear();
                return Ok(false);
            }
            self.spans.push((at, len as i64));
            at += len;
        }
        self.at = at;
        Ok(true)
    }

    /// Fields in the current row.
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// Field `i` of the current row (`None` for NULL or past the end).
    pub(crate) fn field(&self, i: usize) -> Option<&[u8]> {
        let (start, len) = *self.spans.get(i)?;
        let len = usize::try_from(len).ok()?;
        self.buf.get(start..start + len)
    }
}

fn be_u32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_owned())
}

/// A text field of a binary COPY row (`None` for NULL).
pub(crate) fn copy_text(field: Option<&[u8]>) -> Result<Option<&str>, StoreError> {
    field
        .map(|b| std::str::from_utf8(b).map_err(|_| corrupt("a text column is not UTF-8")))
        .transpose()
}

/// A BIGINT field of a binary COPY row.
pub(crate) fn copy_i64(field: Option<&[u8]>) -> Result<i64, StoreError> {
    let bytes: [u8; 8] = field
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| corrupt("a BIGINT column is not 8 bytes"))?;
    Ok(i64::from_be_bytes(bytes))
}

/// A BOOLEAN field of a binary COPY row.
pub(crate) fn copy_bool(field: Option<&[u8]>) -> Result<bool, StoreError> {
    match field {
        Some([b]) => Ok(*b != 0),
        _ => Err(corrupt("a BOOLEAN column is not 1 byte")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(rows: &[&[Option<&[u8]>]]) -> Vec<u8> {
        let mut out = COPY_SIGNATURE.to_vec();
        out.extend_from_slice(&0u32.to_be_bytes());
        out.extend_from_slice(&0u32.to_be_bytes());
        for row in rows {
            out.extend_from_slice(&(row.len() as i16).to_be_bytes());
            for f in *row {
                match f {
                    Some(b) => {
                        out.extend_from_slice(&(b.len() as i32).to_be_bytes());
                        out.extend_from_slice(b);
                    }
                    None => out.extend_from_slice(&(-1i32).to_be_bytes()),
                }
            }
        }
        out.extend_from_slice(&(-1i16).to_be_bytes());
        out
    }

    #[test]
    fn copy_rows_decode_across_any_chunk_boundary() {
        let rows: [&[Option<&[u8]>]; 3] = [
            &[Some(b"1"), None, Some(b"")],
            &[Some(b"kaksi"), Some(b"\x00\xff"), None],
            &[None, None, Some(b"kolme")],
        ];
        let bytes = stream(&rows);
        for split in 1..bytes.len() {
            let mut dec = CopyDecoder::default();
            let mut got: Vec<Vec<Option<Vec<u8>>>> = Vec::new();
            for chunk in bytes.chunks(split) {
                dec.push(chunk);
                while dec.advance().unwrap() {
                    got.push(
                        (0..dec.len())
                            .map(|i| dec.field(i).map(<[u8]>::to_vec))
                            .collect(),
                    );
                }
            }
            assert!(dec.finished(), "split {split}");
            let want: Vec<Vec<Option<Vec<u8>>>> = rows
                .iter()
                .map(|r| r.iter().map(|f| f.map(<[u8]>::to_vec)).collect())
                .collect();
            assert_eq!(got, want, "split {split}");
        }
    }
}
