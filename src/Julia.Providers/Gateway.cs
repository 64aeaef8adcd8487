using Julia.Domain.Sending;

namespace Julia.Providers;

/// <summary>
/// Which number sends: the gateway instance (Meta: the phone number id) and its secret, the chip's provider (evolution or
/// meta) and, for Meta, its Graph version; <paramref name="MessageId"/> is our id of the message being sent, which a
/// gateway that echoes it (Meta's biz_opaque_callback_data) carries so its statuses find the message.
/// </summary>
public sealed record GatewayTarget(string Instance, string? Token, string Provider = "evolution", string? GraphVersion = null, long? MessageId = null);

/// <summary>
/// A WhatsApp gateway that can send a text from one of our numbers. Its client answers every send with a
/// provider-neutral <see cref="SendResult"/>: reading the provider's errors is the client's job, and what they mean
/// for the message and the chip is the send policy's.
/// </summary>
public interface IMessageGateway
{
    Task<SendResult> SendTextAsync(GatewayTarget from, string toE164, string text, CancellationToken ct);

    /// <summary>
    /// Was <paramref name="text"/> sent from this number to <paramref name="toE164"/> since <paramref name="since"/>? Asked about a
    /// send in doubt (it timed out). Never throws: a gateway that cannot say (or has no such lookup) answers
    /// <see cref="LookupAnswer.Unknown"/>, and the message stays in doubt.
    /// </summary>
    Task<SendLookup> FindSentAsync(GatewayTarget from, string toE164, string text, DateTimeOffset since, CancellationToken ct);

    /// <summary>
    /// Sends an approved template (Meta only: outside the doctor's 24-hour window nothing else goes). A gateway without templates
    /// answers a permanent failure, never a send.
    /// </summary>
    Task<SendResult> SendTemplateAsync(GatewayTarget from, string toE164, Meta.MetaTemplate approved, CancellationToken ct) =>
        Task.FromResult(new SendResult(SendOutcome.Permanent, SendConcern.Message, Detail: $"provider '{from.Provider}' sends no templates"));
}
