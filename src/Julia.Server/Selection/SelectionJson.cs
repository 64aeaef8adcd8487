namespace Julia.Server.Selection;

public sealed record SelectionJson(long SelectionId, long ChipId, string Phone, string Instance, string Reason, long ConversationId, long? MigratedFrom,
                                   bool AnnouncementPending);
