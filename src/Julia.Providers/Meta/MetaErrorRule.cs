using Julia.Domain.Sending;

namespace Julia.Providers.Meta;

/// <summary>
/// One row of the Meta error table: the code's <paramref name="Action"/>, the send policy's
/// <paramref name="Outcome"/> and <paramref name="Concerns"/> for it, and what the code means (kept in the detail).
/// </summary>
public sealed record MetaErrorRule(MetaAction Action, SendOutcome Outcome, SendConcern Concerns, string Meaning)
{
    /// <summary>A send that ended with this code, in the policy's words; the code is kept as the provider's code.</summary>
    public SendResult Result(int code, string? details) =>
        new(Outcome, Concerns, null, code.ToString(System.Globalization.CultureInfo.InvariantCulture),
            details is { Length: > 0 } d ? $"{code} {Meaning}: {Cut(d)}" : $"{code} {Meaning}");

    static string Cut(string s) => s.Length > 300 ? s[..300] : s;
}
