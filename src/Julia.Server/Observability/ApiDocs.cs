using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Julia.Server.Observability;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, completed by one document transformer so the endpoint files
/// stay as they are: a summary and a body example for every operation (<see cref="ApiDescriptions"/>), the bearer
/// scheme (and which operations need it), and every
/// error each operation may answer as problem+json with its stable <c>code</c>s (the codes listed per feature in
/// <see cref="ApiErrors"/>, plus those every endpoint shares). Browsable at <c>/docs</c> (Scalar).
/// </summary>
public static class ApiDocs
{
    public const string Bearer = "bearer";

    public static IServiceCollection AddJuliaApiDocs(this IServiceCollection services)
    {
        // Options are per document name; "v1" is the document AddOpenApi() made.
        services.Configure<OpenApiOptions>("v1", o => o.AddDocumentTransformer((doc, _, _) =>
        {
            Complete(doc);
            return Task.CompletedTask;
        }));
        return services;
    }

    public static IEndpointRouteBuilder MapJuliaApiDocs(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs", o => o
                .WithTitle("Julia Grains API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .AddPreferredSecuritySchemes(Bearer))
            .AllowAnonymous();
        return app;
    }

    internal static void Complete(OpenApiDocument doc)
    {
        doc.Info ??= new OpenApiInfo();
        doc.Info.Title = "Julia Grains";
        doc.Info.Description = """
            The pool of WhatsApp numbers Julia sends from. Authenticate with `Authorization: Bearer <key>`; a key has
            the scopes agent, operator or admin. Every error is RFC 9457 problem+json with a stable `code`: branch on the
            code, not on the title or detail. 503 answers carry Retry-After.
            """;
        doc.Components ??= new OpenApiComponents();
        doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        doc.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API key (`julia create-key`), scopes agent, operator, admin. Webhooks use their gateway's authentication instead.",
        };
        foreach (var (path, item) in doc.Paths)
        {
            if (item.Operations is null) continue;
            foreach (var (method, op) in item.Operations)
            {
                var verb = method.Method.ToUpperInvariant();
                var described = ApiDescriptions.For(verb, path);
                op.Summary ??= described?.Summary;
                if (described is not null && ApiDescriptions.Example(described) is { } example)
                {
                    // Webhooks read their body themselves, so the document has none for them until now.
                    op.RequestBody ??= new OpenApiRequestBody { Required = true, Content = new Dictionary<string, OpenApiMediaType>() };
                    var content = op.RequestBody.Content!;
                    if (!content.TryGetValue("application/json", out var media))
                        content["application/json"] = media = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } };
                    media.Example = example;
                }
                if (!path.StartsWith("/v1", StringComparison.Ordinal)) continue;
                op.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, doc)] = [] }];
                op.Responses ??= new OpenApiResponses();
                foreach (var (status, codes) in ApiErrors.For(verb, path))
                    op.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Problem(status, codes);
                op.Description = (op.Description is { Length: > 0 } d ? d + "\n\n" : "") + "Errors (problem+json `code`): " +
                    string.Join("; ", ApiErrors.For(verb, path).Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")) + ".";
            }
        }
    }

    static OpenApiResponse Problem(int status, IReadOnlyList<string> codes) => new()
    {
        Description = $"problem+json; code one of: {string.Join(", ", codes)}",
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new()
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { "status", "code" },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                        ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. codes.Select(c => (JsonNode)JsonValue.Create(c))] },
                    },
                },
                Example = new JsonObject
                {
                    ["type"] = $"https://julia-grains/problems/{codes[0]}",
                    ["title"] = Title(status),
                    ["status"] = status,
                    ["code"] = codes[0],
                },
            },
        },
    };

    static string Title(int status) => status switch
    {
        400 => "The request could not be read.",
        401 => "Authentication required.",
        403 => "This key's scope does not allow this.",
        404 => "Not found.",
        409 => "The current state does not allow this.",
        422 => "The request is not valid.",
        _ => "The service is busy; try again shortly.",
    };
}
