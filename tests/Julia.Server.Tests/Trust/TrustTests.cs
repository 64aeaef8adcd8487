using Julia.Domain.Trust;
using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Trust;

public class TrustTests(ServiceFixture f, ITestOutputHelper output) : IClassFixture<ServiceFixture>
{
    readonly bool _logged = f.Attach(output);

    [Fact]
    public async Task Trust_is_computed_from_stored_events()
    {
        var now = f.Clock.GetUtcNow();
        var chip = await f.ChipAsync(trust: 50); // account 60 days old, operating
        // 10 contacts messaged in the last 7 days, 9 delivered; 4 answered; 1 opted out; 2 errors today; an old send outside the window.
        for (int i = 1; i <= 10; i++)
            await f.Exec("""
                INSERT INTO messages (idempotency_key, contact, kind, text, status, chip_id, provider_message_id, next_attempt_at, expires_at,
                                      created_at, updated_at, sent_at, delivered_at)
                VALUES (@k, @c, 'followup', 't', 'sent', @chip, @k, @now, @now, @now, @now, @now - interval '1 day', CASE WHEN @i <= 9 THEN @now END)
                """, ("k", $"trust-{chip}-{i}"), ("c", $"+551197100{i:0000}"), ("chip", chip), ("now", now), ("i", i));
        await f.Exec("""
            INSERT INTO messages (idempotency_key, contact, kind, text, status, chip_id, next_attempt_at, expires_at, created_at, updated_at, sent_at)
            VALUES (@k, '+5511971009999', 'followup', 't', 'sent', @chip, @now, @now, @now, @now, @now - interval '8 days')
            """, ("k", $"trust-{chip}-old"), ("chip", chip), ("now", now));
        for (int i = 1; i <= 4; i++)
            await f.Exec("""
                INSERT INTO inbound (chip_id, contact, provider_message_id, text, intent, sent_at, received_at, forward_next_at)
                VALUES (@chip, @c, @id, 'oi', 'none', @now, @now, @now)
                """, ("chip", chip), ("c", $"+551197100{i:0000}"), ("id", $"in-{chip}-{i}"), ("now", now));
        await f.Exec("INSERT INTO chip_signals (chip_id, at, kind) VALUES (@chip, @now - interval '2 days', 'opt_out')", ("chip", chip), ("now", now));
        var msg = await f.Scalar<long>("SELECT id FROM messages WHERE idempotency_key = @k", ("k", $"trust-{chip}-1"));
        for (int i = 0; i < 2; i++)
            await f.Exec("""
                INSERT INTO message_attempts (message_id, chip_id, lease_token, started_at, finished_at, outcome)
                VALUES (@m, @chip, gen_random_uuid(), @at, @at, 'transient')
                """, ("m", msg), ("chip", chip), ("at", now.AddHours(-3)));

        var worker = f.Host.Get<Julia.Server.Trust.TrustWorker>();
        Assert.Equal(1, await worker.RecomputeAsync([chip], "test", default));

        var expected = TrustScore.Compute(new TrustInputs(60, 0.4, 0.9, 4, 0.125, RampStage.Operating, 0.1, 2, false));
        var trust = await f.Operator.GetTrustAsync(chip);
        Assert.Equal(expected.Score, trust.Score);
        var factors = trust.History[0].Factors;
        Assert.Equal("test", trust.History[0].Cause);
        Assert.Equal(expected.Factors.ResponseRate, factors.GetProperty("responseRate").GetDouble(), 3);
        Assert.Equal(expected.Factors.DeliveryRate, factors.GetProperty("deliveryRate").GetDouble(), 3);
        Assert.Equal(-20, factors.GetProperty("blockOptOutPenalty").GetDouble(), 3);
        Assert.Equal(-4, factors.GetProperty("errorPenalty").GetDouble(), 3);

        // Nothing changed: no new history row.
        Assert.Equal(0, await worker.RecomputeAsync([chip], "test", default));

        // A spam signal caps the score at 39.
        await f.Exec("INSERT INTO chip_signals (chip_id, at, kind) VALUES (@chip, @now, 'spam_restriction')", ("chip", chip), ("now", now));
        await worker.RecomputeAsync([chip], "test", default);
        Assert.True((await f.Operator.GetChipAsync(chip)).TrustScore <= 39);
    }
}
