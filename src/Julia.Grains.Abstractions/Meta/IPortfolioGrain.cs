namespace Julia.Grains.Meta;

/// <summary>
/// One Meta business portfolio's messaging limit as our own budget (Meta sends no error when it is reached): the unique
/// doctors reached outside their window (template sends) in a rolling 24 h, shared by every Meta chip of the portfolio.
/// Keyed by the portfolio id ("waba:&lt;id&gt;" for chips registered without one).
/// </summary>
[Alias("julia.IPortfolioGrain")]
public interface IPortfolioGrain : IGrainWithStringKey
{
    /// <summary>
    /// Counts <paramref name="contact"/> as reached now, or refuses when the portfolio's limit is full (a doctor already
    /// reached in the last 24 h is always allowed and not counted again).
    /// </summary>
    [Alias("TryReachAsync")]
    Task<ReachAnswer> TryReachAsync(string contact, DateTimeOffset now);
}
