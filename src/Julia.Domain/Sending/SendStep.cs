namespace Julia.Domain.Sending;

/// <summary>What the outbox does with a message after a send or a refused selection.</summary>
public enum SendStep
{
    /// <summary>Sent: record it.</summary>
    Done,
    /// <summary>Back to the queue until a time, on any chip.</summary>
    Wait,
    /// <summary>Back to the queue until a time, never again on the chip that just failed.</summary>
    AnotherChip,
    /// <summary>Final, with a status (failed, blocked, expired) and a reason.</summary>
    Stop,
    /// <summary>
    /// The gateway may or may not have sent it (it did not answer): kept with its chip and text, sent nowhere, until the gateway's
    /// own word settles it or, at a time, the gateway is asked. Sending it again could reach the doctor twice.
    /// </summary>
    InDoubt,
}
