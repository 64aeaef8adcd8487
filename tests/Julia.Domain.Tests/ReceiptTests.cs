using Julia.Domain.Sending;

namespace Julia.Domain.Tests;

public class ReceiptTests
{
    [Fact]
    public void Receipts_only_move_forward() =>
        Assert.True(MessageStatus.Rank("read") > MessageStatus.Rank("delivered") && MessageStatus.Rank("delivered") > MessageStatus.Rank("sent"));

    [Theory]
    [InlineData(1, 1000)]
    [InlineData(2, 2000)]
    [InlineData(3, 4000)]
    [InlineData(10, 60000)]
    public void Backoff_doubles_to_a_cap(int attempt, double maxMs)
    {
        var d = Backoff.For(attempt, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), 1.0);
        Assert.Equal(maxMs, d.TotalMilliseconds);
        Assert.Equal(maxMs / 2, Backoff.For(attempt, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), 0.0).TotalMilliseconds);
    }
}
