using Julia.Domain.Sending;

namespace Julia.Providers;

/// <summary>Which number sends: the gateway instance and its secret.</summary>
public sealed record GatewayTarget(string Instance, string? Token);

/// <summary>A WhatsApp gateway that can send a text from one of our numbers; every answer ends as a provider-neutral <see cref="SendResult"/>.</summary>
public interface IMessageGateway
{
    Task<SendResult> SendTextAsync(GatewayTarget from, string toE164, string text, CancellationToken ct);
}
