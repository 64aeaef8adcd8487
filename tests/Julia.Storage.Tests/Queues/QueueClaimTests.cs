using Julia.Storage.Inbox;
using Julia.Storage.Outbox;
using Npgsql;

namespace Julia.Storage.Tests.Queues;

/// <summary>
/// The queues' claims on their own: expired claims first, then what is due, oldest first; never what is
/// not yet due or still leased; never more than asked; and a second claim takes the next ones.
/// </summary>
public class QueueClaimTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero); // 00:00 in São Paulo

    [Fact]
    public async Task The_outbox_claims_expired_leases_first_then_the_oldest_due_and_no_more_than_asked()
    {
        await using var db = NpgsqlDataSource.Create(await TestPostgres.CreateDatabaseAsync("claim_outbox"));
        async Task<long> Message(string key, string status, TimeSpan due, TimeSpan? leaseLeft = null) =>
            await Sql.Scalar<long>(db, """
                INSERT INTO messages (idempotency_key, contact, kind, text, status, next_attempt_at, expires_at, lease_owner, lease_token,
                                      lease_expires_at, created_at, updated_at)
                VALUES (@key, '+5511987650000', 'reply', 'oi', @status, @due, @now + interval '1 day',
                        CASE WHEN @status = 'sending' THEN 'other-node' END, CASE WHEN @status = 'sending' THEN gen_random_uuid() END,
                        @lease, @now, @now)
                RETURNING id
                """, ("key", key), ("status", status), ("due", Now + due), ("now", Now),
                ("lease", leaseLeft is { } l ? Now + l : (object)DBNull.Value));

        var late = await Message("late", "queued", TimeSpan.FromMinutes(-1));
        var early = await Message("early", "queued", TimeSpan.FromMinutes(-5));
        var middle = await Message("middle", "queued", TimeSpan.FromMinutes(-3));
        await Message("future", "queued", TimeSpan.FromSeconds(1));
        var expired = await Message("expired", "sending", TimeSpan.FromMinutes(-1), leaseLeft: TimeSpan.FromSeconds(-1));
        await Message("leased", "sending", TimeSpan.FromMinutes(-10), leaseLeft: TimeSpan.FromSeconds(30));

        var store = new OutboxStore(db, "this-node");
        var first = await store.ClaimAsync(3, TimeSpan.FromSeconds(30), Now, default);
        Assert.Equal(new[] { expired, early, middle }.Order(), first.Select(c => c.Message.Id).Order());
        Assert.True(first.Single(c => c.Message.Id == expired).Rescued);
        Assert.All(first.Where(c => c.Message.Id != expired), c => Assert.False(c.Rescued));

        var second = await store.ClaimAsync(3, TimeSpan.FromSeconds(30), Now, default);
        Assert.Equal([late], second.Select(c => c.Message.Id));
        Assert.Empty(await store.ClaimAsync(3, TimeSpan.FromSeconds(30), Now, default));
        Assert.Equal(4L, await Sql.Scalar<long>(db, "SELECT count(*) FROM messages WHERE lease_owner = 'this-node'"));
    }

    [Fact]
    public async Task The_inbox_claims_expired_claims_and_pending_events_in_arrival_order()
    {
        await using var db = NpgsqlDataSource.Create(await TestPostgres.CreateDatabaseAsync("claim_inbox"));
        async Task<long> Event(string status, TimeSpan due, TimeSpan? claimLeft = null) =>
            await Sql.Scalar<long>(db, """
                INSERT INTO inbox (source, event, dedupe_key, payload, status, next_attempt_at, claim_token, claim_expires_at, received_at)
                VALUES ('evolution', 'messages.update', gen_random_uuid()::text, '{}', @status, @due,
                        CASE WHEN @status = 'processing' THEN gen_random_uuid() END, @claim, @now)
                RETURNING id
                """, ("status", status), ("due", Now + due), ("now", Now), ("claim", claimLeft is { } l ? Now + l : (object)DBNull.Value));

        var a = await Event("pending", TimeSpan.FromMinutes(-1));
        await Event("pending", TimeSpan.FromMinutes(1)); // backing off after a failure
        var b = await Event("pending", TimeSpan.FromMinutes(-10));
        var stuck = await Event("processing", TimeSpan.FromMinutes(-20), claimLeft: TimeSpan.FromSeconds(-1));
        await Event("processing", TimeSpan.FromMinutes(-20), claimLeft: TimeSpan.FromSeconds(30));
        var c = await Event("pending", TimeSpan.Zero);

        var store = new InboxStore(db);
        var first = await store.ClaimAsync(3, TimeSpan.FromSeconds(30), Now, default);
        Assert.Equal(new[] { a, b, stuck }.Order(), first.Select(i => i.Id).Order());
        var second = await store.ClaimAsync(3, TimeSpan.FromSeconds(30), Now, default);
        Assert.Equal([c], second.Select(i => i.Id));
    }
}
