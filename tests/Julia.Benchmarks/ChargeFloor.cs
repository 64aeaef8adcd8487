using System.Reflection;
using System.Text.RegularExpressions;
using Julia.Storage;
using Julia.Storage.Chips;

namespace Julia.Benchmarks;

/// <summary>
/// The database's own rate for warm selections: the node's charge statement (the one statement a warm selection
/// writes: the chip's counters, the audit row, the contact's conversation) run by pgbench alone, with no node in
/// between. Its rate is the database's for warm selections each committed on its own: a reference for what the node could
/// reach if it cost nothing, not a strict ceiling (the node's group commit shares commits between charges).
/// </summary>
/// <remarks>
/// The statement is the node's own text, read from <see cref="ReservationStore"/>, so it follows every change to it.
/// Its parameters are filled by pgbench: each transaction a contact of the seeded 100,000 on the chip the seed gave
/// its conversation (half of them have one; the rest get theirs, on that chip, with their first charge), so no charge
/// migrates a contact, as the node's sticky selections do not; with the chip's version compared with
/// itself (the node's grain holds the version it read; pgbench has no copy to hold) and its breaker written back unchanged.
/// </remarks>
public static partial class ChargeFloor
{
    static readonly Dictionary<string, string> Values = new()
    {
        ["id"] = ":chip",
        ["version"] = "version",
        ["contact"] = "('+55119' || :n)",
        ["now"] = "now()",
        // The counters move as a charge moves them; the breaker's fields are written back as they are.
        ["sent_this_hour"] = "sent_this_hour + 1",
        ["hour_bucket"] = "date_trunc('hour', now())",
        ["sent_today"] = "sent_today + 1",
        ["day_bucket"] = "current_date",
        ["breaker"] = "breaker_state",
        ["breaker_until"] = "breaker_until",
        ["open"] = "breaker_open_seconds",
        ["consecutive"] = "consecutive_failures",
        ["window_start"] = "window_started_at",
        ["sends"] = "window_sends",
        ["failures"] = "window_failures",
        ["trial"] = "false",
        ["kind"] = "'reply'",
        ["affinity"] = "true",
        ["migration_reason"] = "NULL::text",
        ["candidates"] = "100",
        ["excluded"] = "'{}'::jsonb",
        ["fallback"] = "false",
        ["node"] = "'pgbench'",
        ["request"] = "md5(random()::text)",
    };

    /// <summary>The pgbench script: one charge per transaction.</summary>
    public static string Script()
    {
        var field = typeof(ReservationStore).GetField("Charge", BindingFlags.NonPublic | BindingFlags.Static)
                    ?? throw new InvalidOperationException("ReservationStore.Charge moved: the charge floor reads the node's own statement from it.");
        var sql = (PositionalSql)field.GetValue(null)!;
        var text = Parameter().Replace(sql.Text, m =>
        {
            var name = sql.Names[int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - 1];
            return Values.TryGetValue(name, out var value) ? value
                : throw new InvalidOperationException($"The charge statement has a parameter '{name}' the charge floor does not fill.");
        });
        // pgbench reads a statement up to its semicolon, so one statement on one line.
        return $"""
            \set i random(1, 100000)
            \set n 10000000 + :i
            \set chip 1 + :i % 100
            {Whitespace().Replace(text, " ").Trim()};

            """;
    }

    [GeneratedRegex(@"\$(\d+)")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
