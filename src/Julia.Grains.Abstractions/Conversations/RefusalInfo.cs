namespace Julia.Grains.Conversations;

/// <summary>Why a selection was refused; <see cref="RetryAt"/>: when the same request may succeed.</summary>
[GenerateSerializer, Immutable, Alias("julia.RefusalInfo")]
public sealed record RefusalInfo([property: Id(0)] string Code, [property: Id(1)] string Detail, [property: Id(2)] DateTimeOffset? RetryAt);
