using Julia.Domain.Sending;
using Julia.Providers.Evolution;
using Julia.Simulator;

namespace Julia.Providers.Tests;

/// <summary>The real Evolution client against the simulator on loopback: retries, timeouts, classification.</summary>
public class EvolutionClientTests : IAsyncLifetime
{
    EvolutionSimulator _sim = null!;
    EvolutionClient _client = null!;
    static readonly GatewayTarget Chip = new("chip-1", "token-1");

    public async Task InitializeAsync()
    {
        _sim = await EvolutionSimulator.StartAsync(new SimulatorOptions { Receipts = false, ReplyProbability = 0 });
        _sim.AddInstance(new InstanceSpec("chip-1", "token-1", "secret-1", "+5511999990001"));
        // 2 s per attempt: a first, cold send on a machine busy with the other test assemblies once took over
        // 500 ms, was retried, and reached the simulator twice.
        var options = new EvolutionOptions { AttemptTimeout = TimeSpan.FromSeconds(2), Retries = 2, RetryBaseDelay = TimeSpan.FromMilliseconds(10) };
        _client = new EvolutionClient(new HttpClient { BaseAddress = _sim.BaseAddress }, options);
    }

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Sends_and_returns_the_gateway_message_id()
    {
        var r = await _client.SendTextAsync(Chip, "+5511988887777", "Olá", default);
        Assert.Equal(SendOutcome.Sent, r.Outcome);
        var sent = Assert.Single(_sim.Sent);
        Assert.Equal((r.MessageId, "5511988887777", "Olá"), (sent.MessageId, sent.Number, sent.Text));
    }

    [Fact]
    public async Task Server_errors_are_retried_then_transient()
    {
        _sim.SetFaults("chip-1", new Faults { ErrorRate = 1.0 });
        var r = await _client.SendTextAsync(Chip, "+5511988887777", "x", default);
        Assert.Equal((SendOutcome.Transient, SendConcern.Chip, "500"), (r.Outcome, r.Concerns, r.Code));
        Assert.Empty(_sim.Sent);
    }

    [Fact]
    public async Task Timeouts_are_classified_as_timeouts()
    {
        _sim.SetFaults("chip-1", new Faults { TimeoutRate = 1.0 });
        var r = await _client.SendTextAsync(Chip, "+5511988887777", "x", default);
        Assert.Equal(SendOutcome.Timeout, r.Outcome);
    }

    // Issue 23: a send that timed out was posted again (Evolution:Retries) and the gateway, once it answered, carried out both.
    [Fact]
    public async Task A_send_that_timed_out_is_not_posted_again()
    {
        _sim.SetFaults("chip-1", new Faults { AnswerLate = true });
        var r = await _client.SendTextAsync(Chip, "+5511988887777", "só uma vez", default);
        Assert.Equal(SendOutcome.Timeout, r.Outcome);
        Assert.Single(_sim.Sent);
    }

    [Fact]
    public async Task The_gateway_says_whether_a_text_went_to_a_contact_since_a_time()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        var sent = await _client.SendTextAsync(Chip, "+5511988887777", "Olá, Dra.", default);
        Assert.Equal(LookupAnswer.Sent, (await _client.FindSentAsync(Chip, "+5511988887777", "Olá, Dra.", since, default)).Answer);
        Assert.Equal(sent.MessageId, (await _client.FindSentAsync(Chip, "+5511988887777", "Olá, Dra.", since, default)).MessageId);
        Assert.Equal(LookupAnswer.NotSent, (await _client.FindSentAsync(Chip, "+5511988887777", "outro texto", since, default)).Answer);
        Assert.Equal(LookupAnswer.NotSent, (await _client.FindSentAsync(Chip, "+5511977776666", "Olá, Dra.", since, default)).Answer);
        Assert.Equal(LookupAnswer.NotSent, (await _client.FindSentAsync(Chip, "+5511988887777", "Olá, Dra.", since.AddMinutes(10), default)).Answer);

