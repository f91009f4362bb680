-- 0019 compliance reports 1-3 (SQLite; mirrors the PostgreSQL file statement by statement).
-- Issue 14: the supervisor's reports read the record by period over every client of an
-- organisation or of all, so they need indexes by time, not by client.
-- Indexes only: no table, no data. Shipped: never edit; add a new numbered file instead.

-- Report 1 (A6, recording lag): the entries whose event falls in the period, with what the
-- lag and the grouping need (recording time, author, client), read from the index alone.
CREATE INDEX entries_event_report ON entries (event_at, recorded_at, author_id, client_id);

-- Reports 2 and 3a (JTYPL 31 §, A9): the job searches started in the period.
CREATE INDEX job_searches_start ON job_searches (start_date, client_id);

-- Report 3b (A7): the employment plans, client by client, with the newest first found.
CREATE INDEX entries_plans ON entries (kind, client_id, event_at);

-- Contact methods agreed since a date, per client (A9).
CREATE INDEX contact_methods_agreed ON contact_methods (client_id, agreed_on);
