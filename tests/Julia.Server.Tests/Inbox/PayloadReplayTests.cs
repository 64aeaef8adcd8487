using System.Text.Json;
using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Inbox;

/// <summary>
/// Replays every webhook body in <c>Payloads/evolution</c> (shapes Evolution v1.7 to v2.3.7 really send,
/// see <c>Payloads/README.md</c>) and checks what became of each, as <c>Payloads/expected.json</c> says.
/// A valid, authentic body for a known instance is always answered 200.
/// </summary>
public class PayloadReplayTests(SendingFixture f, ITestOutputHelper output) : IClassFixture<SendingFixture>
{
    readonly bool _logged = f.Attach(output);
    static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Payloads");

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Dir, "evolution"), "*.json").Order()) data.Add(Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void Every_payload_has_an_expectation()
    {
        var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "expected.json"))).RootElement;
        var files = Directory.GetFiles(Path.Combine(Dir, "evolution"), "*.json").Select(f => Path.GetFileName(f)!).Order().ToList();
        Assert.True(files.Count >= 30, $"only {files.Count} payloads");
        Assert.Equal(files, expected.EnumerateObject().Select(p => p.Name).Order().ToList());
    }

    [Theory, MemberData(nameof(Files))]
    public async Task Each_recorded_payload_gets_its_expected_answer_and_effect(string file)
    {
        var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "expected.json"))).RootElement.GetProperty(file);
        var chip = await f.ChipAsync();
        var uid = Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
        var body = File.ReadAllText(Path.Combine(Dir, "evolution", file))
            .Replace("__INSTANCE__", chip.Instance).Replace("__APIKEY__", chip.Token).Replace("__CHIP__", chip.Phone[1..]).Replace("__UID__", uid);

        var res = await f.Host.Http().SendAsync(EvolutionWebhook.Post(body, chip.Secret));
        var answer = await res.Content.ReadAsStringAsync();
        Assert.True(expected.GetProperty("status").GetInt32() == (int)res.StatusCode, $"{file}: {(int)res.StatusCode} {answer}");

        // What became of it, once the inbox worker is done with it.
        // (A receipt for a message we never sent waits a little for the send to be recorded: one try is enough to see it kept.)
        var status = await Eventually.Until(() => f.Scalar<string>("""
            SELECT CASE WHEN status = 'pending' AND attempts > 0 THEN 'waiting' ELSE status END FROM inbox WHERE chip_id = @c ORDER BY id DESC LIMIT 1
            """, ("c", chip.Id)), s => s is not ("pending" or "processing"), what: $"{file} to be processed");
        var error = await f.Scalar<object>("SELECT error FROM inbox WHERE chip_id = @c ORDER BY id DESC LIMIT 1", ("c", chip.Id));
        output.WriteLine($"{file}: {status} {error}");
        switch (expected.GetProperty("outcome").GetString())
        {
            case "inbound":
                Assert.Equal("applied", status);
                var contact = await f.Scalar<string>("SELECT contact FROM inbound WHERE chip_id = @c AND provider_message_id LIKE '%' || @u || '%'", ("c", chip.Id), ("u", uid));
                Assert.True(Domain.Phones.Phone.TryParse(contact, out var parsed) && parsed.E164 == contact, contact);
                if (file.Contains("12digit")) Assert.Equal(14, contact.Length); // the ninth digit put back
                break;
            case "receipt":
                // Read as a receipt: it names a message this test never sent, so it waits for the send to be recorded.
                Assert.Equal(("waiting", "no recorded send with this id yet"), (status, error as string));
                break;
            case "connection":
            case "stored":
            case "own": // our own send echoed back: it settles a send in doubt; this test sent none, so nothing changes
                Assert.Equal("applied", status);
                break;
            case "held":
                Assert.Equal("held", status);
                break;
            case "ignored":
                Assert.Equal("ignored", status);
                Assert.NotNull(error);
                break;
            default:
                Assert.Fail($"unknown outcome in expected.json for {file}");
                break;
        }
    }
}