        _sim.SetFaults("chip-1", new Faults { LookupDown = true });
        var down = await _client.FindSentAsync(Chip, "+5511988887777", "Olá, Dra.", since, default);
        Assert.Equal((LookupAnswer.Unknown, "find messages answered 503"), (down.Answer, down.Detail));
    }

    [Fact]
    public async Task A_send_lost_before_the_gateway_processed_it_is_not_found()
    {
        _sim.SetFaults("chip-1", new Faults { TimeoutRate = 1.0 });
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        Assert.Equal(SendOutcome.Timeout, (await _client.SendTextAsync(Chip, "+5511988887777", "perdida", default)).Outcome);
        Assert.Equal(LookupAnswer.NotSent, (await _client.FindSentAsync(Chip, "+5511988887777", "perdida", since, default)).Answer);
    }

    // WhatsApp may address a Brazilian mobile without its ninth digit, or by LID with the phone beside it: still the contact.
    [Theory]
    [InlineData("551188887777@s.whatsapp.net", null, LookupAnswer.Sent)]
    [InlineData("61829374650192@lid", "5511988887777@s.whatsapp.net", LookupAnswer.Sent)]
    [InlineData("5511988887777@s.whatsapp.net", null, LookupAnswer.Sent)]
    [InlineData("5511977776666@s.whatsapp.net", null, LookupAnswer.NotSent)]
    public void The_contact_is_matched_however_WhatsApp_addressed_it(string remoteJid, string? remoteJidAlt, LookupAnswer answer)
    {
        var since = DateTimeOffset.FromUnixTimeSeconds(1_768_482_000);
        var alt = remoteJidAlt is null ? "" : $",\"remoteJidAlt\":\"{remoteJidAlt}\"";
        var body = $$$"""
            {"messages":{"total":1,"pages":1,"currentPage":1,"records":[{"id":"x","key":{"remoteJid":"{{{remoteJid}}}"{{{alt}}},"fromMe":true,"id":"3EB0AA"},
             "message":{"conversation":"Olá, Dra."},"messageTimestamp":1768482900}]}}
            """;
        Assert.Equal(answer, EvolutionLookup.Read(body, "+5511988887777", "Olá, Dra.", since, 1)!.Answer);
        Assert.Equal(LookupAnswer.Unknown, EvolutionLookup.Read("{}", "+5511988887777", "Olá, Dra.", since, 1)!.Answer);
    }

    [Fact]
    public async Task Wrong_token_is_a_permanent_chip_problem()
    {
        var r = await _client.SendTextAsync(Chip with { Token = "wrong" }, "+5511988887777", "x", default);
        Assert.Equal((SendOutcome.Permanent, SendConcern.Chip, "401"), (r.Outcome, r.Concerns, r.Code));
    }

    [Fact]
    public async Task Ban_and_rate_limit_signals()
    {
        _sim.SetFaults("chip-1", new Faults { Banned = true });
        Assert.Equal(SendOutcome.SpamRestriction, (await _client.SendTextAsync(Chip, "+5511988887777", "x", default)).Outcome);
        _sim.SetFaults("chip-1", new Faults { RateLimited = true });
        Assert.Equal(SendOutcome.RateLimited, (await _client.SendTextAsync(Chip, "+5511988887777", "x", default)).Outcome);
    }

    // Whether another number could do better is the send policy's to say; the client says what the answer is about.
    [Theory]
    [InlineData(429, "", SendOutcome.RateLimited, SendConcern.Chip)]
    [InlineData(403, "", SendOutcome.SpamRestriction, SendConcern.Chip)]
    [InlineData(400, "{\"message\":\"account banned\"}", SendOutcome.SpamRestriction, SendConcern.Chip)]
    [InlineData(500, "", SendOutcome.Transient, SendConcern.Chip)]
    [InlineData(408, "", SendOutcome.Transient, SendConcern.Chip)]
    [InlineData(401, "", SendOutcome.Permanent, SendConcern.Chip)]
    [InlineData(404, "", SendOutcome.Permanent, SendConcern.Chip)]
    [InlineData(400, "{\"exists\":false}", SendOutcome.Permanent, SendConcern.Contact)]
    [InlineData(400, "{\"status\":400,\"response\":{\"message\":[{\"exists\": false,\"number\":\"5511988887777\"}]}}", SendOutcome.Permanent, SendConcern.Contact)]
    [InlineData(400, "{\"status\":400,\"error\":\"Bad Request\"}", SendOutcome.Permanent, SendConcern.Message)]
    public void Classification(int status, string body, SendOutcome outcome, SendConcern concerns)
    {
        var r = EvolutionClient.Classify(status, body);
        Assert.Equal((outcome, concerns, status.ToString()), (r.Outcome, r.Concerns, r.Code));
    }
}
