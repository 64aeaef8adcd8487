using Npgsql;

namespace Julia.Storage.Meta;

/// <summary>One template of a WABA as we keep it (table <c>meta_templates</c>).</summary>
public sealed record MetaTemplateRow(string WabaId, string Name, string Language, string? TemplateId, string Category, string? PreviousCategory,
                                     string? PendingCategory, string Status, string? StatusReason, int ParameterCount, string? Body,
                                     DateTimeOffset? SyncedAt, DateTimeOffset UpdatedAt);

/// <summary>A template as the WABA lists it (a sync writes these).</summary>
public sealed record SyncedTemplate(string Name, string Language, string? TemplateId, string Category, string Status, int ParameterCount, string? Body);

/// <summary>
/// The templates of each WABA: written by the sync (the WABA's whole list) and by the template webhooks (one template's
/// status or category), read on each template send (so a pause stops the next send at once) and by <c>GET /v1/templates</c>.
/// </summary>
public sealed class MetaTemplateStore(NpgsqlDataSource db)
{
    const string Columns = """
        waba_id, name, language, template_id, category, previous_category, pending_category, status, status_reason, parameter_count, body,
        synced_at, updated_at
        """;

    const string Upsert = """
        INSERT INTO meta_templates (waba_id, name, language, template_id, category, status, parameter_count, body, synced_at, updated_at)
        VALUES (@waba, @name, @lang, @id, @category, @status, @params, @body, @now, @now)
        ON CONFLICT (waba_id, name, language) DO UPDATE SET
            template_id = coalesce(EXCLUDED.template_id, meta_templates.template_id),
            previous_category = CASE WHEN meta_templates.category <> EXCLUDED.category THEN meta_templates.category
                                     ELSE meta_templates.previous_category END,
            category = EXCLUDED.category, status = EXCLUDED.status, parameter_count = EXCLUDED.parameter_count, body = EXCLUDED.body,
            pending_category = CASE WHEN meta_templates.pending_category = EXCLUDED.category THEN NULL ELSE meta_templates.pending_category END,
            synced_at = @now, updated_at = @now
        """;

    // A status webhook names the template by name and language (and id): a template the sync has not seen yet is kept too.
    const string Status = """
        INSERT INTO meta_templates (waba_id, name, language, template_id, category, status, status_reason, updated_at)
        VALUES (@waba, @name, @lang, @id, coalesce(@category, 'UNKNOWN'), @status, @reason, @now)
        ON CONFLICT (waba_id, name, language) DO UPDATE SET
            template_id = coalesce(EXCLUDED.template_id, meta_templates.template_id),
            category = coalesce(@category, meta_templates.category),
            status = EXCLUDED.status, status_reason = EXCLUDED.status_reason, updated_at = @now
        """;

    // A category change names the template by id (and name/language when Meta gives them).
    const string Category = """
        UPDATE meta_templates SET
            previous_category = CASE WHEN @pending THEN previous_category ELSE category END,
            category = CASE WHEN @pending THEN category ELSE @category END,
            pending_category = CASE WHEN @pending THEN @category END,
            updated_at = @now
        WHERE waba_id = @waba AND (template_id = @id OR (name = @name AND language = coalesce(@lang, language)))
        """;

    public async Task SyncAsync(string waba, IReadOnlyList<SyncedTemplate> templates, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        foreach (var t in templates)
        {
            await using var cmd = c.Cmd(Upsert, tx).P("waba", waba).P("name", t.Name).P("lang", t.Language).Text("id", t.TemplateId)
                .P("category", t.Category).P("status", t.Status).P("params", t.ParameterCount).Text("body", t.Body).P("now", now);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    public async Task SetStatusAsync(string waba, string name, string language, string? id, string status, string? reason, string? category,
                                     DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Status).P("waba", waba).P("name", name).P("lang", language).Text("id", id).P("status", status)
            .Text("reason", reason).Text("category", category).P("now", now);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A category change: <paramref name="pending"/> for Meta's 24 h notice (recorded, not yet in force).</summary>
    public async Task SetCategoryAsync(string waba, string? id, string? name, string? language, string category, bool pending, DateTimeOffset now,
                                       CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Category).P("waba", waba).Text("id", id).Text("name", name).Text("lang", language).P("category", category)
            .P("pending", pending).P("now", now);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The template by name and locale in every WABA that has it.</summary>
    public async Task<List<MetaTemplateRow>> FindAsync(string name, string language, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd($"SELECT {Columns} FROM meta_templates WHERE name = @name AND language = @lang ORDER BY waba_id")
            .P("name", name).P("lang", language);
        return await cmd.ListAsync(Read, ct);
    }

    /// <summary>Each WABA of a chip in service, with one of its chips' token and Graph version to read its templates with (a secret).</summary>
    public async Task<List<(string WabaId, string Token, string GraphVersion)>> WabasAsync(CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd("""
            SELECT DISTINCT ON (m.waba_id) m.waba_id, c.instance_token, m.graph_version
            FROM meta_chips m JOIN chips c ON c.id = m.chip_id
            WHERE c.status <> 'retired' AND c.instance_token IS NOT NULL
            ORDER BY m.waba_id, m.chip_id
            """);
        return await cmd.ListAsync(r => (r.Get<string>("waba_id"), r.Get<string>("instance_token"), r.Get<string>("graph_version")), ct);
    }

    public async Task<List<MetaTemplateRow>> ListAsync(CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd($"SELECT {Columns} FROM meta_templates ORDER BY waba_id, name, language");
        return await cmd.ListAsync(Read, ct);
    }

    static MetaTemplateRow Read(NpgsqlDataReader r) => new(r.Get<string>("waba_id"), r.Get<string>("name"), r.Get<string>("language"),
        r.OptString("template_id"), r.Get<string>("category"), r.OptString("previous_category"), r.OptString("pending_category"),
        r.Get<string>("status"), r.OptString("status_reason"), r.Get<int>("parameter_count"), r.OptString("body"), r.Opt<DateTimeOffset>("synced_at"),
        r.Get<DateTimeOffset>("updated_at"));
}
