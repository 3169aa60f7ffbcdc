-- The new text of a message: what its writer added, quotes and signature left out (Mail/Quotes).
ALTER TABLE messages ADD COLUMN new_text text;
