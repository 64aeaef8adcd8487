using Julia.Domain.Sending;

namespace Julia.Providers;

/// <summary>Which number sends: the gateway instance and its secret.</summary>
public sealed record GatewayTarget(string Instance, string? Token);

/// <summary>How one send ended. <see cref="ChipSpecific"/>: another number might succeed where this one failed.</summary>
public sealed record SendResult(SendOutcome Outcome, string? MessageId, string? Detail, bool ChipSpecific)
{
    public static SendResult Sent(string id) => new(SendOutcome.Sent, id, null, false);
}

/// <summary>A WhatsApp gateway that can send a text from one of our numbers.</summary>
public interface IMessageGateway
{
    Task<SendResult> SendTextAsync(GatewayTarget from, string toE164, string text, CancellationToken ct);
}
