using Microsoft.Extensions.Options;

namespace Julia.Providers.Notifiers;

public sealed class SlackOptionsValidator : IValidateOptions<SlackOptions>
{
    public ValidateOptionsResult Validate(string? name, SlackOptions o) =>
        o.Enabled && (!Uri.TryCreate(o.WebhookUrl, UriKind.Absolute, out var u) || u.Scheme is not ("https" or "http"))
            ? ValidateOptionsResult.Fail("Alerts:Slack:WebhookUrl must be an absolute http(s) URL")
            : ValidateOptionsResult.Success;
}
