using Julia.Domain.Sending;

namespace Julia.Providers;

/// <summary>Which number sends: the gateway instance and its secret.</summary>
public sealed record GatewayTarget(string Instance, string? Token);

/// <summary>
/// A WhatsApp gateway that can send a text from one of our numbers. Its client answers every send with a
/// provider-neutral <see cref="SendResult"/>: reading the provider's errors is the client's job, and what they mean
/// for the message and the chip is the send policy's.
/// </summary>
public interface IMessageGateway
{
    Task<SendResult> SendTextAsync(GatewayTarget from, string toE164, string text, CancellationToken ct);
}
