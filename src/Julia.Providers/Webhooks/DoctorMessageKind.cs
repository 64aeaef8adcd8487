namespace Julia.Providers.Webhooks;

/// <summary>What a doctor sent: text, media (image, audio, video, document, sticker), a reaction, or anything else.</summary>
public enum DoctorMessageKind { Text, Media, Reaction, Other }
