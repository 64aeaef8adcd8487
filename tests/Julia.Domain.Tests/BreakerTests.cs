using Julia.Domain.Selection;
using Julia.Domain.Sending;
using R = Julia.Domain.Sending.Breaker.Result;

namespace Julia.Domain.Tests;

public class BreakerTests
{
    static readonly DateTimeOffset T0 = new(2026, 11, 23, 15, 0, 0, TimeSpan.Zero);
    static readonly BreakerRow Closed = new(BreakerState.Closed, null, 60, 0, null, 0, 0);

    static BreakerRow Run(BreakerRow b, params R[] results)
    {
        foreach (var r in results) b = Breaker.OnResult(b, r, T0).Next;
        return b;
    }

    [Fact]
    public void Four_failures_keep_it_closed_the_fifth_opens_it_for_60s()
    {
        var four = Run(Closed, R.Failure, R.Failure, R.Failure, R.Failure);
        Assert.Equal(BreakerState.Closed, four.State);
        var (five, why) = Breaker.OnResult(four, R.Failure, T0);
        Assert.Equal((BreakerState.Open, (DateTimeOffset?)T0.AddSeconds(60)), (five.State, five.Until));
        Assert.Contains("5 consecutive", why);
    }

    [Fact]
    public void A_success_resets_the_consecutive_count() =>
        Assert.Equal(BreakerState.Closed, Run(Closed, R.Failure, R.Failure, R.Failure, R.Failure, R.Success, R.Failure, R.Failure).State);

    [Fact]
    public void Half_failures_over_ten_sends_open_it()
    {
        var b = Run(Closed, R.Failure, R.Success, R.Failure, R.Success, R.Failure, R.Success, R.Failure, R.Success, R.Failure);
        Assert.Equal(BreakerState.Closed, b.State); // 9 sends
        Assert.Equal(BreakerState.Open, Run(b, R.Success).State); // 10 sends, 5 failures
    }

    [Fact]
    public void The_window_restarts_after_5_minutes()
    {
        var b = Run(Closed, R.Failure, R.Success, R.Failure, R.Success, R.Failure, R.Success, R.Failure, R.Success, R.Failure);
        var later = Breaker.OnResult(b, R.Success, T0.AddMinutes(5)).Next;
        Assert.Equal((BreakerState.Closed, 1, 0), (later.State, later.WindowSends, later.WindowFailures));
    }

    [Fact]
    public void Timeouts_do_not_count() => Assert.Equal(BreakerState.Closed, Run(Closed, R.Neutral, R.Neutral, R.Neutral, R.Neutral, R.Neutral, R.Neutral).State);

    [Fact]
    public void Failed_trial_doubles_up_to_ten_minutes_and_a_success_closes()
    {
        var half = Closed with { State = BreakerState.HalfOpen, Until = T0, OpenSeconds = 60 };
        var (open, _) = Breaker.OnResult(half, R.Failure, T0);
        Assert.Equal((BreakerState.Open, 120), (open.State, open.OpenSeconds));
        var (capped, _) = Breaker.OnResult(half with { OpenSeconds = 400 }, R.Failure, T0);
        Assert.Equal(600, capped.OpenSeconds);
        var (closed, why) = Breaker.OnResult(half with { OpenSeconds = 240 }, R.Success, T0);
        Assert.Equal((BreakerState.Closed, 60, (DateTimeOffset?)null), (closed.State, closed.OpenSeconds, closed.Until));
        Assert.Equal("trial succeeded", why);
    }

    [Fact]
    public void A_timed_out_trial_is_given_back_without_doubling()
    {
        var (b, _) = Breaker.OnResult(Closed with { State = BreakerState.HalfOpen, Until = T0, OpenSeconds = 120 }, R.Neutral, T0);
        Assert.Equal((BreakerState.Open, 120, (DateTimeOffset?)T0.AddSeconds(120)), (b.State, b.OpenSeconds, b.Until));
    }
}
