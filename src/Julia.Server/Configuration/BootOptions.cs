using Microsoft.Extensions.Options;

namespace Julia.Server.Configuration;

/// <summary>
/// Options read before the service container exists: the logger, the database, Orleans' endpoints, which alert
/// channels and exporters to register. Read through the very registrations the container gets
/// (<see cref="OptionsSetup.AddJuliaOptions"/>), so a value here is the value a service is injected with.
/// </summary>
public sealed class BootOptions
{
    readonly IServiceProvider _options;

    BootOptions(IServiceProvider options) => _options = options;

    public static BootOptions Read(IConfiguration config) =>
        new(new ServiceCollection().AddSingleton(config).AddJuliaOptions().BuildServiceProvider());

    /// <summary>Section <typeparamref name="T"/>, bound and validated.</summary>
    public T Get<T>() where T : class
    {
        try { return _options.GetRequiredService<IOptions<T>>().Value; }
        catch (OptionsValidationException e) { throw Invalid(e.Failures); }
    }

    /// <summary>Checks every section, so a bad value stops start-up before the database is touched, every problem in one message.</summary>
    public void Validate()
    {
        try { _options.GetRequiredService<IStartupValidator>().Validate(); }
        catch (OptionsValidationException e) { throw Invalid(e.Failures); }
        catch (AggregateException e) { throw Invalid(e.InnerExceptions.SelectMany(x => x is OptionsValidationException o ? o.Failures : [x.Message])); }
    }

    static InvalidOperationException Invalid(IEnumerable<string> problems) => new("Invalid configuration: " + string.Join("; ", problems));
}
