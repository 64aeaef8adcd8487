namespace Julia.Domain.Sending;

/// <summary>What a send's result does to the chip that sent it (applied by its grain, in the turn that returns the verdict).</summary>
public enum ChipEffect
{
    /// <summary>About the contact or the message: the chip is left as it is.</summary>
    None,
    BreakerSuccess,
    BreakerFailure,
    /// <summary>A timeout tells nothing about the chip, except that a half-open trial is given back.</summary>
    BreakerNeutral,
    /// <summary>The platform asked the number to slow down.</summary>
    Cooldown,
    /// <summary>A spam or restriction signal: the chip pauses, the pool gate trips, operators are alerted.</summary>
    Restrict,
}
