namespace Julia.Grains.Connections;

/// <summary>What one connection health pass did.</summary>
/// <param name="Ran">False when its period had a pass already.</param>
/// <param name="Unknown">Chips the gateway gave no state for (down, timeout, error): left as they were.</param>
/// <param name="Period">The start of the period the pass belongs to (on a grid from the Unix epoch).</param>
/// <param name="Silo">The node that ran it.</param>
/// <param name="FinishedAt">When it ended, by the service clock.</param>
/// <param name="MetaPolled">Meta chips whose standing was polled.</param>
[GenerateSerializer, Immutable, Alias("julia.HealthPass")]
public sealed record HealthPass(
    [property: Id(0)] bool Ran, [property: Id(1)] int Checked, [property: Id(2)] int Corrected, [property: Id(3)] int Unknown,
    [property: Id(4)] DateTimeOffset Period, [property: Id(5)] string? Silo = null, [property: Id(6)] DateTimeOffset? FinishedAt = null,
    [property: Id(7)] int MetaPolled = 0);
