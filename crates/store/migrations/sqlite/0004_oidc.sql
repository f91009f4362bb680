-- 0004 OpenID Connect log-in and log-in throttling (SQLite). Shipped: never edit; add a new
-- numbered file instead. (Versions 2 and 3 belong to other branches.)

-- Which external identity logs in as which personal account (A1). Rows are made by an
-- administrator; an unknown (provider, subject) is refused, never provisioned automatically.
CREATE TABLE oidc_identities (
    provider   TEXT NOT NULL,
    subject    TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    -- The administrator who made the link (NULL when made by an operator tool).
    created_by TEXT REFERENCES users (id),
    CONSTRAINT oidc_identities_pk PRIMARY KEY (provider, subject)
);
CREATE INDEX oidc_identities_user ON oidc_identities (user_id);

-- Log-ins sent to a provider and not yet back. Keyed by a hash of the `state` parameter;
-- `browser_hash` binds the log-in to the browser that started it (a cookie), so a callback
-- URL cannot be replayed in another browser. Rows are taken (deleted) on first use.
CREATE TABLE oidc_pending_logins (
    state_hash    TEXT PRIMARY KEY,
    provider      TEXT NOT NULL,
    browser_hash  TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
CREATE INDEX oidc_pending_logins_expiry ON oidc_pending_logins (expires_at);

-- Failed password log-ins, counted per key ('user:NAME' or 'ip:ADDRESS') inside a sliding
-- window. In the database rather than in memory so that every server instance behind a load
-- balancer sees the same counts and a restart does not reset them.
CREATE TABLE login_failures (
    key       TEXT NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, failed_at);
