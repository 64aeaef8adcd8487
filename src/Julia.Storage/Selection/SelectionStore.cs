using System.Text.Json;
using Julia.Domain.Selection;
using Npgsql;

namespace Julia.Storage.Selection;

/// <summary>What selection reads about a contact and the pool before choosing.</summary>
public sealed record SelectionContext(ContactFacts Contact, long? ConversationId, long? AffinityChipId, bool GateTripped);

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
    // One round trip for every guardrail input: contact, unanswered business messages since the
    // contact last spoke (7 days at most), the sticky chip and the pool gate.
    static readonly PositionalSql Context = new("""
        SELECT c.phone IS NOT NULL AS exists, c.lawful_basis IS NOT NULL AS has_basis, c.opted_out_at, c.last_inbound_at,
               (SELECT count(*) FROM selections s
                 WHERE s.contact = @contact AND s.chip_id IS NOT NULL AND s.kind <> 'reply'
                   AND s.at > greatest(@now - interval '7 days', coalesce(c.last_inbound_at, '-infinity'))) AS unanswered,
               conv.id AS conversation_id, conv.chip_id AS affinity_chip, ps.gate_tripped
        FROM pool_state ps
        LEFT JOIN contacts c ON c.phone = @contact
        LEFT JOIN conversations conv ON conv.contact = @contact
        """);

    const string Refusal = """
        INSERT INTO selections (at, contact, kind, code, candidates, excluded, node)
        VALUES (@now, @contact, @kind, @code, @candidates, @excluded, @node) RETURNING id
        """;

    // One statement per shape: a prepared plan for "chip = @chip OR @chip IS NULL" could use no index.
    const string ListColumns = "id, at, contact, kind, chip_id, code, reason, candidates, excluded::text AS excluded, fallback, node";
    const string ListAll = $"SELECT {ListColumns} FROM selections WHERE id < @before ORDER BY id DESC LIMIT @limit";
    const string ListChip = $"""
        SELECT {ListColumns} FROM selections WHERE chip_id = @chip AND id < @before ORDER BY chip_id DESC, id DESC LIMIT @limit
        """;

    public async Task<SelectionContext> ContextAsync(string contact, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.CreateCommand().P("contact", contact).P("now", now).Positional(Context);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var facts = new ContactFacts(r.Get<bool>("exists"), r.Get<bool>("has_basis"), r.Opt<DateTimeOffset>("opted_out_at"),
            r.Opt<DateTimeOffset>("last_inbound_at"), (int)r.Get<long>("unanswered"));
        return new SelectionContext(facts, r.Opt<long>("conversation_id"), r.Opt<long>("affinity_chip"), r.Get<bool>("gate_tripped"));
    }

    public async Task<long> RecordRefusalAsync(string contact, MessageKind kind, string code, int candidates,
                                               IReadOnlyDictionary<string, int> excluded, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Refusal).P("now", now).P("contact", contact).P("kind", kind.ToWire()).P("code", code)
            .P("candidates", candidates).Json("excluded", JsonSerializer.Serialize(excluded)).P("node", node);
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
