using Build.Engine.Oci;

namespace Build.Engine.Graph;

/// <summary>
/// The image's health check, as docker stores it: <see cref="Test"/> is <c>["CMD", ...]</c>,
/// <c>["CMD-SHELL", "cmd"]</c> or <c>["NONE"]</c>; durations in nanoseconds, 0 meaning "use the default".
/// </summary>
public sealed record HealthcheckConfig(
    ValueList<string> Test,
    long IntervalNanoseconds,
    long TimeoutNanoseconds,
    long StartPeriodNanoseconds,
    long StartIntervalNanoseconds,
    int Retries);
