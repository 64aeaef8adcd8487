namespace Julia.Client;

public sealed record Selection(long SelectionId, long ChipId, string Phone, string Instance, string Reason, long ConversationId, long? MigratedFrom,
                               bool AnnouncementPending);
