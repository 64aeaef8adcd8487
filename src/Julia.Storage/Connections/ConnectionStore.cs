using Julia.Storage.Operations;
using Npgsql;

namespace Julia.Storage.Connections;

/// <summary>A chip the health monitor asks the gateway about. <see cref="Token"/> is a secret.</summary>
public sealed record MonitoredChip(long Id, string Instance, string? Token, bool Connected);

/// <summary>What the connection health pass reads (the chips to ask) and what a chip's grain records when it corrects one.</summary>
public sealed class ConnectionStore(NpgsqlDataSource db)
{
    public const string Actor = "health-monitor";

    // Chips with a gateway instance to ask: Evolution, not retired, past provisioned (which has no instance yet).
    const string Monitored = """
        SELECT id, instance, instance_token, connected FROM chips
        WHERE provider = 'evolution' AND status NOT IN ('retired', 'provisioned') ORDER BY id
        """;

    public async Task<List<MonitoredChip>> MonitoredAsync(CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Monitored);
        return await cmd.ListAsync(r => new MonitoredChip(r.Get<long>("id"), r.Get<string>("instance"), r.OptString("instance_token"),
            r.Get<bool>("connected")), ct);
    }

    /// <summary>The chip's connected flag now (null: gone), read again just before a correction.</summary>
    public async Task<bool?> ConnectedAsync(long chipId, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd("SELECT connected FROM chips WHERE id = @id AND status <> 'retired'").P("id", chipId);
        return await cmd.ExecuteScalarAsync(ct) is bool b ? b : null;
    }

    public async Task RecordAsync(NewOperation op, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await OperationStore.AddAsync(c, null, op, now, ct);
    }
}
