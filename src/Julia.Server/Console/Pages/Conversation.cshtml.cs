using Julia.Server.Contacts;
using Julia.Server.Http;
using Julia.Storage.Console;
using Julia.Storage.Contacts;
using Julia.Storage.Conversations;
using Microsoft.AspNetCore.Mvc;

namespace Julia.Server.ConsoleWeb.Pages;

/// <summary>A contact by phone: facts, sticky chip and migration, latest messages both ways; opt-out and opt-in through the contact's grain as the API
/// does.</summary>
public sealed class ConversationModel(ContactStore contacts, ConversationStore conversations, ConsoleQueries queries, IGrainFactory grains,
                                      OverrideStore overrides, Julia.Grains.Pool.PoolSettings settings,
                                      Julia.Grains.Clock time) : ConsolePage
{
    [BindProperty(SupportsGet = true)] public string? Phone { get; set; }
    public string? E164 { get; private set; }
    public Contact? Contact { get; private set; }
    public Conversation? Conversation { get; private set; }
    public List<ContactMessage> Messages { get; private set; } = [];
    public List<OverrideJson> Overrides { get; private set; } = [];
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Phone)) return;
        if (!Julia.Domain.Phones.Phone.TryParse(Phone, out var p))
        {
            Error = "invalid_phone: número inválido; use por exemplo +55 (11) 99999-0001.";
            return;
        }
        E164 = p.E164;
        Contact = await contacts.GetAsync(p.E164, ct);
        Conversation = await conversations.GetAsync(p.E164, ct);
        Messages = await queries.ContactMessagesAsync(p.E164, 50, ct);
        if (CanAct) Overrides = (await OverridesApi.List(p.E164, overrides, time, ct)).Result is Microsoft.AspNetCore.Http.HttpResults.Ok<List<OverrideJson>> ok
            ? ok.Value! : [];
    }

    /// <summary>Lift the frequency cap or the daily limit for this contact, as <c>POST /v1/contacts/{phone}/overrides</c>.</summary>
    public async Task<IActionResult> OnPostOverrideAsync(string? rule, string? reason, int? count, CancellationToken ct) =>
        Report(await OverridesApi.Create(Phone!, new OverrideRequest(rule, reason, null, count), User, overrides, settings, grains, time, ct),
            "Exceção registrada.", null, new { phone = Phone });

    public async Task<IActionResult> OnPostRevokeAsync(long id, string? reason, CancellationToken ct) =>
        Report(await OverridesApi.Revoke(Phone!, id, new RevokeOverrideRequest(reason), User, overrides, grains, time, ct),
            $"Exceção {id} revogada.", null, new { phone = Phone });

    public async Task<IActionResult> OnPostOptOutAsync(string? reason, CancellationToken ct)
    {
        // The same rule as opt-in: a person's reason, kept with the opt-out.
        IResult result = !Problems.IsValidReason(reason) ? Problems.ReasonRequired()
            : await ContactsApi.OptOut(Phone!, new OptOutRequest("console", reason!.Trim()), User, contacts, grains, ct);
        return Report(result, "Contato descadastrado em todos os números.", null, new { phone = Phone });
    }

    public async Task<IActionResult> OnPostOptInAsync(string? reason, CancellationToken ct) =>
        Report(await ContactsApi.OptIn(Phone!, new OptInRequest(reason), User, contacts, grains, ct), "Contato recadastrado.", null, new { phone = Phone });

    public string Show(string? e164) => Format.Phone(e164, IsAdmin);
}
