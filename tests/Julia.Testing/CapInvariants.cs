using Npgsql;

namespace Julia.Testing;

/// <summary>What the cap authority promises, counted from the database's audit rows.</summary>
public static class CapInvariants
{
    /// <summary>Chip-hours (UTC) with more reservations than <paramref name="cap"/>.</summary>
    public static Task<long> OverHourCapAsync(NpgsqlDataSource db, int cap) => Sql.Scalar<long>(db, $"""
        SELECT count(*) FROM (SELECT chip_id, date_trunc('hour', at AT TIME ZONE 'UTC') FROM selections
                              WHERE chip_id IS NOT NULL GROUP BY 1, 2 HAVING count(*) > {cap}) x
        """);

    /// <summary>Chip-days (São Paulo) with more reservations than <paramref name="cap"/>.</summary>
    public static Task<long> OverDayCapAsync(NpgsqlDataSource db, int cap) => Sql.Scalar<long>(db, $"""
        SELECT count(*) FROM (SELECT chip_id, (at AT TIME ZONE 'America/Sao_Paulo')::date FROM selections
                              WHERE chip_id IS NOT NULL GROUP BY 1, 2 HAVING count(*) > {cap}) x
        """);

    /// <summary>Consecutive reservations of one chip closer than <paramref name="gap"/>.</summary>
    public static Task<long> ShortGapsAsync(NpgsqlDataSource db, TimeSpan gap) => Sql.Scalar<long>(db, """
        SELECT count(*) FROM (SELECT at - lag(at) OVER (PARTITION BY chip_id ORDER BY at) AS gap
                              FROM selections WHERE chip_id IS NOT NULL) x WHERE gap < @gap
        """, ("gap", gap));

    /// <summary>Chips whose day counter disagrees with the audit rows it was charged with.</summary>
    public static Task<long> CountersOffAsync(NpgsqlDataSource db) => Sql.Scalar<long>(db, """
        SELECT count(*) FROM chips c WHERE c.sent_today <> (SELECT count(*) FROM selections s WHERE s.chip_id = c.id
            AND (s.at AT TIME ZONE 'America/Sao_Paulo')::date = c.day_bucket)
        """);
}
