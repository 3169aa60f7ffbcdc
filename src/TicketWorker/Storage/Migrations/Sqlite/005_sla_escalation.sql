-- TicketWorker schema 5 (SQLite): SLA due times on tickets, the escalation record, the scan's indexes.
-- Quartz keeps its schedule in memory (RAMJobStore) on SQLite, so no qrtz_ tables here.

ALTER TABLE tickets ADD COLUMN first_response_due_at TEXT;
ALTER TABLE tickets ADD COLUMN resolution_due_at TEXT;
-- Set while the SLA clock is paused (status pending); the business time paused so far, in seconds.
ALTER TABLE tickets ADD COLUMN sla_paused_at TEXT;
ALTER TABLE tickets ADD COLUMN sla_paused_seconds INTEGER NOT NULL DEFAULT 0;
-- When the ticket went pending (for auto-close; null otherwise).
ALTER TABLE tickets ADD COLUMN pending_since TEXT;
-- The next instant the escalation scan has something to do for this ticket (null: nothing).
ALTER TABLE tickets ADD COLUMN escalation_check_at TEXT;

CREATE INDEX ix_tickets_escalation_check ON tickets (escalation_check_at) WHERE escalation_check_at IS NOT NULL;
CREATE INDEX ix_tickets_pending_since ON tickets (pending_since) WHERE pending_since IS NOT NULL;
CREATE INDEX ix_tickets_resolution_due ON tickets (status, resolution_due_at);

-- One row per ticket and level: the level's actions ran in the transaction that inserted it.
CREATE TABLE escalations (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    level INTEGER NOT NULL,
    fired_at TEXT NOT NULL,
    worker TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (ticket_id, level)
);
