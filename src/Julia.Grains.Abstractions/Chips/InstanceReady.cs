namespace Julia.Grains.Chips;

/// <summary>Provisioning's last step for a chip: its instance exists and sends its webhooks here.</summary>
[GenerateSerializer, Immutable, Alias("julia.InstanceReady")]
public sealed record InstanceReady([property: Id(0)] string Actor, [property: Id(1)] string Reason, [property: Id(2)] DateTimeOffset Now);
