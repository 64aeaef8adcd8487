using System.Text.Json;
using Julia.Providers.Meta;
using Julia.Providers.Webhooks;
using Julia.Simulator;

namespace Julia.Providers.Tests;

/// <summary>
/// A Meta number's standing read across Graph versions' shapes (the poll's GET and the quality webhook), and the simulator's
/// phone number GET, throughput, pair bucket and WABA restriction as the client sees them.
/// </summary>
public sealed class MetaStandingTests() : MetaSimTests(Number, clock => new MetaSimulatorOptions { Clock = clock, ThroughputPerSecond = 50 })
{
    static readonly MetaNumber Number = new("106540352242923", "EAAG-token-2", "5531900000002", "102290129340399");

    public static TheoryData<string, string, MetaPhoneStanding> Shapes => new()
    {
        {
            "v24+ with every field",
            """
            {"quality_rating":"GREEN","status":"CONNECTED","name_status":"APPROVED","throughput":{"level":"STANDARD"},
             "whatsapp_business_manager_messaging_limit":"TIER_2K","messaging_limit_tier":"TIER_1K",
             "health_status":{"can_send_message":"AVAILABLE","entities":[{"entity_type":"PHONE_NUMBER","id":"1","can_send_message":"AVAILABLE"}]},
             "id":"106540352242923"}
            """,
            new("GREEN", "AVAILABLE", null, "TIER_2K", 80, "CONNECTED")
        },
        {
            "RED: phone limited with additional_info, high throughput",
            """
            {"quality_rating":"RED","throughput":{"level":"HIGH"},"whatsapp_business_manager_messaging_limit":"TIER_UNLIMITED",
             "health_status":{"can_send_message":"LIMITED","entities":[
               {"entity_type":"PHONE_NUMBER","id":"1","can_send_message":"LIMITED","additional_info":["Quality is low."]},
               {"entity_type":"WABA","id":"2","can_send_message":"AVAILABLE"}]}}
            """,
            new("RED", "LIMITED", "PHONE_NUMBER LIMITED: Quality is low.", "TIER_UNLIMITED", 1000, null)
        },
        {
            "WABA blocked with an error; overall missing",
            """
            {"quality_rating":"YELLOW","health_status":{"entities":[
               {"entity_type":"PHONE_NUMBER","id":"1","can_send_message":"LIMITED","additional_info":["x"]},
               {"entity_type":"WABA","id":"2","can_send_message":"BLOCKED","errors":[{"error_code":141010,"error_description":"Restricted.",
                "possible_solution":"Appeal."}]}]}}
            """,
            new("YELLOW", "BLOCKED", "WABA BLOCKED 141010: Restricted.", null, null, null)
        },
        {
            "legacy: tier only in messaging_limit_tier, quality NA, throughput not applicable",
            """{"quality_rating":"NA","messaging_limit_tier":"TIER_1K","throughput":{"level":"NOT_APPLICABLE"},"status":"FLAGGED"}""",
            new("UNKNOWN", null, null, "TIER_1K", null, "FLAGGED")
        },
        {
            "older SDK shape: quality_score, numeric limit, NOT_SET legacy tier",
            """
            {"quality_score":{"score":"LOW"},"whatsapp_business_manager_messaging_limit":{"max_daily_conversations_per_business":2000},
             "messaging_limit_tier":"TIER_NOT_SET","health_status":{"can_send_message":"SOMETHING_NEW"}}
            """,
            new("RED", null, null, "TIER_2K", null, null)
        },
        {
            "wrong types are absent, not errors",
            """{"quality_rating":5,"health_status":"AVAILABLE","throughput":7,"messaging_limit_tier":-1}""",
            new(null, null, null, "TIER_UNLIMITED", null, null)
        },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_poll_reads_every_shape(string what, string body, MetaPhoneStanding expected)
    {
        Assert.True(expected == MetaStandingJson.Parse(body), $"{what}: {MetaStandingJson.Parse(body)}");
    }

    [Theory]
    [InlineData("TIER_250", "TIER_250")]
    [InlineData("TIER_2K", "TIER_2K")]
    [InlineData("2000", "TIER_2K")]
    [InlineData("250", "TIER_250")]
    [InlineData("-1", "TIER_UNLIMITED")]
    [InlineData("UNLIMITED", "TIER_UNLIMITED")]
    [InlineData("TIER_NOT_SET", null)]
    [InlineData("0", null)]
    [InlineData("", null)]
    public void Tiers_are_kept_as_the_column_takes_them(string given, string? tier) => Assert.Equal(tier, MetaStandingJson.Tier(given));

    [Theory]
    [InlineData("""{"display_phone_number":"5531900000002","event":"FLAGGED","current_limit":"TIER_10K"}""", "RED", "TIER_10K", null, true)]
    [InlineData("""{"display_phone_number":"5531900000002","event":"THROUGHPUT_UPGRADE"}""", null, null, 1000, false)]
    [InlineData("""{"display_phone_number":"5531900000002","event":"ONBOARDING","max_daily_conversations_per_business":"TIER_250"}""", null, "TIER_250",
        null, false)]
    [InlineData("""{"display_phone_number":"5531900000002","event":"DOWNGRADE","current_limit":"TIER_1K","old_limit":"TIER_10K"}""", null, "TIER_1K",
        null, true)]
    public void The_quality_webhook_is_a_standing_report(string value, string? quality, string? limit, int? throughput, bool pollSoon)
    {
        using var doc = JsonDocument.Parse(value);
        var r = Assert.IsType<StandingReported>(MetaStandingJson.QualityUpdate(doc.RootElement));
        Assert.Equal((quality, limit, throughput, pollSoon, (string?)null), (r.Quality, r.MessagingLimit, r.ThroughputPerSecond, r.PollSoon, r.Health));
    }

    [Fact]
    public async Task The_simulator_s_number_reports_what_the_test_set()
    {
        var s = await Client.GetStandingAsync(From, default);
        Assert.Equal(new MetaPhoneStanding("GREEN", "AVAILABLE", null, "TIER_250", 80, "CONNECTED"), s);
        Sim.SetQuality(Number.PhoneNumberId, "RED");
        Sim.SetTier(Number.PhoneNumberId, "TIER_10K");
        Sim.SetThroughput(Number.PhoneNumberId, "HIGH");
        s = await Client.GetStandingAsync(From, default);
        Assert.Equal(("RED", "LIMITED", "TIER_10K", 1000), (s.Quality, s.Health, s.MessagingLimit, s.ThroughputPerSecond));
        await Sim.RestrictWabaAsync(Number.WabaId, Clock.Now.AddHours(24)); // no webhook URL here: the state alone
        s = await Client.GetStandingAsync(From, default);
        Assert.Equal("BLOCKED", s.Health);
        Assert.StartsWith("WABA BLOCKED", s.HealthDetail, StringComparison.Ordinal);
        var refused = await Client.SendAsync(From, new MetaOutgoing("+5531988887777", 1, Text: "oi"), default);
        Assert.Equal("368", refused.Code);
        Clock.Now = Clock.Now.AddHours(24);
        Assert.Equal("LIMITED", (await Client.GetStandingAsync(From, default)).Health); // the restriction is over; quality is still RED
    }

    [Fact]
    public async Task A_revoked_token_is_190_on_the_standing_too()
    {
        Sim.ExpireToken(Number.PhoneNumberId);
        var e = await Assert.ThrowsAsync<ProviderException>(() => Client.GetStandingAsync(From, default));
        Assert.Equal((401, true), (e.Status, e.Permanent));
        Assert.Contains("code 190", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throughput_and_the_pair_bucket_answer_with_meta_s_codes()
    {
        // Throughput of 50 per second in this simulator: the 51st in the same second is 130429.
        for (int i = 0; i < 50; i++)
            Assert.Null((await Client.SendAsync(From, new MetaOutgoing($"+55319888{i:D5}", i, Text: "m"), default)).Code);
        Assert.Equal("130429", (await Client.SendAsync(From, new MetaOutgoing("+5531988881111", 99, Text: "x"), default)).Code);
        // The next second: a burst of 45 to one doctor borrows the pair bucket; the 46th is 131056 until one refills (6 s).
        Clock.Now = Clock.Now.AddSeconds(1);
        for (int i = 0; i < 45; i++)
            Assert.Null((await Client.SendAsync(From, new MetaOutgoing("+5531988880000", 100 + i, Text: "m"), default)).Code);
        Assert.Equal("131056", (await Client.SendAsync(From, new MetaOutgoing("+5531988880000", 200, Text: "again"), default)).Code);
        Clock.Now = Clock.Now.AddSeconds(6);
        Assert.Null((await Client.SendAsync(From, new MetaOutgoing("+5531988880000", 201, Text: "later"), default)).Code);
        Assert.Equal("131056", (await Client.SendAsync(From, new MetaOutgoing("+5531988880000", 202, Text: "too soon"), default)).Code);
    }

    [Fact]
    public async Task Red_upgrade_and_disable_answer_as_meta_does()
    {
        // RED with p = 1: a business-initiated send (no window open) fails 131048; a reply inside the window goes.
        Sim.Options.RedSpamProbability = 1;
        Sim.SetQuality(Number.PhoneNumberId, "RED");
        Assert.Equal("131048", (await Client.SendAsync(From, new MetaOutgoing("+5531988887777", 1, Text: "oferta"), default)).Code);
        await Sim.DoctorSaysAsync(Number.PhoneNumberId, "5531988886666", "oi"); // no webhook URL: the window alone
        Assert.Null((await Client.SendAsync(From, new MetaOutgoing("+5531988886666", 2, Text: "resposta"), default)).Code);

        // A throughput upgrade: 131057 for a minute, then HIGH.
        await Sim.UpgradeThroughputAsync(Number.PhoneNumberId);
        Assert.Equal("131057", (await Client.SendAsync(From, new MetaOutgoing("+5531988886666", 3, Text: "x"), default)).Code);
        Clock.Now = Clock.Now.AddSeconds(60);
        Assert.Null((await Client.SendAsync(From, new MetaOutgoing("+5531988886666", 4, Text: "y"), default)).Code);
        Assert.Equal(1000, (await Client.GetStandingAsync(From, default)).ThroughputPerSecond);

        // A disabled WABA: 131031 on every send, health BLOCKED.
        await Sim.DisableWabaAsync(Number.WabaId);
        Assert.Equal("131031", (await Client.SendAsync(From, new MetaOutgoing("+5531988886666", 5, Text: "z"), default)).Code);
        Assert.Equal("BLOCKED", (await Client.GetStandingAsync(From, default)).Health);
    }
}
