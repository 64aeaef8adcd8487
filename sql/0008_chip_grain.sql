-- The chip grain is the cap authority: it charges a chip's counters only if the row is still the
-- version it read. Every other writer that changes what the grain decides on (status, trust, stage,
-- connection, cooldown, breaker, counters) moves the version too, by this trigger, so a grain working
-- from a stale copy is refused and reads again. Writes the grain does not decide on (the breaker's
-- success window after each send, timestamps) leave the version alone, so they cost the grain nothing.
ALTER TABLE chips ADD COLUMN version bigint NOT NULL DEFAULT 0;
-- The last reservation request ids the chip answered yes to: a repeated request is not charged twice.
ALTER TABLE chips ADD COLUMN recent_reservations text[] NOT NULL DEFAULT '{}';

CREATE FUNCTION chips_next_version() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF (NEW.status, NEW.trust_score, NEW.rampup_stage, NEW.connected, NEW.cooldown_until, NEW.breaker_state, NEW.breaker_until,
        NEW.sent_this_hour, NEW.hour_bucket, NEW.sent_today, NEW.day_bucket, NEW.last_sent_at, NEW.recent_reservations)
       IS DISTINCT FROM
       (OLD.status, OLD.trust_score, OLD.rampup_stage, OLD.connected, OLD.cooldown_until, OLD.breaker_state, OLD.breaker_until,
        OLD.sent_this_hour, OLD.hour_bucket, OLD.sent_today, OLD.day_bucket, OLD.last_sent_at, OLD.recent_reservations) THEN
        NEW.version := OLD.version + 1;
    ELSE
        NEW.version := OLD.version;
    END IF;
    RETURN NEW;
END
$fn$;

CREATE TRIGGER chips_version BEFORE UPDATE ON chips FOR EACH ROW EXECUTE FUNCTION chips_next_version();
