-- Messages kept but not ticketed (bulk mail, automatic mail that belongs to no ticket).
CREATE TABLE ignored_messages (
    id bigint IDENTITY(1, 1) PRIMARY KEY,
    message_id nvarchar(800) NOT NULL UNIQUE,
    kind nvarchar(50) NOT NULL,
    reason nvarchar(max) NOT NULL,
    raw_reference nvarchar(max) NOT NULL,
    raw_size bigint NOT NULL,
    mailbox nvarchar(max),
    uid bigint,
    received_at datetime2(7) NOT NULL
);
