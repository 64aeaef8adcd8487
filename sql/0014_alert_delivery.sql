-- Alerts that reach people. An alert is now named by (kind, subject): 'chip:12', 'pool', 'queue', 'inbox',
-- 'node:<silo>', 'channel:slack'. At most one is open per (kind, subject); raising it again while open only
-- moves last_seen_at. Each configured channel gets one 'raised' notice per alert and, once that was sent and
-- the alert is resolved, one 'resolved' notice.
--
-- Delivery states:
--   pending → sending → sent
--   sending → pending (failed; retried with backoff) | failed (gave up after the last attempt)
--   sending → pending/sent by another node once its claim expired (the claimant died mid-send)
-- Only the holder of the current claim token may complete a delivery.

ALTER TABLE alerts
    ADD COLUMN subject      text,
    ADD COLUMN last_seen_at timestamptz;

UPDATE alerts SET subject = CASE WHEN chip_id IS NOT NULL THEN 'chip:' || chip_id ELSE 'pool' END, last_seen_at = coalesce(resolved_at, at);

-- Alerts raised before this migration could repeat a (kind, subject) while open (the old cooldown was per
-- raise, not per open alert): keep the newest open, close the older ones, so the unique index below holds.
UPDATE alerts a SET resolved_at = a.at, resolved_by = 'migration'
WHERE a.resolved_at IS NULL
  AND EXISTS (SELECT 1 FROM alerts b WHERE b.kind = a.kind AND b.subject = a.subject AND b.resolved_at IS NULL AND b.id > a.id);

ALTER TABLE alerts
    ALTER COLUMN subject SET NOT NULL,
    ALTER COLUMN last_seen_at SET NOT NULL,
    ADD CONSTRAINT alerts_subject CHECK (length(subject) BETWEEN 1 AND 200),
    ADD CONSTRAINT alerts_resolved CHECK ((resolved_at IS NULL) = (resolved_by IS NULL));

-- The dedupe key: two nodes raising the same condition at once meet here, and one of them only refreshes.
CREATE UNIQUE INDEX alerts_one_open ON alerts (kind, subject) WHERE resolved_at IS NULL;
-- The cooldown looks up the last resolution of a (kind, subject).
CREATE INDEX alerts_kind_subject ON alerts (kind, subject, resolved_at DESC);

CREATE TABLE alert_deliveries (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id         bigint NOT NULL REFERENCES alerts (id),
    channel          text NOT NULL CHECK (channel ~ '^[a-z]{1,30}$'),
    kind             text NOT NULL CHECK (kind IN ('raised', 'resolved')),
    status           text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts         int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz NOT NULL,
    claim_token      uuid,
    claim_expires_at timestamptz,
    -- when this notice's current run of failures began; the channel's health is judged from it
    failing_since    timestamptz,
    last_error       text,
    created_at       timestamptz NOT NULL,
    sent_at          timestamptz,
    UNIQUE (alert_id, channel, kind),
    CHECK ((status = 'sending') = (claim_token IS NOT NULL AND claim_expires_at IS NOT NULL)),
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
-- The claim scans only what waits or is leased, per channel.
CREATE INDEX alert_deliveries_due ON alert_deliveries (channel, next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE INDEX alert_deliveries_channel ON alert_deliveries (channel, created_at DESC);
