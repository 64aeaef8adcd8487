namespace Julia.Providers.Evolution;

/// <summary>
/// WhatsApp LIDs (privacy aliases some Evolution events carry instead of the doctor's phone) and the phones they
/// stand for, learnt from events that carry both. Kept in the database; learning a pair puts back in the queue
/// the events held for that LID.
/// </summary>
public interface ILidBook
{
    Task<string?> PhoneForAsync(string lid, CancellationToken ct);

    /// <summary>Records that <paramref name="lid"/> is <paramref name="phone"/>; returns how many held events went back to the queue.</summary>
    Task<int> LearnAsync(string lid, string phone, DateTimeOffset now, CancellationToken ct);
}
