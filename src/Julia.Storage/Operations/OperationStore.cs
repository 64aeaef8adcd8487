using System.Text.Json;
using Npgsql;

namespace Julia.Storage.Operations;

public sealed record Operation(long Id, DateTimeOffset At, string Actor, string Action, long? ChipId, string? Contact,
                               string? FromStatus, string? ToStatus, string? Reason, JsonElement? Details);

public sealed record NewOperation(string Actor, string Action, long? ChipId = null, string? Contact = null,
                                  string? FromStatus = null, string? ToStatus = null, string? Reason = null, object? Details = null);

public sealed class OperationStore(NpgsqlDataSource db)
{
    // Written inside the caller's transaction, so an action and its record commit together.
    const string Insert = """
        INSERT INTO operations (at, actor, action, chip_id, contact, from_status, to_status, reason, details)
        VALUES (@at, @actor, @action, @chip, @contact, @from, @to, @reason, @details::jsonb)
        """;

    // Newest first; keyset pagination on id so a busy log pages cheaply.
    const string List = """
        SELECT * FROM operations
        WHERE (@chip IS NULL OR chip_id = @chip) AND (@before IS NULL OR id < @before)
        ORDER BY id DESC LIMIT @limit
        """;

    public static async Task AddAsync(NpgsqlConnection c, NpgsqlTransaction? tx, NewOperation op, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = c.Cmd(Insert, tx).P("at", now).P("actor", op.Actor).P("action", op.Action).Long("chip", op.ChipId)
            .Text("contact", op.Contact).Text("from", op.FromStatus).Text("to", op.ToStatus).Text("reason", op.Reason)
            .Text("details", op.Details is null ? null : JsonSerializer.Serialize(op.Details));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<List<Operation>> ListAsync(long? chipId, long? before, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(List).Long("chip", chipId).Long("before", before).P("limit", limit);
        return await cmd.ListAsync(Map, ct);
    }

    static Operation Map(NpgsqlDataReader r) => new(
        r.Get<long>("id"), r.Get<DateTimeOffset>("at"), r.Get<string>("actor"), r.Get<string>("action"), r.Opt<long>("chip_id"),
        r.OptString("contact"), r.OptString("from_status"), r.OptString("to_status"), r.OptString("reason"),
        r.OptString("details") is { } d ? JsonDocument.Parse(d).RootElement.Clone() : null);
}
