namespace Julia.Domain.Phones;

/// <summary>
/// A phone number in E.164. Brazilian numbers (<c>+55</c> + DDD + 8 or 9 digits) are checked against
/// Brazil's numbering plan and carry their area code; numbers of other countries (a doctor abroad
/// writing to us) are checked against their country code and national number length.
/// </summary>
public readonly record struct Phone(string E164)
{
    public bool IsBrazilian => E164.StartsWith("+55", StringComparison.Ordinal);

    /// <summary>Area code (DDD), e.g. 11 for São Paulo; null outside Brazil.</summary>
    public int? Ddd => IsBrazilian ? (E164[3] - '0') * 10 + (E164[4] - '0') : null;

    public override string ToString() => E164;

    // Area codes in use in Brazil (Anatel). Anything else is not a Brazilian number.
    static readonly HashSet<int> ValidDdds =
    [
        11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38,
        41, 42, 43, 44, 45, 46, 47, 48, 49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69,
        71, 73, 74, 75, 77, 79, 81, 82, 83, 84, 85, 86, 87, 88, 89, 91, 92, 93, 94, 95, 96, 97, 98, 99,
    ];

    /// <summary>
    /// Accepts the ways people write Brazilian numbers: <c>+55 (11) 99999-0001</c>,
    /// <c>5511999990001</c>, <c>11999990001</c>; a number of another country only with its <c>+</c>
    /// (<c>+351 912 345 678</c>), so a Brazilian number missing its DDD is never read as foreign.
    /// Separators allowed: space, parentheses, hyphen, dot.
    /// </summary>
    public static bool TryParse(string? text, out Phone phone)
    {
        phone = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 32) return false;
        Span<char> digits = stackalloc char[32];
        int n = 0;
        var s = text.Trim();
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c is >= '0' and <= '9') digits[n++] = c;
            else if (c == '+' && i == 0) continue;
            else if (c is ' ' or '(' or ')' or '-' or '.') continue;
            else return false;
        }
        var d = digits[..n];
        if (s.StartsWith('+') && !d.StartsWith("55")) return TryInternational(d, out phone);
        if (s.StartsWith('+') && d.Length is not (12 or 13)) return false;
        if (d.Length is 12 or 13 && d.StartsWith("55")) d = d[2..];
        if (d.Length is not (10 or 11)) return false;
        int ddd = (d[0] - '0') * 10 + (d[1] - '0');
        if (!ValidDdds.Contains(ddd)) return false;
        var subscriber = d[2..];
        // Mobile numbers have 9 digits and start with 9; fixed lines have 8 and start with 2–5.
        if (subscriber.Length == 9 && subscriber[0] != '9') return false;
        if (subscriber.Length == 8 && subscriber[0] is < '2' or > '5') return false;
        phone = new Phone("+55" + new string(d));
        return true;
    }

    /// <summary>
    /// The number in a WhatsApp JID (digits with country code, no <c>+</c>). Brazilian mobiles registered
    /// before the ninth digit often keep 8 digits there (<c>55 31 8751-2345</c>): they are the same line as
    /// <c>+55 31 98751-2345</c>, so the nine is put back and the doctor has one identity.
    /// </summary>
    public static bool TryParseWhatsApp(string? digits, out Phone phone)
    {
        phone = default;
        if (string.IsNullOrEmpty(digits) || digits.Length > 15 || !digits.All(char.IsAsciiDigit)) return false;
        if (digits.StartsWith("55", StringComparison.Ordinal))
        {
            if (digits.Length == 12 && digits[4] is >= '6' and <= '9') digits = digits[..4] + "9" + digits[4..];
            return TryParse("+" + digits, out phone);
        }
        // WhatsApp has already proved the number exists: only its country code is checked, not each
        // country's length rules (which have quirks, such as Mexico's mobile 1 that WhatsApp keeps).
        return TryInternational(digits, out phone, lenient: true);
    }

    /// <summary>A Brazilian number only (chips are Brazilian numbers).</summary>
    public static bool TryParseBrazilian(string? text, out Phone phone) => TryParse(text, out phone) && phone.IsBrazilian;

    static bool TryInternational(ReadOnlySpan<char> d, out Phone phone, bool lenient = false)
    {
        phone = default;
        if (d.Length is < 8 or > 15 || d[0] == '0') return false;
        for (int len = 1; len <= 3; len++)
        {
            var code = d[..len].ToString();
            if (!CountryCodes.Assigned.Contains(code)) continue;
            var national = d[len..];
            var (min, max) = !lenient && CountryCodes.NationalLength.TryGetValue(code, out var l) ? l : (4, 13);
            if (national.Length < min || national.Length > max || national[0] == '0' && code != "39") return false;
            // North America: area code and exchange never start with 0 or 1.
            if (!lenient && code == "1" && (national[0] < '2' || national[3] < '2')) return false;
            phone = new Phone("+" + new string(d));
            return true;
        }
        return false;
    }

    public static Phone Parse(string text) =>
        TryParse(text, out var p) ? p : throw new FormatException("invalid_phone");

    /// <summary>Masked for logs and the console: <c>+55 11 ****-0001</c>, <c>+351 ****-5678</c>.</summary>
    public string Masked => Mask(E164);

    public static string Mask(string? e164)
    {
        if (string.IsNullOrEmpty(e164) || e164.Length < 9 || e164[0] != '+') return "****";
        if (e164.StartsWith("+55", StringComparison.Ordinal)) return $"+55 {e164.Substring(3, 2)} ****-{e164[^4..]}";
        var digits = e164.AsSpan(1);
        for (int len = 1; len <= 3; len++)
            if (CountryCodes.Assigned.Contains(digits[..len].ToString())) return $"+{digits[..len]} ****-{e164[^4..]}";
        return "****";
    }
}
