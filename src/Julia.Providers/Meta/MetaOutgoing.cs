namespace Julia.Providers.Meta;

/// <summary>A template to send: its approved name, its exact locale (<c>pt_BR</c>) and its body parameters in order.</summary>
public sealed record MetaTemplate(string Name, string Language, IReadOnlyList<string> BodyParameters);

/// <summary>
/// One message to a doctor: free text or a template (only a template goes outside the 24-hour window), optionally as a reply
/// to the doctor's message (<paramref name="ReplyTo"/>: its wamid), carrying our message id so every status finds it.
/// </summary>
public sealed record MetaOutgoing(string ToE164, long? OurId, string? Text = null, MetaTemplate? Template = null, string? ReplyTo = null);
