-- Core schema: chips, trust, contacts, conversations, selections, pool, operations, keys.
-- States live in CHECKs; timestamps that belong to a state are tied to it.
--
-- Chip states (see Julia.Domain/Chips/Lifecycle.cs):
--   provisioned → pending → rampup → ready → active → degraded → ready
--   any non-final ⇄ paused (paused_from remembers where to resume); any → retired (final)

CREATE TABLE pool_config (
    id          int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    config      jsonb NOT NULL DEFAULT '{}'::jsonb,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text
);
INSERT INTO pool_config DEFAULT VALUES;

-- The pool quality gate: when tripped, prospecting is refused on every chip until an operator resumes.
CREATE TABLE pool_state (
    id              int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    gate_tripped    boolean NOT NULL DEFAULT false,
    tripped_at      timestamptz,
    tripped_reason  text,
    resumed_at      timestamptz,
    resumed_by      text,
    resumed_reason  text,
    CHECK (NOT gate_tripped OR (tripped_at IS NOT NULL AND tripped_reason IS NOT NULL))
);
INSERT INTO pool_state DEFAULT VALUES;

CREATE TABLE chips (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phone                 text NOT NULL UNIQUE CHECK (phone ~ '^\+55[1-9][1-9][0-9]{8,9}$'),
    ddd                   smallint NOT NULL CHECK (ddd BETWEEN 11 AND 99),
    instance              text NOT NULL UNIQUE CHECK (length(instance) BETWEEN 1 AND 100),
    instance_token        text,
    webhook_secret        text,
    provider              text NOT NULL DEFAULT 'evolution' CHECK (provider IN ('evolution', 'meta')),
    status                text NOT NULL CHECK (status IN ('provisioned','pending','rampup','ready','active','degraded','paused','retired')),
    paused_from           text CHECK (paused_from IN ('provisioned','pending','rampup','ready','active','degraded')),
    connected             boolean NOT NULL DEFAULT false,
    connection_changed_at timestamptz,
    trust_score           smallint NOT NULL DEFAULT 30 CHECK (trust_score BETWEEN 0 AND 100),
    trust_updated_at      timestamptz,
    rampup_stage          smallint NOT NULL DEFAULT 1 CHECK (rampup_stage BETWEEN 1 AND 5),
    rampup_started_at     timestamptz,
    account_created_at    timestamptz NOT NULL,
    cooldown_until        timestamptz,
    breaker_state         text NOT NULL DEFAULT 'closed' CHECK (breaker_state IN ('closed', 'open', 'half_open')),
    breaker_until         timestamptz,
    -- send slots: counters per clock hour (UTC) and per calendar day (pool time zone)
    last_sent_at          timestamptz,
    hour_bucket           timestamptz,
    sent_this_hour        int NOT NULL DEFAULT 0 CHECK (sent_this_hour >= 0),
    day_bucket            date,
    sent_today            int NOT NULL DEFAULT 0 CHECK (sent_today >= 0),
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    retired_at            timestamptz,
    CHECK ((status = 'paused') = (paused_from IS NOT NULL)),
    CHECK ((status = 'retired') = (retired_at IS NOT NULL)),
    CHECK ((breaker_state = 'open') = (breaker_until IS NOT NULL))
);
CREATE INDEX chips_status ON chips (status);

-- Every trust recomputation, with the factors that made it.
CREATE TABLE trust_log (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chip_id  bigint NOT NULL REFERENCES chips (id),
    at       timestamptz NOT NULL,
    score    smallint NOT NULL CHECK (score BETWEEN 0 AND 100),
    level    text NOT NULL,
    factors  jsonb NOT NULL,
    cause    text NOT NULL
);
CREATE INDEX trust_log_chip_at ON trust_log (chip_id, at DESC);

CREATE TABLE contacts (
    phone                text PRIMARY KEY CHECK (phone ~ '^\+55[1-9][1-9][0-9]{8,9}$'),
    ddd                  smallint NOT NULL,
    name                 text,
    lawful_basis         text CHECK (lawful_basis IN ('consent', 'legitimate_interest')),
    lawful_basis_source  text,
    lawful_basis_at      timestamptz,
    opted_out_at         timestamptz,
    opted_out_source     text,
    opted_out_text       text,
    opted_in_at          timestamptz,
    opted_in_reason      text,
    last_inbound_at      timestamptz,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    CHECK ((lawful_basis IS NULL) = (lawful_basis_source IS NULL)),
    CHECK ((opted_out_at IS NULL) = (opted_out_source IS NULL))
);

-- One conversation per contact; chip_id is the contact's sticky sender.
CREATE TABLE conversations (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact               text NOT NULL UNIQUE,
    chip_id               bigint NOT NULL REFERENCES chips (id),
    started_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    migrated_from         bigint REFERENCES chips (id),
    migrated_at           timestamptz,
    announcement_pending  boolean NOT NULL DEFAULT false,
    CHECK ((migrated_from IS NULL) = (migrated_at IS NULL))
);
CREATE INDEX conversations_chip ON conversations (chip_id);

-- Every selection decision: a reservation (chip_id set) or a refusal (code set).
CREATE TABLE selections (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL,
    contact     text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('prospecting', 'followup', 'reply')),
    chip_id     bigint REFERENCES chips (id),
    code        text,
    reason      text,
    candidates  int NOT NULL DEFAULT 0,
    excluded    jsonb NOT NULL DEFAULT '{}'::jsonb,
    fallback    boolean NOT NULL DEFAULT false,
    node        text NOT NULL,
    CHECK ((chip_id IS NULL) <> (code IS NULL))
);
CREATE INDEX selections_contact_at ON selections (contact, at) WHERE chip_id IS NOT NULL;
CREATE INDEX selections_chip_at ON selections (chip_id, at) WHERE chip_id IS NOT NULL;
CREATE INDEX selections_at ON selections (at DESC);

-- Who did what, when and why: chip transitions, operator actions, migrations, gate changes.
CREATE TABLE operations (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL,
    actor        text NOT NULL,
    action       text NOT NULL,
    chip_id      bigint REFERENCES chips (id),
    contact      text,
    from_status  text,
    to_status    text,
    reason       text,
    details      jsonb
);
CREATE INDEX operations_at ON operations (at DESC);
CREATE INDEX operations_chip ON operations (chip_id, at DESC) WHERE chip_id IS NOT NULL;

CREATE TABLE api_keys (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL,
    key_hash    text NOT NULL UNIQUE,
    scopes      text[] NOT NULL CHECK (scopes <@ ARRAY['agent', 'operator', 'admin']::text[] AND cardinality(scopes) > 0),
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);

CREATE TABLE users (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email          text NOT NULL UNIQUE,
    name           text NOT NULL,
    role           text NOT NULL CHECK (role IN ('operator', 'admin')),
    password_hash  text NOT NULL,
    created_at     timestamptz NOT NULL
);

-- Live nodes (heartbeats) for the operator's view and leadership.
CREATE TABLE nodes (
    id            text PRIMARY KEY,
    started_at    timestamptz NOT NULL,
    heartbeat_at  timestamptz NOT NULL
);
