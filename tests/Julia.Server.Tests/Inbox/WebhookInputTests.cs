using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Inbox;

/// <summary>Webhooks that can never succeed get a 4xx and change nothing; storage trouble gets a 503.</summary>
public class WebhookInputTests(SendingFixture f, ITestOutputHelper output) : IClassFixture<SendingFixture>
{
    readonly bool _logged = f.Attach(output);

    async Task<(int Status, string Code)> Post(string body, string? secret, string path = "webhooks/evolution", string? bearer = null)
    {
        var req = EvolutionWebhook.Post(body, secret, path);
        if (bearer is not null) req.Headers.Authorization = new("Bearer", bearer);
        var res = await f.Host.Http().SendAsync(req);
        var text = await res.Content.ReadAsStringAsync();
        string code = "";
        try { code = JsonDocument.Parse(text).RootElement.TryGetProperty("code", out var c) ? c.GetString()! : JsonDocument.Parse(text).RootElement.GetProperty("status").GetString()!; }
        catch (Exception) { }
        return ((int)res.StatusCode, code);
    }

    // What a webhook stores to be applied; what processing derives from it follows from these rows.
    // (Valid events we do not act on are kept too, as 'ignored' with the reason.)
    Task<long> Stored() => f.Scalar<long>("SELECT count(*) FROM inbox WHERE status <> 'ignored'");

    async Task<long> Derived()
    {
        await Eventually.True(async () => await f.Scalar<long>("SELECT count(*) FROM inbox WHERE status IN ('pending', 'processing')") == 0);
        return await f.Scalar<long>("SELECT (SELECT count(*) FROM inbound) + (SELECT count(*) FROM contacts) + (SELECT count(*) FROM messages)");
    }

    [Fact]
    public async Task Webhooks_authenticate_per_instance_and_a_refused_one_stores_nothing()
    {
        var chip = await f.ChipAsync();
        var contact = f.NewContact();
        var before = await Stored();
        Assert.Equal((401, "invalid_signature"), await Post(EvolutionWebhook.Upsert(chip, contact, "AUTH1", "x"), "wrong-secret"));
        Assert.Equal((401, "invalid_signature"), await Post(EvolutionWebhook.Upsert(chip, contact, "AUTH1", "x"), null));
        Assert.Equal((401, "invalid_apikey"), await Post(EvolutionWebhook.Upsert(chip, contact, "AUTH1", "x", apikey: "not-the-token"), chip.Secret));
        Assert.Equal((401, "invalid_signature"), await Post(EvolutionWebhook.Upsert(chip, contact, "AUTH1", "x"), null, bearer: "a.b.c"));
        var other = EvolutionWebhook.Upsert(chip, contact, "AUTH1", "x").Replace(chip.Instance, "no-such-instance");
        Assert.Equal((401, "unknown_instance"), await Post(other, chip.Secret));
        Assert.Equal(before, await Stored());
        // apikey null is allowed (Evolution sends it only when configured to)
        var nullKey = JsonNode.Parse(EvolutionWebhook.Upsert(chip, contact, "AUTH2", "x"))!;
        nullKey["apikey"] = null;
        Assert.Equal((200, "stored"), await Post(nullKey.ToJsonString(), chip.Secret));
    }

    [Fact]
    public async Task Unknown_events_and_groups_are_kept_as_ignored_and_never_applied()
    {
        var chip = await f.ChipAsync();
        var before = await Stored();
        var unknown = JsonSerializer.Serialize(new { @event = "presence.update", instance = chip.Instance, data = new { id = "x" } });
        Assert.Equal((200, "ignored"), await Post(unknown, chip.Secret));
        var group = EvolutionWebhook.Upsert(chip, f.NewContact(), "GRP1", "oi grupo").Replace("@s.whatsapp.net\",\"fromMe\"", "@g.us\",\"fromMe\"");
        Assert.Equal((200, "ignored"), await Post(group, chip.Secret));
        // The path and the body disagree: authentic and valid JSON, so kept as ignored (a 4xx would stop Evolution's retries for good).
        Assert.Equal((200, "ignored"), await Post(EvolutionWebhook.Upsert(chip, f.NewContact(), "PATH2", "x"), chip.Secret, "webhooks/evolution/connection-update"));
        Assert.Equal(before, await Stored());
        Assert.Equal(["event not used", "group, broadcast or channel", "the event in the path and in the body differ"],
            await Reasons(chip.Id));
        // the event may also come in the path (Evolution's webhook-by-events)
        Assert.Equal((200, "stored"), await Post(EvolutionWebhook.Upsert(chip, f.NewContact(), "PATH1", "x"), chip.Secret, "webhooks/evolution/messages-upsert"));
    }

    async Task<List<string>> Reasons(long chipId)
    {
        await using var cmd = f.Db.CreateCommand("SELECT error FROM inbox WHERE chip_id = @c AND status = 'ignored' ORDER BY id");
        cmd.Parameters.AddWithValue("c", chipId);
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add(r.GetString(0));
        return list;
    }

    [Fact]
    public async Task When_the_event_cannot_be_stored_the_answer_is_503_so_the_gateway_retries()
    {
        var chip = await f.ChipAsync();
        var body = EvolutionWebhook.Upsert(chip, f.NewContact(), "STORE503", "oi");
        await Sql.Exec(f.Db, "ALTER TABLE inbox RENAME TO inbox_away");
        try
        {
            Assert.Equal((503, "storage_unavailable"), await Post(body, chip.Secret));
        }
        finally { await Sql.Exec(f.Db, "ALTER TABLE inbox_away RENAME TO inbox"); }
        Assert.Equal((200, "stored"), await Post(body, chip.Secret)); // the retry is taken
    }

