-- Rows written for every message, every conversation and every webhook named their chip through a foreign
-- key. Each check takes a KEY SHARE lock on the chip's row, and chip rows are the hottest in the database
-- (every charge updates one): while other transactions hold such locks, each new lock and each charge has
-- to build a multixact of all of them, written to WAL and to pg_multixact, three times per message sent.
-- The chip ids on these rows come from the chip row the service has just read or charged, and chips are
-- retired, never deleted; the trigger makes that a rule, so an id once written cannot dangle.
-- Low-volume tables (trust_log, breaker_log, chip_signals, operations, alerts) keep their keys.
ALTER TABLE messages DROP CONSTRAINT messages_chip_id_fkey;
ALTER TABLE message_attempts DROP CONSTRAINT message_attempts_chip_id_fkey;
ALTER TABLE conversations DROP CONSTRAINT conversations_chip_id_fkey, DROP CONSTRAINT conversations_migrated_from_fkey;
ALTER TABLE inbox DROP CONSTRAINT inbox_chip_id_fkey;
ALTER TABLE inbound DROP CONSTRAINT inbound_chip_id_fkey;

CREATE FUNCTION chips_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'chip % is referenced by history: chips are retired, never deleted', OLD.id USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER chips_never_deleted BEFORE DELETE ON chips FOR EACH ROW EXECUTE FUNCTION chips_never_deleted();
