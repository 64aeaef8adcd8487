using System.Text.RegularExpressions;

namespace Julia.Domain.Alerts;

/// <summary>What an alert says to people: pt-BR, short, no phone numbers, nothing that looks like a key.</summary>
public static partial class AlertText
{
    public const int MaxLength = 300;

    /// <summary>The text of a notice, as Slack and Telegram show it.</summary>
    public static string Notice(string severity, string message, bool resolved) =>
        resolved ? $"✅ Resolvido: {message}" : $"{Icon(severity)} Alerta: {message}";

    static string Icon(string severity) => severity switch { "critical" => "🔴", "warning" => "🟠", _ => "🔵" };

    /// <summary>
    /// Cleans text that came from outside (a gateway's error, a reason) before it goes into an alert: runs of
    /// 8 or more digits (phone numbers) keep their last 4, long tokens are cut, and the length is bounded.
    /// </summary>
    public static string Scrub(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var s = Digits().Replace(text, m => "****" + m.Value[^4..]);
        s = Token().Replace(s, m => m.Value[..4] + "…");
        s = s.ReplaceLineEndings(" ").Trim();
        return s.Length <= MaxLength ? s : s[..MaxLength] + "…";
    }

    [GeneratedRegex(@"\+?\d[\d\s\-]{6,}\d")]
    private static partial Regex Digits();

    // 24+ characters of key material (tokens, secrets, webhook paths) in one word.
    [GeneratedRegex(@"[A-Za-z0-9_\-:/]{24,}")]
    private static partial Regex Token();
}
