using Julia.Domain.Contacts;
using Julia.Domain.Meta;
using Julia.Domain.Phones;
using Julia.Domain.Selection;
using Julia.Storage.Contacts;
using Julia.Storage.Conversations;
using Julia.Storage.Inbox;
using Julia.Storage.Meta;
using Orleans.Placement;

namespace Julia.Grains.Conversations;

/// <summary>
/// One contact. Its state (<see cref="ContactState"/>) is read from the tables when the grain activates and
/// then kept by the grain, because every change to it comes through here: selections (the sticky chip, the
/// business messages counted by the frequency cap), inbound messages and their keywords (applied with the
/// message in one write: see <see cref="KeywordEffect"/>), opt-out, opt-in and the lawful basis.
/// Each change is written before it is acknowledged and before the copy moves; when a write's outcome is in
/// doubt the copy is dropped and read again on the next call. Placed on the node that first calls it, which
/// is the node that took the request.
/// </summary>
[PreferLocalPlacement]
public sealed class ConversationGrain(Selector selector, ConversationStore conversations, ContactStore contacts, InboundStore inbound, OverrideStore overrides,
                                      MetaContactStore metaContacts, Clock time) : Grain, IConversationGrain
{
    static readonly TimeSpan CapWindow = TimeSpan.FromDays(ContactLimits.MaxDays);
    static readonly IReadOnlySet<long> NoChips = System.Collections.Frozen.FrozenSet<long>.Empty;
    ContactState? _state;
    Phone? _contact;

    Phone Contact => _contact ??= Phone.Parse(this.GetPrimaryKeyString());

    public Task<SelectAnswer> SelectAsync(string kind, IReadOnlyList<long> excludeChips) => SelectMessageAsync(kind, excludeChips, null);

    /// <remarks>
    /// <see cref="Changing{T}"/> written out in place: the hottest call keeps one async frame (each frame that waits costs a
    /// continuation, a delegate and a task on the grain's scheduler).
    /// </remarks>
    public async Task<SelectAnswer> SelectMessageAsync(string kind, IReadOnlyList<long> excludeChips, TemplateAsk? messageTemplate)
    {
        if (!MessageKinds.TryParse(kind, out var k)) throw new ArgumentException($"unknown message kind '{kind}'", nameof(kind));
        try
        {
            var state = await StateAsync();
            var (answer, used) = await selector.DecideAsync(Contact, k, excludeChips.Count == 0 ? NoChips : excludeChips.ToHashSet(), state,
                messageTemplate, CancellationToken.None);
            if (answer.Selected is { } s)
            {
                var now = time.GetUtcNow();
                var sent = k.IsBusinessInitiated() ? [.. state.BusinessSent.Where(m => m.At > now - CapWindow), new BusinessMessage(now, k)]
                    : state.BusinessSent;
                // The overrides it used are counted (the audit row names them, so a new activation counts the same);
                // those past their end are dropped.
                var kept = state.Overrides.Count == 0 ? state.Overrides
                    : state.Overrides.Select(o => used.Contains(o.Id) ? o with { Used = o.Used + 1 } : o).Where(o => o.Until > now).ToList();
                _state = state with { ConversationId = s.ConversationId, ChipId = s.Chip.Id, BusinessSent = sent, Overrides = kept };
            }
            return answer;
        }
        catch (Exception e)
        {
            if (Forget(e) is { } crossing) throw crossing;
            throw;
        }
    }

    public Task<MessageApplied> ReceiveAsync(ContactMessage m) => Changing(async () =>
    {
        var phone = Contact;
        var now = time.GetUtcNow();
        var intent = Keywords.Detect(m.Text);
        // Only a start keyword asks whether the contact is opted out, and this grain's copy says so (read now if cold):
        // every opt-out and opt-in comes through here.
        var effect = KeywordEffect.Of(intent, intent == KeywordIntent.OptIn && (await StateAsync()).OptedOutAt is not null);
        var sentAt = m.SentAt > now ? now : m.SentAt; // the gateway's clock is not ours
        var stored = await inbound.AddAsync(new NewInbound(m.ChipId, phone.E164, phone.Ddd, m.ProviderMessageId, m.PushName, m.Text, sentAt),
            effect, m.Forward, now, CancellationToken.None);
        if (stored is not { } a) return new MessageApplied(null, effect.IntentName, false, false, false);
        // The contact spoke (the reply window and the frequency cap restart) and is answered from the number they wrote to.
        if (_state is { } s)
            _state = s with
            {
                Exists = true,
                LastInboundAt = s.LastInboundAt > now ? s.LastInboundAt : now,
                ConversationId = a.ConversationId,
                ChipId = m.ChipId
            };
        Apply(a.Contact); // what the keyword changed, as the row now says
        // The doctor's message opens (or extends) the window of this chip, from the message's own time.
        if (m.OpensWindow && _state is { } held)
        {
            var since = now - ServiceWindow.Length;
            var windows = held.MetaWindows.Where(w => w.Value > since).ToDictionary();
            windows[m.ChipId] = ServiceWindow.Latest(windows.TryGetValue(m.ChipId, out var was) ? was : null, sentAt);
            _state = held with { MetaWindows = windows };
        }
        return new MessageApplied(a.Id, effect.IntentName, effect.OptOut, effect.OptIn && a.Contact is not null, a.ReplyQueued);
    });

    public Task<bool> MigrateAsync(long fromChip, long toChip, DateTimeOffset now) => Changing(async () =>
    {
        if (_state is { OptedOutAt: not null }) return false;
        if (!await conversations.MigrateAsync(Contact.E164, fromChip, toChip, now, CancellationToken.None)) return false;
        if (_state is { } s) _state = s with { ChipId = toChip };
        return true;
    });

    public Task OptOutAsync(string source, string? text, string actor) => Changing(async () =>
        Apply(await contacts.OptOutAsync(Contact.E164, Contact.Ddd, source, text, actor, time.GetUtcNow(), CancellationToken.None)));

    public Task<bool> OptInAsync(string reason, string actor) => Changing(async () =>
        Apply(await contacts.OptInAsync(Contact.E164, reason, actor, time.GetUtcNow(), CancellationToken.None)));

    public Task PutBasisAsync(string basis, string source, string? name, string actor) => Changing(async () =>
        Apply(await contacts.PutBasisAsync(Contact.E164, Contact.Ddd, name, basis, source, actor, time.GetUtcNow(), CancellationToken.None)));

    public Task<long> GrantOverrideAsync(string rule, string reason, DateTimeOffset until, int? count, string actor) => Changing(async () =>
    {
        var now = time.GetUtcNow();
        var id = await overrides.AddAsync(Contact.E164, rule, reason, actor, until, count, now, CancellationToken.None);
        if (_state is { } s) _state = s with { Overrides = [.. s.Overrides, new ContactOverride(id, rule, until, count, 0, null)] };
        return id;
    });

    public Task<bool> RevokeOverrideAsync(long id, string reason, string actor) => Changing(async () =>
    {
        if (!await overrides.RevokeAsync(Contact.E164, id, reason, actor, time.GetUtcNow(), CancellationToken.None)) return false;
        if (_state is { } s) _state = s with { Overrides = [.. s.Overrides.Where(o => o.Id != id)] };
        return true;
    });

    public Task SetMarketingOptOutAsync(bool stopped, string source, DateTimeOffset at) => Changing(async () =>
    {
        var now = time.GetUtcNow();
        var when = Said(at, now);
        var inForce = await metaContacts.SetMarketingAsync(Contact.E164, Contact.Ddd, stopped, source, when, now, CancellationToken.None);
        if (_state is { } s) _state = s with { Exists = true, MarketingOptedOutAt = inForce };
        return true;
    });

    public Task CloseMetaWindowAsync(long chipId, DateTimeOffset at) => Changing(async () =>
    {
        var now = time.GetUtcNow();
        var when = Said(at, now);
        await metaContacts.CloseWindowAsync(Contact.E164, chipId, when, CancellationToken.None);
        // A doctor's message written after Meta's verdict keeps its window (the store reads it so too).
        if (_state is { } s && s.MetaWindows.TryGetValue(chipId, out var wrote) && wrote <= when)
            _state = s with { MetaWindows = s.MetaWindows.Where(w => w.Key != chipId).ToDictionary() };
        return true;
    });

    /// <summary>A change failed and its outcome is unknown: the copy is read again next time. A database error crosses as its own.</summary>
    Exception? Forget(Exception e)
    {
        _state = null;
        return e is Npgsql.NpgsqlException n ? Stored.Crossing(n) : null;
    }

    /// <summary>When a sender says something happened: its time, unless it gave none or its clock is ahead of ours.</summary>
    static DateTimeOffset Said(DateTimeOffset at, DateTimeOffset now) => at > now || at <= DateTimeOffset.UnixEpoch ? now : at;

    async Task<ContactState> StateAsync() => _state ??= await conversations.StateAsync(Contact.E164, time.GetUtcNow(), CancellationToken.None);

    bool Apply(Contact? c)
    {
        if (c is null) return false;
        if (_state is { } s) _state = s with
        {
            Exists = true,
            HasBasis = c.LawfulBasis is not null,
            OptedOutAt = c.OptedOutAt,
            LastInboundAt = c.LastInboundAt
        };
        return true;
    }

    /// <summary>A change whose outcome is unknown when it fails (it may have been written): the copy is read again next time.</summary>
    /// <remarks>One async frame with <see cref="Stored.Guard{T}"/>'s translation inside it: each frame that waits costs a selection
    /// its own continuation on the grain's scheduler.</remarks>
    async Task<T> Changing<T>(Func<Task<T>> change)
    {
        try { return await change(); }
        catch (Exception e)
        {
            if (Forget(e) is { } crossing) throw crossing;
            throw;
        }
    }
}
