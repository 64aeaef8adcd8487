namespace Julia.Domain.Contacts;

/// <summary>
/// An operator's written exception to one of the contact's volume rules: the rule's refusal is skipped
/// until <see cref="Until"/>, or for <see cref="Count"/> messages if that comes first, unless revoked.
/// <see cref="Used"/>: messages that passed thanks to it.
/// </summary>
public sealed record ContactOverride(long Id, string Rule, DateTimeOffset Until, int? Count, int Used, DateTimeOffset? RevokedAt)
{
    public bool InForce(DateTimeOffset now) => RevokedAt is null && now < Until && (Count is null || Used < Count);
}
