namespace Julia.Domain.Selection;

/// <summary>A chip's circuit breaker: closed sends, open rests, half-open lets one trial send through.</summary>
public enum BreakerState { Closed, Open, HalfOpen }
