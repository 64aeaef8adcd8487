using Julia.Domain.Contacts;
using Julia.Domain.Meta;
using Julia.Domain.Phones;
using Julia.Domain.Selection;
using Julia.Domain.Trust;
using Julia.Grains.Chips;
using Julia.Grains.Meta;
using Julia.Grains.Pool;
using Julia.Grains.Selection;
using Julia.Storage.Conversations;
using Julia.Storage.Selection;
using Microsoft.Extensions.Logging;

namespace Julia.Grains.Conversations;

/// <summary>
/// Picks the chip for one message on behalf of the contact's <see cref="ConversationGrain"/> (which passes
/// its state and runs one selection at a time): guardrails, then the sticky chip if it may send, then the
/// ranked rest of this node's <see cref="ChipDirectory"/>, each reserved by its chip's grain (the cap
/// authority, see <see cref="IChipGrain"/>). Every decision, granted or refused, is recorded in <c>selections</c>.
/// </summary>
public sealed class Selector(SelectionStore store, ChipDirectory snapshot, PoolSettings pool, IGrainFactory grains, Clock time,
                             SelectionOptions options, ILogger<Selector> log, MetaDirectory metaChips)
{
    /// <summary>
    /// Selects once, and once more if PostgreSQL aborted the reservation as a deadlock or serialization
    /// failure (each statement is its own transaction, so nothing of the first try remains). The outcome also
    /// says which overrides a granted selection used (the grain counts them).
    /// </summary>
    public async Task<SelectOutcome> DecideAsync(Phone contact, MessageKind kind, IReadOnlySet<long> exclude, ContactState state, TemplateAsk? template,
                                                 CancellationToken ct)
    {
        try { return await SelectOnceAsync(contact, kind, exclude, state, template, ct); }
        catch (Exception e) when (SqlState(e) is Npgsql.PostgresErrorCodes.DeadlockDetected or Npgsql.PostgresErrorCodes.SerializationFailure)
        {
            log.LogWarning("Selection for {Contact} retried after {SqlState}: {Error}", contact.Masked, SqlState(e), e.Message);
            return await SelectOnceAsync(contact, kind, exclude, state, template, ct);
        }
    }

    static string? SqlState(Exception e) => e switch
    {
        Npgsql.PostgresException p => p.SqlState,
        StoreException c => c.SqlState,
        _ => null,
    };

    /// <summary>
    /// The guardrails' view of the contact: business messages count as unanswered since the contact last wrote,
    /// within the configured days; the daily limit weighs today's (São Paulo day) by kind.
    /// </summary>
    public static ContactFacts Facts(ContactState s, DateTimeOffset now, ContactLimits limits, SendingWindow window) =>
        new(s.Exists, s.HasBasis, s.OptedOutAt, s.LastInboundAt, BusinessMessages.Unanswered(s.BusinessSent, s.LastInboundAt, now, limits),
            BusinessMessages.WeightToday(s.BusinessSent, now, window, limits));

    async Task<SelectOutcome> SelectOnceAsync(Phone contact, MessageKind kind, IReadOnlySet<long> exclude, ContactState state, TemplateAsk? template,
                                              CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (config, gateTripped) = await pool.ViewAsync(ct);
        var facts = Facts(state, now, config.Contacts, config.Window);
        var overrides = ContactOverrides.InForce(state.Overrides, now);

        var verdict = Guardrails.Decide(kind, facts, gateTripped, config.Window, now, abroadRefused: !contact.IsBrazilian && !config.AllowBusinessAbroad,
            config.Contacts, overrides.Keys.ToHashSet());
        if (verdict.Refusal is { } refusal)
            return await RefuseAsync(contact, kind, refusal, 0, new Dictionary<string, int>(), now, ct);
        if (MetaSendRule.MarketingRefusal(kind, template?.Category, state.MarketingOptedOutAt) is { } marketing)
            return await RefuseAsync(contact, kind, marketing, 0, new Dictionary<string, int>(), now, ct);
        // A selection that passes only thanks to an override says so in its audit row, naming the override.
        var used = verdict.Overridden.Select(rule => overrides[rule]).ToList();
        IReadOnlyDictionary<string, int> Audit(IReadOnlyDictionary<string, int> excluded) => used.Count == 0 ? excluded
            : new Dictionary<string, int>(excluded).Concat(verdict.Overridden.Select(rule => KeyValuePair.Create("override:" + rule, (int)overrides[rule])))
                .ToDictionary();

        var day = config.Window.LocalDay(now);
        var requestId = Guid.NewGuid().ToString("N");
        SelectionPlan plan = null!;
        var excluded = new Dictionary<string, int>();
        ReserveAnswer? standing = null; // a chip refused for its Meta standing or budgets (pair rate, throughput)
        DateTimeOffset? budgetFrees = null; // when the Meta portfolio's messaging limit has room again
        // Two rounds: a try that loses to a concurrent reservation re-plans once on the healed snapshot.
        for (int round = 0; round < 2; round++)
        {
            var chips = await snapshot.GetAsync(ct);
            // Meta chips that cannot take this message (outside the doctor's window with no template) are left out like the
            // request's own exclusions, and counted under their own reason.
            var metas = await metaChips.GetAsync(chips, ct);
            var noWindow = MetaWindow.Closed(metas, state.MetaWindows, template is not null, now, exclude);
            if (state.ChipId is { } mine && noWindow.Contains(mine))
                // Failing over would move the doctor off the number whose window closed only to send what that number may not.
                return await RefuseAsync(contact, kind, TemplateRequired(), 0, new Dictionary<string, int> { [RefusalCodes.TemplateRequired] = 1 }, now, ct);
            var request = new SelectionRequest(kind, contact.Ddd ?? 0, state.ChipId, facts.LastInboundAt is not null,
                noWindow.Count == 0 ? exclude : new HashSet<long>([.. exclude, .. noWindow]));
            plan = Candidates.Plan(chips, request, now, day, config.Caps, top: options.CandidatesPerTry + InFlightRoom);
            excluded = MetaWindow.Audit(plan.Excluded, noWindow.Count);

            if (Candidates.IsPacing(plan.AffinityExclusion) && state.ChipId is { } ownId && chips.Find(ownId) is { } own)
            {
                var retryAt = Candidates.PacedUntil(own, plan.AffinityExclusion!, now, config.Window, config.Caps);
                return await RefuseAsync(contact, kind, new Refusal(RefusalCodes.ChipBusy,
                    $"The contact's number is pacing ({plan.AffinityExclusion}); the message waits for it rather than moving the contact.", retryAt),
                    plan.Eligible, plan.Excluded, now, ct);
            }
            bool failover = state.ChipId is not null && !plan.AffinityFirst;
            if (failover && facts.OptedOutAt is not null)
                // Migration never moves a contact who opted out.
                return await RefuseAsync(contact, kind, new Refusal(RefusalCodes.OptedOut,
                    "The contact opted out and their number cannot send now; they are not moved to another number."), plan.Eligible, plan.Excluded, now, ct);
            if (plan.Candidates.Count == 0)
            {
                // Nothing else in the pool could have sent it: the message needs its template.
                if (noWindow.Count > 0 && excluded.Where(e => e.Key != RefusalCodes.TemplateRequired).All(e => e.Key == "excluded_by_request"))
                    return await RefuseAsync(contact, kind, TemplateRequired(), plan.Eligible, excluded, now, ct);
                break;
            }

            // The contact's own chip alone (its grain queues concurrent calls: it is waited for), else the
            // ranked chips in turn, those this node is reserving right now last.
            var tries = plan.AffinityFirst ? [plan.Candidates[0]] : snapshot.FreeFirst(plan.Candidates).Take(options.CandidatesPerTry).ToList();
            var decision = new Decision(contact.E164, kind.ToWire(), plan.AffinityFirst, plan.Eligible, Audit(plan.Excluded), plan.UsedFallback,
                failover ? $"affinity chip unavailable: {plan.AffinityExclusion}" : null, options.Node);
            foreach (var candidate in tries)
            {
                // A template outside the window reaches the doctor "business-initiated": the portfolio's budget must have room.
                bool asTemplate = metas.TryGetValue(candidate.Id, out var place)
                    && MetaSendRule.On(meta: true, MetaWindow.LastWrote(state.MetaWindows, candidate.Id), template is not null, now) == SendForm.Template;
                if (asTemplate)
                {
                    var reach = await grains.GetGrain<IPortfolioGrain>(place!.Portfolio).TryReachAsync(contact.E164, now);
                    if (!reach.Allowed)
                    {
                        excluded[RefusalCodes.PortfolioLimit] = excluded.GetValueOrDefault(RefusalCodes.PortfolioLimit) + 1;
                        budgetFrees = budgetFrees is { } b && b < reach.RetryAt ? b : reach.RetryAt;
                        continue;
                    }
                }
                // While this node asks the chip, its other selections rank it last (they spread over the next-best chips).
                using var claim = snapshot.Claiming(candidate.Id);
                var answer = await ReserveAsync(candidate, ChipLimits.For(candidate.Stage, candidate.TrustScore, config.Caps), requestId, now, day, decision);
                var chip = answer.Current.ToSummary();
                snapshot.Update(chip);
                if (answer.Recorded is not { } grant)
                {
                    // The contact's own chip is waited for, never replaced (a doctor is not moved to go around Meta's limits).
                    if (RefusalCodes.IsChipStanding(answer.Refusal) && (plan.AffinityFirst || standing is null || answer.RetryAt < standing.RetryAt))
                        standing = answer;
                    if (plan.AffinityFirst && standing is not null) break;
                    continue;
                }

                long? migratedFrom = grant.PreviousChipId is { } prev && prev != chip.Id ? prev : null;
                Observability.JuliaMetrics.Reserved(chip.Id);
                Observability.JuliaMetrics.Selected(kind.ToWire());
                if (migratedFrom is not null)
                    log.LogInformation("Conversation with {Contact} moved from chip {From} to chip {To} ({Why})",
                        contact.Masked, migratedFrom, chip.Id, plan.AffinityExclusion);
                return new SelectOutcome(new Selected(grant.SelectionId, grant.ConversationId, answer.Current, grant.Reason, migratedFrom,
                    grant.AnnouncementPending, asTemplate), used);
            }
            if (standing is { Refusal: { } code })
            {
                excluded[code] = excluded.GetValueOrDefault(code) + 1;
                var why = Julia.Domain.Standing.StandingRules.Explain(code, standing.RetryAt);
                return await RefuseAsync(contact, kind, new Refusal(code, why, standing.RetryAt), plan.Eligible, excluded, now, ct);
            }
            int limited = excluded.GetValueOrDefault(RefusalCodes.PortfolioLimit);
            if (limited == tries.Count)
                return await RefuseAsync(contact, kind, new Refusal(RefusalCodes.PortfolioLimit,
                    "The Meta portfolio reached its messaging limit of unique doctors outside their window in 24 h; the message waits for room.",
                    budgetFrees), plan.Eligible, excluded, now, ct);
            excluded["lost_race"] = tries.Count - limited;
        }

        return await RefuseAsync(contact, kind, new Refusal(RefusalCodes.NoEligibleChip,
            "No chip can send this message now; see excluded for why each chip was left out."), plan.Eligible, excluded, now, ct);
    }

    static Refusal TemplateRequired() => new(RefusalCodes.TemplateRequired,
        "The doctor's 24-hour window on this Meta number is closed (or never opened): only an approved template may go; the message has none.");

    /// <summary>Ranked candidates beyond those tried, so chips this node is reserving right now can go last and still leave enough to try.</summary>
    const int InFlightRoom = 16;

    /// <summary>How long a selection keeps asking a chip whose answer is in doubt (its node died, the call timed out).</summary>
    static readonly TimeSpan InDoubtFor = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Asks the chip's grain for a slot. A call that timed out, or that met a node that just died, is in
    /// doubt: the chip may have charged. So the same chip is asked again with the same request id (which it
    /// answers without charging twice; a new activation finds the id in the row) until it answers, never
    /// another chip meanwhile: that could grant one selection twice. A node's death is declared in seconds,
    /// and its grains come back on a live node; past <see cref="InDoubtFor"/> the caller gets a 503.
    /// </summary>
    async Task<ReserveAnswer> ReserveAsync(ChipSummary planned, ChipLimits limits, string requestId, DateTimeOffset now, DateOnly day, Decision decision)
    {
        var request = new ReserveRequest(requestId, planned.ToView(), limits.PerHour, limits.PerDay, limits.MinGap, now, day, decision);
        var chip = grains.GetGrain<IChipGrain>(planned.Id);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        for (int attempt = 1; ; attempt++)
        {
            try { return await chip.TryReserveAsync(request); }
            catch (Exception e) when (e is TimeoutException or Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException
                                      && System.Diagnostics.Stopwatch.GetElapsedTime(started) < InDoubtFor)
            {
                log.LogWarning("Chip {Chip} reservation in doubt ({Error}); asking again with the same request id", planned.Id, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(250 * attempt, 2000)));
            }
        }
    }

    async Task<SelectOutcome> RefuseAsync(Phone contact, MessageKind kind, Refusal refusal, int candidates,
                                  IReadOnlyDictionary<string, int> excluded, DateTimeOffset now, CancellationToken ct)
    {
        var id = await store.RecordRefusalAsync(contact.E164, kind, refusal.Code, candidates, excluded, now, ct);
        Observability.JuliaMetrics.Refused(kind.ToWire(), refusal.Code);
        return new SelectOutcome(new Refused(id, new RefusalInfo(refusal.Code, refusal.Detail, refusal.RetryAt), candidates, excluded), []);
    }
}
