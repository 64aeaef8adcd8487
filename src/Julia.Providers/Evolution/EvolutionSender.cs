namespace Julia.Providers.Evolution;

/// <summary>
/// How Evolution addressed the doctor of a message: the phone's JID when the payload carries one, and the LID
/// when it carries one. A contact addressed by LID carries the phone in <c>remoteJidAlt</c> (2.3.5–2.3.6), earlier
/// in <c>senderPn</c> (2.3.0); addressed by phone, the LID may sit beside it in <c>remoteJidAlt</c> (2.3.3 on) or be
/// the address it replaced (<c>previousRemoteJid</c>, 2.3.1–2.3.2). Either may be missing, not both.
/// </summary>
public sealed record EvolutionSender(string? PhoneJid, string? Lid)
{
    public static EvolutionSender From(string remoteJid, string? remoteJidAlt, string? senderPn, string? previousRemoteJid)
    {
        if (remoteJid.EndsWith("@lid", StringComparison.Ordinal))
            return new(new[] { remoteJidAlt, senderPn }.FirstOrDefault(j => j is not null && !j.EndsWith("@lid", StringComparison.Ordinal)), remoteJid);
        return new(remoteJid, new[] { remoteJidAlt, previousRemoteJid }.FirstOrDefault(j => j?.EndsWith("@lid", StringComparison.Ordinal) == true));
    }

    /// <summary>The digits of the phone's JID (<c>5511987654321</c> of <c>5511987654321:12@s.whatsapp.net</c>).</summary>
    public string? PhoneDigits => PhoneJid?.Split('@')[0].Split(':')[0];
}
