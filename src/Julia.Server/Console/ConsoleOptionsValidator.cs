using Microsoft.Extensions.Options;

namespace Julia.Server.ConsoleWeb;

public sealed class ConsoleOptionsValidator : IValidateOptions<ConsoleOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsoleOptions o) =>
        o.Session < TimeSpan.FromMinutes(5) || o.Session > TimeSpan.FromDays(7)
            ? ValidateOptionsResult.Fail("Console:Session must be between 5 minutes and 7 days")
            : ValidateOptionsResult.Success;
}
