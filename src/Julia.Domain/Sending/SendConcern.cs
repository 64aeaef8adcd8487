namespace Julia.Domain.Sending;

/// <summary>
/// What a send's result is about: the number that sent it (its connection, account or limits), the contact (not on
/// WhatsApp, for instance) or the message itself. The gateway's client says which, since only it can read its
/// provider's errors; the send policy decides what follows from it.
/// </summary>
public enum SendConcern { Chip, Contact, Message }
