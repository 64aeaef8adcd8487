using Julia.Domain.Sending;
using Julia.Providers;
using Julia.Providers.Evolution;
using Julia.Providers.Meta;

namespace Julia.Server.Gateways;

/// <summary>Sends through the chip's own provider: Evolution, or Meta's Cloud API (with our message id for its statuses).</summary>
public sealed class ProviderGateways(EvolutionClient evolution, MetaClient meta) : IMessageGateway
{
    public Task<SendResult> SendTextAsync(GatewayTarget from, string toE164, string text, CancellationToken ct) => from.Provider switch
    {
        "meta" => meta.SendAsync(new MetaTarget(from.Instance, from.Token ?? "", from.GraphVersion ?? MetaGraphVersion.Default),
            new MetaOutgoing(toE164, from.MessageId, Text: text), ct),
        _ => evolution.SendTextAsync(from, toE164, text, ct),
    };

    public Task<SendLookup> FindSentAsync(GatewayTarget from, string toE164, string text, DateTimeOffset since, CancellationToken ct) => from.Provider switch
    {
        "meta" => meta.FindSentAsync(from, toE164, text, since, ct),
        _ => evolution.FindSentAsync(from, toE164, text, since, ct),
    };

    public Task<SendResult> SendTemplateAsync(GatewayTarget from, string toE164, MetaTemplate approved, CancellationToken ct) => from.Provider switch
    {
        "meta" => meta.SendAsync(new MetaTarget(from.Instance, from.Token ?? "", from.GraphVersion ?? MetaGraphVersion.Default),
            new MetaOutgoing(toE164, from.MessageId, Template: approved), ct),
        _ => ((IMessageGateway)evolution).SendTemplateAsync(from, toE164, approved, ct),
    };
}
