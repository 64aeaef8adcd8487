using System.Text.Json;
using System.Text.Json.Serialization;
using Julia.Server.Auth;
using Julia.Server.Pool;
using Julia.Server.Selection;
using Julia.Storage.Auth;
using Julia.Storage.Chips;
using Julia.Storage.Contacts;
using Julia.Storage.Conversations;
using Julia.Storage.Operations;
using Julia.Storage.Pool;
using Julia.Storage.Selection;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Julia.Server;

public static class Extensions
{
    /// <summary>Every service the HTTP API and the workers use, on one database.</summary>
    public static IServiceCollection AddJulia(this IServiceCollection services, Database.Database db, JuliaOptions options)
    {
        var node = options.NodeId ?? $"{Environment.MachineName}-{Environment.ProcessId}-{Random.Shared.Next(0x1000, 0xFFFF):x}";
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        services.AddSingleton(db);
        services.AddSingleton(db.DataSource);
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<ChipStore>();
        services.AddSingleton<ContactStore>();
        services.AddSingleton<ConversationStore>();
        services.AddSingleton<OperationStore>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton(sp => new SelectionStore(db.DataSource, node));
        services.AddSingleton(sp => new PoolStore(db.DataSource, sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<JsonOptions>>().Value.SerializerOptions));

        services.AddSingleton<ChipSnapshot>();
        services.AddSingleton<PoolSettings>();
        services.AddSingleton<SelectionService>();
        services.AddHostedService<ChangeListener>();

        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        });
        // Binding errors throw, so ErrorHandling can answer them as problem+json with a code.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        services.AddAuthentication(ApiKeyAuthHandler.SchemeName)
            .AddScheme<ApiKeyAuthOptions, ApiKeyAuthHandler>(ApiKeyAuthHandler.SchemeName, o => o.Demo = options.Demo);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Scopes.AgentPolicy, p => p.RequireClaim(Scopes.ClaimType, Scopes.Agent, Scopes.Admin))
            .AddPolicy(Scopes.OperatorPolicy, p => p.RequireClaim(Scopes.ClaimType, Scopes.Operator, Scopes.Admin))
            .AddPolicy(Scopes.AnyPolicy, p => p.RequireClaim(Scopes.ClaimType, Scopes.All));
        services.AddOpenApi();
        return services;
    }
}
