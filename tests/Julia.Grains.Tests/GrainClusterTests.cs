using Julia.Domain.Sending;
using Julia.Grains.Chips;
using Julia.Grains.Conversations;
using Julia.Grains.Tests.Infrastructure;
using Julia.Storage.Chips;

namespace Julia.Grains.Tests;

/// <summary>
/// The grains on two silos of an in-process test cluster and one real database: caps and the gap at their
/// boundaries (UTC hour, São Paulo midnight), the breaker's trial, a repeated request answered once wherever
/// the chip's grain lives, failover with migration, an opt-out binding every chip, inbound applied once; the breaker, operators'
/// actions and the pool's gate through their grains.
/// </summary>
public class GrainClusterTests(GrainCluster g) : IClassFixture<GrainCluster>, IAsyncLifetime
{
    static int _contact;
    static string NewContact() => $"+55119{Interlocked.Increment(ref _contact) + 70000000:00000000}";

    public async Task InitializeAsync()
    {
        await Seed.RetireAllAsync(g.Db, g.Clock.GetUtcNow());
        await g.PoolAsync("""{"caps":{"minGapScale":0,"operating":{"perHour":1000,"perDay":10000}}}""");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    async Task<long> ChipAsync(int trust = 95)
    {
        var id = await Seed.ChipAsync(g.Db, g.Clock.GetUtcNow(), trust: trust);
        g.Changed();
        return id;
    }

    async Task<string> ContactAsync()
    {
        var phone = NewContact();
        await Seed.ContactAsync(g.Db, phone, g.Clock.GetUtcNow());
        return phone;
    }

    /// <summary>Selects from silo <paramref name="silo"/>: "granted:chipId" or the refusal's code (with the excluded reasons for no_eligible_chip).</summary>
    async Task<string> Select(string contact, string kind, int silo = 0)
    {
        var a = await g.Silo(silo).GetGrain<IConversationGrain>(contact).SelectAsync(kind, []);
        if (a.Selected is { } s) return $"granted:{s.Chip.Id}";
        var r = a.Refused!;
        return r.Refusal.Code == "no_eligible_chip" ? $"no_eligible_chip({string.Join(",", r.Excluded.Keys.Order())})" : r.Refusal.Code;
    }

    Task<long> Scalar(string sql, params (string, object?)[] args) => Sql.Scalar<long>(g.Db, sql, args);

    [Fact]
    public async Task The_hour_cap_holds_across_silos_resets_on_the_UTC_hour_and_the_day_cap_at_Sao_Paulo_midnight()
    {
        g.Clock.Set(new DateTimeOffset(2026, 11, 23, 13, 59, 59, TimeSpan.Zero)); // 10:59:59 in São Paulo, Monday
        await g.PoolAsync("""{"caps":{"minGapScale":0,"operating":{"perHour":5,"perDay":8}}}""");
        var chip = await ChipAsync();
        // Fresh contacts at each step: one who already has this chip would wait for it (chip_busy) instead.
        var contacts = new List<string>();
        for (int i = 0; i < 28; i++) contacts.Add(await ContactAsync());

        var first = await Task.WhenAll(contacts.Take(20).Select((c, i) => Select(c, "followup", i % 2)));
        Assert.Equal(5, first.Count(a => a == $"granted:{chip}"));
        Assert.True(15 == first.Count(a => a == "no_eligible_chip(hour_cap)"), string.Join(", ", first.GroupBy(a => a).Select(x => $"{x.Key}×{x.Count()}")));

        g.Clock.Set(new DateTimeOffset(2026, 11, 23, 14, 0, 0, TimeSpan.Zero)); // the next UTC hour
        var second = await Task.WhenAll(contacts.Skip(20).Take(6).Select((c, i) => Select(c, "followup", i % 2)));
        Assert.Equal(3, second.Count(a => a == $"granted:{chip}")); // 8 a day
        Assert.Equal(3, second.Count(a => a == "no_eligible_chip(day_cap)"));

        // Replies go outside the sending window: at 23:59:59 in São Paulo the day is still full; at 00:00 it is a new day.
        g.Clock.Set(new DateTimeOffset(2026, 11, 24, 2, 59, 59, TimeSpan.Zero));
        Assert.Equal("no_eligible_chip(day_cap)", await Select(contacts[26], "reply", 1));
        g.Clock.Set(new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero));
        Assert.Equal($"granted:{chip}", await Select(contacts[27], "reply", 0));

        Assert.Equal(9L, await Scalar("SELECT count(*) FROM selections WHERE chip_id = @c", ("c", chip)));
        Assert.Equal(1L, await Scalar("SELECT sent_today::bigint FROM chips WHERE id = @c", ("c", chip)));
    }

