-- Orleans 10.x ADO.NET contract (Invariant "Npgsql"): clustering, grain persistence and reminders.
-- The providers run only the texts stored in orleansquery, binding @Name parameters and reading result
-- columns by name, so the tables below are ours; the texts alias every column to the exact name read.
-- Lock order for membership writes: the cluster's version row first, then silo rows (no deadlocks).
-- Query texts are kept short: Npgsql re-parses named-parameter SQL on every call.

-- The providers load their queries with the hard-coded, unquoted "SELECT QueryKey, QueryText FROM OrleansQuery", which folds to these lower-case names.
CREATE TABLE orleansquery (
    querykey  text PRIMARY KEY,
    querytext text NOT NULL
);

-- One row per cluster (DeploymentId is the ClusterId); its version is the optimistic-concurrency token every membership change must match and bump.
CREATE TABLE orleansmembershipversion (
    deploymentid text PRIMARY KEY,
    version      integer NOT NULL DEFAULT 0 CHECK (version >= 0),
    modifiedon   timestamptz NOT NULL DEFAULT now()
);

-- One row per silo incarnation; timestamptz because the providers bind UTC DateTimes as timestamptz, and ON DELETE CASCADE so dropping a cluster takes the version row lock first.
CREATE TABLE orleansmembership (
    deploymentid text NOT NULL REFERENCES orleansmembershipversion (deploymentid) ON DELETE CASCADE,
    address      text NOT NULL,
    port         integer NOT NULL,
    generation   integer NOT NULL,
    siloname     text NOT NULL,
    hostname     text NOT NULL,
    status       integer NOT NULL CHECK (status BETWEEN 0 AND 6),
    proxyport    integer NOT NULL DEFAULT 0,
    suspecttimes text,
    starttime    timestamptz NOT NULL,
    iamalivetime timestamptz NOT NULL,
    PRIMARY KEY (deploymentid, address, port, generation)
);

-- Orleans' "effective update time" (latest of start, heartbeat, suspect votes "addr,yyyy-MM-dd HH:mm:ss.fff GMT|..."); an unreadable vote counts as infinitely recent so cleanup never deletes on a guess.
CREATE FUNCTION orleans_membership_last_update(p_start timestamptz, p_alive timestamptz, p_suspects text)
RETURNS timestamptz LANGUAGE sql STABLE AS $fn$
    SELECT greatest(p_start, p_alive,
        (SELECT max(CASE WHEN vote ~ '^[^,]+,[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)? GMT$'
                         THEN split_part(vote, ',', 2)::timestamptz
                         ELSE 'infinity'::timestamptz END)
           FROM unnest(string_to_array(nullif(p_suspects, ''), '|')) AS vote))
$fn$;

-- Insert a silo only while the caller's table version still holds: lock the version row, refuse a duplicate, insert, bump; every refusal happens before any write, so false means nothing changed.
CREATE FUNCTION orleans_membership_insert(p_deployment text, p_address text, p_port integer, p_generation integer,
                                          p_silo_name text, p_host_name text, p_status integer, p_proxy_port integer,
                                          p_start timestamptz, p_alive timestamptz, p_version integer)
RETURNS boolean LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM 1 FROM orleansmembershipversion
     WHERE deploymentid = p_deployment AND version = p_version FOR UPDATE;
    IF NOT FOUND THEN RETURN false; END IF;
    PERFORM 1 FROM orleansmembership
     WHERE deploymentid = p_deployment AND address = p_address AND port = p_port AND generation = p_generation;
    IF FOUND THEN RETURN false; END IF;
    INSERT INTO orleansmembership (deploymentid, address, port, generation, siloname, hostname, status, proxyport, starttime, iamalivetime)
    VALUES (p_deployment, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, coalesce(p_proxy_port, 0), p_start, p_alive);
    UPDATE orleansmembershipversion SET version = version + 1, modifiedon = now() WHERE deploymentid = p_deployment;
    RETURN true;
END
$fn$;

-- Update a silo only while the caller's table version still holds; the heartbeat never moves backwards and an empty vote list is stored as NULL so captured-row cleanup compares like with like.
CREATE FUNCTION orleans_membership_update(p_deployment text, p_address text, p_port integer, p_generation integer,
                                          p_status integer, p_suspects text, p_alive timestamptz, p_version integer)
