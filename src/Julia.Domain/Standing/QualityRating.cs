namespace Julia.Domain.Standing;

/// <summary>A Meta number's quality rating as Meta reports it (GREEN, YELLOW, RED; NA and anything new read as unknown).</summary>
public enum QualityRating { Unknown, Green, Yellow, Red }