    [Fact]
    public async Task Body_over_1_MiB_is_413()
    {
        var chip = await f.ChipAsync();
        var big = EvolutionWebhook.Upsert(chip, f.NewContact(), "BIG", new string('a', 1_100_000));
        Assert.Equal(413, (await Post(big, chip.Secret)).Status);
    }

    [Fact]
    public async Task Fuzz_500_bad_bodies_get_4xx_or_are_ignored_and_change_nothing()
    {
        var chip = await f.ChipAsync();
        var good = JsonNode.Parse(EvolutionWebhook.Upsert(chip, f.NewContact(), "FUZZ", "ok"))!.AsObject();
        var update = JsonNode.Parse(JsonSerializer.Serialize(new { @event = "messages.update", instance = chip.Instance, data = new { keyId = "K", remoteJid = "5511@s.whatsapp.net", fromMe = true, status = "READ" } }))!.AsObject();
        var conn = JsonNode.Parse(JsonSerializer.Serialize(new { @event = "connection.update", instance = chip.Instance, data = new { state = "open", statusReason = 200 } }))!.AsObject();
        var rng = new Random(2026);
        JsonNode?[] junk = [null, 42, -1, 3.5, true, "", "x", JsonNode.Parse("[]"), JsonNode.Parse("{}"), JsonNode.Parse("[1,2]"), new string('z', 300)];
        var before = await Stored();
        var derived = await Derived();
        var statuses = new Dictionary<int, int>();
        for (int i = 0; i < 500; i++)
        {
            string body = (i % 10) switch
            {
                0 => RandomText(rng),                                            // not JSON at all
                1 => good.ToJsonString()[..rng.Next(1, good.ToJsonString().Length - 1)], // truncated
                _ => Mutate(rng, (i % 3) switch { 0 => good, 1 => update, _ => conn }, junk),
            };
            var (status, code) = await Post(body, chip.Secret);
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            // A 4xx, or, for authentic valid JSON that lacks what we need, 200 "ignored" (kept as ignored, never applied).
            Assert.True(status is >= 400 and < 500 || (status == 200 && code == "ignored"), $"body {i} got {status} {code}: {body[..Math.Min(200, body.Length)]}");
        }
        output.WriteLine(string.Join(", ", statuses.Select(kv => $"{kv.Key}: {kv.Value}")));
        Assert.Equal(before, await Stored());
        Assert.Equal(derived, await Derived());
        Assert.Equal("active", (await f.Operator.GetChipAsync(chip.Id)).Status);
    }

    static string RandomText(Random rng)
    {
        var bytes = new byte[rng.Next(1, 200)];
        rng.NextBytes(bytes);
        return Encoding.Latin1.GetString(bytes);
    }

    /// <summary>Breaks one field the processors rely on: removes it or gives it a wrong type.</summary>
    static string Mutate(Random rng, JsonObject template, JsonNode?[] junk)
    {
        var doc = template.DeepClone().AsObject();
        var paths = new List<(JsonObject Parent, string Key)>();
        void Walk(JsonObject o)
        {
            foreach (var (k, v) in o.ToList())
            {
                if (k is "pushName" or "messageType" or "apikey" or "remoteJid" or "fromMe" && o != doc["data"]) { }
                if (IsRequired(o, k, doc)) paths.Add((o, k));
                if (v is JsonObject child) Walk(child);
            }
        }
        Walk(doc);
        var (parent, key) = paths[rng.Next(paths.Count)];
        var original = parent[key];
        if (rng.Next(3) == 0) parent.Remove(key);
        else
        {
            JsonNode? replacement;
            do replacement = junk[rng.Next(junk.Length)]?.DeepClone(); while (JsonNode.DeepEquals(replacement, original) || SameKind(replacement, original));
            parent[key] = replacement;
        }
        return doc.ToJsonString();
    }

    // A flipped boolean is not a wrong type: fromMe true is our own message echoed back, read since issue 23 (it settles a send in doubt).
    static bool SameKind(JsonNode? a, JsonNode? b) =>
        a is JsonValue va && b is JsonValue vb && (va.GetValueKind() == vb.GetValueKind() || Boolean(va) && Boolean(vb))
        && !(va.GetValueKind() == JsonValueKind.String && (va.GetValue<string>() == "" || vb.GetValue<string>() is "open" or "READ"))
        && !(va.GetValueKind() == JsonValueKind.Number && double.Parse(va.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture) <= 0);

    static bool Boolean(JsonValue v) => v.GetValueKind() is JsonValueKind.True or JsonValueKind.False;

    // The fields whose absence or wrong type makes an event unusable (see EvolutionWebhook.Validate).
    static bool IsRequired(JsonObject o, string key, JsonObject doc)
    {
        if (o == doc) return key is "event" or "instance" or "data";
        var data = doc["data"] as JsonObject;
        var evt = doc["event"]!.GetValue<string>();
        if (o == data) return evt switch
        {
            "messages.upsert" => key is "key" or "messageTimestamp",
            "messages.update" => key is "keyId" or "status",
            _ => key is "state",
        };
        if (data is not null && o == data["key"]) return key is "remoteJid" or "id" or "fromMe";
        return false;
    }
}
