using Julia.Domain.Standing;
using Npgsql;

namespace Julia.Storage.Meta;

/// <summary>A Meta chip's keys (table <c>meta_chips</c> joined to its chip): the app secret is a secret, never logged.</summary>
public sealed record MetaChipRow(long ChipId, string PhoneNumberId, string DisplayNumber, string WabaId, string? PortfolioId, string? AppSecret,
                                 string GraphVersion);

/// <summary>A Meta chip's keys and its standing as stored (what operators are shown).</summary>
public sealed record MetaChipStanding(MetaChipRow Keys, MetaStanding Standing);

/// <summary>New Meta keys for a chip being registered.</summary>
public sealed record NewMetaChip(string PhoneNumberId, string DisplayNumber, string WabaId, string? PortfolioId, string? AppSecret, string GraphVersion);

/// <summary>
/// The <c>meta_chips</c> table: Meta's keys of each Meta chip, read by the key each webhook routes by. Retired chips
/// are not found (their webhooks are recorded as for a number that is not ours).
/// </summary>
public sealed class MetaChipStore(NpgsqlDataSource db)
{
    // One shape for every lookup, each on its own index; the routing lookups skip retired chips.
    const string Columns = "m.chip_id, m.phone_number_id, m.display_number, m.waba_id, m.portfolio_id, m.app_secret, m.graph_version";
    const string Select = $"""
        SELECT {Columns}
        FROM meta_chips m JOIN chips c ON c.id = m.chip_id
        WHERE
        """;

    // Written with the chip's registration; a second registration of the same number fails on the unique phone number id.
    const string Insert = """
        INSERT INTO meta_chips (chip_id, phone_number_id, display_number, waba_id, portfolio_id, app_secret, graph_version)
        VALUES (@chip, @pnid, @display, @waba, @portfolio, @secret, @version)
        """;

    public Task<List<MetaChipRow>> ByPhoneNumberIdAsync(string pnid, CancellationToken ct) => ListAsync("m.phone_number_id = @k", pnid, ct);

    public Task<List<MetaChipRow>> ByDisplayNumberAsync(string digits, CancellationToken ct) => ListAsync("m.display_number = @k", digits, ct);

    public Task<List<MetaChipRow>> ByWabaAsync(string waba, CancellationToken ct) => ListAsync("m.waba_id = @k", waba, ct);

    public Task<List<MetaChipRow>> ByPortfolioAsync(string portfolio, CancellationToken ct) => ListAsync("m.portfolio_id = @k", portfolio, ct);

    public async Task<MetaChipRow?> GetAsync(long chipId, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Select + " m.chip_id = @id").P("id", chipId);
        return await cmd.FirstAsync(Map, ct);
    }

    /// <summary>A chip's keys and its standing (one row of <c>meta_chips</c>, one read); null when it has no keys.</summary>
    public async Task<MetaChipStanding?> WithStandingAsync(long chipId, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd($"""
            SELECT {Columns}, {MetaStandingStore.Columns}
            FROM meta_chips m WHERE m.chip_id = @id
            """).P("id", chipId);
        return await cmd.FirstAsync(r => new MetaChipStanding(Map(r), MetaStandingStore.Of(r)), ct);
    }

    /// <summary>Every Meta number not retired, with its token (a secret: for a simulator standing in for the Graph API).</summary>
    public async Task<List<(string PhoneNumberId, string? Token, string DisplayNumber, string WabaId)>> NumbersAsync(CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd("""
            SELECT m.phone_number_id, c.instance_token, m.display_number, m.waba_id FROM meta_chips m JOIN chips c ON c.id = m.chip_id
            WHERE c.status <> 'retired' ORDER BY m.chip_id
            """);
        return await cmd.ListAsync(r => (r.Get<string>("phone_number_id"), r.OptString("instance_token"), r.Get<string>("display_number"),
            r.Get<string>("waba_id")), ct);
    }

    public async Task AddAsync(long chipId, NewMetaChip m, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Insert).P("chip", chipId).P("pnid", m.PhoneNumberId).P("display", m.DisplayNumber).P("waba", m.WabaId)
            .Text("portfolio", m.PortfolioId).Text("secret", m.AppSecret).P("version", m.GraphVersion);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    async Task<List<MetaChipRow>> ListAsync(string where, string key, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Select + " c.status <> 'retired' AND " + where + " ORDER BY m.chip_id").P("k", key);
        return await cmd.ListAsync(Map, ct);
    }

    static MetaChipRow Map(NpgsqlDataReader r) => new(r.Get<long>("chip_id"), r.Get<string>("phone_number_id"), r.Get<string>("display_number"),
        r.Get<string>("waba_id"), r.OptString("portfolio_id"), r.OptString("app_secret"), r.Get<string>("graph_version"));
}
