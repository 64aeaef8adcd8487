using Julia.Domain.Alerts;
using Julia.Domain.Standing;
using Julia.Storage.Alerts;
using Julia.Storage.Operations;
using Npgsql;

namespace Julia.Storage.Meta;

/// <summary>A Meta chip whose standing is due to be polled: its phone number id, token (a secret) and Graph version.</summary>
public sealed record MetaPollTarget(long ChipId, string PhoneNumberId, string Token, string GraphVersion);

/// <summary>
/// A Meta number's standing in <c>meta_chips</c> (quality, health, messaging limit, throughput, when last polled): read by
/// the chip's grain with its row (<see cref="Chips.ReservationStore"/>) and before a change, written by it when Meta reports a
/// change (the poll, or a quality webhook), and listed for the poll. The selection path never reads it: the grain keeps it.
/// </summary>
public sealed class MetaStandingStore(NpgsqlDataSource db, AlertPolicy alerts)
{
    /// <summary>The columns of <c>meta_chips m</c> that <see cref="Of"/> reads.</summary>
    internal const string Columns = "m.quality_rating, m.health_status, m.messaging_limit, m.throughput_per_s";

    const string Read = $"SELECT {Columns} FROM meta_chips m WHERE m.chip_id = @id";

    // Unreported parts keep what they were; a poll stamps its time, a webhook asking for a poll clears it (the next pass polls).
    const string Save = """
        UPDATE meta_chips SET quality_rating = @quality, health_status = @health, messaging_limit = @limit, throughput_per_s = @throughput,
               standing_polled_at = CASE WHEN @polled THEN @now WHEN @soon THEN NULL ELSE standing_polled_at END
        WHERE chip_id = @id
        """;

    // Chips past provisioned and not retired whose standing is older than the period (or never polled), oldest first.
    const string Due = """
        SELECT m.chip_id, m.phone_number_id, c.instance_token, m.graph_version FROM meta_chips m JOIN chips c ON c.id = m.chip_id
        WHERE c.provider = 'meta' AND c.status NOT IN ('retired', 'provisioned') AND c.instance_token IS NOT NULL
          AND (m.standing_polled_at IS NULL OR m.standing_polled_at <= @before)
        ORDER BY m.standing_polled_at NULLS FIRST, m.chip_id LIMIT @limit
        """;

    /// <summary>The chip's standing as stored; null when the chip is not a Meta chip.</summary>
    public async Task<MetaStanding?> ReadAsync(long chipId, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Read).P("id", chipId);
        return await cmd.FirstAsync(Of, ct);
    }

    /// <summary>A standing from a row with <c>meta_chips</c>' quality_rating, health_status, messaging_limit and throughput_per_s.</summary>
    internal static MetaStanding Of(NpgsqlDataReader r) => new(StandingWords.Quality(r.OptString("quality_rating")),
        StandingWords.Health(r.OptString("health_status")), r.OptString("messaging_limit"), r.Opt<int>("throughput_per_s"));

    /// <summary>
    /// Writes the standing, and what its change says in the same transaction: an operation when quality or health moved,
    /// the RED alert. (A BLOCKED chip's stop is the signal store's restriction, run by the grain after this.)
    /// </summary>
    public async Task SaveAsync(long chipId, MetaStanding before, MetaStanding after, StandingChange change, bool polled, bool pollSoon,
                                DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using (var u = c.Cmd(Save, tx).P("id", chipId).Text("quality", StandingWords.Of(after.Quality)).Text("health", StandingWords.Of(after.Health))
                         .Text("limit", after.MessagingLimit).P("throughput", after.ThroughputPerSecond).P("polled", polled).P("soon", pollSoon).P("now", now))
            await u.ExecuteNonQueryAsync(ct);
        if (before.Quality != after.Quality || before.Health != after.Health)
            await OperationStore.AddAsync(c, tx, new NewOperation(polled ? "meta-standing-poll" : "gateway", "meta_standing_changed", chipId,
                Reason: $"quality {StandingWords.Of(before.Quality) ?? "none"} → {StandingWords.Of(after.Quality) ?? "none"}, "
                        + $"health {StandingWords.Of(before.Health) ?? "none"} → {StandingWords.Of(after.Health) ?? "none"}"
                        + (after.HealthDetail is { } d ? $" ({d})" : "")), now, ct);
        if (change.Effect == StandingEffect.Alert)
            await AlertStore.RaiseAsync(c, tx, EventAlerts.MetaQualityRed(chipId), alerts.Cooldown, now, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Up to <paramref name="limit"/> Meta chips not polled since <paramref name="before"/>.</summary>
    public async Task<List<MetaPollTarget>> DueAsync(DateTimeOffset before, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Due).P("before", before).P("limit", limit);
        return await cmd.ListAsync(r => new MetaPollTarget(r.Get<long>("chip_id"), r.Get<string>("phone_number_id"), r.Get<string>("instance_token"),
            r.Get<string>("graph_version")), ct);
    }
}
