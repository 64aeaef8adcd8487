namespace Julia.Server.Tests.Infrastructure;

/// <summary>
/// One <see cref="ServiceFixture"/> for test classes that cannot see each other's changes (the API document and
/// HTTP edges: the only state the latter changes is the pool's settings, which the former never reads). The host
/// boots once for all of them; their classes run one at a time. Add a class only if that stays true.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedService : ICollectionFixture<ServiceFixture>
{
    public const string Name = "Shared service";
}
