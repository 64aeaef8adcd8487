namespace Julia.Grains.Connections;

/// <summary>
/// The node's I/O for polling Meta numbers' standing (quality, health, limit, throughput: Meta pushes no colour, spec
/// §2.7): asks the Graph API about each Meta chip not polled for <c>Meta:StandingPollPeriod</c>, a bounded number at a
/// time. It decides nothing; what a standing means is the chip grain's. The server implements it beside its Meta client.
/// </summary>
public interface IMetaStandingProbe
{
    Task<IReadOnlyList<PolledStanding>> AskAsync(DateTimeOffset now, CancellationToken ct);
}
