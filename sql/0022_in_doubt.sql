-- A send the gateway did not answer is in doubt (issue 23: a frozen gateway carried out sends we had retried elsewhere,
-- and 137 doctors got the same message twice). Neither Evolution nor Meta takes an idempotency key, so such a message is
-- sent nowhere until the gateway's own word settles it: its echo of the send (Evolution's send.message, matched by chip,
-- contact and the text actually sent), a status naming our id (Meta), or its answer when asked after Outbox:InDoubtWait.
--
--   sending → in_doubt → sent (echo, status, lookup) | queued (lookup: not sent) | failed (validity ended, code in_doubt)
--   in_doubt → sending (claimed to ask the gateway, in_doubt_since kept) → in_doubt | sent | queued | failed
--
-- sent_text: what was sent (with the announcement a first message from a new number carries), to match the gateway's echo.
-- in_doubt_since: when the doubtful send started; set while the message is in doubt (also while a node asks the gateway).
-- Expand-only: a wider status list, two columns, two partial indexes. A node of the previous release never writes or
-- claims in_doubt.
ALTER TABLE messages DROP CONSTRAINT messages_status_check;
ALTER TABLE messages ADD CONSTRAINT messages_status_check
    CHECK (status IN ('queued', 'sending', 'in_doubt', 'sent', 'delivered', 'read', 'failed', 'expired', 'cancelled', 'blocked'));

ALTER TABLE messages
    ADD COLUMN sent_text      text,
    ADD COLUMN in_doubt_since timestamptz,
    ADD CONSTRAINT messages_in_doubt CHECK (status <> 'in_doubt' OR (chip_id IS NOT NULL AND sent_text IS NOT NULL AND in_doubt_since IS NOT NULL));

-- The claim asks the gateway about due messages in doubt, oldest first, as it takes due queued ones.
CREATE INDEX messages_in_doubt_due ON messages (next_attempt_at) WHERE status = 'in_doubt';
-- An echo of our own send finds the message in doubt from that chip to that contact.
CREATE INDEX messages_in_doubt_echo ON messages (chip_id, contact) WHERE status = 'in_doubt';
