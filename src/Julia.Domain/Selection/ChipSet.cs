namespace Julia.Domain.Selection;

/// <summary>
/// A pool as ranking scans it: the chips, and their <see cref="ChipFacts"/> in the same order. An owner that
/// replaces a chip in place writes both; a reader racing that write may pair the old copy with the new facts,
/// two valid copies of one chip, which ranking treats like any stale copy (the chip's grain decides).
/// </summary>
public sealed class ChipSet
{
    readonly Dictionary<long, int> _index;

    public ChipSummary[] Chips { get; }
    public ChipFacts[] Facts { get; }

    public ChipSet(ChipSummary[] chips)
    {
        Chips = chips;
        Facts = new ChipFacts[chips.Length];
        _index = new Dictionary<long, int>(chips.Length);
        for (int i = 0; i < chips.Length; i++)
        {
            Facts[i] = new ChipFacts(chips[i]);
            _index[chips[i].Id] = i;
        }
    }

    public static readonly ChipSet Empty = new([]);

    /// <summary>Where chip <paramref name="id"/> is, or -1 when it is not in the set.</summary>
    public int IndexOf(long id) => _index.TryGetValue(id, out var i) ? i : -1;

    /// <summary>Chip <paramref name="id"/> as the set holds it, or null when it is not in the set.</summary>
    public ChipSummary? Find(long id) => _index.TryGetValue(id, out var i) ? Chips[i] : null;

    /// <summary>Puts <paramref name="chip"/> (a newer copy) in its chip's place; false when that chip is not in the set.</summary>
    public bool Replace(ChipSummary chip)
    {
        if (!_index.TryGetValue(chip.Id, out var i)) return false;
        Facts[i] = new ChipFacts(chip);
        Chips[i] = chip;
        return true;
    }
}
