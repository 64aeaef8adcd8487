using Julia.Storage.Contacts;

namespace Julia.Server.Contacts;

public sealed record ContactJson(string Phone, int? Ddd, string? Name, string? LawfulBasis, string? LawfulBasisSource,
    DateTimeOffset? LawfulBasisAt, bool OptedOut, DateTimeOffset? OptedOutAt, string? OptedOutSource, DateTimeOffset? OptedInAt,
    DateTimeOffset? LastInboundAt)
{
    public static ContactJson From(Contact c) => new(c.Phone, c.Ddd, c.Name, c.LawfulBasis, c.LawfulBasisSource, c.LawfulBasisAt,
        c.OptedOutAt is not null, c.OptedOutAt, c.OptedOutSource, c.OptedInAt, c.LastInboundAt);
}
