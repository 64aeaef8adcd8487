using Julia.Domain.Alerts;
using Julia.Domain.Sending;
using Julia.Storage.Alerts;
using Julia.Storage.Chips;
using Julia.Storage.Operations;
using Npgsql;

namespace Julia.Storage.Signals;

/// <summary>
/// What gateways tell us about a chip: rate limits (cooldown), spam or restriction signals (pause the
/// chip, trip the pool gate, alert) and connection changes, run by the chip's grain (the breaker is the
/// grain's own, in ReservationStore). Each is one transaction, and each NOTIFYs so every node's directory
/// drops the chip. The alerts they raise follow <paramref name="alerts"/>, the configured policy.
/// </summary>
public sealed class SignalStore(NpgsqlDataSource db, AlertPolicy alerts)
{
    const string Signal = "INSERT INTO chip_signals (chip_id, at, kind, detail) VALUES (@id, @now, @kind, @detail)";

    // Pausing for a platform signal keeps where the chip was, so an operator can resume it after review.
    const string PauseChip = """
        UPDATE chips SET status = 'paused', paused_from = status, status_reason = @reason, updated_at = @now
        WHERE id = @id AND status NOT IN ('paused', 'retired') RETURNING paused_from
        """;

    /// <summary>
    /// A contact opted out, or blocked us, on this chip: it counts against the chip's trust. Written in the
    /// caller's transaction, with the contact's message that said so.
    /// </summary>
    internal static Task ContactLeftAsync(NpgsqlConnection c, NpgsqlTransaction tx, long chipId, string kind, string? detail, DateTimeOffset now,
                                          CancellationToken ct) =>
        AddSignalAsync(c, tx, chipId, kind, detail, now, ct);

    public async Task CooldownAsync(long chipId, string detail, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using (var u = c.Cmd("UPDATE chips SET cooldown_until = greatest(coalesce(cooldown_until, @until), @until), updated_at = @now WHERE id = @id", tx)
                         .P("id", chipId).P("until", now + SendPolicy.RateLimitCooldown).P("now", now))
            await u.ExecuteNonQueryAsync(ct);
        await AddSignalAsync(c, tx, chipId, "rate_limited", detail, now, ct);
        await ChipStore.NotifyAsync(c, tx, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// A spam or restriction signal: the chip stops (paused), prospecting stops pool-wide (gate), an
    /// operator is alerted. Nothing here finds a replacement number: that is a person's decision.
    /// </summary>
    public async Task RestrictAsync(long chipId, string detail, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await AddSignalAsync(c, tx, chipId, "spam_restriction", detail, now, ct);
        string? from;
        await using (var p = c.Cmd(PauseChip, tx).P("id", chipId).P("reason", "restriction: " + detail).P("now", now))
            from = (string?)await p.ExecuteScalarAsync(ct);
        if (from is not null)
            await OperationStore.AddAsync(c, tx, new NewOperation("gateway", "chip_paused_by_signal", chipId, FromStatus: from, ToStatus: "paused",
                Reason: detail), now, ct);
        await Pool.PoolStore.TripAsync(c, tx, "gate", $"spam/restriction signal on chip {chipId}: {detail}", alerts, now, ct);
        await AlertStore.RaiseAsync(c, tx, EventAlerts.ChipRestricted(chipId, detail), alerts.Cooldown, now, ct);
        await ChipStore.NotifyAsync(c, tx, ct);
        await tx.CommitAsync(ct);
    }


    const string Paired = """
        UPDATE chips SET status = 'rampup', rampup_stage = 1, rampup_started_at = @now, status_reason = NULL,
               qr_code = NULL, qr_base64 = NULL, qr_updated_at = NULL, updated_at = @now
        WHERE id = @id AND status = 'pending' RETURNING 1
        """;

    /// <summary>connection.update: connected flag; open on a pending chip → rampup (paired); logged out (401) → pending for a new QR; 403 →
    /// restriction.</summary>
    public async Task ConnectionAsync(long chipId, string state, int? statusReason, DateTimeOffset now, CancellationToken ct)
    {
        if (state == "close" && statusReason == 403)
        {
            await SetConnectedAsync(chipId, false, now, ct);
            await RestrictAsync(chipId, "connection closed with 403", now, ct);
            return;
        }
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using (var u = c.Cmd("UPDATE chips SET connected = @on, connection_changed_at = @now, updated_at = @now WHERE id = @id AND connected <> @on", tx)
                         .P("id", chipId).P("on", state == "open").P("now", now))
            await u.ExecuteNonQueryAsync(ct);
        if (state == "open")
        {
            // A pending chip that connects has been paired (its QR scanned): it starts ramp-up from R1.
            await using var p = c.Cmd(Paired, tx).P("id", chipId).P("now", now);
            if (await p.ExecuteScalarAsync(ct) is not null)
                await OperationStore.AddAsync(c, tx, new NewOperation("gateway", "chip_paired", chipId, FromStatus: "pending", ToStatus: "rampup",
                    Reason: "connection open: QR pairing done"), now, ct);
        }
        if (state == "close" && statusReason == 401)
        {
            await using var p = c.Cmd("""
                UPDATE chips SET status = 'pending', status_reason = 'logged out: scan a new QR', updated_at = @now
                WHERE id = @id AND status IN ('rampup', 'ready', 'active', 'degraded') RETURNING 1
                """, tx).P("id", chipId).P("now", now);
            if (await p.ExecuteScalarAsync(ct) is not null)
                await OperationStore.AddAsync(c, tx, new NewOperation("gateway", "chip_logged_out", chipId, ToStatus: "pending",
                    Reason: "connection closed with 401"), now, ct);
            await AddSignalAsync(c, tx, chipId, "logged_out", "401", now, ct);
            await AlertStore.RaiseAsync(c, tx, EventAlerts.ChipLoggedOut(chipId), alerts.Cooldown, now, ct);
        }
        else if (state == "close" && statusReason is 402 or 406)
            await AlertStore.RaiseAsync(c, tx, EventAlerts.ChipDisconnected(chipId, statusReason), alerts.Cooldown, now, ct);
        await ChipStore.NotifyAsync(c, tx, ct);
        await tx.CommitAsync(ct);
    }

    async Task SetConnectedAsync(long chipId, bool on, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var u = c.Cmd("UPDATE chips SET connected = @on, connection_changed_at = @now, updated_at = @now WHERE id = @id").P("id", chipId)
            .P("on", on).P("now", now);
        await u.ExecuteNonQueryAsync(ct);
    }

    static async Task AddSignalAsync(NpgsqlConnection c, NpgsqlTransaction tx, long chipId, string kind, string? detail, DateTimeOffset now,
        CancellationToken ct)
    {
        await using var s = c.Cmd(Signal, tx).P("id", chipId).P("now", now).P("kind", kind).Text("detail", detail);
        await s.ExecuteNonQueryAsync(ct);
    }
}
