using Julia.Grains;
using Julia.Grains.Chips;
using Julia.Grains.Pool;
using Julia.Server.Tests.Infrastructure;
using Julia.Storage.Auth;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Pool;

/// <summary>
/// The pool runs itself over a month of simulated time on one node: new numbers ramp up day by day on genuine
/// traffic and reach ready; an active number whose contacts block it degrades and is replaced in the same
/// cycle, its conversations moving to the new number with the announcement owed; a ban signal trips the gate
/// and nothing is bought to replace the banned number; an operator resumes.
/// </summary>
public class PoolManagerTests(ITestOutputHelper output)
{
    // Day 0 is a Monday; ticks at 00:30, 06:30, 12:30 and 18:30 UTC cross the São Paulo midnight (03:00 UTC) each day.
    static readonly DateTimeOffset Day0 = new(2026, 11, 2, 0, 30, 0, TimeSpan.Zero);

    sealed class Pool(TestHost host, NpgsqlDataSource db, ManualClock clock)
    {
        public IPoolGrain Grain => host.Get<IGrainFactory>().GetGrain<IPoolGrain>(Names.Pool);
        public DateTimeOffset Now => clock.GetUtcNow();
        int _n;

        /// <summary>One cycle at the clock's minute (the node's own reminder may have run it first: the state is what counts).</summary>
        public Task TickAsync() => Grain.TickAsync(Now);

        public Task<T> Scalar<T>(string sql, params (string, object?)[] args) => Sql.Scalar<T>(db, sql, args);
        public Task Exec(string sql, params (string, object?)[] args) => Sql.Exec(db, sql, args);
        public Task<string> StatusAsync(long chip) => Scalar<string>("SELECT status FROM chips WHERE id = @id", ("id", chip));

        /// <summary>A doctor writes to the chip and is answered; the answer is delivered (genuine, bidirectional traffic).</summary>
        public async Task ConversationAsync(long chip)
        {
            var contact = $"+55119{Interlocked.Increment(ref _n) + 70000000:00000000}";
            var key = $"pm-{chip}-{_n}";
            await Exec("""
                INSERT INTO inbound (chip_id, contact, provider_message_id, text, intent, sent_at, received_at, forward_next_at, forward_status)
                VALUES (@chip, @c, @k, 'Oi, tenho interesse', 'none', @now - interval '5 minutes', @now - interval '5 minutes', @now, 'disabled')
                """, ("chip", chip), ("c", contact), ("k", key), ("now", Now));
            await Exec("""
                INSERT INTO messages (idempotency_key, contact, kind, text, status, chip_id, provider_message_id, next_attempt_at, expires_at,
                                      created_at, updated_at, sent_at, delivered_at)
                VALUES (@k, @c, 'reply', 'Olá!', 'delivered', @chip, @k, @now, @now, @now, @now, @now - interval '4 minutes', @now - interval '3 minutes')
                """, ("k", key), ("c", contact), ("chip", chip), ("now", Now));
        }
    }

    [Fact]
    public async Task A_month_of_the_pool_running_itself()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("pool_month");
        var clock = new ManualClock(Day0);
        await using var host = await TestHost.Builder().OnDatabase(cs).Clock(clock).Output(output).StartAsync();
        await using var db = NpgsqlDataSource.Create(cs);
        var keys = new ApiKeyStore(db);
        var op = host.Client(await keys.CreateAsync("operator", ["operator"], DateTimeOffset.UtcNow, default));
        var agent = host.Client(await keys.CreateAsync("agent", ["agent"], DateTimeOffset.UtcNow, default));
        var pool = new Pool(host, db, clock);
        await op.PutPoolConfigAsync(new { targets = new { activeMin = 1, activeMax = 2, readyMin = 1, rampupBuffer = 0 } });

        // One active number, two new ones starting ramp-up today (one gets traffic, one stays silent).
        long active = await Seed.ChipAsync(db, Day0, "active", trust: 70, ddd: 11);
        long fresh = await Seed.ChipAsync(db, Day0, "rampup", trust: 30, ddd: 11, stage: 1);
        long silent = await Seed.ChipAsync(db, Day0, "rampup", trust: 30, ddd: 21, stage: 1);
        await pool.Exec("UPDATE chips SET rampup_started_at = @now, connection_changed_at = @now WHERE id IN (@a, @b, @c)",
            ("now", Day0), ("a", active), ("b", fresh), ("c", silent));
        // Doctors in conversation with the active number; one of them opted out (never moved).
        var doctors = Enumerable.Range(1, 4).Select(i => $"+551197300{i:0000}").ToList();
        foreach (var d in doctors)
        {
            await Seed.ContactAsync(db, d, Day0);
            await pool.Exec("INSERT INTO conversations (contact, chip_id, started_at, updated_at) VALUES (@c, @chip, @now, @now)", ("c", d), ("chip", active), ("now", Day0));
        }
        await pool.Exec("UPDATE contacts SET opted_out_at = @now, opted_out_source = 'test' WHERE phone = @p", ("now", Day0), ("p", doctors[3]));