RETURNS boolean LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM 1 FROM orleansmembershipversion
     WHERE deploymentid = p_deployment AND version = p_version FOR UPDATE;
    IF NOT FOUND THEN RETURN false; END IF;
    UPDATE orleansmembership
       SET status = p_status, suspecttimes = nullif(p_suspects, ''), iamalivetime = greatest(iamalivetime, p_alive)
     WHERE deploymentid = p_deployment AND address = p_address AND port = p_port AND generation = p_generation;
    IF NOT FOUND THEN RETURN false; END IF;
    UPDATE orleansmembershipversion SET version = version + 1, modifiedon = now() WHERE deploymentid = p_deployment;
    RETURN true;
END
$fn$;

-- Grain state: the hashes lead the key for a narrow lookup, the string columns remove hash collisions; payloadbinary holds the serializer's bytes (UTF-8 JSON with System.Text.Json).
CREATE TABLE orleansstorage (
    grainidhash            integer NOT NULL,
    graintypehash          integer NOT NULL,
    serviceid              text NOT NULL,
    grainidn0              bigint NOT NULL,
    grainidn1              bigint NOT NULL,
    graintypestring        text NOT NULL,
    grainidextensionstring text,
    payloadbinary          bytea,
    version                integer NOT NULL CHECK (version > 0),
    modifiedon             timestamptz NOT NULL DEFAULT now()
);

-- One row per grain identity so concurrent first writes cannot both insert; md5 keeps long type names and string keys inside the btree row limit, NULLS NOT DISTINCT makes a missing key extension one value.
CREATE UNIQUE INDEX orleansstorage_identity ON orleansstorage
    (grainidhash, graintypehash, serviceid, grainidn0, grainidn1, md5(graintypestring), md5(grainidextensionstring)) NULLS NOT DISTINCT;

-- Reminders: one row per (service, grain, name), which is exactly the upsert's conflict target.
CREATE TABLE orleansreminders (
    serviceid    text NOT NULL,
    grainid      text NOT NULL,
    remindername text NOT NULL,
    starttime    timestamptz NOT NULL,
    period       bigint NOT NULL,
    grainhash    integer NOT NULL,
    version      integer NOT NULL,
    PRIMARY KEY (serviceid, grainid, remindername)
);

-- Each silo reads the reminders of its hash range of the ring, so the range scan needs (serviceid, grainhash).
CREATE INDEX orleansreminders_range ON orleansreminders (serviceid, grainhash);

-- Clustering: create the cluster's version row once; returns one boolean column (true only for the caller that created it), as GetSingleBooleanValue requires.
INSERT INTO orleansquery VALUES ('InsertMembershipVersionKey', $q$WITH created AS (INSERT INTO orleansmembershipversion (deploymentid) VALUES (@DeploymentId) ON CONFLICT (deploymentid) DO NOTHING RETURNING 1) SELECT EXISTS (SELECT 1 FROM created) AS "Inserted"$q$);

-- Clustering: version-checked insert through the function above; one boolean column.
INSERT INTO orleansquery VALUES ('InsertMembershipKey', $q$SELECT orleans_membership_insert(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version) AS "Inserted"$q$);

-- Clustering: version-checked update (status, suspect votes, heartbeat) through the function above; one boolean column.
INSERT INTO orleansquery VALUES ('UpdateMembershipKey', $q$SELECT orleans_membership_update(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes, @IAmAliveTime, @Version) AS "Updated"$q$);

-- Clustering: the heartbeat is a single primary-key update that leaves the table version alone (as the contract requires) and never moves the time backwards.
INSERT INTO orleansquery VALUES ('UpdateIAmAlivetimeKey', $q$UPDATE orleansmembership SET iamalivetime = greatest(iamalivetime, @IAmAliveTime) WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation$q$);

