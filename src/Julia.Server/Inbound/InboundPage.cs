namespace Julia.Server.Inbound;

public sealed record InboundPage(IReadOnlyList<InboundJson> Items, long Next);
