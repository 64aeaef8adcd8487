using Julia.Domain.Chips;
using Julia.Domain.Phones;
using Julia.Domain.Trust;
using Julia.Storage.Chips;
using Npgsql;

namespace Julia.Storage.Demo;

/// <summary>
/// The demo pool: 12 chips on the Evolution gateway across statuses and trust levels (scores computed by the real
/// trust rule from plausible histories, so some can prospect and some cannot), 3 on Meta's Cloud API (one WABA of one
/// portfolio) and 500 contacts with a lawful basis. Seeds only an empty database.
/// </summary>
public static class DemoSeed
{
    public const int ContactCount = 500;

    sealed record DemoChip(string Phone, ChipStatus Status, ChipStatus? PausedFrom, bool Connected, TrustInputs History, string? PhoneNumberId = null);

    /// <summary>The WABA and business portfolio of the demo's Meta numbers.</summary>
    public const string MetaWaba = "104900000000001", MetaPortfolio = "105900000000001";

    static readonly DemoChip[] Chips =
    [
        new("+5511990010001", ChipStatus.Active, null, true, new(120, 0.55, 0.98, 25, 14, RampStage.Operating, 0, 0, false)),
        new("+5511990010002", ChipStatus.Active, null, true, new(10, 0.3, 0.9, 8, 3, RampStage.Operating, 0, 0, false)),
        new("+5521990010003", ChipStatus.Active, null, true, new(20, 0.3, 0.92, 10, 4, RampStage.Operating, 0.005, 1, false)),
        new("+5531990010004", ChipStatus.Active, null, true, new(8, 0.2, 0.85, 5, 2, RampStage.Operating, 0.01, 1, false)),
        new("+5511990010005", ChipStatus.Active, null, true, new(5, 0.15, 0.8, 4, 1, RampStage.Operating, 0.015, 2, false)),
        new("+5541990010006", ChipStatus.Active, null, true, new(3, 0.1, 0.7, 2, 0, RampStage.Operating, 0.03, 3, false)),
        new("+5511990010007", ChipStatus.Degraded, null, true, new(0, 0, 0, 0, 0, RampStage.Operating, 0.1, 5, false)),
        new("+5511990010008", ChipStatus.Rampup, null, true, new(4, 0.4, 0.97, 6, 4, RampStage.R2, 0, 0, false)),
        new("+5521990010009", ChipStatus.Rampup, null, true, new(1, 0.3, 0.96, 2, 1, RampStage.R1, 0, 0, false)),
        new("+5511990010010", ChipStatus.Ready, null, true, new(25, 0.5, 0.98, 18, 7, RampStage.Operating, 0, 0, false)),
        new("+5511990010011", ChipStatus.Paused, ChipStatus.Active, true, new(15, 0.25, 0.9, 6, 2, RampStage.Operating, 0.02, 2, false)),
        new("+5511990010012", ChipStatus.Pending, null, false, new(0, 0, 0, 0, 0, RampStage.R1, 0, 0, false)),
        // Meta's Cloud API: the instance is the phone number id, the token the system user's; no webhook secret (Meta signs with the app's).
        new("+5511990020001", ChipStatus.Active, null, true, new(60, 0.5, 0.97, 20, 10, RampStage.Operating, 0, 0, false), "106900000000001"),
        new("+5521990020002", ChipStatus.Active, null, true, new(12, 0.3, 0.93, 9, 4, RampStage.Operating, 0, 0, false), "106900000000002"),
        new("+5531990020003", ChipStatus.Active, null, true, new(4, 0.2, 0.9, 4, 2, RampStage.Operating, 0.01, 1, false), "106900000000003"),
    ];

    /// <summary>Chips seeded, of both gateways.</summary>
    public static int ChipCount => Chips.Length;

    const string InsertChip = """
        INSERT INTO chips (phone, ddd, instance, instance_token, webhook_secret, provider, status, paused_from, connected, connection_changed_at,
                           trust_score, trust_updated_at, rampup_stage, rampup_started_at, account_created_at, created_at, updated_at)
        VALUES (@phone, @ddd, @instance, @token, @secret, @provider, @status, @paused_from, @connected, @now, @trust, @now, @stage,
                CASE WHEN @stage < 5 THEN @now - make_interval(days => @age) END, @now - make_interval(days => @age), @now, @now)
        RETURNING id
        """;

