using System.Globalization;

namespace Julia.Providers.Meta;

/// <summary>
/// What we put in a send's <c>biz_opaque_callback_data</c> (≤ 512 chars, echoed in every status webhook): our message id,
/// as <c>outbox:&lt;id&gt;</c>. Meta has no idempotency key; this is how a status finds its send when the answer was lost.
/// </summary>
public static class MetaOpaque
{
    const string Prefix = "outbox:";

    public static string For(long messageId) => Prefix + messageId.ToString(CultureInfo.InvariantCulture);

    /// <summary>Our message id, or null for anything else (a send made elsewhere, another app's data).</summary>
    public static long? Parse(string? opaque) =>
        opaque is not null && opaque.StartsWith(Prefix, StringComparison.Ordinal)
        && long.TryParse(opaque.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;
}
