using System.Net;
using System.Text;
using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Http;

[Collection(SharedService.Name)]
public class HttpEdgeTests(ServiceFixture f, ITestOutputHelper output)
{
    readonly bool _logged = f.Attach(output);

    [Fact]
    public async Task No_key_is_401_and_wrong_scope_is_403_as_problem_json()
    {
        var none = await f.Host.Http().GetAsync("v1/chips");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Contains("\"code\":\"unauthorized\"", await none.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await f.Host.Http("jg_not-a-key").GetAsync("v1/chips")).StatusCode);
        var agent = await f.Host.Http(f.AgentKey).GetAsync("v1/chips");
        Assert.Equal(HttpStatusCode.Forbidden, agent.StatusCode);
        Assert.Equal("application/problem+json", agent.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await f.Host.Http(f.AdminKey).GetAsync("v1/chips")).StatusCode);
    }

    [Fact]
    public async Task Demo_keys_are_refused_outside_demo_mode() =>
        Assert.Equal(HttpStatusCode.Unauthorized, (await f.Host.Http("demo-admin-key").GetAsync("v1/chips")).StatusCode);

    [Fact]
    public async Task Body_over_64_KiB_is_413()
    {
        var big = "{\"reason\":\"" + new string('x', 70_000) + "\"}";
        var res = await f.Host.Http(f.OperatorKey).PostAsync("v1/pool/prospecting/pause", new StringContent(big, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, res.StatusCode);
        Assert.Contains("\"code\":\"payload_too_large\"", await res.Content.ReadAsStringAsync());
        Assert.False((await f.Operator.GetPoolAsync()).Gate.Tripped);
    }

    [Fact]
    public async Task Missing_body_and_wrong_media_type_are_4xx()
    {
        var http = f.Host.Http(f.OperatorKey);
        var empty = await http.PostAsync("v1/chips", new StringContent("", Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)empty.StatusCode);
        var text = await http.PostAsync("v1/chips", new StringContent("phone=1", Encoding.UTF8, "text/plain"));
        Assert.Equal(415, (int)text.StatusCode);
        Assert.Contains("unsupported_media_type", await text.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Pool_config_is_validated_and_saved()
    {
        var http = f.Host.Http(f.OperatorKey);
        var bad = await http.PutAsync("v1/pool/config", new StringContent("{\"caps\":{\"r1\":{\"perHour\":0,\"perDay\":10}}}", Encoding.UTF8, "application/json"));
        Assert.Equal(422, (int)bad.StatusCode);
        Assert.Contains("invalid_config", await bad.Content.ReadAsStringAsync());
        var badZone = await http.PutAsync("v1/pool/config", new StringContent("{\"window\":{\"timeZone\":\"Mars/Olympus\"}}", Encoding.UTF8, "application/json"));
        Assert.Equal(422, (int)badZone.StatusCode);

        var ok = await f.Operator.PutPoolConfigAsync(new { targets = new { activeMin = 2, activeMax = 4, readyMin = 1 }, window = new { start = "09:00:00", end = "17:00:00" } });
        Assert.Equal(2, ok.GetProperty("targets").GetProperty("activeMin").GetInt32());
        var pool = await f.Operator.GetPoolAsync();
        Assert.Equal("09:00:00", pool.Config.GetProperty("window").GetProperty("start").GetString());
        Assert.Equal(30, pool.Config.GetProperty("caps").GetProperty("operating").GetProperty("perHour").GetInt32()); // defaults kept
        Assert.Contains(await f.Operator.ListOperationsAsync(), o => o.Action == "pool_config_changed");
    }

    [Fact]
    public async Task Health_and_openapi_are_public()
    {
        var http = f.Host.Http();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("health/ready")).StatusCode);
        var doc = await http.GetStringAsync("openapi/v1.json");
        Assert.Contains("/v1/selections", doc);
        Assert.Contains("/v1/chips/{id}", doc);
    }
}
