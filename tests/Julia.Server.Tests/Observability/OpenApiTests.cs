using System.Text.Json;
using Julia.Server.Observability;
using Julia.Server.Tests.Infrastructure;
using Microsoft.OpenApi;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Observability;

[Collection(SharedService.Name)]
public class OpenApiTests(ServiceFixture f, ITestOutputHelper output)
{
    readonly bool _logged = f.Attach(output);

    [Fact]
    public async Task Every_operation_has_a_summary_and_body_example_and_every_v1_one_its_problem_codes_and_the_bearer_scheme()
    {
        var doc = JsonDocument.Parse(await f.Host.Http().GetStringAsync("openapi/v1.json")).RootElement;
        Assert.StartsWith("3.", doc.GetProperty("openapi").GetString());
        var scheme = doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());

        int operations = 0;
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
            foreach (var op in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "delete" or "patch"))
            {
                Assert.False(string.IsNullOrWhiteSpace(op.Value.GetProperty("summary").GetString()), $"{op.Name} {path.Name} has no summary");
                Assert.True(ApiDescriptions.For(op.Name.ToUpperInvariant(), path.Name) is not null, $"{op.Name} {path.Name} is not in ApiDescriptions");
                if (op.Value.TryGetProperty("requestBody", out var body))
                {
                    var media = body.GetProperty("content").GetProperty("application/json");
                    Assert.True(media.TryGetProperty("example", out var example), $"{op.Name} {path.Name} has a body but no example");
                    // An example names only fields the body has (a renamed field would leave the example behind).
                    if (media.GetProperty("schema").TryGetProperty("$ref", out var reference))
                    {
                        var schema = doc.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1]);
                        foreach (var field in example.EnumerateObject())
                            Assert.True(schema.GetProperty("properties").TryGetProperty(field.Name, out _), $"{op.Name} {path.Name}: the example's {field.Name} is not a field");
                    }
                }
                if (!path.Name.StartsWith("/v1")) continue;
                operations++;
                var problems = op.Value.GetProperty("responses").EnumerateObject()
                    .Where(r => r.Name.StartsWith('4') && r.Value.TryGetProperty("content", out var c) && c.TryGetProperty("application/problem+json", out _))
                    .ToList();
                Assert.True(problems.Count > 0, $"{op.Name} {path.Name} lists no 4xx problem+json");
                foreach (var r in problems)
                {
                    var codes = r.Value.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema")
                        .GetProperty("properties").GetProperty("code").GetProperty("enum");
                    Assert.True(codes.GetArrayLength() > 0, $"{op.Name} {path.Name} {r.Name} names no code");
                }
                Assert.True(op.Value.TryGetProperty("security", out _), $"{op.Name} {path.Name} declares no security");
            }
        Assert.True(operations > 20, $"only {operations} /v1 operations");

        // conversationId was accepted and ignored; the request bodies no longer publish it.
        foreach (var (method, path) in new[] { ("post", "/v1/selections"), ("post", "/v1/messages") })
        {
            var media = doc.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("requestBody").GetProperty("content").GetProperty("application/json");
            var name = media.GetProperty("schema").GetProperty("$ref").GetString()!.Split('/')[^1];
            var fields = doc.GetProperty("components").GetProperty("schemas").GetProperty(name).GetProperty("properties");
            Assert.True(fields.TryGetProperty("contact", out _), $"{method} {path}: {name} has no contact");
            Assert.False(fields.TryGetProperty("conversationId", out _), $"{method} {path}: {name} still publishes conversationId");
        }

        // The selection refusals an agent branches on are documented where it selects.
        var select = doc.GetProperty("paths").GetProperty("/v1/selections").GetProperty("post").GetProperty("responses");
        Assert.Contains("no_eligible_chip", select.GetProperty("409").ToString());
        Assert.Contains("contact_opted_out", select.GetProperty("422").ToString());
    }

    [Fact]
    public async Task The_document_reads_back_without_errors_under_the_OpenAPI_rules()
    {
        var json = await f.Host.Http().GetStringAsync("openapi/v1.json");
        var read = OpenApiDocument.Parse(json, "json");
        Assert.Empty(read.Diagnostic?.Errors ?? []);
        var doc = read.Document!;
        Assert.Empty(doc.Validate(ValidationRuleSet.GetDefaultRuleSet()) ?? []);
        // The examples are the API's own shapes: a selection's example names a contact and a kind.
        var select = doc.Paths["/v1/selections"].Operations![HttpMethod.Post].RequestBody!.Content!["application/json"].Example!;
        Assert.Equal("prospecting", select["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_docs_page_answers_html()
    {
        var res = await f.Host.Http().GetAsync("docs");
        Assert.Equal(200, (int)res.StatusCode);
        Assert.Equal("text/html", res.Content.Headers.ContentType!.MediaType);
    }
}
