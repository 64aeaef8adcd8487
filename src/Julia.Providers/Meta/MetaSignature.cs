using System.Security.Cryptography;
using System.Text;

namespace Julia.Providers.Meta;

/// <summary>
/// <c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c>: HMAC-SHA256 of the raw body bytes keyed with the app secret (spec §4.2).
/// Over the bytes as they came: Meta escapes non-ASCII as <c>\uXXXX</c> and <c>/</c> as <c>\/</c>, so a parsed and
/// re-serialised body would not match. Compared in constant time.
/// </summary>
public static class MetaSignature
{
    public const string Header = "X-Hub-Signature-256";
    const string Prefix = "sha256=";

    /// <summary>The header's value for <paramref name="body"/> signed with <paramref name="secret"/>.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>The signature's bytes, or null when the header is not <c>sha256=</c> and 64 hex digits.</summary>
    public static byte[]? Parse(string? header)
    {
        if (header is null || !header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) return null;
        var hex = header.AsSpan(Prefix.Length).Trim();
        if (hex.Length != 64) return null;
        try { return Convert.FromHexString(hex); }
        catch (FormatException) { return null; }
    }

    /// <summary>The first of <paramref name="secrets"/> that signed the body, or null.</summary>
    public static string? SignedBy(ReadOnlySpan<byte> body, byte[] signature, IEnumerable<string> secrets)
    {
        string? found = null;
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        // Every secret is tried, whichever matches, so the time taken does not say which one did.
        foreach (var secret in secrets)
        {
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, mac);
            if (CryptographicOperations.FixedTimeEquals(mac, signature)) found ??= secret;
        }
        return found;
    }
}
