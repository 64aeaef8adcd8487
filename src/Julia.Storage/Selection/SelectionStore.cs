using System.Text.Json;
using Julia.Domain.Selection;
using Npgsql;

namespace Julia.Storage.Selection;

/// <summary>
/// A reservation a chip granted, to record. <see cref="Affinity"/>: it is the contact's own chip; a
/// migration reason: the contact is being moved off theirs.
/// </summary>
public sealed record Grant(string Contact, MessageKind Kind, long ChipId, bool Affinity, int CandidateCount,
                           IReadOnlyDictionary<string, int> Excluded, bool Fallback, string? MigrationReason, string Node);

/// <summary>The decision's audit row and the contact's conversation after it.</summary>
public sealed record GrantRecord(long SelectionId, string Reason, long ConversationId, long? PreviousChipId, bool AnnouncementPending);

public sealed record SelectionRecord(long Id, DateTimeOffset At, string Contact, string Kind, long? ChipId, string? Code,
                                     string? Reason, int Candidates, JsonElement Excluded, bool Fallback, string Node);

public sealed class SelectionStore(NpgsqlDataSource db, string node)
{
    // Positional: a refusal is a fifth of the decisions under load, and a named statement is parsed on every call.
    static readonly PositionalSql Refusal = new("""
        INSERT INTO selections (at, contact, kind, code, candidates, excluded, node)
        VALUES (@now, @contact, @kind, @code, @candidates, @excluded, @node) RETURNING id
        """);

    // One statement per shape: a prepared plan for "chip = @chip OR @chip IS NULL" could use no index.
    const string ListColumns = "id, at, contact, kind, chip_id, code, reason, candidates, excluded::text AS excluded, fallback, node";
    const string ListAll = $"SELECT {ListColumns} FROM selections WHERE id < @before ORDER BY id DESC LIMIT @limit";
    const string ListChip = $"""
        SELECT {ListColumns} FROM selections WHERE chip_id = @chip AND id < @before ORDER BY chip_id DESC, id DESC LIMIT @limit
        """;

    public async Task<long> RecordRefusalAsync(string contact, MessageKind kind, string code, int candidates,
                                               IReadOnlyDictionary<string, int> excluded, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.CreateCommand().P("now", now).P("contact", contact).P("kind", kind.ToWire()).P("code", code)
            .P("candidates", candidates).Json("excluded", JsonSerializer.Serialize(excluded)).P("node", node).Positional(Refusal);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<List<SelectionRecord>> ListAsync(long? chipId, long? before, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = chipId is null ? c.Cmd(ListAll) : c.Cmd(ListChip).P("chip", chipId.Value);
        cmd.P("before", before ?? long.MaxValue).P("limit", limit);
        return await cmd.ListAsync(r => new SelectionRecord(r.Get<long>("id"), r.Get<DateTimeOffset>("at"), r.Get<string>("contact"),
            r.Get<string>("kind"), r.Opt<long>("chip_id"), r.OptString("code"), r.OptString("reason"), r.Get<int>("candidates"),
            JsonDocument.Parse(r.Get<string>("excluded")).RootElement.Clone(), r.Get<bool>("fallback"), r.Get<string>("node")), ct);
    }
}
