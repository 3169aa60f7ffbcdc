-- Issue 13: how an agent's mail was checked (AgentVerdict.How: token, dkim, authresults, arc, or why it failed);
-- null for every other message. Shown by tickets show.
ALTER TABLE messages ADD COLUMN agent_check text;
