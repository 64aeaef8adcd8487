using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Julia.Domain.Alerts;
using Julia.Providers.Provisioning;
using Julia.Server.Provisioning;
using Julia.Server.Tests.Infrastructure;
using Julia.Simulator;
using Julia.Storage.Provisioning;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Provisioning;

/// <summary>Provisioning end to end against the Salvy-like and Evolution simulators, on a real PostgreSQL.</summary>
public class ProvisioningTests : IClassFixture<ProvisioningFixture>
{
    readonly ProvisioningFixture _f;

    public ProvisioningTests(ProvisioningFixture f, ITestOutputHelper output)
    {
        _f = f;
        f.Attach(output);
        f.Salvy.Faults = new SalvyFaults();
        f.Sim.Down = false;
    }

    ProvisionStore Store => _f.Host.Get<ProvisionStore>();
    ProvisioningWorker Worker => _f.Host.Get<ProvisioningWorker>();

    Task<string> StatusOf(long id) => _f.Scalar<string>("SELECT status FROM provision_requests WHERE id = @id", ("id", id));
    int BoughtFor(long id) => _f.Salvy.Bought.Count(n => n.IdempotencyKey == $"provision-{id}");

    [Fact]
    public async Task A_request_becomes_a_pending_chip_with_its_instance_webhook_secret_and_QR()
    {
        await _f.CloseOpenRequestsAsync();
        _f.Clock.Freeze(new DateTimeOffset(2026, 12, 1, 15, 0, 0, TimeSpan.Zero));
        var now = _f.Clock.GetUtcNow();
        var id = await Store.RequestAsync(new DateOnly(2026, 12, 1), 2, "pool", "rampup buffer low", 21, now, default);
        Assert.NotNull(id);

        Assert.Equal(1, await Worker.RunOnceAsync(default));

        Assert.Equal("done", await StatusOf(id.Value));
        var chipId = await _f.Scalar<long>("SELECT chip_id FROM provision_requests WHERE id = @id", ("id", id.Value));
        var (phone, ddd, instance, token, secret, status, connected) = (await Sql.List(_f.Db,
            "SELECT phone, ddd, instance, instance_token, webhook_secret, status, connected FROM chips WHERE id = @id",
            r => (r.GetString(0), r.GetInt16(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetBoolean(6)), ("id", chipId)))[0];
        Assert.Equal(("pending", false, (short)21), (status, connected, ddd));
        var bought = Assert.Single(_f.Salvy.Bought, n => n.IdempotencyKey == $"provision-{id}");
        Assert.Equal(bought.Phone, phone);
        Assert.Single(_f.Sim.Created, i => i == instance);
        Assert.Equal(token, _f.Sim.TokenOf(instance));
        Assert.True(token.Length >= 32, "a fresh random instance token");
        var hook = _f.Sim.WebhookOf(instance)!;
        Assert.Equal(secret, hook.Headers["X-Webhook-Secret"]);
        Assert.Equal(_f.Host.BaseAddress + "webhooks/evolution", hook.Url);
        Assert.Contains("QRCODE_UPDATED", hook.Events);
        Assert.Contains("CONNECTION_UPDATE", hook.Events);
        // The API shows the masked phone and no secret.
        var list = await _f.Host.Http(_f.OperatorKey).GetStringAsync("v1/provisioning");
        Assert.DoesNotContain(phone, list);
        Assert.DoesNotContain(token, list);
        Assert.DoesNotContain(secret, list);
        Assert.Contains("\"status\":\"done\"", list);
        Assert.True(await _f.Scalar<long>("SELECT count(*) FROM operations WHERE actor = 'provisioning' AND action = 'provision_done' AND chip_id = @c", ("c", chipId)) == 1);

        // The instance's qrcode.updated (sent when its webhook was set) reaches the chip; the API serves it.
        var http = _f.Host.Http(_f.OperatorKey);
        var qr = await Eventually.Until(async () => await http.GetAsync($"v1/chips/{chipId}/qr"), r => r.StatusCode == HttpStatusCode.OK, what: "the chip's QR");
        var body = await qr.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("2@", body.GetProperty("code").GetString());
        Assert.StartsWith("data:image/png;base64,", body.GetProperty("base64").GetString());

        // Pairing done (connection open) → rampup; the QR is gone with the pending state.
        _f.Sim.Connection(instance, "open", 200);
        await Eventually.True(async () => await _f.Scalar<string>("SELECT status FROM chips WHERE id = @id", ("id", chipId)) == "rampup", what: "rampup after pairing");
        Assert.True(await _f.Scalar<bool>("SELECT connected FROM chips WHERE id = @id", ("id", chipId)));
        var after = await http.GetAsync($"v1/chips/{chipId}/qr");
        Assert.Equal(HttpStatusCode.Conflict, after.StatusCode);
        Assert.Contains("chip_not_pending", await after.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("v1/chips/987654321/qr")).StatusCode);
    }

