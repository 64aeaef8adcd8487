using Npgsql;

namespace Julia.Storage.Meta;

/// <summary>
/// The doctors each business portfolio reached outside their window in the last 24 h, and the portfolio's messaging limit
/// as the standing poll last read it (<c>meta_chips.messaging_limit</c> of its chips).
/// Written only when a new doctor is reached, read when the portfolio's grain activates.
/// </summary>
public sealed class PortfolioReachStore(NpgsqlDataSource db)
{
    const string Limit = $"""
        SELECT array_agg(m.messaging_limit) FILTER (WHERE m.messaging_limit IS NOT NULL) AS tiers
        FROM meta_chips m WHERE {MetaChipIndex.PortfolioKey} = @portfolio
        """;

    const string Reach = """
        INSERT INTO meta_portfolio_reach (portfolio, contact, reached_at) VALUES (@portfolio, @contact, @at)
        ON CONFLICT (portfolio, contact) DO UPDATE SET reached_at = EXCLUDED.reached_at
        """;

    public async Task<Dictionary<string, DateTimeOffset>> ReachedAsync(string portfolio, DateTimeOffset since, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd("SELECT contact, reached_at FROM meta_portfolio_reach WHERE portfolio = @portfolio AND reached_at > @since")
            .P("portfolio", portfolio).P("since", since);
        var rows = await cmd.ListAsync(r => (r.Get<string>("contact"), r.Get<DateTimeOffset>("reached_at")), ct);
        return rows.ToDictionary(x => x.Item1, x => x.Item2);
    }

    /// <summary>The tiers the portfolio's chips were last read at (the poll writes each chip's; they share one limit).</summary>
    public async Task<IReadOnlyList<string>> TiersAsync(string portfolio, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Limit).P("portfolio", portfolio);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) && !r.IsDBNull(0) ? r.GetFieldValue<string[]>(0) : [];
    }

    public async Task AddAsync(string portfolio, string contact, DateTimeOffset at, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Reach).P("portfolio", portfolio).P("contact", contact).P("at", at);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
