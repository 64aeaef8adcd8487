using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Julia.Providers.Evolution;

/// <summary>
/// Evolution does not sign webhooks: each instance's webhook carries our per-instance secret in a header, or
/// Evolution's HS256 JWT made with that secret; the body's <c>apikey</c>, when present, is the instance token.
/// Every comparison takes constant time.
/// </summary>
public static class EvolutionAuth
{
    /// <summary>Constant-time check of the instance's secret header, or of Evolution's HS256 webhook JWT.</summary>
    public static bool Authentic(string? secretHeader, string? authorization, string secret, DateTimeOffset now)
    {
        var expected = Encoding.UTF8.GetBytes(secret);
        if (secretHeader is not null) return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secretHeader), expected);
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return false;
        var parts = authorization[7..].Trim().Split('.');
        if (parts.Length != 3) return false;
        try
        {
            var header = JsonDocument.Parse(FromB64Url(parts[0])).RootElement;
            if (EvolutionJson.Str(header, "alg") != "HS256") return false;
            var sig = HMACSHA256.HashData(expected, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
            if (!CryptographicOperations.FixedTimeEquals(sig, FromB64Url(parts[2]))) return false;
            var payload = JsonDocument.Parse(FromB64Url(parts[1])).RootElement;
            return !payload.TryGetProperty("exp", out var exp) || exp.ValueKind != JsonValueKind.Number || exp.GetInt64() >= now.ToUnixTimeSeconds() - 60;
        }
        catch (Exception e) when (e is FormatException or JsonException) { return false; }
    }

    static byte[] FromB64Url(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }

    public static bool SameSecret(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
