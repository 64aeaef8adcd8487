using System.Text.Json;
using Julia.Domain.Selection;
using Julia.Domain.Sending;
using Julia.Storage.Meta;
using Julia.Storage.Selection;
using Npgsql;

namespace Julia.Storage.Chips;

/// <summary>A chip as its grain holds it: the row, its breaker's counts and the row's version.</summary>
public sealed record ChipCopy(ChipSummary Chip, BreakerCounts Counts, long Version)
{
    /// <summary>The breaker: its state and time from the chip, its counts from <see cref="Counts"/>.</summary>
    public BreakerRow Breaker => new(Chip.Breaker, Chip.BreakerUntil, Counts.OpenSeconds, Counts.ConsecutiveFailures, Counts.WindowStartedAt,
                                     Counts.WindowSends, Counts.WindowFailures);

    public ChipCopy With(BreakerRow b) => this with
    {
        Chip = Chip with { Breaker = b.State, BreakerUntil = b.Until },
        Counts = BreakerCounts.Of(b),
    };
}

/// <summary>The breaker's fields a chip summary does not carry.</summary>
public sealed record BreakerCounts(int OpenSeconds, int ConsecutiveFailures, DateTimeOffset? WindowStartedAt, int WindowSends, int WindowFailures)
{
    public static BreakerCounts Of(BreakerRow b) => new(b.OpenSeconds, b.ConsecutiveFailures, b.WindowStartedAt, b.WindowSends, b.WindowFailures);
}

/// <summary>The chip grain's reads and its own writes (a charge, a breaker change), each conditional on the version it read.</summary>
public sealed class ReservationStore
{
    readonly NpgsqlDataSource db;
    readonly Batching.GroupCommit<ChargeItem, (ChipCopy, GrantRecord)?> _charges;

    public ReservationStore(NpgsqlDataSource db)
    {
        this.db = db;
        // A charge is on the selection's path (an agent waits for it): with one writer, a charge that arrives
        // during a commit waits for that commit and then its own, and at 8 clients selections ran at 0.7-0.76
        // of pgbench's rate instead of 0.87-1.08 with four.
        _charges = new(ChargeManyAsync, writers: 4);
    }

    sealed record ChargeItem(ChipSummary Charged, BreakerCounts Counts, long Version, string RequestId, bool Trial, Grant Grant, DateTimeOffset Now);

    // With a Meta chip's standing (meta_chips has no row for any other chip), so the grain's activation is one read.
    static readonly PositionalSql Load = new($"""
        SELECT {ChipRow.Prefixed("c")}, c.breaker_open_seconds, c.consecutive_failures, c.window_started_at, c.window_sends, c.window_failures,
               c.version, m.chip_id IS NOT NULL AS meta, {MetaStandingStore.Columns}
        FROM chips c LEFT JOIN meta_chips m ON m.chip_id = c.id WHERE c.id = @id
        """);

    // A send's result moves the breaker (and its log when the state changes), only if nobody wrote the row since it was read.
    static readonly PositionalSql SaveBreaker = new("""
        WITH r AS (
            UPDATE chips SET breaker_state = @state, breaker_until = @until, breaker_open_seconds = @open, consecutive_failures = @consecutive,
                   window_started_at = @window_start, window_sends = @sends, window_failures = @failures, updated_at = @now
            WHERE id = @id AND version = @version
            RETURNING version
        ), l AS (
            INSERT INTO breaker_log (chip_id, at, from_state, to_state, reason)
            SELECT @id, @now, @from, @state, @reason FROM r WHERE @reason IS NOT NULL
        )
        SELECT version FROM r
        """);