        var stages = new List<(int Day, int Stage)>();
        int readyOn = -1;
        for (int day = 0; day <= 22; day++)
        {
            for (int q = 0; q < 4; q++)
            {
                clock.Set(Day0.AddDays(day).AddHours(6 * q));
                if (q == 2) for (int i = 0; i < 3; i++) await pool.ConversationAsync(fresh);
                await pool.TickAsync();
            }
            stages.Add((day, await pool.Scalar<short>("SELECT rampup_stage FROM chips WHERE id = @id", ("id", fresh))));
            if (readyOn < 0 && await pool.StatusAsync(fresh) == "ready") readyOn = day;
            if (day == 5)
            {
                // Operators see where a new number stands and what it still needs.
                var json = System.Text.Json.JsonDocument.Parse(await op.Http.GetStringAsync($"v1/chips/{fresh}")).RootElement.GetProperty("rampup");
                Assert.Equal(("r2", 5), (json.GetProperty("stage").GetString(), json.GetProperty("day").GetInt32()));
                Assert.Equal(["day 7 (now day 5)"], json.GetProperty("needs").EnumerateArray().Select(n => n.GetString()));
                Assert.True(json.GetProperty("sentInStage").GetInt32() >= 6);
            }
        }
        output.WriteLine(string.Join(" ", stages.Select(s => $"d{s.Day}:R{s.Stage}")));
        // Stages advance on days 3, 7, 14 and 21 (each evaluated once per São Paulo day), and the chip is ready on day 21.
        Assert.Equal([1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 5, 5], stages.Select(s => s.Stage));
        Assert.Equal(21, readyOn);
        Assert.Equal(1L, await pool.Scalar<long>("SELECT count(*) FROM rampup_log WHERE chip_id = @id AND day = '2026-11-10'", ("id", fresh)));
        // The silent number advanced its stages (nothing against it) but has no trust to show for it: still ramping up.
        Assert.Equal("rampup", await pool.StatusAsync(silent));
        Assert.True(await pool.Scalar<short>("SELECT trust_score FROM chips WHERE id = @id", ("id", silent)) < 85);
        Assert.Equal("active", await pool.StatusAsync(active));

        // Day 23: the active number's contacts block it, its sends fail and go undelivered.
        clock.Set(Day0.AddDays(23).AddHours(12));
        var now = pool.Now;
        for (int i = 0; i < 10; i++)
            await pool.Exec("""
                INSERT INTO messages (idempotency_key, contact, kind, text, status, chip_id, next_attempt_at, expires_at, created_at, updated_at, sent_at)
                VALUES (@k, @c, 'prospecting', 't', 'sent', @chip, @now, @now, @now, @now, @now - interval '2 hours')
                """, ("k", $"bad-{i}"), ("c", $"+551197400{i:0000}"), ("chip", active), ("now", now));
        var failed = await pool.Scalar<long>("SELECT id FROM messages WHERE idempotency_key = 'bad-0'");
        for (int i = 0; i < 5; i++)
            await pool.Exec("INSERT INTO message_attempts (message_id, chip_id, lease_token, started_at, finished_at, outcome) VALUES (@m, @chip, gen_random_uuid(), @at, @at, 'transient')",
                ("m", failed), ("chip", active), ("at", now.AddMinutes(-30)));
        for (int i = 0; i < 3; i++)
            await pool.Exec("INSERT INTO chip_signals (chip_id, at, kind) VALUES (@chip, @at, 'blocked')", ("chip", active), ("at", now.AddMinutes(-20)));

        // One cycle: the trust pass lowers it, the manager demotes it and promotes the ready number, and the conversations move.
        await pool.TickAsync();
        Assert.Equal("degraded", await pool.StatusAsync(active));
        Assert.Equal("active", await pool.StatusAsync(fresh));
        foreach (var d in doctors[..3])
        {
            var conv = await agent.GetConversationAsync(d);
            Assert.Equal((fresh, (long?)active, true), (conv.ChipId, conv.MigratedFrom, conv.AnnouncementPending));
        }
        Assert.Equal(active, (await agent.GetConversationAsync(doctors[3])).ChipId); // opted out: stays
        var ops = await op.ListOperationsAsync(limit: 200);
        Assert.Contains(ops, o => o is { Actor: "pool-manager", Action: "chip_demoted", ToStatus: "degraded" } && o.ChipId == active);
        Assert.Contains(ops, o => o is { Actor: "pool-manager", Action: "chip_promoted", ToStatus: "active" } && o.ChipId == fresh);
        Assert.Contains(ops, o => o is { Actor: "pool-manager", Action: "chip_rampup_done", ToStatus: "ready" } && o.ChipId == fresh);
        Assert.Contains(ops, o => o is { Actor: "pool-manager", Action: "conversations_migrated" } && o.ChipId == active);
        Assert.Equal(4, ops.Count(o => o.Action == "chip_stage_changed" && o.ChipId == fresh));

