using System.Globalization;
using System.Text;

namespace Julia.Domain.Contacts;

/// <summary>
/// Recognises opt-out, opt-in and help keywords. The whole message must be the keyword
/// (after normalising case, accents, spaces and trailing punctuation), so "não pare" is not an opt-out.
/// </summary>
public static class Keywords
{
    static readonly HashSet<string> OptOut =
        ["pare", "parar", "sair", "stop", "cancelar", "descadastrar", "nao quero mais", "remover", "unsubscribe"];
    static readonly HashSet<string> OptIn = ["voltar", "start"];
    static readonly HashSet<string> Help = ["ajuda", "help"];

    public const string OptOutWord = "PARE";

    public static KeywordIntent Detect(string? text)
    {
        var n = Normalise(text);
        if (n.Length == 0) return KeywordIntent.None;
        if (OptOut.Contains(n)) return KeywordIntent.OptOut;
        if (OptIn.Contains(n)) return KeywordIntent.OptIn;
        if (Help.Contains(n)) return KeywordIntent.Help;
        return KeywordIntent.None;
    }

    public static string Normalise(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 64) return "";
        var decomposed = text.Trim().ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        bool space = false;
        foreach (var ch in decomposed)
        {
            var cat = CharUnicodeInfo.GetUnicodeCategory(ch);
            if (cat == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsWhiteSpace(ch)) { space = sb.Length > 0; continue; }
            if (char.IsPunctuation(ch) || char.IsSymbol(ch)) continue;
            if (space) { sb.Append(' '); space = false; }
            sb.Append(ch);
        }
        return sb.ToString();
    }
}
