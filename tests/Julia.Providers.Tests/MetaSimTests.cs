using Julia.Providers.Meta;
using Julia.Simulator;

namespace Julia.Providers.Tests;

/// <summary>
/// A test class's own <see cref="MetaSimulator"/> on a clock the test moves, with one number on it and the Cloud API client
/// pointed at it.
/// </summary>
public abstract class MetaSimTests(MetaNumber number, Func<TimeProvider, MetaSimulatorOptions> options) : IAsyncLifetime
{
    protected sealed class StepClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.Parse("2026-12-07T12:00:00Z");
        public override DateTimeOffset GetUtcNow() => Now;
    }

    protected StepClock Clock { get; } = new();
    protected MetaSimulator Sim { get; private set; } = null!;
    protected MetaClient Client { get; private set; } = null!;
    protected MetaTarget From { get; } = new(number.PhoneNumberId, number.Token);

    public async Task InitializeAsync()
    {
        Sim = await MetaSimulator.StartAsync(options(Clock));
        Sim.AddNumber(number);
        Client = new MetaClient(new HttpClient { BaseAddress = Sim.BaseAddress }, TimeSpan.FromSeconds(5));
    }

    public async Task DisposeAsync() => await Sim.DisposeAsync();
}
