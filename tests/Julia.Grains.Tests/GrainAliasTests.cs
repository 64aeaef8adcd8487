using System.Reflection;
using Julia.Grains.Chips;
using Julia.Grains.Connections;
using Julia.Grains.Conversations;
using Julia.Grains.Pool;

namespace Julia.Grains.Tests;

/// <summary>
/// A grain method's [Alias] is its id on the wire: nodes of the previous release call it by that id during a rolling
/// upgrade, so a method may be renamed (issue 21 renamed BreakerAsync, TrustAsync, ConnectionAsync, ActAsync,
/// ManageAsync and others to verbs) but its alias never changes, and every method has one. A method added later adds
/// its alias to this list.
/// </summary>
public class GrainAliasTests
{
    static readonly Dictionary<Type, string[]> Pinned = new()
    {
        [typeof(IChipGrain)] =
        [
            "4ACB023E", "9913CB06", "F092E213", "ReportSendAsync", "1149A66D", "FA2101B2", "24A6B029", "0E65BE46", "F5152205",
            "RegisterAsync", "InstanceReadyAsync", "KeepQrAsync", "ReviewRampupAsync", "ReconcileConnectionAsync", "ApplyStandingAsync",
        ],
        [typeof(IPoolGrain)] = ["F6F385A9", "975CCA5A", "5DBBAB06", "7C88A70E", "6D840704", "D2F192A8", "13A65FF3", "7E37D448", "D4814612"],
        [typeof(IConversationGrain)] = ["EEC0BBB7", "ReceiveAsync", "B799B8BB", "56D53F88", "9FE88B05", "7C363D3F", "1A8E32F4", "569C60B5",
            "SelectMessageAsync", "SetMarketingOptOutAsync", "CloseMetaWindowAsync"],
        [typeof(Julia.Grains.Meta.IPortfolioGrain)] = ["TryReachAsync"],
        [typeof(IConnectionHealthGrain)] = ["StartAsync", "RunAsync", "LastPassAsync"],
    };

    [Fact]
    public void Every_grain_method_keeps_the_alias_the_previous_release_calls_it_by()
    {
        foreach (var (grain, aliases) in Pinned)
        {
            var methods = grain.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);
            foreach (var m in methods)
                Assert.True(m.GetCustomAttribute<AliasAttribute>() is not null, $"{grain.Name}.{m.Name} has no [Alias]");
            Assert.Equal(aliases.Order(), methods.Select(m => m.GetCustomAttribute<AliasAttribute>()!.Alias).Order());
        }
    }
}