    [Fact]
    public async Task The_gap_between_sends_holds_to_the_millisecond()
    {
        g.Clock.Set(new DateTimeOffset(2026, 11, 23, 15, 0, 0, TimeSpan.Zero));
        await g.PoolAsync("""{"caps":{"minGapScale":1,"operating":{"perHour":1000,"perDay":10000}}}"""); // 45 s for trust 95
        var chip = await ChipAsync();
        Assert.Equal($"granted:{chip}", await Select(await ContactAsync(), "followup", 0));
        g.Clock.Advance(TimeSpan.FromSeconds(45) - TimeSpan.FromMilliseconds(1));
        Assert.Equal("no_eligible_chip(min_gap)", await Select(await ContactAsync(), "followup", 1));
        g.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal($"granted:{chip}", await Select(await ContactAsync(), "followup", 1));
    }

    [Fact]
    public async Task An_open_breaker_refuses_until_its_time_then_admits_one_trial()
    {
        g.Clock.Set(new DateTimeOffset(2026, 11, 23, 15, 0, 0, TimeSpan.Zero));
        var chip = await ChipAsync();
        await Sql.Exec(g.Db, "UPDATE chips SET breaker_state = 'open', breaker_until = @until WHERE id = @id",
            ("until", g.Clock.GetUtcNow().AddSeconds(30)), ("id", chip));
        g.Changed();
        Assert.Equal("no_eligible_chip(breaker_open)", await Select(await ContactAsync(), "followup", 0));

        g.Clock.Advance(TimeSpan.FromSeconds(30));
        var trials = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i => await Select(await ContactAsync(), "followup", i % 2)));
        Assert.Equal(1, trials.Count(a => a == $"granted:{chip}")); // one trial, however many ask at once
        Assert.Equal("half_open", await Sql.Scalar<string>(g.Db, "SELECT breaker_state FROM chips WHERE id = @id", ("id", chip)));
        Assert.Equal(1L, await Scalar("SELECT count(*) FROM breaker_log WHERE chip_id = @id AND reason = 'trial admitted'", ("id", chip)));
    }

    [Fact]
    public async Task A_repeated_request_is_answered_once_wherever_the_chip_grain_lives()
    {
        var id = await ChipAsync();
        var planned = (await new ReservationStore(g.Db).LoadAsync(id, default))!.Chip;
        var request = new ReserveRequest("repeat-" + id, planned.ToView(), 5, 100, TimeSpan.Zero, g.Clock.GetUtcNow(), new DateOnly(2026, 11, 23),
            new Decision(NewContact(), "followup", false, 1, new Dictionary<string, int>(), false, null, "test"));

        var first = await g.Silo(0).GetGrain<IChipGrain>(id).TryReserveAsync(request);
        var again = await g.Silo(1).GetGrain<IChipGrain>(id).TryReserveAsync(request with { Repeat = true });
        await g.Cluster.DeactivateAsync(g.Silo(0).GetGrain<IChipGrain>(id));
        var afterMove = await g.Silo(1).GetGrain<IChipGrain>(id).TryReserveAsync(request with { Repeat = true }); // a new activation: found in selections

        Assert.True(first.Reserved);
        Assert.Equal([first.Recorded!.SelectionId, first.Recorded.SelectionId], new[] { again.Recorded!.SelectionId, afterMove.Recorded!.SelectionId });
        Assert.Equal(1L, await Scalar("SELECT sent_this_hour::bigint FROM chips WHERE id = @id", ("id", id)));
        Assert.Equal(1L, await Scalar("SELECT count(*) FROM selections WHERE chip_id = @id", ("id", id)));
    }

    [Fact]
    public async Task A_repeat_whose_first_call_never_arrived_is_charged_once()
    {
        var id = await ChipAsync();
        var planned = (await new ReservationStore(g.Db).LoadAsync(id, default))!.Chip;
        var request = new ReserveRequest("lost-" + id, planned.ToView(), 5, 100, TimeSpan.Zero, g.Clock.GetUtcNow(), new DateOnly(2026, 11, 23),
            new Decision(NewContact(), "followup", false, 1, new Dictionary<string, int>(), false, null, "test"), Repeat: true);

        var first = await g.Silo(1).GetGrain<IChipGrain>(id).TryReserveAsync(request);
        await g.Cluster.DeactivateAsync(g.Silo(1).GetGrain<IChipGrain>(id));
        var again = await g.Silo(0).GetGrain<IChipGrain>(id).TryReserveAsync(request);

        Assert.True(first.Reserved);
        Assert.Equal(first.Recorded!.SelectionId, again.Recorded!.SelectionId);
        Assert.Equal("lost-" + id, await Sql.Scalar<string>(g.Db, "SELECT request_id FROM selections WHERE chip_id = @id", ("id", id)));
        Assert.Equal(1L, await Scalar("SELECT sent_this_hour::bigint FROM chips WHERE id = @id", ("id", id)));
    }

    [Fact]
    public async Task Concurrent_messages_for_one_doctor_from_both_silos_meet_in_one_grain()
    {
        for (int i = 0; i < 3; i++) await ChipAsync();
        var doctor = await ContactAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Select(doctor, "followup", i % 2)));
        Assert.Equal(2, answers.Count(a => a.StartsWith("granted:")));
        Assert.Single(answers.Where(a => a.StartsWith("granted:")).Distinct()); // both on the doctor's own number
        Assert.Equal(8, answers.Count(a => a == "contact_frequency_cap"));
    }

    [Fact]
    public async Task A_contact_whose_chip_is_lost_moves_once_and_is_owed_the_announcement()
    {
        var a = await ChipAsync(trust: 95);
        var b = await ChipAsync(trust: 90);
        var doctor = await ContactAsync();
        Assert.Equal($"granted:{a}", await Select(doctor, "followup", 0));

        await Sql.Exec(g.Db, "UPDATE chips SET status = 'paused', paused_from = 'active' WHERE id = @id", ("id", a));
        g.Changed();
        var moved = await g.Silo(1).GetGrain<IConversationGrain>(doctor).SelectAsync("reply", []);
        Assert.Equal((b, (long?)a, true, "failover"), (moved.Selected!.Chip.Id, moved.Selected.MigratedFrom, moved.Selected.AnnouncementPending, moved.Selected.Reason));
        var next = await g.Silo(0).GetGrain<IConversationGrain>(doctor).SelectAsync("reply", []);
        Assert.Equal((b, (long?)null, "affinity"), (next.Selected!.Chip.Id, next.Selected.MigratedFrom, next.Selected.Reason));
        Assert.Equal(b, await Scalar("SELECT chip_id FROM conversations WHERE contact = @c", ("c", doctor)));
        Assert.Equal(1L, await Scalar("SELECT count(*) FROM operations WHERE contact = @c AND action = 'conversation_migrated'", ("c", doctor)));
    }

    [Fact]
    public async Task An_opt_out_binds_every_chip_and_the_contact_is_never_moved()
    {
        var a = await ChipAsync(trust: 95);
        await ChipAsync(trust: 90);
        var doctor = await ContactAsync();
        var conversation = g.Silo(1).GetGrain<IConversationGrain>(doctor);
        Assert.NotNull((await conversation.ReceiveAsync(new ContactMessage(a, "IN-" + doctor, "Dr. Teste", "olá", g.Clock.GetUtcNow(), Forward: false))).InboundId);
        await conversation.OptOutAsync("chip:" + a, "PARE", "contact");

        foreach (var kind in new[] { "prospecting", "followup" })
            Assert.Equal("contact_opted_out", await Select(doctor, kind, 0));
        Assert.Equal($"granted:{a}", await Select(doctor, "reply", 0)); // answering the doctor within 24 h of their message, from their number

        await Sql.Exec(g.Db, "UPDATE chips SET status = 'paused', paused_from = 'active' WHERE id = @id", ("id", a));
        g.Changed();
        Assert.Equal("contact_opted_out", await Select(doctor, "reply", 1)); // not moved to another number
        Assert.Equal(a, await Scalar("SELECT chip_id FROM conversations WHERE contact = @c", ("c", doctor)));
    }

    [Fact]
    public async Task An_inbound_message_is_applied_once_by_its_gateway_id_and_restarts_the_cap()
    {
        var chip = await ChipAsync();
        var doctor = await ContactAsync();
        Assert.StartsWith("granted:", await Select(doctor, "followup", 0));
        Assert.StartsWith("granted:", await Select(doctor, "followup", 1));
        Assert.Equal("contact_frequency_cap", await Select(doctor, "followup", 0));

        var message = new ContactMessage(chip, "WA-" + doctor, null, "pode ser", g.Clock.GetUtcNow(), Forward: false);
        Assert.NotNull((await g.Silo(0).GetGrain<IConversationGrain>(doctor).ReceiveAsync(message)).InboundId);
        Assert.Null((await g.Silo(1).GetGrain<IConversationGrain>(doctor).ReceiveAsync(message)).InboundId); // the gateway sent it twice
        Assert.Equal(1L, await Scalar("SELECT count(*) FROM inbound WHERE contact = @c", ("c", doctor)));

        g.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.StartsWith("granted:", await Select(doctor, "followup", 1));
    }

    [Fact]
    public async Task A_stop_word_is_applied_by_the_conversation_grain_with_its_message_once_and_a_start_word_only_undoes_it()
    {
        var chip = await ChipAsync();
        var doctor = await ContactAsync();
        ContactMessage Says(string id, string text) => new(chip, $"{id}-{doctor}", "Dra. Teste", text, g.Clock.GetUtcNow(), Forward: false);
        Task<long> Count(string sql) => Scalar(sql, ("c", doctor), ("chip", chip));

        // A start word from someone who never left changes nothing and is not answered.
        Assert.Equal(("opt_in", false, false, false), Report(await g.Silo(0).GetGrain<IConversationGrain>(doctor).ReceiveAsync(Says("KW1", "voltar"))));
        Assert.Equal(0L, await Count("SELECT count(*) FROM messages WHERE contact = @c"));

        var stop = Says("KW2", "Não quero mais!");
        Assert.Equal(("opt_out", true, false, true), Report(await g.Silo(0).GetGrain<IConversationGrain>(doctor).ReceiveAsync(stop)));
        // The gateway sends it again, to the other silo: nothing is done twice.
        var again = await g.Silo(1).GetGrain<IConversationGrain>(doctor).ReceiveAsync(stop);
        Assert.Equal(((long?)null, false, false), (again.InboundId, again.OptedOut, again.ReplyQueued));
        Assert.Equal(1L, await Count("SELECT count(*) FROM chip_signals WHERE chip_id = @chip AND kind = 'opt_out'"));
        Assert.Equal(1L, await Count("SELECT count(*) FROM operations WHERE contact = @c AND action = 'contact_opted_out' AND actor = 'contact'"));
        Assert.Equal(1L, await Scalar("SELECT count(*) FROM messages WHERE contact = @c AND kind = 'reply' AND text = @t",
            ("c", doctor), ("t", Julia.Domain.Contacts.KeywordEffect.OptOutConfirmation)));
        Assert.Equal("contact_opted_out", await Select(doctor, "followup", 1));

        // Back by their own word: the grain knows they had left, without reading the contact again.
        Assert.Equal(("opt_in", false, true, true), Report(await g.Silo(1).GetGrain<IConversationGrain>(doctor).ReceiveAsync(Says("KW3", "VOLTAR"))));
        Assert.Equal(1L, await Count("SELECT count(*) FROM operations WHERE contact = @c AND action = 'contact_opted_in' AND reason = 'contact wrote a start keyword'"));
        Assert.Equal(2L, await Count("SELECT count(*) FROM messages WHERE contact = @c AND kind = 'reply'"));
        Assert.StartsWith("granted:", await Select(doctor, "followup", 0));
    }

    static (string, bool, bool, bool) Report(MessageApplied r) => (r.Intent, r.OptedOut, r.OptedIn, r.ReplyQueued);

    [Fact]
    public async Task The_breaker_opens_on_the_fifth_failure_in_a_row_and_a_trial_success_closes_it()
    {
        g.Clock.Set(new DateTimeOffset(2026, 11, 23, 16, 0, 0, TimeSpan.Zero));
        var chip = await ChipAsync();
        Assert.Equal($"granted:{chip}", await Select(await ContactAsync(), "followup", 0));
        var now = g.Clock.GetUtcNow();
        // The results arrive on whichever node sent; the chip's grain counts them in turn.
        var counted = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => g.Silo(i % 2).GetGrain<IChipGrain>(chip).RecordBreakerResultAsync(BreakerResult.Failure, now)));
        Assert.All(counted, Assert.Null);
        Assert.Equal("closed → open: 5 consecutive failures", await g.Silo(1).GetGrain<IChipGrain>(chip).RecordBreakerResultAsync(BreakerResult.Failure, now));
        g.Changed(); // what the NOTIFY of the change does on a running node
        Assert.Equal("no_eligible_chip(breaker_open)", await Select(await ContactAsync(), "followup", 0));

        g.Clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal($"granted:{chip}", await Select(await ContactAsync(), "followup", 1)); // the trial
        Assert.Equal("half_open → closed: trial succeeded", await g.Silo(0).GetGrain<IChipGrain>(chip).RecordBreakerResultAsync(BreakerResult.Success, g.Clock.GetUtcNow()));
        Assert.Equal(["5 consecutive failures", "trial admitted", "trial succeeded"],
            await Sql.List(g.Db, "SELECT reason FROM breaker_log WHERE chip_id = @id ORDER BY id", r => r.GetString(0), ("id", chip)));
        Assert.Equal((0L, "closed"), (await Scalar("SELECT consecutive_failures::bigint FROM chips WHERE id = @id", ("id", chip)),
            await Sql.Scalar<string>(g.Db, "SELECT breaker_state FROM chips WHERE id = @id", ("id", chip))));
    }

    [Fact]
    public async Task A_reported_send_applies_its_effect_on_the_chip_and_answers_the_policys_verdict()
    {
        g.Clock.Set(new DateTimeOffset(2026, 11, 23, 16, 30, 0, TimeSpan.Zero));
        var chip = await ChipAsync();
        var now = g.Clock.GetUtcNow();
        SendReport Report(SendOutcome outcome, int chipsTried = 0) =>
            new SendResult(outcome, SendConcern.Chip, Code: "500", Detail: "500 Internal Server Error").ToReport(new MessageFacts(1, chipsTried, now.AddHours(1)), now);

        // Failures counted in turn, whichever node reports them: another chip for the message, and the fifth opens the breaker.
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => g.Silo(i % 2).GetGrain<IChipGrain>(chip).ReportSendAsync(Report(SendOutcome.Transient))));
        Assert.All(answers, a => Assert.Equal(("AnotherChip", "500 Internal Server Error", (string?)null), (a.Step, a.Reason, a.BreakerChange)));
        // On the message's last chip a permanent failure of the chip stops it (a transient one would wait for the gateway).
        var fifth = await g.Silo(1).GetGrain<IChipGrain>(chip).ReportSendAsync(Report(SendOutcome.Permanent, chipsTried: 2));
        Assert.Equal(("Stop", "failed", "failed on 3 chips; last: 500 Internal Server Error"), (fifth.Step, fifth.Status, fifth.Reason));
        Assert.Equal("closed → open: 5 consecutive failures", fifth.BreakerChange);
        Assert.Equal("open", await Sql.Scalar<string>(g.Db, "SELECT breaker_state FROM chips WHERE id = @id", ("id", chip)));

        // A rate limit cools the chip down and the message waits as long, in the same call.
        var other = await ChipAsync();
        var limited = await g.Silo(0).GetGrain<IChipGrain>(other).ReportSendAsync(Report(SendOutcome.RateLimited));
        Assert.Equal(("Wait", (DateTimeOffset?)now.AddMinutes(10)), (limited.Step, limited.At));
        Assert.True(await Sql.Scalar<bool>(g.Db, "SELECT cooldown_until = @until FROM chips WHERE id = @id", ("id", other), ("until", now.AddMinutes(10))));
        Assert.Equal("closed", await Sql.Scalar<string>(g.Db, "SELECT breaker_state FROM chips WHERE id = @id", ("id", other)));
    }

    [Fact]
    public async Task A_send_result_keeps_the_chip_grains_copy_current_so_the_next_charge_reads_nothing()
    {
        var chip = await ChipAsync();
        var database = await Sql.Scalar<string>(g.Db, "SELECT current_database()");
        var loads = 0;
        using var watch = QueryWatch.On(database, text => { if (text.Contains("breaker_open_seconds") && text.StartsWith("SELECT")) Interlocked.Increment(ref loads); });

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal($"granted:{chip}", await Select(await ContactAsync(), "followup", i % 2));
            Assert.Null(await g.Silo(1 - i % 2).GetGrain<IChipGrain>(chip).RecordBreakerResultAsync(BreakerResult.Success, g.Clock.GetUtcNow()));
        }
        Assert.Equal(1, loads); // the first activation's read; no charge was refused on a stale version
        // A success rides on the chip's next write (every send needs a charge first); the last one is written when the grain goes idle.
        Assert.Equal(2L, await Scalar("SELECT window_sends::bigint FROM chips WHERE id = @id", ("id", chip)));
        await g.Cluster.DeactivateAsync(g.Silo(0).GetGrain<IChipGrain>(chip));
        Assert.Equal(3L, await Scalar("SELECT window_sends::bigint FROM chips WHERE id = @id", ("id", chip)));
    }

    [Fact]
    public async Task An_operators_pause_goes_through_the_chip_grain_and_binds_its_next_reservation()
    {
        var chip = await ChipAsync();
        Assert.Equal($"granted:{chip}", await Select(await ContactAsync(), "followup", 0)); // the chip's grain is warm, active

        var paused = await g.Silo(1).GetGrain<IChipGrain>(chip).ApplyOperatorActionAsync(new OperatorRequest("pause", "op:test", "checking complaints", g.Clock.GetUtcNow()));
        Assert.Equal(new StatusChanged("done", "paused"), paused);
        Assert.Equal(new StatusChanged("invalid_transition", "paused"),
            await g.Silo(0).GetGrain<IChipGrain>(chip).ApplyOperatorActionAsync(new OperatorRequest("promote", "op:test", "try", g.Clock.GetUtcNow())));
        // The directory of silo 0 still ranks it as active: the grain's own answer refuses it.
        Assert.Equal("no_eligible_chip(status)", await Select(await ContactAsync(), "followup", 0));
        Assert.Equal(1L, await Scalar("SELECT count(*) FROM operations WHERE chip_id = @id AND action = 'chip_pause' AND reason = 'checking complaints'", ("id", chip)));
        Assert.Equal(new StatusChanged("not_found", null),
            await g.Silo(0).GetGrain<IChipGrain>(987654321).ApplyOperatorActionAsync(new OperatorRequest("pause", "op:test", "no such chip", g.Clock.GetUtcNow())));
    }

    [Fact]
    public async Task The_gate_trips_and_resumes_through_the_pool_grain_and_binds_prospecting_on_every_silo()
    {
        g.Clock.Set(new DateTimeOffset(2026, 11, 23, 15, 0, 0, TimeSpan.Zero)); // 12:00 in São Paulo, a Monday
        await ChipAsync();
        var pool = g.Silo(1).GetGrain<Julia.Grains.Pool.IPoolGrain>(Julia.Grains.Names.Pool);
        var now = g.Clock.GetUtcNow();
        try
        {
            Assert.True(await pool.TripAsync("op:a", "complaints under review", now));
            Assert.False(await g.Silo(0).GetGrain<Julia.Grains.Pool.IPoolGrain>(Julia.Grains.Names.Pool).TripAsync("op:b", "second reason", now));
            g.Changed(); // what the trigger's NOTIFY does on a running node
            Assert.Equal("prospecting_paused", await Select(await ContactAsync(), "prospecting", 0));
            Assert.Equal("prospecting_paused", await Select(await ContactAsync(), "prospecting", 1));
            Assert.StartsWith("granted:", await Select(await ContactAsync(), "followup", 0)); // only prospecting stops
            Assert.Equal("complaints under review", await Sql.Scalar<string>(g.Db, "SELECT tripped_reason FROM pool_state"));
        }
        finally
        {
            Assert.True(await pool.ResumeAsync("op:a", "reviewed", now));
            Assert.False(await pool.ResumeAsync("op:a", "again", now));
            g.Changed();
        }
        Assert.StartsWith("granted:", await Select(await ContactAsync(), "prospecting", 1));
        Assert.Equal(["prospecting_paused", "prospecting_resumed"],
            await Sql.List(g.Db, "SELECT action FROM operations WHERE action LIKE 'prospecting_%' AND at = @at ORDER BY id", r => r.GetString(0), ("at", now)));
    }
}
