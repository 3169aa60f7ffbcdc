-- The new text of a message: what its writer added, quotes and signature left out (Mail/Quotes).
-- text_body keeps the full text; null for messages stored before this column existed.
ALTER TABLE messages ADD COLUMN new_text TEXT;