    [Fact]
    public async Task The_daily_cap_holds_with_two_nodes_requesting_at_once()
    {
        var day = new DateOnly(2026, 12, 2);
        var now = new DateTimeOffset(2026, 12, 2, 15, 0, 0, TimeSpan.Zero);
        await using var db1 = NpgsqlDataSource.Create(_f.ConnectionString);
        await using var db2 = NpgsqlDataSource.Create(_f.ConnectionString);
        var stores = new[] { new ProvisionStore(db1, new AlertPolicy()), new ProvisionStore(db2, new AlertPolicy()) };
        using var go = new ManualResetEventSlim();
        var racers = stores.Select(s => Task.Run(async () =>
        {
            go.Wait();
            var ids = new List<long?>();
            for (int i = 0; i < 6; i++) ids.Add(await s.RequestAsync(day, 3, "pool", "buffer low", null, now, default));
            return ids;
        })).ToArray();
        go.Set();
        var all = (await Task.WhenAll(racers)).SelectMany(x => x).ToList();

        Assert.Equal(3, all.Count(x => x is not null));
        Assert.Equal(3, await Store.CountAsync(day));
        Assert.Equal([0, 1, 2], await Sql.List(_f.Db, "SELECT seq FROM provision_requests WHERE day = @d ORDER BY seq", r => r.GetInt32(0), ("d", day)));
        await _f.CloseOpenRequestsAsync();
    }

