using Julia.Client;
using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Contacts;

public class ContactsApiTests(ServiceFixture f, ITestOutputHelper output) : IClassFixture<ServiceFixture>
{
    readonly bool _logged = f.Attach(output);

    [Fact]
    public async Task Lawful_basis_is_recorded_with_its_source()
    {
        var c = await f.Agent.PutContactAsync("(31) 98765-4321", "consent", "form on site, 2026-11-01", "Dra. Ana");
        Assert.Equal(("+5531987654321", 31, "consent", "form on site, 2026-11-01", "Dra. Ana"), (c.Phone, c.Ddd, c.LawfulBasis, c.LawfulBasisSource, c.Name));
        var again = await f.Agent.GetContactAsync("5531987654321");
        Assert.Equal(c.LawfulBasisAt, again.LawfulBasisAt);
        Assert.Contains(await f.Admin.ListOperationsAsync(), o => o.Action == "lawful_basis_recorded" && o.Contact == "+5531987654321");
    }

    [Fact]
    public async Task Bad_basis_or_phone_changes_nothing()
    {
        Assert.Equal("invalid_lawful_basis", (await Assert.ThrowsAsync<JuliaApiException>(() => f.Agent.PutContactAsync("31987650001", "because", "x"))).Code);
        Assert.Equal("source_required", (await Assert.ThrowsAsync<JuliaApiException>(() => f.Agent.PutContactAsync("31987650001", "consent", ""))).Code);
        Assert.Equal("invalid_phone", (await Assert.ThrowsAsync<JuliaApiException>(() => f.Agent.PutContactAsync("not-a-phone", "consent", "x"))).Code);
        Assert.Equal(404, (await Assert.ThrowsAsync<JuliaApiException>(() => f.Agent.GetContactAsync("31987650001"))).Status);
    }

    [Fact]
    public async Task Opt_out_is_remembered_for_unknown_contacts_and_opt_in_needs_a_reason()
    {
        var phone = "+5541987650002";
        var out1 = await f.Agent.OptOutAsync(phone, "email to support");
        Assert.True(out1.OptedOut);
        Assert.Equal("email to support", out1.OptedOutSource);
        Assert.Equal(out1.OptedOutAt, (await f.Agent.OptOutAsync(phone)).OptedOutAt); // first opt-out time kept

        var e = await Assert.ThrowsAsync<JuliaApiException>(() => f.Operator.OptInAsync(phone, ""));
        Assert.Equal((422, "reason_required"), (e.Status, e.Code));
        Assert.True((await f.Agent.GetContactAsync(phone)).OptedOut);

        var back = await f.Operator.OptInAsync(phone, "doctor asked by phone to hear from us again");
        Assert.False(back.OptedOut);
        Assert.NotNull(back.OptedInAt);
        Assert.Equal(404, (await Assert.ThrowsAsync<JuliaApiException>(() => f.Operator.OptInAsync("+5541987650009", "x"))).Status);
    }

    [Fact]
    public async Task Conversation_404_before_any_selection() =>
        Assert.Equal("conversation_not_found", (await Assert.ThrowsAsync<JuliaApiException>(() => f.Agent.GetConversationAsync("+5541987650003"))).Code);
}
