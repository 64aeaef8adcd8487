namespace Julia.Client;

public sealed record InboundMessage(long Id, long ChipId, string ChipPhone, string Contact, string? PushName, string? Text, string Intent,
    DateTimeOffset SentAt, DateTimeOffset ReceivedAt);
