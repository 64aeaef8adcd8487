-- Every node caches the pool configuration and gate for selection. Any change to either, by the
-- service or by hand, tells every node to drop its copy (the trigger, not each writer, so none is missed).
CREATE FUNCTION pool_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('pool_changed', '');
    RETURN NULL;
END $$;

CREATE TRIGGER pool_config_notify AFTER INSERT OR UPDATE OR DELETE ON pool_config
    FOR EACH STATEMENT EXECUTE FUNCTION pool_notify();
CREATE TRIGGER pool_state_notify AFTER INSERT OR UPDATE OR DELETE ON pool_state
    FOR EACH STATEMENT EXECUTE FUNCTION pool_notify();
