namespace Julia.Client;

/// <summary>
/// An approved WhatsApp template (name, exact locale such as <c>pt_BR</c>, body parameters in order) sent instead of a message's
/// text when the chip is a Meta number outside the doctor's 24-hour window.
/// </summary>
public sealed record MessageTemplate(string Name, string Language, IReadOnlyList<string> Parameters);