    const string InsertContacts = """
        INSERT INTO contacts (phone, ddd, name, lawful_basis, lawful_basis_source, lawful_basis_at, created_at, updated_at)
        SELECT '+55119' || lpad(i::text, 8, '0'), 11, 'Dr(a). Demo ' || i, 'legitimate_interest', 'demo: CRM import', @now, @now, @now
        FROM generate_series(1, @n) AS i
        ON CONFLICT DO NOTHING
        """;

    const string InsertMetaKeys = """
        INSERT INTO meta_chips (chip_id, phone_number_id, display_number, waba_id, portfolio_id) VALUES (@chip, @pnid, @display, @waba, @portfolio)
        """;

    /// <summary>The demo's doctors, 1 to <see cref="ContactCount"/>.</summary>
    public static string ContactPhone(int i) => $"+55119{i:00000000}";

    public static IReadOnlyList<string> ContactPhones { get; } = [.. Enumerable.Range(1, ContactCount).Select(ContactPhone)];

    public static string InstanceName(int i) => $"demo-{i:00}";
    public static string InstanceToken(int i) => $"demo-token-{i:00}";
    public static string WebhookSecret(int i) => $"demo-secret-{i:00}";
    public static string MetaToken(string phoneNumberId) => $"demo-meta-token-{phoneNumberId[^2..]}";

    /// <summary>Seeds when the pool is empty; returns false when there was something already.</summary>
    /// <param name="meta">False leaves the Meta numbers out (a database from before their table, migration 0020).</param>
    public static async Task<bool> SeedAsync(NpgsqlDataSource db, DateTimeOffset now, CancellationToken ct, bool meta = true)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using (var lockCmd = c.Cmd("LOCK TABLE chips IN EXCLUSIVE MODE", tx)) await lockCmd.ExecuteNonQueryAsync(ct);
        await using (var any = c.Cmd("SELECT EXISTS (SELECT 1 FROM chips)", tx))
            if ((bool)(await any.ExecuteScalarAsync(ct))!) return false;

        for (int i = 0; i < Chips.Length; i++)
        {
            var d = Chips[i];
            if (d.PhoneNumberId is not null && !meta) continue;
            var trust = TrustScore.Compute(d.History);
            long id;
            var isMeta = d.PhoneNumberId is not null;
            await using (var cmd = c.Cmd(InsertChip, tx).P("phone", d.Phone).P("ddd", (short)Phone.Parse(d.Phone).Ddd!.Value)
                             .P("instance", d.PhoneNumberId ?? InstanceName(i + 1)).P("token", isMeta ? MetaToken(d.PhoneNumberId!) : InstanceToken(i + 1))
                             .Text("secret", isMeta ? null : WebhookSecret(i + 1)).P("provider", isMeta ? "meta" : "evolution")
                             .P("status", d.Status.ToWire()).Text("paused_from", d.PausedFrom?.ToWire()).P("connected", d.Connected)
                             .P("now", now).P("trust", (short)trust.Score).P("stage", (short)d.History.Stage)
                             .P("age", (int)d.History.AccountAgeDays))
                id = (long)(await cmd.ExecuteScalarAsync(ct))!;
            await ChipStore.AddTrustAsync(c, tx, id, trust, "demo seed", now, ct);
            if (isMeta)
                await using (var cmd = c.Cmd(InsertMetaKeys, tx).P("chip", id).P("pnid", d.PhoneNumberId!).P("display", d.Phone[1..])
                                 .P("waba", MetaWaba).P("portfolio", MetaPortfolio))
                    await cmd.ExecuteNonQueryAsync(ct);
        }
        await using (var cmd = c.Cmd(InsertContacts, tx).P("now", now).P("n", ContactCount)) await cmd.ExecuteNonQueryAsync(ct);
        // The demo's pool refills its buffer by itself: numbers are bought from the provider simulator.
        await using (var cmd = c.Cmd("UPDATE pool_config SET config = jsonb_set(config, '{targets}', coalesce(config->'targets', '{}') || "
            + "'{\"autoProvision\": true}'), updated_by = 'demo', updated_at = @now", tx).P("now", now))
            await cmd.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
