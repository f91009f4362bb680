//! Clients (job seekers) and their identity codes. Creating a client and listing the clients
//! of an organisation are logged accesses; [`Store::client`] and [`Store::client_by_hetu`]
//! serve the authorisation decision only and log nothing.

use kirjuri_domain::{Client, ClientId, Hetu, NewClient, OrgId};

use crate::access::{Access, AccessAction};
use crate::rows::{client_from_row, parse_ts, ts, CLIENT_COLS};
use crate::{Backend, Store, StoreError};
use futures_util::TryStreamExt as _;

impl Store {
    pub async fn create_client(&self, new: NewClient, by: &Access) -> Result<Client, StoreError> {
        let id = ClientId::from_uuid(self.ids.next());
        let now = self.now();
        let logged = self.logged(by, id)?;
        let by = by.user;
        let client = Client {
            id,
            hetu: new.hetu,
            first_name: new.first_name,
            last_name: new.last_name,
            language: new.language,
            org_id: new.org_id,
            created_at: parse_ts(&ts(now))?,
        };
        let row = client.clone();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO clients (id, hetu, first_name, last_name, language, org_id, created_at, created_by)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(row.id.to_string())
                    .bind(row.hetu.as_str())
                    .bind(row.first_name.as_str())
                    .bind(row.last_name.as_str())
                    .bind(row.language.code())
                    .bind(row.org_id.to_string())
                    .bind(ts(now))
                    .bind(by.to_string())
                    .execute(&mut *tx)
                    .await?;
                    logged.record(tx, leaves, now, AccessAction::Write, "client").await
                })
            })
            .await?;
        Ok(client)
    }

    /// The client row for the authorisation decision only: nothing is logged, so a caller that
    /// shows the client to a user reads it through [`Store::read_client`].
    pub async fn client(&self, id: ClientId) -> Result<Client, StoreError> {
        let row = sqlx::query(&format!("SELECT {CLIENT_COLS} FROM clients WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("client"))?;
        client_from_row(&row)
    }

    /// Reads a client for a user, logging the read.
    pub async fn read_client(&self, id: ClientId, by: &Access) -> Result<Client, StoreError> {
        let client = self.client(id).await?;
        self.log(by, id, AccessAction::Read, "client").await?;
        Ok(client)
    }

    /// Finds a client by identity code for the authorisation decision only (not logged; see
    /// [`Store::client`]).
    pub async fn client_by_hetu(&self, hetu: &Hetu) -> Result<Client, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {CLIENT_COLS} FROM clients WHERE hetu = $1"
        ))
        .bind(hetu.as_str())
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound("client"))?;
        client_from_row(&row)
    }

    /// Clients of one organisation, by name, a page at a time; each listed client's record
    /// logs the read.
    pub async fn clients_of_org(
        &self,
        org: OrgId,
        limit: i64,
        offset: i64,
        by: &Access,
    ) -> Result<Vec<Client>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CLIENT_COLS} FROM clients WHERE org_id = $1
             ORDER BY last_name, first_name, id LIMIT $2 OFFSET $3"
        ))
        .bind(org.to_string())
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.read)
        .await?;
        let clients = rows
            .iter()
            .map(client_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        self.log_listed(&clients, by).await?;
        Ok(clients)
    }

    /// Logs the read of each listed client's record, in one write.
    async fn log_listed(&self, clients: &[Client], by: &Access) -> Result<(), StoreError> {
        let logs = clients
            .iter()
            .map(|c| self.logged(by, c.id))
            .collect::<Result<Vec<_>, _>>()?;
        let now = self.now();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    for logged in logs {
                        logged
                            .record(tx, leaves, now, AccessAction::Read, "client_list")
                            .await?;
                    }
                    Ok(())
                })
            })
            .await
    }

    /// A page of one organisation's clients by name: at most `limit` after the client `after`
    /// (its id: the page's key, so a cursor carries no name), or from `offset` without one,
    /// and whether more follow. Each client shown logs the read; the one fetched only to tell
    /// that more follow does not.
    pub async fn clients_page(
        &self,
        org: OrgId,
        after: Option<&str>,
        offset: i64,
        limit: i64,
        by: &Access,
    ) -> Result<(Vec<Client>, bool), StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CLIENT_COLS} FROM clients WHERE org_id = $1
               AND ($2 IS NULL OR (last_name, first_name, id) >
                   (SELECT last_name, first_name, id FROM clients WHERE id = $2 AND org_id = $1))
             ORDER BY last_name, first_name, id LIMIT $3 OFFSET $4"
        ))
        .bind(org.to_string())
        .bind(after)
        .bind(limit + 1)
        .bind(offset)
        .fetch_all(&self.read)
        .await?;
        let mut clients = rows
            .iter()
            .map(client_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let more = usize::try_from(limit).is_ok_and(|l| clients.len() > l);
        if more {
            clients.pop();
        }
        self.log_listed(&clients, by).await?;
        Ok((clients, more))
    }

    /// Clients whose name (first and last) contains every word of `words`, ignoring case, by
    /// name, at most `limit`; of one organisation, or of all with `None`. Each client found is
    /// a logged read (`client_search`).
    ///
    /// The rows are matched exactly here with Unicode case folding (`Åberg` is found by `åb`),
    /// so both backends answer the same; the database narrows first, and never returns more
    /// than `limit` matches' worth of rows into memory:
    ///
    /// - PostgreSQL matches every character in SQL: the lower-cased name against a regular
    ///   expression in which a non-ASCII letter stands for itself or its upper case (so the
    ///   match does not depend on the database's `LC_CTYPE` folding it), with `LIMIT`.
    /// - SQLite's `lower` folds ASCII only, so there a non-ASCII character is a one-character
    ///   `LIKE` wildcard (`_`), and `LIMIT` is added only when every word is ASCII; otherwise
    ///   the rows are streamed and reading stops once `limit` of them match (review C6: a
    ///   query "ä" must not load the whole organisation).
    pub async fn find_clients_by_name(
        &self,
        org: Option<OrgId>,
        words: &[String],
        limit: i64,
        by: &Access,
    ) -> Result<Vec<Client>, StoreError> {
        let words: Vec<String> = words
            .iter()
            .map(|w| w.to_lowercase())
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() || limit < 1 {
            return Ok(Vec::new());
        }
        let mut sql = format!("SELECT {CLIENT_COLS} FROM clients WHERE 1 = 1");
        let mut binds: Vec<String> = Vec::new();
        if let Some(org) = org {
            binds.push(org.to_string());
            sql.push_str(&format!(" AND org_id = ${}", binds.len()));
        }
        let postgres = self.backend() == Backend::Postgres;
        for w in &words {
            if postgres {
                binds.push(name_regex(w));
                sql.push_str(&format!(
                    " AND lower(first_name || ' ' || last_name) ~ ${}",
                    binds.len()
                ));
            } else {
                binds.push(name_pattern(w));
                sql.push_str(&format!(
                    " AND lower(first_name || ' ' || last_name) LIKE ${} ESCAPE '\\'",
                    binds.len()
                ));
            }
        }
        sql.push_str(" ORDER BY last_name, first_name, id");
        // Where the database's match is already exact it may stop at the limit.
        if postgres || words.iter().all(|w| w.is_ascii()) {
            sql.push_str(&format!(" LIMIT {limit}"));
        }
        let mut query = sqlx::query(&sql);
        for b in binds {
            query = query.bind(b);
        }
        let mut rows = query.fetch(&self.read);
        let mut clients = Vec::new();
        while let Some(row) = rows.try_next().await? {
            let c = client_from_row(&row)?;
            let name = format!("{} {}", c.first_name, c.last_name).to_lowercase();
            if words.iter().all(|w| name.contains(w.as_str())) {
                clients.push(c);
                if clients.len() as i64 >= limit {
                    break;
                }
            }
        }
        drop(rows);
        self.log_each(&clients, by, "client_search").await?;
        Ok(clients)
    }

    /// One read logged per client listed, all in one write.
    async fn log_each(
        &self,
        clients: &[Client],
        by: &Access,
        resource: &'static str,
    ) -> Result<(), StoreError> {
        if clients.is_empty() {
            return Ok(());
        }
        let logs = clients
            .iter()
            .map(|c| self.logged(by, c.id))
            .collect::<Result<Vec<_>, _>>()?;
        let now = self.now();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    for logged in logs {
                        logged
                            .record(tx, leaves, now, AccessAction::Read, resource)
                            .await?;
                    }
                    Ok(())
                })
            })
            .await
    }
}

