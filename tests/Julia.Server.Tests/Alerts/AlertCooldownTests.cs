using Julia.Domain.Alerts;
using Julia.Domain.Sending;
using Julia.Grains;
using Julia.Grains.Chips;
using Julia.Grains.Pool;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Alerts;

/// <summary>
/// Alerts raised at a chip event follow the configured Alerts:Cooldown, as the monitor's own raises do. The bug: the
/// stores raised them with a copy of the default (SignalStore.AlertCooldown, 30 min), so a configured cooldown was
/// ignored for restrictions, logouts, pauses, retirements, gate trips and failed provisioning.
/// </summary>
public class AlertCooldownTests(ShortCooldownFixture f, ITestOutputHelper output) : IClassFixture<ShortCooldownFixture>
{
    readonly bool _attached = Attach(f, output);

    static bool Attach(ShortCooldownFixture f, ITestOutputHelper output)
    {
        f.Host.Log.Output = output;
        return true;
    }

    IGrainFactory Grains => f.Host.Get<IGrainFactory>();
    DateTimeOffset Now => f.Clock.GetUtcNow();

    /// <summary>Each alert of a kind about one subject, oldest first: whether it is still open.</summary>
    Task<List<bool>> Alerts(string kind, string subject) =>
        Sql.List(f.Db, "SELECT resolved_at IS NULL FROM alerts WHERE kind = @k AND subject = @s ORDER BY id", r => r.GetBoolean(0), ("k", kind), ("s", subject));

    async Task ResolveAllAsync() =>
        await Sql.Exec(f.Db, "UPDATE alerts SET resolved_at = @now, resolved_by = 'ana' WHERE resolved_at IS NULL", ("now", Now));

    /// <summary>A send from the chip that the gateway answered with a ban: reported as the outbox reports it.</summary>
    Task<SendAnswer> BannedSendAsync(long chip) =>
        Grains.GetGrain<IChipGrain>(chip).ReportSendAsync(new SendResult(SendOutcome.SpamRestriction, SendConcern.Chip, Code: "403", Detail: "403 account banned")
            .ToReport(new MessageFacts(1, 0, Now.AddHours(1)), Now));

    [Fact]
    public async Task A_restriction_alert_honours_the_configured_cooldown()
    {
        var chip = await Seed.ChipAsync(f.Db, Now);
        var subject = AlertKinds.Chip(chip);
        Assert.Equal("Stop", (await BannedSendAsync(chip)).Step);
        Assert.Equal([true], await Alerts(AlertKinds.ChipRestricted, subject));
        Assert.Equal([true], await Alerts(AlertKinds.GateTripped, AlertKinds.Pool));

        // An operator reviews the chip and the pool: both resume, and the alerts are resolved.
        f.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("done", (await Grains.GetGrain<IChipGrain>(chip).ApplyOperatorActionAsync(new OperatorRequest("resume", "ana", "reviewed", Now))).Outcome);
        Assert.True(await Grains.GetGrain<IPoolGrain>(Names.Pool).ResumeAsync("ana", "reviewed", Now));
        await ResolveAllAsync();

        // Banned again within the cooldown: the chip pauses and the gate trips, but nobody is paged again.
        f.Clock.Advance(ShortCooldownFixture.Cooldown - TimeSpan.FromSeconds(1));
        await BannedSendAsync(chip);
        Assert.Equal("paused", await Sql.Scalar<string>(f.Db, "SELECT status FROM chips WHERE id = @id", ("id", chip)));
        Assert.Equal([false], await Alerts(AlertKinds.ChipRestricted, subject));
        Assert.Equal([false], await Alerts(AlertKinds.GateTripped, AlertKinds.Pool));
        Assert.True(await Grains.GetGrain<IPoolGrain>(Names.Pool).ResumeAsync("ana", "reviewed again", Now));

        // Once the configured cooldown has passed (long before the default's 30 minutes): raised again.
        f.Clock.Advance(TimeSpan.FromSeconds(2));
        await BannedSendAsync(chip);
        Assert.Equal([false, true], await Alerts(AlertKinds.ChipRestricted, subject));
        Assert.Equal([false, true], await Alerts(AlertKinds.GateTripped, AlertKinds.Pool));
        Assert.True(await Grains.GetGrain<IPoolGrain>(Names.Pool).ResumeAsync("ana", "test over", Now));
    }

    [Fact]
    public async Task An_operators_pause_alert_honours_the_configured_cooldown()
    {
        var chip = await Seed.ChipAsync(f.Db, Now);
        var subject = AlertKinds.Chip(chip);
        var grain = Grains.GetGrain<IChipGrain>(chip);
        async Task PauseThenResumeAsync()
        {
            Assert.Equal("done", (await grain.ApplyOperatorActionAsync(new OperatorRequest("pause", "ana", "number under review", Now))).Outcome);
            Assert.Equal("done", (await grain.ApplyOperatorActionAsync(new OperatorRequest("resume", "ana", "reviewed", Now))).Outcome);
        }

        await PauseThenResumeAsync();
        await ResolveAllAsync();
        f.Clock.Advance(ShortCooldownFixture.Cooldown - TimeSpan.FromSeconds(1));
        await PauseThenResumeAsync();
        Assert.Equal([false], await Alerts(AlertKinds.ChipPaused, subject));
        f.Clock.Advance(TimeSpan.FromSeconds(2));
        await PauseThenResumeAsync();
        Assert.Equal([false, true], await Alerts(AlertKinds.ChipPaused, subject));
    }
}
