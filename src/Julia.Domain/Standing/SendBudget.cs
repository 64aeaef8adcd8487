using Julia.Domain.Selection;

namespace Julia.Domain.Standing;

/// <summary>
/// The budgets Meta enforces without warning us first (spec §2.5), kept per chip in its grain's memory: the pair rate, one
/// message per <see cref="PairInterval"/> to one doctor (Meta allows bursts that borrow future quota; we never borrow), and
/// the throughput, <see cref="DefaultThroughput"/> messages in any second unless the poll says otherwise (Meta counts
/// inbound too; this counts our sends). A refusal carries when to ask again; the queue waits until then, not as an
/// attempt. Memory only: a new activation starts empty, which at worst lets one early send through that Meta answers
/// 131056 or 130429 (the chip cools down then). Time is the caller's; a clock that went back is not trusted to have
/// passed: the pair waits one full interval from the new time, not until the old one.
/// </summary>
public sealed class SendBudget
{
    /// <summary>A refused send: which budget (<see cref="RefusalCodes.PairRate"/>, <see cref="RefusalCodes.Throughput"/>) and when it may go.
    /// Selection words it (<see cref="StandingRules.Explain"/>).</summary>
    public sealed record Wait(string Code, DateTimeOffset RetryAt);

    public static readonly TimeSpan PairInterval = TimeSpan.FromSeconds(6);
    public const int DefaultThroughput = 80;
    static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    const int PairsKept = 4096;

    readonly Dictionary<string, DateTimeOffset> _lastByContact = new(StringComparer.Ordinal);
    readonly Queue<DateTimeOffset> _lastSecond = new();

    /// <summary>Why one more send to <paramref name="contact"/> must wait, and until when (null: it may go now).</summary>
    public Wait? Check(string contact, DateTimeOffset now, int? perSecond)
    {
        if (_lastByContact.TryGetValue(contact, out var last))
        {
            if (last > now) _lastByContact[contact] = last = now; // the clock went back: count from the new time
            if (now - last < PairInterval) return new Wait(RefusalCodes.PairRate, last + PairInterval);
        }
        var limit = perSecond is > 0 ? perSecond.Value : DefaultThroughput;
        Expire(now);
        return _lastSecond.Count >= limit ? new Wait(RefusalCodes.Throughput, _lastSecond.Peek() + Second) : null;
    }

    /// <summary>A send granted at <paramref name="now"/>.</summary>
    public void Record(string contact, DateTimeOffset now)
    {
        if (_lastByContact.Count >= PairsKept)
            foreach (var stale in _lastByContact.Where(p => now - p.Value >= PairInterval).Select(p => p.Key).ToList()) _lastByContact.Remove(stale);
        _lastByContact[contact] = now;
        _lastSecond.Enqueue(now);
    }

    void Expire(DateTimeOffset now)
    {
        // Sends stamped after now (a clock that went back) are counted as made now, never as made in the future.
        if (_lastSecond.Count > 0 && _lastSecond.Last() > now)
        {
            var kept = _lastSecond.Select(t => t > now ? now : t).ToList();
            _lastSecond.Clear();
            foreach (var t in kept) _lastSecond.Enqueue(t);
        }
        while (_lastSecond.Count > 0 && now - _lastSecond.Peek() >= Second) _lastSecond.Dequeue();
    }
}
