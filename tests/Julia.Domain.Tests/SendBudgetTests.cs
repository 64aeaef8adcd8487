using Julia.Domain.Selection;
using Julia.Domain.Standing;

namespace Julia.Domain.Tests;

/// <summary>Meta's pair rate and throughput as a chip's own budgets: boundary times, a clock that went back.</summary>
public class SendBudgetTests
{
    static readonly DateTimeOffset T0 = new(2026, 12, 7, 15, 0, 0, TimeSpan.Zero);
    const string Ana = "+5531988887777", Bia = "+5531988886666";

    [Fact]
    public void The_same_doctor_waits_six_seconds_exactly()
    {
        var b = new SendBudget();
        Assert.Null(b.Check(Ana, T0, null));
        b.Record(Ana, T0);
        var early = b.Check(Ana, T0.AddSeconds(6).AddTicks(-1), null);
        Assert.Equal((RefusalCodes.PairRate, T0.AddSeconds(6)), (early!.Code, early.RetryAt));
        Assert.Null(b.Check(Ana, T0.AddSeconds(6), null)); // exactly 6 s: it may go
        Assert.Null(b.Check(Bia, T0.AddSeconds(1), null)); // another doctor is not held by Ana's pair
    }

    [Fact]
    public void A_clock_that_went_back_waits_one_interval_from_the_new_time_not_until_the_old_one()
    {
        var b = new SendBudget();
        b.Record(Ana, T0);
        var back = T0.AddHours(-1);
        var refused = b.Check(Ana, back, null);
        Assert.Equal((RefusalCodes.PairRate, back.AddSeconds(6)), (refused!.Code, refused.RetryAt));
        Assert.Null(b.Check(Ana, back.AddSeconds(6), null));
    }

    [Fact]
    public void Throughput_counts_a_sliding_second_at_the_polled_rate_or_80()
    {
        var b = new SendBudget();
        for (int i = 0; i < 80; i++)
        {
            Assert.Null(b.Check("+55319" + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture), T0.AddMilliseconds(i), null));
            b.Record("+55319" + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture), T0.AddMilliseconds(i));
        }
        var full = b.Check(Ana, T0.AddMilliseconds(500), null);
        Assert.Equal((RefusalCodes.Throughput, T0.AddSeconds(1)), (full!.Code, full.RetryAt));
        Assert.Null(b.Check(Ana, T0.AddMilliseconds(500), 1000)); // a HIGH number (1,000/s) has room
        Assert.Null(b.Check(Ana, T0.AddSeconds(1), null)); // exactly a second after the first: it left the window
    }

    [Fact]
    public void Throughput_sends_stamped_in_the_future_count_as_now_after_a_clock_jump_back()
    {
        var b = new SendBudget();
        for (int i = 0; i < 3; i++) b.Record("+5531900000" + i, T0);
        var back = T0.AddMinutes(-5);
        var full = b.Check(Ana, back, 3);
        Assert.Equal((RefusalCodes.Throughput, back.AddSeconds(1)), (full!.Code, full.RetryAt));
        Assert.Null(b.Check(Ana, back.AddSeconds(1), 3));
    }
}