-- Clustering: one snapshot of the version row left-joined to one silo, so the provider always gets a row carrying "Version" (silo columns NULL when absent).
INSERT INTO orleansquery VALUES ('MembershipReadRowKey', $q$SELECT v.deploymentid AS "DeploymentId", m.address AS "Address", m.port AS "Port", m.generation AS "Generation", m.siloname AS "SiloName", m.hostname AS "HostName", m.status AS "Status", m.proxyport AS "ProxyPort", m.suspecttimes AS "SuspectTimes", m.starttime AS "StartTime", m.iamalivetime AS "IAmAliveTime", v.version AS "Version" FROM orleansmembershipversion v LEFT JOIN orleansmembership m ON m.deploymentid = v.deploymentid AND m.address = @Address AND m.port = @Port AND m.generation = @Generation WHERE v.deploymentid = @DeploymentId$q$);

-- Clustering: the whole table and its version read atomically in one statement, same columns as the single-row read.
INSERT INTO orleansquery VALUES ('MembershipReadAllKey', $q$SELECT v.deploymentid AS "DeploymentId", m.address AS "Address", m.port AS "Port", m.generation AS "Generation", m.siloname AS "SiloName", m.hostname AS "HostName", m.status AS "Status", m.proxyport AS "ProxyPort", m.suspecttimes AS "SuspectTimes", m.starttime AS "StartTime", m.iamalivetime AS "IAmAliveTime", v.version AS "Version" FROM orleansmembershipversion v LEFT JOIN orleansmembership m ON m.deploymentid = v.deploymentid WHERE v.deploymentid = @DeploymentId$q$);

-- Clustering (clients' gateway list): active silos (@Status = 3) that opened a gateway port; the provider builds the URI from these three columns.
INSERT INTO orleansquery VALUES ('GatewaysQueryKey', $q$SELECT address AS "Address", proxyport AS "ProxyPort", generation AS "Generation" FROM orleansmembership WHERE deploymentid = @DeploymentId AND status = @Status AND proxyport > 0$q$);

-- Clustering: removing the version row cascades to the silos, so this takes locks in the same order as every other membership write.
INSERT INTO orleansquery VALUES ('DeleteMembershipTableEntriesKey', $q$DELETE FROM orleansmembershipversion WHERE deploymentid = @DeploymentId$q$);

-- Clustering (bulk cleanup, required key): only Dead (6) silos whose latest start/heartbeat/vote is before the cutoff, matching the runtime's own retention rule.
INSERT INTO orleansquery VALUES ('CleanupDefunctSiloEntriesKey', $q$DELETE FROM orleansmembership WHERE deploymentid = @DeploymentId AND status = 6 AND orleans_membership_last_update(starttime, iamalivetime, suspecttimes) < @IAmAliveTime$q$);

-- Clustering (optional key, used by 10.4 instead of the bulk one): delete one Dead silo only if the row still holds the values the silo read, so a concurrent vote or heartbeat keeps it.
INSERT INTO orleansquery VALUES ('CleanupDefunctSiloEntryKey', $q$DELETE FROM orleansmembership WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation AND status = 6 AND starttime = @StartTime AND iamalivetime = @IAmAliveTime AND coalesce(suspecttimes, '') = coalesce(@SuspectTimes, '')$q$);

-- Persistence: an absent row yields no row (state not found); a cleared row yields NULL payload with its version, which the provider keeps as the ETag.
INSERT INTO orleansquery VALUES ('ReadFromStorageKey', $q$SELECT payloadbinary AS "PayloadBinary", version AS "Version" FROM orleansstorage WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash AND serviceid = @ServiceId AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1 AND graintypestring = @GrainTypeString AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString$q$);

-- Persistence: no ETag inserts version 1 (a concurrent twin hits the unique index and does nothing); an ETag updates only that version; always one row, NULL on conflict, which the provider turns into InconsistentStateException.
INSERT INTO orleansquery VALUES ('WriteToStorageKey', $q$WITH ins AS (INSERT INTO orleansstorage (grainidhash, graintypehash, serviceid, grainidn0, grainidn1, graintypestring, grainidextensionstring, payloadbinary, version) SELECT @GrainIdHash, @GrainTypeHash, @ServiceId, @GrainIdN0, @GrainIdN1, @GrainTypeString, @GrainIdExtensionString, @PayloadBinary, 1 WHERE @GrainStateVersion IS NULL ON CONFLICT DO NOTHING RETURNING version), upd AS (UPDATE orleansstorage SET payloadbinary = @PayloadBinary, version = version + 1, modifiedon = now() WHERE @GrainStateVersion IS NOT NULL AND grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash AND serviceid = @ServiceId AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1 AND graintypestring = @GrainTypeString AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString AND version = @GrainStateVersion RETURNING version) SELECT coalesce((SELECT version FROM ins), (SELECT version FROM upd)) AS "NewGrainStateVersion"$q$);

-- Persistence (DeleteStateOnClear = false): keep the row with a NULL payload and a bumped version; one row, NULL on a version conflict.
INSERT INTO orleansquery VALUES ('ClearStorageKey', $q$WITH upd AS (UPDATE orleansstorage SET payloadbinary = NULL, version = version + 1, modifiedon = now() WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash AND serviceid = @ServiceId AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1 AND graintypestring = @GrainTypeString AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString AND version = @GrainStateVersion RETURNING version) SELECT (SELECT version FROM upd) AS "NewGrainStateVersion"$q$);

-- Persistence (DeleteStateOnClear = true, optional key): delete the row at that version and return version + 1 (must differ from the ETag sent); one row, NULL on conflict.
INSERT INTO orleansquery VALUES ('DeleteStorageKey', $q$WITH del AS (DELETE FROM orleansstorage WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash AND serviceid = @ServiceId AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1 AND graintypestring = @GrainTypeString AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString AND version = @GrainStateVersion RETURNING version) SELECT (SELECT version + 1 FROM del) AS "NewGrainStateVersion"$q$);

-- Reminders: insert or replace in one atomic statement; the bumped "Version" is the reminder's new ETag.
INSERT INTO orleansquery VALUES ('UpsertReminderRowKey', $q$INSERT INTO orleansreminders AS r (serviceid, grainid, remindername, starttime, period, grainhash, version) VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0) ON CONFLICT (serviceid, grainid, remindername) DO UPDATE SET starttime = excluded.starttime, period = excluded.period, grainhash = excluded.grainhash, version = r.version + 1 RETURNING r.version AS "Version"$q$);

