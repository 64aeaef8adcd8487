using Npgsql;

namespace Julia.Storage.Meta;

/// <summary>A Meta chip as selection needs it: its WABA and the portfolio whose budget it spends ("waba:&lt;id&gt;" when it has none).</summary>
public sealed record MetaChipPlace(long ChipId, string WabaId, string Portfolio);

/// <summary>Every Meta chip's place, and the highest chip id when it was read (a chip above it was registered since).</summary>
public sealed class MetaChipIndex(NpgsqlDataSource db)
{
    const string All = """
        SELECT m.chip_id, m.waba_id, coalesce(m.portfolio_id, 'waba:' || m.waba_id) AS portfolio, (SELECT coalesce(max(id), 0) FROM chips) AS top
        FROM (SELECT 1) one LEFT JOIN meta_chips m ON true
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
