using System.Text.Json;
using Npgsql;

namespace Julia.Storage.Connections;

public sealed record PeriodicPass(string Job, DateTimeOffset Slot, string ClaimedBy, DateTimeOffset ClaimedAt, DateTimeOffset? FinishedAt);

/// <summary>
/// periodic_passes: one row per periodic job. A node runs a period's pass only if it moved the job's slot
/// forward to that period, so however many nodes tick, the cluster runs one pass per period (a node that
/// dies mid-pass loses that period; the next runs as usual). finished_at is what "late job" alerts read.
/// </summary>
public sealed class PeriodicPassStore(NpgsqlDataSource db)
{
    // The row's lock serialises racing nodes: the loser sees the slot already moved and updates nothing.
    const string Claim = """
        INSERT INTO periodic_passes AS p (job, slot, claimed_by, claimed_at) VALUES (@job, @slot, @node, @now)
        ON CONFLICT (job) DO UPDATE SET slot = excluded.slot, claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at,
                                        finished_at = NULL, summary = NULL
        WHERE p.slot < excluded.slot
        RETURNING 1
        """;

    /// <summary>The period <paramref name="now"/> falls in (its start, on a grid from the Unix epoch).</summary>
    public static DateTimeOffset SlotOf(DateTimeOffset now, TimeSpan period) =>
        new(now.UtcTicks - (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) % period.Ticks, TimeSpan.Zero);

    /// <summary>True when this node took <paramref name="slot"/> for <paramref name="job"/> (and so runs its pass).</summary>
    public async Task<bool> ClaimAsync(string job, DateTimeOffset slot, string node, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Claim).P("job", job).P("slot", slot).P("node", node).P("now", now);
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    /// <summary>The pass of <paramref name="slot"/> ended (guarded on the slot: a later pass's row is left alone).</summary>
    public async Task FinishAsync(string job, DateTimeOffset slot, object summary, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd("UPDATE periodic_passes SET finished_at = @now, summary = @summary WHERE job = @job AND slot = @slot")
            .P("job", job).P("slot", slot).P("now", now).Json("summary", JsonSerializer.Serialize(summary, JsonOptions.Web));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<PeriodicPass?> GetAsync(string job, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd("SELECT * FROM periodic_passes WHERE job = @job").P("job", job);
        return await cmd.FirstAsync(r => new PeriodicPass(r.Get<string>("job"), r.Get<DateTimeOffset>("slot"), r.Get<string>("claimed_by"),
            r.Get<DateTimeOffset>("claimed_at"), r.Opt<DateTimeOffset>("finished_at")), ct);
    }
}
