using System.Globalization;
using System.Text.Json;
using Julia.Domain.Phones;
using Julia.Domain.Sending;

namespace Julia.Providers.Evolution;

/// <summary>
/// Evolution API v2's <c>POST /chat/findMessages/{instance}</c>, asked whether a send we are in doubt about went: the
/// instance's own messages (<c>where.key.fromMe</c>) since the send began (<c>where.messageTimestamp</c>, which Evolution
/// applies only with both <c>gte</c> and <c>lte</c>), newest first, a page at a time (<c>offset</c> is the page's size). The
/// answer is <c>{messages: {total, pages, currentPage, records: [{key, message, messageTimestamp, …}]}}</c>. The contact is
/// matched here, not in the query: WhatsApp may address a Brazilian number without its ninth digit, or by LID with the phone
/// in <c>remoteJidAlt</c>, and a query on one JID would miss those and answer "not sent" for a message that went.
/// It relies on Evolution keeping messages (DATABASE_SAVE_DATA_NEW_MESSAGE, on by default).
/// </summary>
public static class EvolutionLookup
{
    public const int PageSize = 50;

    /// <summary>Gateway and server clocks may differ by this much.</summary>
    public static readonly TimeSpan Skew = TimeSpan.FromMinutes(1);

    public static object Query(DateTimeOffset since, DateTimeOffset now, int page) => new
    {
        where = new
        {
            key = new { fromMe = true },
            messageTimestamp = new { gte = Iso(since - Skew), lte = Iso(now + Skew) },
        },
        page,
        offset = PageSize,
    };

    static string Iso(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>
    /// One page of the answer: the message when it is there, NotSent when this was the last page, null when there are
    /// more pages; Unknown when the answer cannot be read.
    /// </summary>
    public static SendLookup? Read(string body, string toE164, string text, DateTimeOffset since, int page)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("messages", out var messages)
                || messages.ValueKind != JsonValueKind.Object || !messages.TryGetProperty("records", out var records)
                || records.ValueKind != JsonValueKind.Array)
                return SendLookup.Unknown("find messages: the answer has no messages.records");
            foreach (var r in records.EnumerateArray())
                if (Matches(r, toE164, text, since) is { } id) return SendLookup.Sent(id);
            int pages = messages.TryGetProperty("pages", out var p) && p.TryGetInt32(out var n) ? n : page;
            return records.GetArrayLength() == 0 || page >= pages ? SendLookup.NotSent : null;
        }
        catch (JsonException) { return SendLookup.Unknown("find messages: the answer is not JSON"); }
    }

    static string? Matches(JsonElement r, string toE164, string text, DateTimeOffset since)
    {
        if (r.ValueKind != JsonValueKind.Object || !r.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.Object) return null;
        if (!key.TryGetProperty("fromMe", out var fm) || fm.ValueKind != JsonValueKind.True) return null;
        if (EvolutionJson.Timestamp(r) is { } at && DateTimeOffset.FromUnixTimeSeconds(at) < since - Skew) return null;
        var to = EvolutionSender.From(EvolutionJson.Str(key, "remoteJid") ?? "", EvolutionJson.Str(key, "remoteJidAlt"), null, null);
        if (!Phone.TryParseWhatsApp(to.PhoneDigits, out var phone) || phone.E164 != toE164) return null;
        return EvolutionPayload.Text(r)?.Trim() == text.Trim() ? EvolutionJson.Str(key, "id") : null;
    }
}
