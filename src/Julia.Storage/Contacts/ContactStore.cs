using Julia.Storage.Operations;
using Npgsql;

namespace Julia.Storage.Contacts;

public sealed record Contact(string Phone, int? Ddd, string? Name, string? LawfulBasis, string? LawfulBasisSource,
                             DateTimeOffset? LawfulBasisAt, DateTimeOffset? OptedOutAt, string? OptedOutSource,
                             DateTimeOffset? OptedInAt, DateTimeOffset? LastInboundAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed class ContactStore(NpgsqlDataSource db)
{
    const string Columns = "phone, ddd, name, lawful_basis, lawful_basis_source, lawful_basis_at, opted_out_at, opted_out_source, opted_in_at, "
        + "last_inbound_at, created_at, updated_at";

    const string Get = $"SELECT {Columns} FROM contacts WHERE phone = @phone";

    // Upsert: a contact may already exist from an inbound message or an opt-out; the name is kept if not given.
    const string PutBasis = $"""
        INSERT INTO contacts (phone, ddd, name, lawful_basis, lawful_basis_source, lawful_basis_at, created_at, updated_at)
        VALUES (@phone, @ddd, @name, @basis, @source, @now, @now, @now)
        ON CONFLICT (phone) DO UPDATE SET name = coalesce(EXCLUDED.name, contacts.name), lawful_basis = EXCLUDED.lawful_basis,
            lawful_basis_source = EXCLUDED.lawful_basis_source, lawful_basis_at = EXCLUDED.lawful_basis_at, updated_at = @now
        RETURNING {Columns}
        """;

    // An opt-out is remembered even for a contact we never wrote to; a repeated opt-out keeps the first time.
    const string OptOut = $"""
        INSERT INTO contacts (phone, ddd, opted_out_at, opted_out_source, opted_out_text, created_at, updated_at)
        VALUES (@phone, @ddd, @now, @source, @text, @now, @now)
        ON CONFLICT (phone) DO UPDATE SET
            opted_out_at = coalesce(contacts.opted_out_at, EXCLUDED.opted_out_at),
            opted_out_source = coalesce(contacts.opted_out_source, EXCLUDED.opted_out_source),
            opted_out_text = coalesce(contacts.opted_out_text, EXCLUDED.opted_out_text),
            updated_at = @now
        RETURNING {Columns}
        """;

    const string OptIn = $"""
        UPDATE contacts SET opted_out_at = NULL, opted_out_source = NULL, opted_out_text = NULL,
            opted_in_at = @now, opted_in_reason = @reason, updated_at = @now
        WHERE phone = @phone
        RETURNING {Columns}
        """;

    public async Task<Contact?> GetAsync(string phone, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Get).P("phone", phone);
        return await cmd.FirstAsync(Read, ct);
    }

    public Task<Contact> PutBasisAsync(string phone, int? ddd, string? name, string basis, string source, string actor, DateTimeOffset now,
        CancellationToken ct) =>
        InTransactionAsync((c, tx) => WriteAsync(c, tx, PutBasis, cmd => cmd.P("phone", phone).P("ddd", (short?)ddd).Text("name", name).P("basis", basis)
            .P("source", source).P("now", now),
            new NewOperation(actor, "lawful_basis_recorded", Contact: phone, Reason: $"{basis}: {source}"), now, ct), ct)!;

    public Task<Contact> OptOutAsync(string phone, int? ddd, string source, string? text, string actor, DateTimeOffset now, CancellationToken ct) =>
        InTransactionAsync(async (c, tx) => await OptOutAsync(c, tx, phone, ddd, source, text, actor, now, ct), ct)!;

    public Task<Contact?> OptInAsync(string phone, string reason, string actor, DateTimeOffset now, CancellationToken ct) =>
        InTransactionAsync((c, tx) => OptInAsync(c, tx, phone, reason, actor, now, ct), ct);

    /// <summary>The opt-out and its operations row inside the caller's transaction (a contact's own stop word is written with the message).</summary>
    internal static async Task<Contact> OptOutAsync(NpgsqlConnection c, NpgsqlTransaction tx, string phone, int? ddd, string source, string? text, string actor,
                                                    DateTimeOffset now, CancellationToken ct) =>
        (await WriteAsync(c, tx, OptOut, cmd => cmd.P("phone", phone).P("ddd", (short?)ddd).P("source", source).Text("text", text).P("now", now),
            new NewOperation(actor, "contact_opted_out", Contact: phone, Reason: source), now, ct))!;

    /// <summary>The opt-in and its operations row inside the caller's transaction; null when there is no such contact.</summary>
    internal static Task<Contact?> OptInAsync(NpgsqlConnection c, NpgsqlTransaction tx, string phone, string reason, string actor, DateTimeOffset now,
                                              CancellationToken ct) =>
        WriteAsync(c, tx, OptIn, cmd => cmd.P("phone", phone).P("reason", reason).P("now", now),
            new NewOperation(actor, "contact_opted_in", Contact: phone, Reason: reason), now, ct);

    async Task<Contact?> InTransactionAsync(Func<NpgsqlConnection, NpgsqlTransaction, Task<Contact?>> write, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var contact = await write(c, tx);
        if (contact is not null) await tx.CommitAsync(ct);
        return contact;
    }

    static async Task<Contact?> WriteAsync(NpgsqlConnection c, NpgsqlTransaction tx, string sql, Action<NpgsqlCommand> bind, NewOperation op,
        DateTimeOffset now,
                                           CancellationToken ct)
    {
        Contact? contact;
        await using (var cmd = c.Cmd(sql, tx))
        {
            bind(cmd);
            contact = await cmd.FirstAsync(Read, ct);
        }
        if (contact is null) return null;
        await OperationStore.AddAsync(c, tx, op, now, ct);
        return contact;
    }

    static Contact Read(NpgsqlDataReader r) => new(
        r.Get<string>("phone"), r.Opt<short>("ddd"), r.OptString("name"), r.OptString("lawful_basis"), r.OptString("lawful_basis_source"),
        r.Opt<DateTimeOffset>("lawful_basis_at"), r.Opt<DateTimeOffset>("opted_out_at"), r.OptString("opted_out_source"),
        r.Opt<DateTimeOffset>("opted_in_at"), r.Opt<DateTimeOffset>("last_inbound_at"), r.Get<DateTimeOffset>("created_at"),
        r.Get<DateTimeOffset>("updated_at"));
}
