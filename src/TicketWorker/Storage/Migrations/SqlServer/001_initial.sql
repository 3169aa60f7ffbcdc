-- TicketWorker schema 1 (SQL Server). Times: datetime2(7) holding UTC.
-- Keyed text columns are nvarchar(n) (index keys are limited to 1700 bytes, clustered ones to 900);
-- Message-IDs and outbox keys up to 800 characters. Identifiers compare case-sensitively (BIN2),
-- as on PostgreSQL and SQLite.
-- Lists (tags, addresses, references, recipients): JSON arrays in nvarchar(max).

CREATE TABLE counters (name nvarchar(200) PRIMARY KEY, value bigint NOT NULL);
INSERT INTO counters (name, value) VALUES ('ticket_number', 0);

CREATE TABLE settings (name nvarchar(200) PRIMARY KEY, value nvarchar(max) NOT NULL);

CREATE TABLE tickets (
    id bigint IDENTITY(1, 1) PRIMARY KEY,
    number bigint NOT NULL UNIQUE,
    subject nvarchar(max) NOT NULL,
    normalized_subject nvarchar(400) COLLATE Latin1_General_100_BIN2 NOT NULL,
    status nvarchar(20) NOT NULL CHECK (status IN ('open', 'pending', 'closed')),
    priority nvarchar(100) NOT NULL,
    team nvarchar(200),
    owner nvarchar(320),
    customer_address nvarchar(320) NOT NULL,
    customer_name nvarchar(max),
    language nvarchar(max),
    tags nvarchar(max) NOT NULL DEFAULT N'[]',
    sla_policy nvarchar(max),
    created_at datetime2(7) NOT NULL,
    updated_at datetime2(7) NOT NULL,
    first_response_at datetime2(7),
    closed_at datetime2(7),
    escalation_level int NOT NULL DEFAULT 0,
    estimate_due_at datetime2(7),
    estimate_source nvarchar(max),
    estimate_samples int,
    previous_ticket_id bigint REFERENCES tickets (id),
    reply_token nvarchar(200) COLLATE Latin1_General_100_BIN2
);
-- UNIQUE would allow one NULL only: a filtered index allows many tickets without a token.
CREATE UNIQUE INDEX ux_tickets_reply_token ON tickets (reply_token) WHERE reply_token IS NOT NULL;
CREATE INDEX ix_tickets_customer_subject ON tickets (customer_address, normalized_subject, updated_at);
CREATE INDEX ix_tickets_status_closed ON tickets (status, closed_at);
CREATE INDEX ix_tickets_owner ON tickets (owner, status);

CREATE TABLE messages (
    id bigint IDENTITY(1, 1) PRIMARY KEY,
    ticket_id bigint NOT NULL REFERENCES tickets (id),
    direction nvarchar(20) NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    kind nvarchar(50) NOT NULL,
    message_id nvarchar(800) COLLATE Latin1_General_100_BIN2 NOT NULL UNIQUE,
    in_reply_to nvarchar(max),
    reference_ids nvarchar(max) NOT NULL DEFAULT N'[]',
    from_address nvarchar(320) NOT NULL,
    from_name nvarchar(max),
    to_addresses nvarchar(max) NOT NULL DEFAULT N'[]',
    cc_addresses nvarchar(max) NOT NULL DEFAULT N'[]',
    subject nvarchar(max),
    sent_date datetime2(7),
    text_body nvarchar(max),
    html_body nvarchar(max),
    raw_reference nvarchar(max),
    raw_size bigint,
    mailbox nvarchar(max),
    uid bigint,
    received_at datetime2(7) NOT NULL,
    status nvarchar(20) CHECK (status IN ('queued', 'sent', 'failed')),
    failure_reason nvarchar(max)
);
CREATE INDEX ix_messages_ticket ON messages (ticket_id, id);

CREATE TABLE attachments (
    id bigint IDENTITY(1, 1) PRIMARY KEY,
    message_row_id bigint NOT NULL REFERENCES messages (id),
    file_name nvarchar(max),
    content_type nvarchar(max) NOT NULL,
    size bigint NOT NULL,
    content_reference nvarchar(max)
);
CREATE INDEX ix_attachments_message ON attachments (message_row_id);

CREATE TABLE participants (
    ticket_id bigint NOT NULL REFERENCES tickets (id),
    address nvarchar(320) NOT NULL,
    role nvarchar(max) NOT NULL,
    added_at datetime2(7) NOT NULL,
    PRIMARY KEY (ticket_id, address)
);

CREATE TABLE rule_decisions (
    id bigint IDENTITY(1, 1) PRIMARY KEY,
    ticket_id bigint NOT NULL REFERENCES tickets (id),
    rule_name nvarchar(max) NOT NULL,
    action nvarchar(max) NOT NULL,
    decided_at datetime2(7) NOT NULL
);
CREATE INDEX ix_rule_decisions_ticket ON rule_decisions (ticket_id, id);

CREATE TABLE outbox (
    id bigint IDENTITY(1, 1) PRIMARY KEY,
    idempotency_key nvarchar(800) COLLATE Latin1_General_100_BIN2 NOT NULL UNIQUE,
    ticket_id bigint REFERENCES tickets (id),
    kind nvarchar(50) NOT NULL,
    mailbox nvarchar(max),
    envelope_from nvarchar(max),
    recipients nvarchar(max) NOT NULL DEFAULT N'[]',
    message_id nvarchar(800) COLLATE Latin1_General_100_BIN2 NOT NULL,
    raw varbinary(max) NOT NULL,
    status nvarchar(20) NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts int NOT NULL DEFAULT 0,
    next_attempt_at datetime2(7) NOT NULL,
    last_error nvarchar(max),
    claimed_by nvarchar(max),
    claimed_until datetime2(7),
    created_at datetime2(7) NOT NULL,
    sent_at datetime2(7)
);
CREATE INDEX ix_outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE auto_reply_log (
    id bigint IDENTITY(1, 1) PRIMARY KEY,
    address nvarchar(320) NOT NULL,
    sent_at datetime2(7) NOT NULL
);
CREATE INDEX ix_auto_reply_log_address ON auto_reply_log (address, sent_at);

CREATE TABLE mailbox_checkpoints (
    mailbox nvarchar(200) NOT NULL,
    folder nvarchar(200) NOT NULL,
    uid_validity bigint NOT NULL,
    last_uid bigint NOT NULL,
    last_poll_at datetime2(7),
    connected bit NOT NULL DEFAULT 0,
    last_error nvarchar(max),
    backlog bigint,
    PRIMARY KEY (mailbox, folder)
);

CREATE TABLE mailbox_leases (
    mailbox nvarchar(200) PRIMARY KEY,
    owner nvarchar(320) NOT NULL,
    expires_at datetime2(7) NOT NULL
);

CREATE TABLE quarantine (
    id bigint IDENTITY(1, 1) PRIMARY KEY,
    raw_reference nvarchar(max) NOT NULL,
    raw_size bigint NOT NULL,
    reason nvarchar(max) NOT NULL,
    mailbox nvarchar(max),
    uid bigint,
    created_at datetime2(7) NOT NULL,
    retried_at datetime2(7),
    retry_count int NOT NULL DEFAULT 0,
    resolved bit NOT NULL DEFAULT 0
);

CREATE TABLE round_robin (
    team nvarchar(200) PRIMARY KEY,
    position bigint NOT NULL
);

CREATE TABLE raw_mail (
    sha256 nvarchar(64) PRIMARY KEY,
    size bigint NOT NULL,
    content varbinary(max) NOT NULL,
    created_at datetime2(7) NOT NULL
);
