-- A reservation charges a chip thousands of times a minute, and on every UPDATE PostgreSQL reads,
-- plans and checks each CHECK constraint of the table, whichever columns change (profiled: the
-- largest single cost of the selection statement). The single-column rules move into domains, which
-- are checked when their column is written; the rules themselves are unchanged, and the rules that
-- tie columns together stay table checks.
CREATE DOMAIN br_phone AS text CHECK (VALUE ~ '^\+55[1-9][1-9][0-9]{8,9}$');
CREATE DOMAIN ddd AS smallint CHECK (VALUE BETWEEN 11 AND 99);
CREATE DOMAIN instance_name AS text CHECK (length(VALUE) BETWEEN 1 AND 100);
CREATE DOMAIN chip_provider AS text CHECK (VALUE IN ('evolution', 'meta'));
CREATE DOMAIN chip_status AS text CHECK (VALUE IN ('provisioned','pending','rampup','ready','active','degraded','paused','retired'));
CREATE DOMAIN chip_paused_from AS text CHECK (VALUE IN ('provisioned','pending','rampup','ready','active','degraded'));
CREATE DOMAIN trust_score AS smallint CHECK (VALUE BETWEEN 0 AND 100);
CREATE DOMAIN rampup_stage AS smallint CHECK (VALUE BETWEEN 1 AND 5);
CREATE DOMAIN breaker_state AS text CHECK (VALUE IN ('closed', 'open', 'half_open'));
CREATE DOMAIN breaker_open_seconds AS int CHECK (VALUE BETWEEN 1 AND 600);
CREATE DOMAIN send_count AS int CHECK (VALUE >= 0);

ALTER TABLE chips
    DROP CONSTRAINT chips_phone_check,
    DROP CONSTRAINT chips_ddd_check,
    DROP CONSTRAINT chips_instance_check,
    DROP CONSTRAINT chips_provider_check,
    DROP CONSTRAINT chips_status_check,
    DROP CONSTRAINT chips_paused_from_check,
    DROP CONSTRAINT chips_trust_score_check,
    DROP CONSTRAINT chips_rampup_stage_check,
    DROP CONSTRAINT chips_breaker_state_check,
    DROP CONSTRAINT chips_breaker_open_seconds_check,
    DROP CONSTRAINT chips_sent_this_hour_check,
    DROP CONSTRAINT chips_sent_today_check,
    ALTER COLUMN phone TYPE br_phone,
    ALTER COLUMN ddd TYPE ddd,
    ALTER COLUMN instance TYPE instance_name,
    ALTER COLUMN provider TYPE chip_provider,
    ALTER COLUMN status TYPE chip_status,
    ALTER COLUMN paused_from TYPE chip_paused_from,
    ALTER COLUMN trust_score TYPE trust_score,
    ALTER COLUMN rampup_stage TYPE rampup_stage,
    ALTER COLUMN breaker_state TYPE breaker_state,
    ALTER COLUMN breaker_open_seconds TYPE breaker_open_seconds,
    ALTER COLUMN sent_this_hour TYPE send_count,
    ALTER COLUMN sent_today TYPE send_count;