    // ONE statement: the charge (with the breaker's counts as the grain holds them), only if nobody wrote
    // the row since it was read (the trigger moves the version on every update), and with it the decision's audit row
    // (which keeps the request id, so a repeated request finds what the first one recorded), the contact's sticky
    // conversation (a migration when it was on another chip) and the migration's log; a breaker's trial is logged
    // with the charge that admits it. Nothing is written when the version has moved.
    static readonly PositionalSql Charge = new("""
        WITH n AS (
            SELECT nextval('selections_id_seq') AS sel_id
        ), r AS (
            UPDATE chips SET sent_this_hour = @sent_this_hour, hour_bucket = @hour_bucket, sent_today = @sent_today, day_bucket = @day_bucket,
                   last_sent_at = @now, breaker_state = @breaker, breaker_until = @breaker_until, breaker_open_seconds = @open,
                   consecutive_failures = @consecutive, window_started_at = @window_start, window_sends = @sends, window_failures = @failures, updated_at = @now
            WHERE id = @id AND version = @version
            RETURNING id, version
        ), trial AS (
            INSERT INTO breaker_log (chip_id, at, from_state, to_state, reason)
            SELECT id, @now, 'open', 'half_open', 'trial admitted' FROM r WHERE @trial
        ), before AS (
            SELECT chip_id FROM conversations WHERE contact = @contact
        ), conv AS (
            INSERT INTO conversations AS c (contact, chip_id, started_at, updated_at)
            SELECT @contact, r.id, @now, @now FROM r
            ON CONFLICT (contact) DO UPDATE SET
                chip_id = EXCLUDED.chip_id,
                migrated_from = CASE WHEN c.chip_id <> EXCLUDED.chip_id THEN c.chip_id ELSE c.migrated_from END,
                migrated_at = CASE WHEN c.chip_id <> EXCLUDED.chip_id THEN @now ELSE c.migrated_at END,
                announcement_pending = c.announcement_pending OR c.chip_id <> EXCLUDED.chip_id,
                updated_at = @now
            RETURNING id, chip_id, announcement_pending
        ), sel AS (
            INSERT INTO selections (id, at, contact, kind, chip_id, reason, candidates, excluded, fallback, node, request_id) OVERRIDING SYSTEM VALUE
            SELECT n.sel_id, @now, @contact, @kind, r.id,
                   CASE WHEN @affinity THEN 'affinity' WHEN @migration_reason IS NOT NULL THEN 'failover' ELSE 'ranked' END,
                   @candidates, @excluded, @fallback, @node, @request FROM r, n
            RETURNING id, reason
        ), op AS (
            INSERT INTO operations (at, actor, action, chip_id, contact, reason, details)
            SELECT @now, 'selection', 'conversation_migrated', conv.chip_id, @contact, @migration_reason,
                   jsonb_build_object('fromChip', b.chip_id, 'toChip', conv.chip_id)
            FROM conv JOIN before b ON b.chip_id <> conv.chip_id
        )
        SELECT r.version, sel.id AS selection_id, sel.reason, conv.id AS conversation_id, (SELECT chip_id FROM before) AS previous_chip,
               conv.announcement_pending
        FROM r, sel, conv
        """);

    // What a request recorded, for its repeat (the migration it may have made is in operations): through the
    // contact's index, over the 10 minutes before the repeat's own time (a repeat may carry a later time than
    // the first try; the selector repeats for 15 s).
    static readonly PositionalSql Recorded = new("""
        SELECT s.id AS selection_id, s.reason, c.id AS conversation_id, c.announcement_pending
        FROM selections s JOIN conversations c ON c.contact = s.contact
        WHERE s.contact = @contact AND s.at >= @asked - interval '10 minutes' AND s.chip_id = @chip AND s.request_id = @request
        """);

    public async Task<ChipCopy?> LoadAsync(long id, CancellationToken ct) => (await LoadWithStandingAsync(id, ct))?.Copy;

