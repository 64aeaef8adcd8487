-- Provisioning requests (a new number bought, its gateway instance created, the chip registered) and the
-- connection health monitor's passes.
--
-- provision_requests states:
--   pending --claim--> running --done--> done
--                         |  \--transient failure, attempts left--> pending (next_attempt_at backs off)
--                         \--permanent failure or attempts used--> failed (an alert is raised)
--   running with an expired claim (a node died mid-request) is claimed again; each step is idempotent.
--
-- UNIQUE (day, seq) with seq < the day's maximum is the daily cap: two nodes asking for the same need
-- compute the same next seq, one insert wins and the other's does nothing.
CREATE TABLE provision_requests (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    day              date NOT NULL,              -- São Paulo calendar day the request counts against
    seq              int NOT NULL CHECK (seq >= 0),
    requested_at     timestamptz NOT NULL,
    requested_by     text NOT NULL,
    reason           text NOT NULL,
    ddd              smallint CHECK (ddd BETWEEN 11 AND 99),
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
    attempts         int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz NOT NULL,
    claim_token      uuid,
    claim_expires_at timestamptz,
    last_error       text,
    -- What the steps made so far, so a retry after a crash carries on instead of starting again.
    number_id        text,                       -- the provider's id for the bought number
    phone            text,                       -- E.164; the API shows phone_masked
    phone_masked     text,
    instance         text,
    instance_token   text,                       -- secret: never logged, never in the API
    webhook_secret   text,                       -- secret: never logged, never in the API
    chip_id          bigint REFERENCES chips (id),
    finished_at      timestamptz,
    UNIQUE (day, seq),
    CHECK ((status = 'running') = (claim_token IS NOT NULL AND claim_expires_at IS NOT NULL)),
    CHECK ((status IN ('done', 'failed')) = (finished_at IS NOT NULL)),
    CHECK (status <> 'done' OR chip_id IS NOT NULL)
);
-- The claim walks open requests only.
CREATE INDEX provision_requests_open ON provision_requests (next_attempt_at) WHERE status IN ('pending', 'running');

-- The latest pairing QR of a chip waiting for it (pending).
ALTER TABLE chips ADD COLUMN qr_code text, ADD COLUMN qr_base64 text, ADD COLUMN qr_updated_at timestamptz;

-- One row per periodic job: the slot (period start) last claimed, by whom, and when its pass ended. A node
-- runs a pass only if it moved the slot forward, so the cluster runs one pass per period; finished_at is
-- what "late job" alerts read.
CREATE TABLE periodic_passes (
    job          text PRIMARY KEY,
    slot         timestamptz NOT NULL,
    claimed_by   text NOT NULL,
    claimed_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    summary      jsonb
);
