using Npgsql;

namespace Julia.Storage.Provisioning;

public sealed record ChipQr(long ChipId, string Status, string? Code, string? Base64, DateTimeOffset? UpdatedAt);

/// <summary>The pairing QR Evolution sends (qrcode.updated) for a chip waiting to be paired.</summary>
public sealed class QrStore(NpgsqlDataSource db)
{
    // Only a chip not yet paired keeps a QR (provisioned too: the gateway may send it before the chip moves
    // to pending). The newest by our clock wins; Evolution refreshes it every few tens of seconds.
    const string Store = """
        UPDATE chips SET qr_code = @code, qr_base64 = @base64, qr_updated_at = @now
        WHERE id = @id AND status IN ('provisioned', 'pending') AND (qr_updated_at IS NULL OR qr_updated_at <= @now)
        RETURNING 1
        """;

    /// <summary>Keeps the chip's latest QR; false when the chip is not waiting for one.</summary>
    public async Task<bool> StoreAsync(long chipId, string? code, string? base64, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Store).P("id", chipId).Text("code", code).Text("base64", base64).P("now", now);
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    public async Task<ChipQr?> GetAsync(long chipId, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd("SELECT id, status, qr_code, qr_base64, qr_updated_at FROM chips WHERE id = @id").P("id", chipId);
        return await cmd.FirstAsync(r => new ChipQr(r.Get<long>("id"), r.Get<string>("status"), r.OptString("qr_code"), r.OptString("qr_base64"),
            r.Opt<DateTimeOffset>("qr_updated_at")), ct);
    }
}
