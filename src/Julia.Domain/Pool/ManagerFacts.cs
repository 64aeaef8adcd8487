namespace Julia.Domain.Pool;

/// <summary>What the manager knows beside the chips: the gate, recent restrictions and today's provisioning.</summary>
/// <param name="RestrictedRecently">A spam or restriction signal in the last 24 h (no number is bought after one).</param>
/// <param name="ProvisionedToday">Provisioning requests made this São Paulo day.</param>
/// <param name="ProvisionOpen">Requests not finished yet (their numbers are on the way).</param>
public sealed record ManagerFacts(bool GateTripped, bool RestrictedRecently, int ProvisionedToday, int ProvisionOpen);
