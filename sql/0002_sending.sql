-- Sending and webhooks: the outbound queue, its attempts and timeline, the webhook inbox, inbound
-- messages for the agent, per-chip breaker state, alerts and the leader lease.
--
-- Message states:
--   queued → sending → sent → delivered → read
--   queued/sending → failed | expired | blocked      queued → cancelled
--   sending → queued (retry on another chip, or waiting for pacing/window)
-- A message in 'sending' holds a lease (owner, token, expiry); only the holder of the current token may
-- complete it, and an expired lease is reclaimed by any node.

ALTER TABLE chips
    ADD COLUMN breaker_open_seconds  int NOT NULL DEFAULT 60 CHECK (breaker_open_seconds BETWEEN 1 AND 600),
    ADD COLUMN consecutive_failures  int NOT NULL DEFAULT 0,
    ADD COLUMN window_started_at     timestamptz,
    ADD COLUMN window_sends          int NOT NULL DEFAULT 0,
    ADD COLUMN window_failures       int NOT NULL DEFAULT 0,
    ADD COLUMN status_reason         text;

CREATE TABLE breaker_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chip_id   bigint NOT NULL REFERENCES chips (id),
    at        timestamptz NOT NULL,
    from_state text NOT NULL,
    to_state  text NOT NULL,
    reason    text NOT NULL
);
CREATE INDEX breaker_log_chip ON breaker_log (chip_id, at DESC);

CREATE TABLE messages (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    idempotency_key      text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    contact              text NOT NULL,
    kind                 text NOT NULL CHECK (kind IN ('prospecting', 'followup', 'reply')),
    text                 text NOT NULL CHECK (length(text) BETWEEN 1 AND 4096),
    status               text NOT NULL CHECK (status IN ('queued','sending','sent','delivered','read','failed','expired','cancelled','blocked')),
    chip_id              bigint REFERENCES chips (id),
    provider_message_id  text,
    tried_chips          bigint[] NOT NULL DEFAULT '{}',
    attempts             int NOT NULL DEFAULT 0,
    next_attempt_at      timestamptz NOT NULL,
    not_before           timestamptz,
    expires_at           timestamptz NOT NULL,
    lease_owner          text,
    lease_token          uuid,
    lease_expires_at     timestamptz,
    last_error           text,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    sent_at              timestamptz,
    delivered_at         timestamptz,
    read_at              timestamptz,
    CHECK ((status = 'sending') = (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL)),
    CHECK (sent_at IS NULL OR status IN ('sent', 'delivered', 'read', 'failed')),
    CHECK (status NOT IN ('sent', 'delivered', 'read') OR (sent_at IS NOT NULL AND chip_id IS NOT NULL))
);
-- The claim scans only what is waiting or leased.
CREATE INDEX messages_due ON messages (next_attempt_at) WHERE status = 'queued';
CREATE INDEX messages_leased ON messages (lease_expires_at) WHERE status = 'sending';
CREATE UNIQUE INDEX messages_provider_id ON messages (chip_id, provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX messages_chip_sent ON messages (chip_id, sent_at) WHERE sent_at IS NOT NULL;

-- The status timeline a caller reads back.
CREATE TABLE message_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id  bigint NOT NULL REFERENCES messages (id),
    at          timestamptz NOT NULL,
    status      text NOT NULL,
    chip_id     bigint,
    detail      text
);
CREATE INDEX message_events_message ON message_events (message_id, id);

-- Every gateway call: which chip, how it ended, how it was classified.
CREATE TABLE message_attempts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id   bigint NOT NULL REFERENCES messages (id),
    chip_id      bigint NOT NULL REFERENCES chips (id),
    lease_token  uuid NOT NULL,
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz NOT NULL,
    outcome      text NOT NULL CHECK (outcome IN ('sent', 'timeout', 'transient', 'rate_limited', 'spam_restriction', 'permanent')),
    detail       text
);
CREATE INDEX message_attempts_message ON message_attempts (message_id);
CREATE INDEX message_attempts_chip_at ON message_attempts (chip_id, finished_at);

-- Webhooks, stored before they are answered; processed after. dedupe_key makes a redelivery a no-op.
CREATE TABLE inbox (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dedupe_key       text NOT NULL UNIQUE,
    source           text NOT NULL CHECK (source IN ('evolution', 'meta')),
    event            text NOT NULL,
    chip_id          bigint REFERENCES chips (id),
    payload          jsonb NOT NULL,
    received_at      timestamptz NOT NULL,
    status           text NOT NULL CHECK (status IN ('pending', 'processing', 'applied', 'dead')),
    attempts         int NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    claim_token      uuid,
    claim_expires_at timestamptz,
    applied_at       timestamptz,
    error            text,
    CHECK ((status = 'processing') = (claim_token IS NOT NULL)),
    CHECK ((status = 'applied') = (applied_at IS NOT NULL))
);
CREATE INDEX inbox_due ON inbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX inbox_claimed ON inbox (claim_expires_at) WHERE status = 'processing';
CREATE INDEX inbox_dead ON inbox (id) WHERE status = 'dead';

-- Doctors' messages, in arrival order; id is the agent's cursor. Forwarded to Agent:InboundUrl.
CREATE TABLE inbound (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chip_id              bigint NOT NULL REFERENCES chips (id),
    contact              text NOT NULL,
    provider_message_id  text NOT NULL,
    push_name            text,
    text                 text,
    intent               text NOT NULL CHECK (intent IN ('none', 'opt_out', 'opt_in', 'help')),
    sent_at              timestamptz NOT NULL,
    received_at          timestamptz NOT NULL,
    forward_status       text NOT NULL DEFAULT 'pending' CHECK (forward_status IN ('pending', 'forwarded', 'dead', 'disabled')),
    forward_attempts     int NOT NULL DEFAULT 0,
    forward_next_at      timestamptz NOT NULL,
    forward_error        text,
    UNIQUE (chip_id, provider_message_id)
);
CREATE INDEX inbound_forward_due ON inbound (forward_next_at) WHERE forward_status = 'pending';
CREATE INDEX inbound_chip_at ON inbound (chip_id, received_at);
CREATE INDEX inbound_contact_at ON inbound (contact, received_at);

-- Quality signals per chip (spam/restriction, rate limit, block); they feed trust and the gate.
CREATE TABLE chip_signals (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chip_id  bigint NOT NULL REFERENCES chips (id),
    at       timestamptz NOT NULL,
    kind     text NOT NULL CHECK (kind IN ('spam_restriction', 'rate_limited', 'blocked', 'opt_out', 'logged_out')),
    detail   text
);
CREATE INDEX chip_signals_chip_at ON chip_signals (chip_id, at);

CREATE TABLE alerts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL,
    kind         text NOT NULL,
    severity     text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    chip_id      bigint REFERENCES chips (id),
    message      text NOT NULL,
    resolved_at  timestamptz,
    resolved_by  text
);
CREATE INDEX alerts_open ON alerts (at DESC) WHERE resolved_at IS NULL;

-- Leader lease: one row per role; the holder renews it, anyone takes it once it has expired.
CREATE TABLE leases (
    name        text PRIMARY KEY,
    holder      text NOT NULL,
    term        bigint NOT NULL,
    expires_at  timestamptz NOT NULL
);

-- A half-open breaker carries a deadline for its single trial: if the trial never reports back
-- (its message expired, its node died), another trial is admitted after it.
ALTER TABLE chips DROP CONSTRAINT chips_check2;
ALTER TABLE chips ADD CONSTRAINT chips_breaker_until CHECK (breaker_state = 'closed' OR breaker_until IS NOT NULL);
