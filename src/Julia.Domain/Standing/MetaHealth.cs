namespace Julia.Domain.Standing;

/// <summary>
/// Meta's <c>health_status.can_send_message</c> for a number (the worst of its phone number, WABA, business and app):
/// available, limited (it sends, within limits Meta states in <c>additional_info</c>) or blocked (it cannot send).
/// </summary>
public enum MetaHealth { Available, Limited, Blocked }
