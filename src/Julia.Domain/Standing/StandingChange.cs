namespace Julia.Domain.Standing;

/// <summary>
/// What a new standing does to the chip beside being recorded: nothing, an alert (quality fell to RED: business-initiated
/// sends stop on this chip), or a stop (health BLOCKED: the chip is paused, the pool gate trips and operators are alerted,
/// as for any restriction). <see cref="Detail"/> says it in words for the operation log and the alert.
/// </summary>
public sealed record StandingChange(StandingEffect Effect, string? Detail)
{
    public static readonly StandingChange None = new(StandingEffect.None, null);
}

public enum StandingEffect { None, Alert, Restrict }
