-- What the sender composes a row's mail from when it sends it (JSON, Replies/Notifier): agents'
-- notifications are queued by intake as this recipe and written when sent, not in intake's batch.
-- Null for rows whose bytes were written when they were queued.
ALTER TABLE outbox ADD COLUMN recipe text;
