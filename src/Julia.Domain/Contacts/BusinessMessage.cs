using Julia.Domain.Selection;

namespace Julia.Domain.Contacts;

/// <summary>A business-initiated message granted to the contact.</summary>
public readonly record struct BusinessMessage(DateTimeOffset At, MessageKind Kind);
