using Julia.Providers.Evolution;
using Julia.Storage.Inbox;

namespace Julia.Server.Inbox;

/// <summary>Evolution's LID pairs, kept in <see cref="LidStore"/> (the inbox holds events for a LID under the same lock).</summary>
public sealed class LidBook(LidStore store) : ILidBook
{
    public Task<string?> PhoneForAsync(string lid, CancellationToken ct) => store.PhoneForAsync(lid, ct);

    public Task<int> LearnAsync(string lid, string phone, DateTimeOffset now, CancellationToken ct) => store.LearnAsync(lid, phone, now, ct);
}
