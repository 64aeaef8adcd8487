using System.Text.Json;
using Julia.Server.Tests.Infrastructure;
using Julia.Storage.Outbox;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Outbox;

/// <summary>Crashes as data: rows left in any state with back-dated claims, then what one pass does with them.</summary>
public class CrashAsDataTests(SendingFixture f, ITestOutputHelper output) : IClassFixture<SendingFixture>
{
    readonly bool _logged = f.Attach(output);

    async Task<long> LeasedMessageAsync(string key, TimeSpan leaseLeft, Guid token)
    {
        var now = f.Clock.GetUtcNow();
        return await f.Scalar<long>("""
            INSERT INTO messages (idempotency_key, contact, kind, text, status, attempts, next_attempt_at, expires_at, lease_owner, lease_token,
                                  lease_expires_at, created_at, updated_at)
            VALUES (@key, @contact, 'reply', 'deixada por um nó que caiu', 'sending', 1, @now, @now + interval '1 hour', 'dead-node', @token,
                    @lease, @now, @now)
            RETURNING id
            """, ("key", key), ("contact", f.NewContact()), ("now", now), ("token", token), ("lease", now + leaseLeft));
    }

    [Fact]
    public async Task An_expired_lease_is_reclaimed_and_sent()
    {
        await f.ChipAsync();
        var id = await LeasedMessageAsync("crash-expired", TimeSpan.FromSeconds(-1), Guid.NewGuid());
        var m = await Eventually.Until(() => f.AgentApi.GetMessageAsync(id), x => x.SentAt is not null, what: "the rescue");
        Assert.Equal(2, m.Attempts);
        Assert.Single(m.AttemptLog);
    }

    [Fact]
    public async Task A_live_lease_is_left_alone()
    {
        var token = Guid.NewGuid();
        var id = await LeasedMessageAsync("crash-live", TimeSpan.FromMinutes(5), token);
        await f.Host.Get<Julia.Server.Outbox.OutboxWorker>().RunOnceAsync(default);
        Assert.Equal(token, await f.Scalar<Guid>("SELECT lease_token FROM messages WHERE id = @id", ("id", id)));
        Assert.Equal("sending", await f.Scalar<string>("SELECT status FROM messages WHERE id = @id", ("id", id)));
    }

    [Fact]
    public async Task A_node_that_lost_its_lease_cannot_complete()
    {
        var id = await LeasedMessageAsync("crash-fenced", TimeSpan.FromMinutes(5), Guid.NewGuid());
        var store = f.Host.Get<OutboxStore>();
        var stale = (await store.GetAsync(id, default))! with { LeaseToken = Guid.NewGuid() };
        Assert.False(await store.FinishAsync(stale, "sent", null, "3EB0STALE", null, null, f.Clock.GetUtcNow(), default));
        Assert.False(await store.RequeueAsync(stale, f.Clock.GetUtcNow(), null, "x", null, true, f.Clock.GetUtcNow(), default));
        Assert.Equal("sending", await f.Scalar<string>("SELECT status FROM messages WHERE id = @id", ("id", id)));
        Assert.Equal(0L, await f.Scalar<long>("SELECT count(*) FROM message_events WHERE message_id = @id", ("id", id)));
    }

    [Fact]
    public async Task Unprocessable_events_are_dead_lettered_and_can_be_replayed()
    {
        var chip = await f.ChipAsync();
        // A stored event no chip owns (its chip row is gone): retrying cannot help.
        await f.Scalar<long>("""
            INSERT INTO inbox (dedupe_key, source, event, chip_id, payload, received_at, status, next_attempt_at)
            VALUES ('evo:upsert:orphan', 'evolution', 'messages.upsert', NULL, @payload::jsonb, @now, 'pending', @now) RETURNING id
            """, ("payload", EvolutionWebhook.Upsert(chip, f.NewContact(), "DEAD1", "hello")), ("now", f.Clock.GetUtcNow()));
        var http = f.Host.Http(await new Storage.Auth.ApiKeyStore(f.Db).CreateAsync("op", ["operator"], DateTimeOffset.UtcNow, default));
        var dead = await Eventually.Until(async () => JsonDocument.Parse(await http.GetStringAsync("v1/inbox/dead")).RootElement,
            d => d.GetArrayLength() > 0, what: "the dead letter");
        var item = dead.EnumerateArray().First();
        Assert.Contains("event without a chip", item.GetProperty("error").GetString());
        var id = item.GetProperty("id").GetInt64();

        Assert.Equal(200, (int)(await http.PostAsync($"v1/inbox/{id}/replay", null)).StatusCode);
        await Eventually.True(async () => await f.Scalar<string>("SELECT status FROM inbox WHERE id = @id", ("id", id)) == "dead"
                                          && await f.Scalar<int>("SELECT attempts FROM inbox WHERE id = @id", ("id", id)) == 1, what: "the replay");
        Assert.Equal(404, (int)(await http.PostAsync("v1/inbox/999999/replay", null)).StatusCode);
    }

    [Fact]
    public async Task An_abandoned_inbox_claim_is_taken_again()
    {
        var chip = await f.ChipAsync();
        var contact = f.NewContact();
        var payload = EvolutionWebhook.Upsert(chip, contact, "ABANDONED1", "oi");
        await f.Scalar<long>("""
            INSERT INTO inbox (dedupe_key, source, event, chip_id, payload, received_at, status, attempts, next_attempt_at, claim_token, claim_expires_at)
            VALUES ('evo:upsert:abandoned', 'evolution', 'messages.upsert', @chip, @payload::jsonb, @now, 'processing', 1, @now, gen_random_uuid(), @now - interval '1 second')
            RETURNING id
            """, ("chip", chip.Id), ("payload", payload), ("now", f.Clock.GetUtcNow()));
        await Eventually.True(async () => await f.Scalar<long>("SELECT count(*) FROM inbound WHERE contact = @c", ("c", contact)) == 1, what: "the abandoned event");
    }
}
