using System.Net;
using System.Net.Http.Json;
using Julia.Client;
using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Chips;

public class ChipsApiTests(ServiceFixture f, ITestOutputHelper output) : IClassFixture<ServiceFixture>
{
    readonly bool _logged = f.Attach(output);

    [Fact]
    public async Task Register_returns_the_chip_with_its_limits_and_records_the_operation()
    {
        var chip = await f.Operator.RegisterChipAsync(new RegisterChip("+55 (21) 99876-0001", "reg-1", "tok", "sec", Status: "active"));
        Assert.Equal("+5521998760001", chip.Phone);
        Assert.Equal("active", chip.Status);
        Assert.Equal("operating", chip.RampupStage);
        Assert.True(chip.Connected);
        Assert.Equal(45, chip.TrustScore); // base 30 + operating 15; no history yet
        Assert.Equal("laranja", chip.TrustLevel);
        Assert.Equal((15, 50, 90), (chip.HourCap, chip.DayCap, chip.MinGapSeconds));
        Assert.Equal((0, 0), (chip.SentThisHour, chip.SentToday));

        var trust = await f.Operator.GetTrustAsync(chip.Id);
        Assert.Single(trust.History);
        Assert.Equal("registered", trust.History[0].Cause);
        var ops = await f.Operator.ListOperationsAsync(chip.Id);
        Assert.Contains(ops, o => o.Action == "chip_registered" && o.ToStatus == "active");
    }

    [Fact]
    public async Task Register_refuses_duplicates_and_bad_input_without_storing()
    {
        await f.Operator.RegisterChipAsync(new RegisterChip("11998760002", "reg-2"));
        var before = await f.Scalar<long>("SELECT count(*) FROM chips");
        Assert.Equal("chip_exists", (await Assert.ThrowsAsync<JuliaApiException>(() => f.Operator.RegisterChipAsync(new RegisterChip("11998760002", "other")))).Code);
        Assert.Equal("chip_exists", (await Assert.ThrowsAsync<JuliaApiException>(() => f.Operator.RegisterChipAsync(new RegisterChip("11998760003", "reg-2")))).Code);
        var bad = await Assert.ThrowsAsync<JuliaApiException>(() => f.Operator.RegisterChipAsync(new RegisterChip("12345", "reg-x")));
        Assert.Equal((422, "invalid_phone"), (bad.Status, bad.Code));
        Assert.Equal("invalid_status", (await Assert.ThrowsAsync<JuliaApiException>(() => f.Operator.RegisterChipAsync(new RegisterChip("11998760004", "reg-4", Status: "retired")))).Code);
        Assert.Equal("invalid_instance", (await Assert.ThrowsAsync<JuliaApiException>(() => f.Operator.RegisterChipAsync(new RegisterChip("11998760005", " ")))).Code);
        Assert.Equal(before, await f.Scalar<long>("SELECT count(*) FROM chips"));
    }

    [Fact]
    public async Task Pause_resume_promote_retire_follow_the_life_cycle()
    {
        var id = (await f.Operator.RegisterChipAsync(new RegisterChip("11998760010", "life-1", Status: "ready"))).Id;
        Assert.Equal("paused", (await f.Operator.PauseChipAsync(id, "checking the number")).Status);
        var resumed = await f.Operator.ResumeChipAsync(id, "checked");
        Assert.Equal(("ready", (string?)null), (resumed.Status, resumed.PausedFrom));
        Assert.Equal("active", (await f.Operator.PromoteChipAsync(id, "needed in production")).Status);

        var e = await Assert.ThrowsAsync<JuliaApiException>(() => f.Operator.PromoteChipAsync(id, "again"));
        Assert.Equal((409, "invalid_transition"), (e.Status, e.Code));
        Assert.Equal("retired", (await f.Operator.RetireChipAsync(id, "number cancelled")).Status);
        Assert.Equal("invalid_transition", (await Assert.ThrowsAsync<JuliaApiException>(() => f.Operator.ResumeChipAsync(id, "undo"))).Code);

        var ops = (await f.Operator.ListOperationsAsync(id)).Where(o => o.Action != "chip_registered").OrderBy(o => o.Id).ToList();
        Assert.Equal(["chip_pause", "chip_resume", "chip_promote", "chip_retire"], ops.Select(o => o.Action));
        Assert.Equal("checking the number", ops[0].Reason);
        Assert.Equal(("ready", "paused"), (ops[0].FromStatus, ops[0].ToStatus));
        Assert.All(ops, o => Assert.Equal("key:test-operator", o.Actor));
    }

    [Fact]
    public async Task Actions_need_a_reason_and_an_existing_chip()
    {
        var id = (await f.Operator.RegisterChipAsync(new RegisterChip("11998760020", "reason-1"))).Id;
        var e = await Assert.ThrowsAsync<JuliaApiException>(() => f.Operator.PauseChipAsync(id, "  "));
        Assert.Equal((422, "reason_required"), (e.Status, e.Code));
        Assert.Equal("pending", (await f.Operator.GetChipAsync(id)).Status);
        var missing = await Assert.ThrowsAsync<JuliaApiException>(() => f.Operator.PauseChipAsync(999_999, "x"));
        Assert.Equal((404, "chip_not_found"), (missing.Status, missing.Code));
        Assert.Equal(404, (await Assert.ThrowsAsync<JuliaApiException>(() => f.Operator.GetChipAsync(999_999))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<JuliaApiException>(() => f.Operator.GetTrustAsync(999_999))).Status);
    }

    [Fact]
    public async Task List_filters_by_status()
    {
        await f.Operator.RegisterChipAsync(new RegisterChip("11998760030", "list-1", Status: "rampup"));
        var rampup = await f.Operator.ListChipsAsync("rampup");
        Assert.NotEmpty(rampup);
        Assert.All(rampup, c => Assert.Equal("rampup", c.Status));
        Assert.Equal("invalid_status", (await Assert.ThrowsAsync<JuliaApiException>(() => f.Operator.ListChipsAsync("sleeping"))).Code);
    }

    [Fact]
    public async Task Chip_json_has_the_documented_fields()
    {
        var id = (await f.Operator.RegisterChipAsync(new RegisterChip("11998760040", "json-1"))).Id;
        var json = await f.Host.Http(f.OperatorKey).GetFromJsonAsync<System.Text.Json.JsonElement>($"v1/chips/{id}");
        foreach (var field in new[] { "id", "phone", "instance", "status", "trustScore", "trustLevel", "hourCap", "dayCap", "sentThisHour", "sentToday", "connected" })
            Assert.True(json.TryGetProperty(field, out _), field);
        Assert.False(json.TryGetProperty("instanceToken", out _)); // secrets never leave the service
    }

    [Fact]
    public async Task Forbidden_transition_answers_409_problem_json()
    {
        var id = (await f.Operator.RegisterChipAsync(new RegisterChip("11998760050", "forbid-1"))).Id;
        var res = await f.Host.Http(f.OperatorKey).PostAsJsonAsync($"v1/chips/{id}/promote", new { reason = "skip ramp-up" });
        Assert.Equal(HttpStatusCode.Conflict, res.StatusCode);
        Assert.Equal("application/problem+json", res.Content.Headers.ContentType?.MediaType);
    }
}