    [Fact]
    public async Task The_operators_daily_cap_resets_at_midnight_in_Sao_Paulo_not_UTC()
    {
        await _f.CloseOpenRequestsAsync();
        var http = _f.Host.Http(_f.OperatorKey);
        // 02:59:30 UTC on the 4th is still the 3rd in São Paulo (UTC−3): the default cap is 2 a day.
        _f.Clock.Freeze(new DateTimeOffset(2026, 12, 4, 2, 59, 30, TimeSpan.Zero));
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("v1/provisioning", new { reason = "manual: clinic opening" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("v1/provisioning", new { reason = "manual: clinic opening", ddd = 31 })).StatusCode);
        var third = await http.PostAsJsonAsync("v1/provisioning", new { reason = "manual: one more" });
        Assert.Equal(HttpStatusCode.Conflict, third.StatusCode);
        Assert.Contains("provision_daily_cap", await third.Content.ReadAsStringAsync());
        Assert.Equal(2, await Store.CountAsync(new DateOnly(2026, 12, 3)));

        _f.Clock.Freeze(new DateTimeOffset(2026, 12, 4, 3, 0, 0, TimeSpan.Zero)); // midnight in São Paulo
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("v1/provisioning", new { reason = "manual: next day" })).StatusCode);
        Assert.Equal(1, await Store.CountAsync(new DateOnly(2026, 12, 4)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await http.PostAsJsonAsync("v1/provisioning", new { reason = "" })).StatusCode);
        await _f.CloseOpenRequestsAsync();
    }

    [Fact]
    public async Task Provider_down_is_retried_with_backoff_and_buys_exactly_one_number_when_back()
    {
        await _f.CloseOpenRequestsAsync();
        var t0 = new DateTimeOffset(2026, 12, 5, 15, 0, 0, TimeSpan.Zero);
        _f.Clock.Freeze(t0);
        var id = (await Store.RequestAsync(new DateOnly(2026, 12, 5), 2, "pool", "buffer low", 11, t0, default))!.Value;
        _f.Salvy.Faults = new SalvyFaults { Down = true };

        Assert.Equal(1, await Worker.RunOnceAsync(default));
        Assert.Equal("pending", await StatusOf(id));
        var next1 = await _f.Scalar<DateTime>("SELECT next_attempt_at FROM provision_requests WHERE id = @id", ("id", id));
        Assert.InRange(next1 - t0.UtcDateTime, TimeSpan.FromSeconds(47), TimeSpan.FromSeconds(73)); // 1 min ± 20 %
        Assert.Equal(0, await Worker.RunOnceAsync(default)); // not due yet

        _f.Clock.Freeze(new DateTimeOffset(next1, TimeSpan.Zero));
        Assert.Equal(1, await Worker.RunOnceAsync(default));
        var next2 = await _f.Scalar<DateTime>("SELECT next_attempt_at FROM provision_requests WHERE id = @id", ("id", id));
        Assert.InRange(next2 - next1, TimeSpan.FromSeconds(95), TimeSpan.FromSeconds(145)); // doubled

        _f.Salvy.Faults = new SalvyFaults();
        _f.Clock.Freeze(new DateTimeOffset(next2, TimeSpan.Zero));
        Assert.Equal(1, await Worker.RunOnceAsync(default));
        Assert.Equal("done", await StatusOf(id));
        Assert.Equal(3, await _f.Scalar<int>("SELECT attempts FROM provision_requests WHERE id = @id", ("id", id)));
        Assert.Equal(1, BoughtFor(id));
        Assert.Equal(2, await _f.Scalar<long>("SELECT count(*) FROM operations WHERE action = 'provision_attempt_failed' AND details->>'requestId' = @id", ("id", id.ToString())));
    }

    [Fact]
    public async Task A_permanent_refusal_fails_the_request_with_one_alert()
    {
        await _f.CloseOpenRequestsAsync();
        // Later than every other test's time: the alert cooldown looks back from now.
        var t0 = new DateTimeOffset(2027, 6, 1, 15, 0, 0, TimeSpan.Zero);
        _f.Clock.Freeze(t0);
        var id = (await Store.RequestAsync(new DateOnly(2027, 6, 1), 2, "pool", "buffer low", 11, t0, default))!.Value;
        _f.Salvy.Faults = new SalvyFaults { ClientError = 402 };

        Assert.Equal(1, await Worker.RunOnceAsync(default));
        Assert.Equal("failed", await StatusOf(id));
        Assert.Equal(1, await _f.Scalar<int>("SELECT attempts FROM provision_requests WHERE id = @id", ("id", id)));
        Assert.Contains("402", await _f.Scalar<string>("SELECT last_error FROM provision_requests WHERE id = @id", ("id", id)));
        _f.Clock.Freeze(t0.AddHours(1));
        Assert.Equal(0, await Worker.RunOnceAsync(default)); // never tried again
        Assert.Equal(1, await _f.Scalar<long>("SELECT count(*) FROM alerts WHERE kind = 'provisioning_failed' AND message LIKE @m", ("m", $"%request {id} %")));
        Assert.Equal(0, BoughtFor(id));
        Assert.Equal(1, await _f.Scalar<long>("SELECT count(*) FROM operations WHERE action = 'provision_failed' AND actor = 'provisioning' AND details->>'requestId' = @id", ("id", id.ToString())));
    }

    /// <summary>The node dies right after the provider sold it a number, before it wrote that down.</summary>
    sealed class DiesAfterBuying(INumberProvider real, CancellationTokenSource process) : INumberProvider
    {
        public async Task<BoughtNumber> BuyAsync(int? ddd, string key, CancellationToken ct)
        {
            await real.BuyAsync(ddd, key, ct);
            process.Cancel();
            throw new OperationCanceledException(process.Token);
        }
    }

    [Fact]
    public async Task A_node_that_dies_after_buying_leaves_no_second_number_to_buy()
    {
        await _f.CloseOpenRequestsAsync();
        var t0 = new DateTimeOffset(2026, 12, 7, 15, 0, 0, TimeSpan.Zero);
        _f.Clock.Freeze(t0);
        var id = (await Store.RequestAsync(new DateOnly(2026, 12, 7), 2, "pool", "buffer low", 11, t0, default))!.Value;

        using var process = new CancellationTokenSource();
        var dying = ActivatorUtilities.CreateInstance<ProvisioningWorker>(_f.Host.App.Services, new DiesAfterBuying(_f.Host.Get<INumberProvider>(), process));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dying.RunOnceAsync(process.Token));
        Assert.Equal("running", await StatusOf(id));
        Assert.Equal(1, BoughtFor(id));

        // Before the lease ends nobody takes it; after, another node carries on with the same key.
        Assert.Equal(0, await Worker.RunOnceAsync(default));
        _f.Clock.Freeze(t0.AddMinutes(6));
        Assert.Equal(1, await Worker.RunOnceAsync(default));

        Assert.Equal("done", await StatusOf(id));
        Assert.Equal(1, BoughtFor(id));
        var phone = _f.Salvy.Bought.Single(n => n.IdempotencyKey == $"provision-{id}").Phone;
        Assert.Equal(1, await _f.Scalar<long>("SELECT count(*) FROM chips WHERE phone = @p", ("p", phone)));
        Assert.Equal(2, await _f.Scalar<int>("SELECT attempts FROM provision_requests WHERE id = @id", ("id", id)));
    }

    [Fact]
    public async Task A_retry_after_the_chip_and_instance_exist_registers_and_creates_nothing_twice()
    {
        await _f.CloseOpenRequestsAsync();
        var t0 = new DateTimeOffset(2026, 12, 8, 15, 0, 0, TimeSpan.Zero);
        _f.Clock.Freeze(t0);
        var id = (await Store.RequestAsync(new DateOnly(2026, 12, 8), 2, "pool", "buffer low", 11, t0, default))!.Value;
        _f.Sim.Down = true; // number bought and chip registered, then the gateway fails
        Assert.Equal(1, await Worker.RunOnceAsync(default));
        Assert.Equal("pending", await StatusOf(id));
        var instance = await _f.Scalar<string>("SELECT instance FROM provision_requests WHERE id = @id", ("id", id));
        Assert.Equal("provisioned", await _f.Scalar<string>("SELECT status FROM chips WHERE instance = @i", ("i", instance)));

        _f.Sim.Down = false;
        _f.Clock.Freeze(t0.AddMinutes(5));
        Assert.Equal(1, await Worker.RunOnceAsync(default));
        Assert.Equal("done", await StatusOf(id));
        Assert.Equal(1, await _f.Scalar<long>("SELECT count(*) FROM chips WHERE instance = @i", ("i", instance)));
        Assert.Equal("pending", await _f.Scalar<string>("SELECT status FROM chips WHERE instance = @i", ("i", instance)));
        Assert.Single(_f.Sim.Created, i => i == instance);
        Assert.Equal(1, BoughtFor(id));
    }
}
