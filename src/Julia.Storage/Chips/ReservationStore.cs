using Julia.Domain.Selection;
using Npgsql;

namespace Julia.Storage.Chips;

/// <summary>A chip as its grain holds it: the row, the row's version, and the request ids it said yes to.</summary>
public sealed record ChipCopy(ChipSummary Chip, long Version, IReadOnlyList<string> RecentReservations);

/// <summary>The chip grain's reads and its one write (a charge, conditional on the version it read).</summary>
public sealed class ReservationStore(NpgsqlDataSource db)
{
    public const int RecentKept = 32;

    static readonly PositionalSql Load = new($"SELECT {ChipRow.Columns}, version, recent_reservations FROM chips WHERE id = @id");

    // Charged only if nobody wrote the row since it was read (the trigger moves the version on every
    // update); a breaker's trial is logged with the charge that admits it.
    static readonly PositionalSql Charge = new("""
        WITH r AS (
            UPDATE chips SET sent_this_hour = @sent_this_hour, hour_bucket = @hour_bucket, sent_today = @sent_today, day_bucket = @day_bucket,
                   last_sent_at = @now, breaker_state = @breaker, breaker_until = @breaker_until, updated_at = @now,
                   recent_reservations = (array_append(recent_reservations, @request))[greatest(1, cardinality(recent_reservations) + 2 - @kept):]
            WHERE id = @id AND version = @version
            RETURNING id, version
        ), trial AS (
            INSERT INTO breaker_log (chip_id, at, from_state, to_state, reason)
            SELECT id, @now, 'open', 'half_open', 'trial admitted' FROM r WHERE @trial
        )
        SELECT version FROM r
        """);

    public async Task<ChipCopy?> LoadAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.CreateCommand().P("id", id).Positional(Load);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new ChipCopy(ChipRow.ReadSummary(r), r.Get<long>("version"), r.Get<string[]>("recent_reservations"));
    }

    /// <summary>Writes the charged chip; returns the row's new version, or null when the row moved on since <paramref name="version"/>.</summary>
    public async Task<long?> ChargeAsync(ChipSummary charged, long version, string requestId, bool trial, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.CreateCommand().P("id", charged.Id).P("version", version)
            .P("sent_this_hour", charged.SentThisHour).P("hour_bucket", charged.HourBucket).P("sent_today", charged.SentToday).P("day_bucket", charged.DayBucket)
            .P("now", now).P("breaker", ChipRow.ToWire(charged.Breaker)).P("breaker_until", charged.BreakerUntil)
            .P("request", requestId).P("kept", RecentKept).P("trial", trial).Positional(Charge);
        return await cmd.ExecuteScalarAsync(ct) is long v ? v : null;
    }
}
