namespace Julia.Domain.Sending;

/// <summary>
/// What a send's failure is about, whatever the gateway: the <see cref="Chip"/> that sent it (its connection,
/// credentials or standing with the platform), the <see cref="Contact"/> it was for (not on WhatsApp, opted out
/// on the platform), or the <see cref="Message"/> itself (its form or content). <see cref="None"/> for a send
/// that went.
/// </summary>
public enum SendSubject { None, Chip, Contact, Message }
