namespace Julia.Client;

public sealed record InboundPage(IReadOnlyList<InboundMessage> Items, long Next);
