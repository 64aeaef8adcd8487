-- A reservation's request id moves from the chip's row to its audit row. The chip kept its last 32 ids
-- in an array that every charge rewrote (about 1.3 kB of row and WAL per send); the grain now remembers
-- the ids it granted, and a repeated request that reaches a new activation is looked up in selections
-- (through the contact's index, over the 10 minutes before the repeat).
ALTER TABLE selections ADD COLUMN request_id text;

CREATE OR REPLACE FUNCTION chips_next_version() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF (NEW.status, NEW.trust_score, NEW.rampup_stage, NEW.connected, NEW.cooldown_until, NEW.breaker_state, NEW.breaker_until,
        NEW.sent_this_hour, NEW.hour_bucket, NEW.sent_today, NEW.day_bucket, NEW.last_sent_at)
       IS DISTINCT FROM
       (OLD.status, OLD.trust_score, OLD.rampup_stage, OLD.connected, OLD.cooldown_until, OLD.breaker_state, OLD.breaker_until,
        OLD.sent_this_hour, OLD.hour_bucket, OLD.sent_today, OLD.day_bucket, OLD.last_sent_at) THEN
        NEW.version := OLD.version + 1;
    ELSE
        NEW.version := OLD.version;
    END IF;
    RETURN NEW;
END
$fn$;

ALTER TABLE chips DROP COLUMN recent_reservations;
