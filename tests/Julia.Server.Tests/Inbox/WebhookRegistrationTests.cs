using System.Text.Json;
using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Inbox;

public class WebhookRegistrationTests(SendingFixture f, ITestOutputHelper output) : IClassFixture<SendingFixture>
{
    readonly bool _logged = f.Attach(output);

    [Fact]
    public async Task An_instance_refused_as_unknown_is_accepted_once_its_chip_is_registered()
    {
        var contact = f.NewContact();
        var early = new SendingFixture.TestChip(0, "late-chip", "late-token", "late-secret", "+5511977770001");
        var res = await f.Host.Http().SendAsync(EvolutionWebhook.Post(EvolutionWebhook.Upsert(early, contact, "LATE1", "oi"), early.Secret));
        Assert.Equal(401, (int)res.StatusCode);
        await Sql.Exec(f.Db, """
            INSERT INTO chips (phone, ddd, instance, instance_token, webhook_secret, status, connected, account_created_at, created_at, updated_at)
            VALUES ('+5511977770001', 11, 'late-chip', 'late-token', 'late-secret', 'active', true, now(), now(), now())
            """);
        res = await f.Host.Http().SendAsync(EvolutionWebhook.Post(EvolutionWebhook.Upsert(early, contact, "LATE1", "oi"), early.Secret));
        Assert.Equal(200, (int)res.StatusCode);
    }

    [Fact]
    public async Task Concurrent_webhooks_share_commits_and_each_is_answered_for_itself_even_one_carrying_a_NUL()
    {
        var chip = await f.ChipAsync();
        var run = Guid.NewGuid().ToString("N")[..8];
        // 30 distinct events, 6 of them sent twice in the same wave, and one whose text holds a NUL (valid JSON, refused by jsonb).
        var ids = Enumerable.Range(0, 30).Select(i => $"GC{run}{i}").ToList();
        var bodies = ids.Select(id => (id, body: EvolutionWebhook.Upsert(chip, f.NewContact(), id, "oi"))).ToList();
        bodies.AddRange(bodies.Take(6).ToList());
        bodies.Add(($"GC{run}nul", EvolutionWebhook.Upsert(chip, f.NewContact(), $"GC{run}nul", "antes\u0000depois")));

        async Task<(int Status, string Code)> Post(string body)
        {
            var res = await f.Host.Http().SendAsync(EvolutionWebhook.Post(body, chip.Secret));
            return ((int)res.StatusCode, JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString()!);
        }
        var answers = await Task.WhenAll(bodies.Select(async b => (b.id, answer: await Post(b.body))));
        Assert.All(answers, a => Assert.Equal(200, a.answer.Status));
        foreach (var group in answers.GroupBy(a => a.id))
            Assert.Equal(["stored", .. Enumerable.Repeat("duplicate", group.Count() - 1)], group.Select(a => a.answer.Code).Order(StringComparer.Ordinal).Reverse());
        Assert.Equal(31L, await f.Scalar<long>("SELECT count(*) FROM inbox WHERE payload -> 'data' -> 'key' ->> 'id' LIKE @p", ("p", $"GC{run}%")));
        Assert.Equal("antes\uFFFDdepois", await f.Scalar<string>("SELECT payload -> 'data' -> 'message' ->> 'conversation' FROM inbox WHERE payload -> 'data' -> 'key' ->> 'id' = @id", ("id", $"GC{run}nul")));
    }

    [Fact]
    public async Task A_literal_backslash_u0000_in_a_message_is_stored_as_the_doctor_wrote_it()
    {
        // In JSON "\\u0000" is a backslash followed by the text u0000, not a NUL: nothing to replace. A real NUL
        // after an escaped backslash ("\\\u0000") is still replaced.
        var chip = await f.ChipAsync();
        var id = "LIT" + Guid.NewGuid().ToString("N")[..8];
        var res = await f.Host.Http().SendAsync(EvolutionWebhook.Post(EvolutionWebhook.Upsert(chip, f.NewContact(), id, "a\\u0000b \\\u0000c"), chip.Secret));
        Assert.Equal(200, (int)res.StatusCode);
        Assert.Equal("a\\u0000b \\\uFFFDc", await f.Scalar<string>("SELECT payload -> 'data' -> 'message' ->> 'conversation' FROM inbox WHERE payload -> 'data' -> 'key' ->> 'id' = @id", ("id", id)));
    }
}
