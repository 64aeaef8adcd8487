-- The chip grain is the cap authority: it charges a chip's counters only if the row is still the
-- version it read. Every other writer (operators, gateway signals, trust, the breaker) moves the
-- version too, by this trigger, so a grain working from a stale copy is refused and reads again.
ALTER TABLE chips ADD COLUMN version bigint NOT NULL DEFAULT 0;
-- The last reservation request ids the chip answered yes to: a repeated request is not charged twice.
ALTER TABLE chips ADD COLUMN recent_reservations text[] NOT NULL DEFAULT '{}';

CREATE FUNCTION chips_next_version() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    NEW.version := OLD.version + 1;
    RETURN NEW;
END
$fn$;

CREATE TRIGGER chips_version BEFORE UPDATE ON chips FOR EACH ROW EXECUTE FUNCTION chips_next_version();