        // Day 24: a ban signal on the new active number. The gate trips, prospecting stops pool-wide, and nothing is bought.
        // (The signal comes before buying is switched on: the node's own reminder may run a pass at any moment, and one
        // between the two would buy numbers the gate was not yet there to hold.)
        clock.Set(Day0.AddDays(24).AddHours(13));
        await host.Get<IGrainFactory>().GetGrain<IChipGrain>(fresh).ApplyRestrictionAsync("account restricted for spam", pool.Now);
        await op.PutPoolConfigAsync(new { targets = new { activeMin = 1, activeMax = 2, readyMin = 1, rampupBuffer = 5, autoProvision = true } });
        Assert.Equal("paused", await pool.StatusAsync(fresh));
        await Seed.ContactAsync(db, "+5511973009999", pool.Now);
        var refused = await Assert.ThrowsAsync<Julia.Client.JuliaApiException>(() => agent.SelectAsync("+5511973009999", "prospecting"));
        Assert.Equal("prospecting_paused", refused.Code);
        var pass = await pool.Grain.RunManagerAsync(pool.Now);
        Assert.Equal(0, pass.ProvisionRequested);
        Assert.Equal("the quality gate is tripped", pass.ProvisionHeld);
        Assert.Equal(1L, await pool.Scalar<long>("SELECT count(*) FROM alerts WHERE kind = 'gate_tripped'"));
        Assert.Equal(0L, await pool.Scalar<long>("SELECT count(*) FROM provision_requests"));

        // An operator resumes with a reason; even then, nothing is bought for a day after the restriction.
        await op.ResumeProspectingAsync("reviewed the ban: one number, appeal filed");
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("a restriction signal in the last 24 h", (await pool.Grain.RunManagerAsync(pool.Now)).ProvisionHeld);
        Assert.False((await op.GetPoolAsync()).Gate.Tripped);
        Assert.Equal(0L, await pool.Scalar<long>("SELECT count(*) FROM provision_requests"));

        // Two days on, with the gate healthy, the buffer is refilled by provisioning: at most two numbers a São Paulo day.
        clock.Set(Day0.AddDays(26).AddHours(2).AddMinutes(20)); // 02:50 UTC: 23:50 in São Paulo
        var refill = await pool.Grain.RunManagerAsync(pool.Now);
        output.WriteLine($"refill: {refill.ProvisionRequested} requested, held: {refill.ProvisionHeld}, moves: {string.Join("; ", refill.Moves)}");
        Assert.Equal(2, refill.ProvisionRequested);
        clock.Advance(TimeSpan.FromMinutes(5));
        var held = await pool.Grain.RunManagerAsync(pool.Now);
        Assert.Equal((0, "today's maximum of 2 reached"), (held.ProvisionRequested, held.ProvisionHeld));
        clock.Advance(TimeSpan.FromMinutes(10)); // 00:05 the next São Paulo day: two more, the two on their way counted toward the buffer
        Assert.Equal(2, (await pool.Grain.RunManagerAsync(pool.Now)).ProvisionRequested);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, (await pool.Grain.RunManagerAsync(pool.Now)).ProvisionRequested); // the buffer is full with those on their way
        Assert.Equal(4L, await pool.Scalar<long>("SELECT count(*) FROM provision_requests WHERE requested_by = 'pool-manager'"));
    }

    [Fact]
    public async Task Pool_targets_that_cannot_hold_are_refused_naming_the_field()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("pool_targets");
        await using var host = await TestHost.Builder().OnDatabase(cs).Clock(new ManualClock(Day0)).Output(output).StartAsync();
        await using var db = NpgsqlDataSource.Create(cs);
        var http = host.Http(await new ApiKeyStore(db).CreateAsync("operator", ["operator"], DateTimeOffset.UtcNow, default));
        foreach (var (body, field) in new[]
        {
            ("{\"targets\":{\"activeMin\":6,\"activeMax\":5}}", "targets.activeMax"),
            ("{\"targets\":{\"readyMin\":-1}}", "targets.readyMin"),
            ("{\"targets\":{\"activeMin\":0,\"activeMax\":0}}", "targets.activeMax"),
            ("{\"caps\":{\"r2\":{\"perHour\":0,\"perDay\":0}}}", "caps.r2"),
        })
        {
            var r = await http.PutAsync("v1/pool/config", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            var text = await r.Content.ReadAsStringAsync();
            Assert.True(422 == (int)r.StatusCode, text);
            Assert.Contains("\"invalid_config\"", text);
            Assert.Contains($"\"{field}\"", text);
        }
        Assert.Equal("{}", await Sql.Scalar<string>(db, "SELECT config::text FROM pool_config")); // nothing stored
    }
}
