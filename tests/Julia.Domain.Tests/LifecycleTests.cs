using Julia.Domain.Chips;

namespace Julia.Domain.Tests;

public class LifecycleTests
{
    [Theory]
    [InlineData(ChipStatus.Provisioned, ChipStatus.Pending, true)]
    [InlineData(ChipStatus.Pending, ChipStatus.Rampup, true)]
    [InlineData(ChipStatus.Rampup, ChipStatus.Ready, true)]
    [InlineData(ChipStatus.Ready, ChipStatus.Active, true)]
    [InlineData(ChipStatus.Active, ChipStatus.Degraded, true)]
    [InlineData(ChipStatus.Degraded, ChipStatus.Ready, true)]
    [InlineData(ChipStatus.Active, ChipStatus.Pending, true)]
    [InlineData(ChipStatus.Pending, ChipStatus.Active, false)]
    [InlineData(ChipStatus.Rampup, ChipStatus.Active, false)]
    [InlineData(ChipStatus.Degraded, ChipStatus.Active, false)]
    [InlineData(ChipStatus.Retired, ChipStatus.Active, false)]
    [InlineData(ChipStatus.Retired, ChipStatus.Paused, false)]
    [InlineData(ChipStatus.Active, ChipStatus.Rampup, false)]
    public void Transitions(ChipStatus from, ChipStatus to, bool allowed) => Assert.Equal(allowed, Lifecycle.CanMove(from, to));

    [Theory]
    [InlineData(OperatorAction.Pause, ChipStatus.Active, null, ChipStatus.Paused)]
    [InlineData(OperatorAction.Pause, ChipStatus.Paused, null, null)]
    [InlineData(OperatorAction.Pause, ChipStatus.Retired, null, null)]
    [InlineData(OperatorAction.Resume, ChipStatus.Paused, ChipStatus.Active, ChipStatus.Active)]
    [InlineData(OperatorAction.Resume, ChipStatus.Active, null, null)]
    [InlineData(OperatorAction.Retire, ChipStatus.Degraded, null, ChipStatus.Retired)]
    [InlineData(OperatorAction.Retire, ChipStatus.Retired, null, null)]
    [InlineData(OperatorAction.Promote, ChipStatus.Ready, null, ChipStatus.Active)]
    [InlineData(OperatorAction.Promote, ChipStatus.Rampup, null, ChipStatus.Ready)]
    [InlineData(OperatorAction.Promote, ChipStatus.Active, null, null)]
    [InlineData(OperatorAction.Promote, ChipStatus.Pending, null, null)]
    public void Operator_actions(OperatorAction a, ChipStatus current, ChipStatus? pausedFrom, ChipStatus? expected)
    {
        var target = Lifecycle.Target(a, current, pausedFrom);
        Assert.Equal(expected, target);
        if (target is { } t) Assert.True(Lifecycle.CanMove(current, t));
    }
}
