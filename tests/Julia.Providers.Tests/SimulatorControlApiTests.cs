using Julia.Domain.Sending;
using Julia.Providers.Evolution;
using Julia.Simulator;

namespace Julia.Providers.Tests;

public class SimulatorControlApiTests
{
    [Fact]
    public async Task Faults_and_instances_can_be_set_over_http()
    {
        await using var sim = await EvolutionSimulator.StartAsync(new SimulatorOptions { Receipts = false, ReplyProbability = 0 });
        using var http = new HttpClient { BaseAddress = sim.BaseAddress };
        Assert.True((await http.PostAsync("control/instances", Json("""{"name":"c1","token":"t1","webhookSecret":"s1","phone":"+5511999990001"}"""))).IsSuccessStatusCode);
        var state = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "instance/connectionState/c1") { Headers = { { "apikey", "t1" } } });
        Assert.Contains("\"open\"", await state.Content.ReadAsStringAsync());
        Assert.True((await http.PostAsync("control/instances/c1/faults", Json("""{"banned":true}"""))).IsSuccessStatusCode);
        var client = new EvolutionClient(new HttpClient { BaseAddress = sim.BaseAddress }, new EvolutionOptions { Retries = 0 });
        Assert.Equal(SendOutcome.SpamRestriction, (await client.SendTextAsync(new GatewayTarget("c1", "t1"), "+5511988887777", "x", default)).Outcome);
        Assert.True((await http.PostAsync("control/instances/c1/faults", Json("{}"))).IsSuccessStatusCode);
        Assert.Equal(SendOutcome.Sent, (await client.SendTextAsync(new GatewayTarget("c1", "t1"), "+5511988887777", "x", default)).Outcome);
        Assert.Contains("\"sent\":1", await http.GetStringAsync("control/stats"));
    }

    static StringContent Json(string s) => new(s, System.Text.Encoding.UTF8, "application/json");
}
