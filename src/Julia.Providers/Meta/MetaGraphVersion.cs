using System.Globalization;

namespace Julia.Providers.Meta;

/// <summary>
/// The Graph API version a Meta chip calls (<c>https://graph.facebook.com/{version}/…</c>). Default v26.0 (current, spec §1);
/// below v24.0 refused: the portfolio messaging limit field exists only from v24 and older versions are being retired
/// (v21.0 stops on 2027-01-21).
/// </summary>
public static class MetaGraphVersion
{
    public const string Default = "v26.0";
    public const int Minimum = 24;

    /// <summary>The version as <c>vNN.0</c>, or why it is refused.</summary>
    public static (string? Version, string? Error) Read(string? given)
    {
        if (string.IsNullOrWhiteSpace(given)) return (Default, null);
        var s = given.Trim();
        var digits = s.StartsWith('v') ? s[1..] : s;
        if (digits.EndsWith(".0", StringComparison.Ordinal)) digits = digits[..^2];
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var major) || major > 999)
            return (null, "graphVersion must look like v26.0");
        if (major < Minimum) return (null, $"graphVersion {s} is below v{Minimum}.0, the oldest this service calls");
        return ($"v{major}.0", null);
    }
}
