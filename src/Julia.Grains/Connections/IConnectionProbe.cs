namespace Julia.Grains.Connections;

/// <summary>
/// The node's I/O for the connection health pass: lists the chips a gateway serves and asks it for each one's
/// connection state, a bounded number at a time, each call with a time limit. It decides nothing; what an answer
/// means for a chip is its grain's. The server implements it beside its gateway client.
/// </summary>
public interface IConnectionProbe
{
    Task<ProbeResult> AskAsync(CancellationToken ct);
}
