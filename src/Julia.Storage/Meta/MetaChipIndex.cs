using Npgsql;

namespace Julia.Storage.Meta;

/// <summary>A Meta chip as selection needs it: its WABA and the portfolio whose budget it spends ("waba:&lt;id&gt;" when it has none).</summary>
public sealed record MetaChipPlace(long ChipId, string WabaId, string Portfolio);

/// <summary>Every Meta chip's place, and the highest chip id when it was read (a chip above it was registered since).</summary>
public sealed class MetaChipIndex(NpgsqlDataSource db)
{
    /// <summary>The name of a Meta chip's portfolio (of <c>meta_chips m</c>): its id, or "waba:&lt;id&gt;" for chips registered without one.</summary>
    internal const string PortfolioKey = "coalesce(m.portfolio_id, 'waba:' || m.waba_id)";

    // By the chip's provider (written with the chip's row), so a Meta chip whose keys are not written yet is still a Meta chip
    // (its budget is then its own, "chip:<id>", until they are).
    const string All = $"""
        SELECT c.id AS chip_id, coalesce(m.waba_id, '') AS waba_id, coalesce({PortfolioKey}, 'chip:' || c.id) AS portfolio,
               (SELECT coalesce(max(id), 0) FROM chips) AS top
        FROM (SELECT 1) one
        LEFT JOIN chips c ON c.provider = 'meta' AND c.status <> 'retired'
        LEFT JOIN meta_chips m ON m.chip_id = c.id
        """;

    public async Task<(List<MetaChipPlace> Chips, long HighestChipId)> ReadAsync(CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(All);
        var chips = new List<MetaChipPlace>();
        long top = 0;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            top = r.Get<long>("top");
            if (!r.IsDBNull(0)) chips.Add(new(r.Get<long>("chip_id"), r.Get<string>("waba_id"), r.Get<string>("portfolio")));
        }
        return (chips, top);
    }
}
