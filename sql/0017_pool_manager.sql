-- The pool manager decides from when a chip entered its status (a degraded chip's 24 h cooldown) and
-- when it entered its ramp-up stage (the stage's delivery and block rates are counted from then). A
-- trigger stamps both on every change, whoever makes it (the chip's grain, a gateway signal, an
-- operator's SQL), with the row's own updated_at so a test's clock is the clock.
ALTER TABLE chips ADD COLUMN status_changed_at timestamptz;
ALTER TABLE chips ADD COLUMN rampup_stage_at timestamptz;
UPDATE chips SET status_changed_at = updated_at, rampup_stage_at = coalesce(rampup_started_at, created_at);
ALTER TABLE chips ALTER COLUMN status_changed_at SET NOT NULL;

CREATE FUNCTION chips_stamp_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.status_changed_at := coalesce(NEW.status_changed_at, NEW.updated_at);
        NEW.rampup_stage_at := coalesce(NEW.rampup_stage_at, NEW.rampup_started_at, NEW.updated_at);
        RETURN NEW;
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status THEN NEW.status_changed_at := NEW.updated_at; END IF;
    IF NEW.rampup_stage IS DISTINCT FROM OLD.rampup_stage
       OR NEW.rampup_started_at IS DISTINCT FROM OLD.rampup_started_at THEN NEW.rampup_stage_at := NEW.updated_at; END IF;
    RETURN NEW;
END
$fn$;

CREATE TRIGGER chips_stamp BEFORE INSERT OR UPDATE ON chips FOR EACH ROW EXECUTE FUNCTION chips_stamp_changes();

-- Each ramp-up evaluation, kept for operators (what the chip needed, what it had).
CREATE TABLE rampup_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chip_id    bigint NOT NULL REFERENCES chips (id),
    day        date NOT NULL,
    at         timestamptz NOT NULL,
    stage      smallint NOT NULL,
    next_stage smallint NOT NULL,
    sent       int NOT NULL,
    delivered  int NOT NULL,
    blocks     int NOT NULL,
    spam       boolean NOT NULL,
    UNIQUE (chip_id, day)
);
