namespace Julia.Client;

public sealed record Conversation(long Id, string Contact, long ChipId, string ChipPhone, string ChipInstance, DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt, long? MigratedFrom, DateTimeOffset? MigratedAt, bool AnnouncementPending);