/// A `LIKE` pattern for a lower-cased word: `%word%` with ASCII kept, any other character a
/// one-character wildcard, and the pattern's own special characters escaped.
/// A PostgreSQL regular expression (ARE) matching names that contain the lower-cased `word`
/// once lower-cased: an ASCII letter or digit stands for itself, any other ASCII character is
/// escaped, and a non-ASCII character is a bracket expression of itself and its upper case.
fn name_regex(word: &str) -> String {
    let mut p = String::new();
    for ch in word.chars() {
        if ch.is_ascii_alphanumeric() {
            p.push(ch);
        } else if ch.is_ascii() {
            p.push('\\');
            p.push(ch);
        } else {
            p.push('[');
            p.push(ch);
            let mut upper = ch.to_uppercase();
            if let (Some(u), None) = (upper.next(), upper.next()) {
                if u != ch {
                    p.push(u);
                }
            }
            p.push(']');
        }
    }
    p
}

fn name_pattern(word: &str) -> String {
    let mut p = String::from("%");
    for ch in word.chars() {
        match ch {
            '%' | '_' | '\\' => {
                p.push('\\');
                p.push(ch);
            }
            c if c.is_ascii() => p.push(c),
            _ => p.push('_'),
        }
    }
    p.push('%');
    p
}

/// The client `id` inside a write's transaction, or "not found".
pub(crate) async fn require_client(
    conn: &mut sqlx::AnyConnection,
    id: ClientId,
) -> Result<Client, StoreError> {
    let row = sqlx::query(&format!("SELECT {CLIENT_COLS} FROM clients WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound("client"))?;
    client_from_row(&row)
}
