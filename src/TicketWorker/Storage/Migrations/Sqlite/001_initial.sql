-- TicketWorker schema 1 (SQLite). Times: TEXT 'yyyy-MM-ddTHH:mm:ss.fffffffZ', always UTC.
-- Lists (tags, addresses, references, recipients): JSON arrays in TEXT.

CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO counters (name, value) VALUES ('ticket_number', 0);

CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    number INTEGER NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    normalized_subject TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'pending', 'closed')),
    priority TEXT NOT NULL,
    team TEXT,
    owner TEXT,
    customer_address TEXT NOT NULL,
    customer_name TEXT,
    language TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    sla_policy TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    first_response_at TEXT,
    closed_at TEXT,
    escalation_level INTEGER NOT NULL DEFAULT 0,
    estimate_due_at TEXT,
    estimate_source TEXT,
    estimate_samples INTEGER,
    previous_ticket_id INTEGER REFERENCES tickets (id),
    reply_token TEXT UNIQUE
);
CREATE INDEX ix_tickets_customer_subject ON tickets (customer_address, normalized_subject, updated_at);
CREATE INDEX ix_tickets_status_closed ON tickets (status, closed_at);
CREATE INDEX ix_tickets_owner ON tickets (owner, status);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    kind TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    in_reply_to TEXT,
    reference_ids TEXT NOT NULL DEFAULT '[]',
    from_address TEXT NOT NULL,
    from_name TEXT,
    to_addresses TEXT NOT NULL DEFAULT '[]',
    cc_addresses TEXT NOT NULL DEFAULT '[]',
    subject TEXT,
    sent_date TEXT,
    text_body TEXT,
    html_body TEXT,
    raw_reference TEXT,
    raw_size INTEGER,
    mailbox TEXT,
    uid INTEGER,
    received_at TEXT NOT NULL,
    status TEXT CHECK (status IN ('queued', 'sent', 'failed')),
    failure_reason TEXT
);
CREATE INDEX ix_messages_ticket ON messages (ticket_id, id);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_row_id INTEGER NOT NULL REFERENCES messages (id),
    file_name TEXT,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    content_reference TEXT
);
CREATE INDEX ix_attachments_message ON attachments (message_row_id);

CREATE TABLE participants (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    address TEXT NOT NULL,
    role TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (ticket_id, address)
);

CREATE TABLE rule_decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    rule_name TEXT NOT NULL,
    action TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
CREATE INDEX ix_rule_decisions_ticket ON rule_decisions (ticket_id, id);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    ticket_id INTEGER REFERENCES tickets (id),
    kind TEXT NOT NULL,
    mailbox TEXT,
    envelope_from TEXT,
    recipients TEXT NOT NULL DEFAULT '[]',
    message_id TEXT NOT NULL,
    raw BLOB NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    claimed_by TEXT,
    claimed_until TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX ix_outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE auto_reply_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    address TEXT NOT NULL,
    sent_at TEXT NOT NULL
);
CREATE INDEX ix_auto_reply_log_address ON auto_reply_log (address, sent_at);

CREATE TABLE mailbox_checkpoints (
    mailbox TEXT NOT NULL,
    folder TEXT NOT NULL,
    uid_validity INTEGER NOT NULL,
    last_uid INTEGER NOT NULL,
    last_poll_at TEXT,
    connected INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    backlog INTEGER,
    PRIMARY KEY (mailbox, folder)
);

CREATE TABLE mailbox_leases (
    mailbox TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE quarantine (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    raw_reference TEXT NOT NULL,
    raw_size INTEGER NOT NULL,
    reason TEXT NOT NULL,
    mailbox TEXT,
    uid INTEGER,
    created_at TEXT NOT NULL,
    retried_at TEXT,
    retry_count INTEGER NOT NULL DEFAULT 0,
    resolved INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE round_robin (
    team TEXT PRIMARY KEY,
    position INTEGER NOT NULL
);

CREATE TABLE raw_mail (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    content BLOB NOT NULL,
    created_at TEXT NOT NULL
);
