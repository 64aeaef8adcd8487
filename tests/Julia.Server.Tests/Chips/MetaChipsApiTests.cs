using System.Net.Http.Json;
using System.Text.Json;
using Julia.Providers.Meta;
using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Chips;

/// <summary>
/// Registering a chip on Meta's Cloud API: its keys are kept (the token and app secret as secrets, never shown), the Graph
/// version defaults to v26.0 and none below v24.0 is taken, and its webhooks route to it at once, signed with its own app secret.
/// </summary>
public class MetaChipsApiTests(SendingFixture f, ITestOutputHelper output) : IClassFixture<SendingFixture>
{
    readonly bool _logged = f.Attach(output);
    static int _n;

    async Task<(int Status, JsonElement Body)> RegisterAsync(object body)
    {
        var key = await new Julia.Storage.Auth.ApiKeyStore(f.Db).CreateAsync("op", ["operator"], DateTimeOffset.UtcNow, default);
        var res = await f.Host.Http(key).PostAsJsonAsync("v1/chips", body);
        return ((int)res.StatusCode, JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement);
    }

    static (string Phone, string Pnid, string Waba) Next()
    {
        var n = Interlocked.Increment(ref _n);
        return ($"+553199876{n:0000}", $"10654035224{n:0000}", $"10229012934{n:0000}");
    }

    [Fact]
    public async Task The_client_registers_a_meta_chip_and_reads_its_keys_back_without_secrets()
    {
        var (phone, pnid, waba) = Next();
        var chip = await f.Operator.RegisterChipAsync(Julia.Client.RegisterChip.ForMeta(phone, "EAAG-client-token",
            new Julia.Client.MetaKeys(pnid, waba, "120000000000002", "client-app-secret", "v24.0"), status: "active"));
        Assert.Equal(("meta", pnid, "active"), (chip.Provider, chip.Instance, chip.Status));
        Assert.Equal(new Julia.Client.MetaChip(pnid, phone[1..], waba, "120000000000002", "v24.0", HasAppSecret: true), chip.Meta);
        Assert.Equal(chip.Meta, (await f.Operator.GetChipAsync(chip.Id)).Meta);

        var old = await Assert.ThrowsAsync<Julia.Client.JuliaApiException>(() => f.Operator.RegisterChipAsync(Julia.Client.RegisterChip.ForMeta(
            Next().Phone, "t", new Julia.Client.MetaKeys(Next().Pnid, waba, GraphVersion: "v23.0"))));
        Assert.Equal((422, "invalid_graph_version"), (old.Status, old.Code));
    }

    [Fact]
    public async Task A_meta_chip_is_registered_with_its_keys_and_no_secret_shown()
    {
        var (phone, pnid, waba) = Next();
        var (status, chip) = await RegisterAsync(new
        {
            phone,
            provider = "meta",
            instanceToken = "EAAG-system-user-token",
            status = "active",
            meta = new { phoneNumberId = pnid, wabaId = waba, portfolioId = "120000000000001", appSecret = "chip-app-secret" },
        });
        Assert.Equal(201, status);
        Assert.Equal(("meta", pnid), (chip.GetProperty("provider").GetString(), chip.GetProperty("instance").GetString()));
        var meta = chip.GetProperty("meta");
        Assert.Equal((pnid, phone[1..], waba, "v26.0", true), (meta.GetProperty("phoneNumberId").GetString(), meta.GetProperty("displayNumber").GetString(),
            meta.GetProperty("wabaId").GetString(), meta.GetProperty("graphVersion").GetString(), meta.GetProperty("hasAppSecret").GetBoolean()));
        Assert.DoesNotContain("chip-app-secret", chip.GetRawText());
        Assert.DoesNotContain("EAAG-system-user-token", chip.GetRawText());
        Assert.Equal("chip-app-secret", await f.Scalar<string>("SELECT app_secret FROM meta_chips WHERE phone_number_id = @p", ("p", pnid)));

        // Its webhooks route to it at once, signed with its own app secret.
        var body = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", "meta", "v24-messages.text.json"))
            .Replace("__PNID__", pnid).Replace("__DISPLAY__", phone[1..]).Replace("__WABA__", waba).Replace("__UID__", "REG" + pnid);
        var res = await f.Host.Http().SendAsync(Inbox.MetaPayloadReplayTests.Post(body, secret: "chip-app-secret"));
        Assert.Equal(200, (int)res.StatusCode);
        var id = chip.GetProperty("id").GetInt64();
        await Eventually.True(async () => await f.Scalar<long>("SELECT count(*) FROM inbound WHERE chip_id = @c", ("c", id)) == 1);
    }

    [Theory]
    [InlineData("v23.0", "invalid_graph_version")]
    [InlineData("latest", "invalid_graph_version")]
    [InlineData(null, null)]
    [InlineData("v24.0", null)]
    [InlineData("25", null)]
    public async Task The_graph_version_defaults_to_the_current_one_and_none_below_v24_is_taken(string? version, string? code)
    {
        var (phone, pnid, waba) = Next();
        var (status, body) = await RegisterAsync(new { phone, provider = "meta", meta = new { phoneNumberId = pnid, wabaId = waba, graphVersion = version } });
        if (code is null)
        {
            Assert.Equal(201, status);
            Assert.Equal(MetaGraphVersion.Read(version).Version, body.GetProperty("meta").GetProperty("graphVersion").GetString());
        }
        else
        {
            Assert.Equal((422, code), (status, body.GetProperty("code").GetString()));
            Assert.Equal(0L, await f.Scalar<long>("SELECT count(*) FROM chips WHERE instance = @p", ("p", pnid)));
        }
    }

    [Fact]
    public async Task A_meta_chip_without_its_keys_is_refused()
    {
        var (phone, pnid, _) = Next();
        Assert.Equal((422, "invalid_meta"), Code(await RegisterAsync(new { phone, provider = "meta" })));
        Assert.Equal((422, "invalid_waba_id"), Code(await RegisterAsync(new { phone, provider = "meta", meta = new { phoneNumberId = pnid } })));
        Assert.Equal((422, "invalid_meta"), Code(await RegisterAsync(new { phone, provider = "evolution", instance = "x", meta = new { phoneNumberId = pnid, wabaId = "1" } })));
        Assert.Equal((422, "invalid_instance"), Code(await RegisterAsync(new { phone, provider = "meta", instance = "other", meta = new { phoneNumberId = pnid, wabaId = "1" } })));
    }

    static (int, string?) Code((int Status, JsonElement Body) r) => (r.Status, r.Body.GetProperty("code").GetString());
}
