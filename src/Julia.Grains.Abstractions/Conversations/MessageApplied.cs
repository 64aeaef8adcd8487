namespace Julia.Grains.Conversations;

/// <summary>
/// What the conversation grain did with a contact's message: stored as <paramref name="InboundId"/> (null: stored
/// before, so nothing was done again), the keyword it carried (<c>opt_out</c>, <c>opt_in</c>, <c>help</c>, <c>none</c>),
/// whether the contact opted out or back in, and whether a reply was queued for the outbox.
/// </summary>
[GenerateSerializer, Immutable, Alias("julia.MessageApplied")]
public sealed record MessageApplied(
    [property: Id(0)] long? InboundId, [property: Id(1)] string Intent, [property: Id(2)] bool OptedOut, [property: Id(3)] bool OptedIn,
    [property: Id(4)] bool ReplyQueued);