    /// <summary>The chip as its grain holds it, and its Meta standing (null: not a Meta chip); null when there is no such chip.</summary>
    public async Task<(ChipCopy Copy, Domain.Standing.MetaStanding? Standing)?> LoadWithStandingAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.CreateCommand().P("id", id).Positional(Load);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var counts = new BreakerCounts(r.Get<int>("breaker_open_seconds"), r.Get<int>("consecutive_failures"), r.Opt<DateTimeOffset>("window_started_at"),
            r.Get<int>("window_sends"), r.Get<int>("window_failures"));
        return (new ChipCopy(ChipRow.ReadSummary(r), counts, r.Get<long>("version")), r.Get<bool>("meta") ? Meta.MetaStandingStore.Of(r) : null);
    }

    /// <summary>
    /// Writes the breaker as <paramref name="after"/> (logged with <paramref name="reason"/> when its state changed, and
    /// announced to every node's directory); the row's new version, or null when it moved on since <paramref name="version"/>.
    /// </summary>
    public async Task<long?> SaveBreakerAsync(long id, long version, BreakerState from, BreakerRow after, string? reason, DateTimeOffset now,
        CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = Counts(c.CreateCommand(), BreakerCounts.Of(after))
            .P("id", id).P("version", version).P("state", ChipRow.ToWire(after.State)).P("until", after.Until)
            .P("now", now).P("from", ChipRow.ToWire(from)).Text("reason", reason)
            .Positional(SaveBreaker);
        var saved = await cmd.ExecuteScalarAsync(ct);
        if (saved is not long next) return null;
        if (reason is not null) await ChipStore.NotifyAsync(c, null, ct);
        return next;
    }

    /// <summary>
    /// Writes the charged chip and records the grant; returns the chip as stored now (its new version) and the record, or null when the row moved on since
    /// <paramref name="version"/> (then nothing was written).
    /// </summary>
    public Task<(ChipCopy Copy, GrantRecord Record)?> ChargeAsync(ChipSummary charged, BreakerCounts counts, long version, string requestId, bool trial,
        Grant grant,
                                                                DateTimeOffset now, CancellationToken ct) =>
        _charges.WriteAsync(new ChargeItem(charged, counts, version, requestId, trial, grant, now), ct);

    // Charges of different chips arriving together share one transaction and one commit (each is its own
    // statement, conditional on its own chip's version; a chip's grain and a contact's grain each have one
    // charge in flight at most, so two charges in a batch never touch the same rows). Each grain still hears
    // its answer only after the commit.
    async Task<(ChipCopy, GrantRecord)?[]> ChargeManyAsync(IReadOnlyList<ChargeItem> items)
    {
        // The statements and their 24 parameters are kept and refilled (one set per writer in flight): built anew they
        // were a sixth of the bytes a selection allocates.
        var statements = _spare.TryTake(out var kept) ? kept : new ChargeStatements();
        await using var c = await db.OpenConnectionAsync();
        await using var tx = items.Count > 1 ? await c.BeginTransactionAsync() : null;
        await using var batch = new NpgsqlBatch(c, tx);
        for (int i = 0; i < items.Count; i++) batch.BatchCommands.Add(statements.Keep(i, ChargeCommand(statements.Next(i, items[i]))));
        var results = new (ChipCopy, GrantRecord)?[items.Count];
        await using (var r = await batch.ExecuteReaderAsync())
        {
            for (int i = 0; i < items.Count; i++)
            {
                if (i > 0) await r.NextResultAsync();
                if (!await r.ReadAsync()) continue;
                results[i] = (new ChipCopy(items[i].Charged, items[i].Counts, r.Get<long>("version")),
                    new GrantRecord(r.Get<long>("selection_id"), r.Get<string>("reason"),
                    r.Get<long>("conversation_id"), r.Opt<long>("previous_chip"), r.Get<bool>("announcement_pending")));
            }
        }
        if (tx is not null) await tx.CommitAsync();
        _spare.Add(statements); // only after a batch that went through: a failed one is dropped with whatever state it has
        return results;
    }

    readonly System.Collections.Concurrent.ConcurrentBag<ChargeStatements> _spare = [];

    /// <summary>
    /// The parameters of one batch's charge statements, refilled for each batch (the statements are new each time: Npgsql
    /// keeps a statement's preparation on the statement, for the connection it ran on). Every parameter has its type fixed,
    /// so a null (a chip without a breaker time, a first charge of the day) reaches PostgreSQL with the same types as a value:
    /// the prepared statement is the same one every time.
    /// </summary>
    sealed class ChargeStatements
    {
        static readonly Dictionary<string, NpgsqlTypes.NpgsqlDbType> Types = new()
        {
            ["id"] = NpgsqlTypes.NpgsqlDbType.Bigint,
            ["version"] = NpgsqlTypes.NpgsqlDbType.Bigint,
            ["sent_this_hour"] = NpgsqlTypes.NpgsqlDbType.Integer,
            ["hour_bucket"] = NpgsqlTypes.NpgsqlDbType.TimestampTz,
            ["sent_today"] = NpgsqlTypes.NpgsqlDbType.Integer,
            ["day_bucket"] = NpgsqlTypes.NpgsqlDbType.Date,
            ["now"] = NpgsqlTypes.NpgsqlDbType.TimestampTz,
            ["breaker"] = NpgsqlTypes.NpgsqlDbType.Text,
            ["breaker_until"] = NpgsqlTypes.NpgsqlDbType.TimestampTz,
            ["open"] = NpgsqlTypes.NpgsqlDbType.Integer,
            ["consecutive"] = NpgsqlTypes.NpgsqlDbType.Integer,
            ["window_start"] = NpgsqlTypes.NpgsqlDbType.TimestampTz,
            ["sends"] = NpgsqlTypes.NpgsqlDbType.Integer,
            ["failures"] = NpgsqlTypes.NpgsqlDbType.Integer,
            ["trial"] = NpgsqlTypes.NpgsqlDbType.Boolean,
            ["contact"] = NpgsqlTypes.NpgsqlDbType.Text,
            ["kind"] = NpgsqlTypes.NpgsqlDbType.Text,
            ["affinity"] = NpgsqlTypes.NpgsqlDbType.Boolean,
            ["migration_reason"] = NpgsqlTypes.NpgsqlDbType.Text,
            ["candidates"] = NpgsqlTypes.NpgsqlDbType.Integer,
            ["excluded"] = NpgsqlTypes.NpgsqlDbType.Jsonb,
            ["fallback"] = NpgsqlTypes.NpgsqlDbType.Boolean,
            ["node"] = NpgsqlTypes.NpgsqlDbType.Text,
            ["request"] = NpgsqlTypes.NpgsqlDbType.Text,
        };

        static readonly IReadOnlyList<string> Names = Charge.Names;
        static readonly Dictionary<string, int> Position = Names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);

        readonly List<NpgsqlParameter[]> _parameters = [];
        readonly List<NpgsqlBatchCommand> _last = [];

        /// <summary>
        /// The parameters of the batch's <paramref name="i"/>th charge, freed from its last statement and filled with <paramref name="item"/>.
        /// </summary>
        public NpgsqlParameter[] Next(int i, ChargeItem item)
        {
            if (i == _parameters.Count)
            {
                _parameters.Add(New());
                _last.Add(new NpgsqlBatchCommand());
            }
            _last[i].Parameters.Clear(); // a parameter belongs to one statement at a time
            Fill(_parameters[i], item);
            return _parameters[i];
        }

        /// <summary>The statement that now holds the <paramref name="i"/>th parameters.</summary>
        public NpgsqlBatchCommand Keep(int i, NpgsqlBatchCommand statement) => _last[i] = statement;

        static NpgsqlParameter[] New() => [.. Names.Select(name => new NpgsqlParameter { NpgsqlDbType = Types[name] })];
        static void Fill(NpgsqlParameter[] p, ChargeItem item)
        {
            var (charged, grant, b) = (item.Charged, item.Grant, item.Counts);
            Set(p, "id", charged.Id);
            Set(p, "version", item.Version);
            Set(p, "sent_this_hour", charged.SentThisHour);
            Set(p, "hour_bucket", charged.HourBucket);
            Set(p, "sent_today", charged.SentToday);
            Set(p, "day_bucket", charged.DayBucket);
            Set(p, "now", item.Now);
            Set(p, "breaker", ChipRow.ToWire(charged.Breaker));
            Set(p, "breaker_until", charged.BreakerUntil);
            Set(p, "open", b.OpenSeconds);
            Set(p, "consecutive", b.ConsecutiveFailures);
            Set(p, "window_start", b.WindowStartedAt);
            Set(p, "sends", b.WindowSends);
            Set(p, "failures", b.WindowFailures);
            Set(p, "request", item.RequestId);
            Set(p, "trial", item.Trial);
            Set(p, "contact", grant.Contact);
            Set(p, "kind", grant.Kind.ToWire());
            Set(p, "affinity", grant.Affinity);
            Set(p, "candidates", grant.CandidateCount);
            Set(p, "excluded", JsonSerializer.Serialize(grant.Excluded));
            Set(p, "fallback", grant.Fallback);
            Set(p, "node", grant.Node);
            Set(p, "migration_reason", grant.MigrationReason);
        }

        static void Set(NpgsqlParameter[] p, string name, object? value) => p[Position[name]].Value = Sql.Utc(value) ?? DBNull.Value;
    }

    /// <summary>The charge statement over a set of its parameters (kept by <see cref="ChargeStatements"/>).</summary>
    static NpgsqlBatchCommand ChargeCommand(NpgsqlParameter[] parameters)
    {
        var cmd = new NpgsqlBatchCommand(Charge.Text);
        foreach (var p in parameters) cmd.Parameters.Add(p);
        return cmd;
    }

    static NpgsqlCommand Counts(NpgsqlCommand cmd, BreakerCounts b) =>
        cmd.P("open", b.OpenSeconds).P("consecutive", b.ConsecutiveFailures).P("window_start", b.WindowStartedAt).P("sends", b.WindowSends)
            .P("failures", b.WindowFailures);

    /// <summary>What chip <paramref name="chipId"/> recorded when it granted <paramref name="requestId"/> (made at <paramref name="asked"/> for
    /// <paramref name="contact"/>), if it did.</summary>
    public async Task<GrantRecord?> RecordedAsync(long chipId, string requestId, string contact, DateTimeOffset asked, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.CreateCommand().P("chip", chipId).P("request", requestId).P("contact", contact).P("asked", asked).Positional(Recorded);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new GrantRecord(r.Get<long>("selection_id"), r.Get<string>("reason"), r.Get<long>("conversation_id"), null, r.Get<bool>("announcement_pending"));
    }
}