-- Reminders: all reminders of one grain, with the five columns the provider reads.
INSERT INTO orleansquery VALUES ('ReadReminderRowsKey', $q$SELECT grainid AS "GrainId", remindername AS "ReminderName", starttime AS "StartTime", period AS "Period", version AS "Version" FROM orleansreminders WHERE serviceid = @ServiceId AND grainid = @GrainId$q$);

-- Reminders: one reminder of one grain; no row means not found.
INSERT INTO orleansquery VALUES ('ReadReminderRowKey', $q$SELECT grainid AS "GrainId", remindername AS "ReminderName", starttime AS "StartTime", period AS "Period", version AS "Version" FROM orleansreminders WHERE serviceid = @ServiceId AND grainid = @GrainId AND remindername = @ReminderName$q$);

-- Reminders: ring range (BeginHash, EndHash] when it does not wrap in signed int order (the provider picks this key when (int)begin < (int)end).
INSERT INTO orleansquery VALUES ('ReadRangeRows1Key', $q$SELECT grainid AS "GrainId", remindername AS "ReminderName", starttime AS "StartTime", period AS "Period", version AS "Version" FROM orleansreminders WHERE serviceid = @ServiceId AND grainhash > @BeginHash AND grainhash <= @EndHash$q$);

-- Reminders: ring range that wraps (begin >= end), i.e. above BeginHash or at/below EndHash.
INSERT INTO orleansquery VALUES ('ReadRangeRows2Key', $q$SELECT grainid AS "GrainId", remindername AS "ReminderName", starttime AS "StartTime", period AS "Period", version AS "Version" FROM orleansreminders WHERE serviceid = @ServiceId AND (grainhash > @BeginHash OR grainhash <= @EndHash)$q$);

-- Reminders: delete only at the caller's ETag; one boolean column telling whether a row went.
INSERT INTO orleansquery VALUES ('DeleteReminderRowKey', $q$WITH del AS (DELETE FROM orleansreminders WHERE serviceid = @ServiceId AND grainid = @GrainId AND remindername = @ReminderName AND version = @Version RETURNING 1) SELECT EXISTS (SELECT 1 FROM del) AS "Deleted"$q$);

-- Reminders (tests only): every reminder of the service.
INSERT INTO orleansquery VALUES ('DeleteReminderRowsKey', $q$DELETE FROM orleansreminders WHERE serviceid = @ServiceId$q$);
