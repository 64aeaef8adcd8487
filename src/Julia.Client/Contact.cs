namespace Julia.Client;

public sealed record Contact(string Phone, int? Ddd, string? Name, string? LawfulBasis, string? LawfulBasisSource, DateTimeOffset? LawfulBasisAt,
    bool OptedOut, DateTimeOffset? OptedOutAt, string? OptedOutSource, DateTimeOffset? OptedInAt, DateTimeOffset? LastInboundAt);
