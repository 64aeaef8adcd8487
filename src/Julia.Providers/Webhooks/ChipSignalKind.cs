namespace Julia.Providers.Webhooks;

/// <summary>A platform signal about a chip: restricted (spam, ban: the chip pauses and the pool gate trips) or rate limited (it cools down).</summary>
public enum ChipSignalKind { Restricted, RateLimited }
