-- Messages kept but not ticketed (bulk mail, automatic mail that belongs to no ticket): raw bytes
-- stay in the raw store, this row says where and why, and makes a replay a duplicate.
CREATE TABLE ignored_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    raw_reference TEXT NOT NULL,
    raw_size INTEGER NOT NULL,
    mailbox TEXT,
    uid INTEGER,
    received_at TEXT NOT NULL
);
