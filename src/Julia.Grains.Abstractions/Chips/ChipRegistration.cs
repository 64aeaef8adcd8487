namespace Julia.Grains.Chips;

/// <summary>A chip to register (an operator's POST /v1/chips, or provisioning's bought number).</summary>
/// <param name="Phone">E.164, Brazilian.</param>
/// <param name="InstanceToken">A secret, like <paramref name="WebhookSecret"/>: never logged.</param>
/// <param name="Status">provisioned, pending, rampup, ready or active (Julia.Domain's Registration).</param>
/// <param name="Connected">Null: as the status implies (paired statuses are connected).</param>
[GenerateSerializer, Immutable, Alias("julia.ChipRegistration")]
public sealed record ChipRegistration(
    [property: Id(0)] string Phone, [property: Id(1)] int Ddd, [property: Id(2)] string Instance, [property: Id(3)] string? InstanceToken,
    [property: Id(4)] string? WebhookSecret, [property: Id(5)] string Provider, [property: Id(6)] string Status, [property: Id(7)] bool? Connected,
    [property: Id(8)] DateTimeOffset AccountCreatedAt, [property: Id(9)] string Actor, [property: Id(10)] DateTimeOffset Now)
{
    // The record's generated text would show the secrets in any log line or exception that prints it.
    public override string ToString() => $"ChipRegistration {{ Instance = {Instance}, Status = {Status}, Actor = {Actor} }}";
}
