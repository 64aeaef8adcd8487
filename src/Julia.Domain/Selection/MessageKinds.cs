namespace Julia.Domain.Selection;

public static class MessageKinds
{
    public static bool TryParse(string? text, out MessageKind kind)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "prospecting" or "prospeccao" or "prospecção": kind = MessageKind.Prospecting; return true;
            case "followup" or "follow-up" or "follow_up": kind = MessageKind.Followup; return true;
            case "reply" or "resposta": kind = MessageKind.Reply; return true;
            default: kind = default; return false;
        }
    }

    public static string ToWire(this MessageKind k) => k switch
    {
        MessageKind.Prospecting => "prospecting",
        MessageKind.Followup => "followup",
        _ => "reply",
    };

    /// <summary>Messages the business starts (not an answer to the contact).</summary>
    public static bool IsBusinessInitiated(this MessageKind k) => k != MessageKind.Reply;

    /// <summary>Minimum trust for the kind, and the fallback used only when nothing qualifies.</summary>
    public static int Threshold(this MessageKind k, bool fallback) => k switch
    {
        MessageKind.Prospecting => 80, // prospecting never falls back
        MessageKind.Followup => fallback ? 40 : 60,
        _ => fallback ? 20 : 40,
    };

    public static bool HasFallback(this MessageKind k) => k != MessageKind.Prospecting;
}
