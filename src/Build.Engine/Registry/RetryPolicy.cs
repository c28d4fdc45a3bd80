namespace Build.Engine.Registry;

/// <summary>
/// Retries for transient registry failures: 429, 5xx and broken connections. Exponential backoff
/// with "equal jitter" (a uniformly random delay in [c/2, c) where c = min(max, base·2^attempt)): the
/// random half keeps many CI runners hitting one registry after an outage from retrying in lock-step,
/// the fixed half keeps the delay growing so a struggling registry actually gets relief. A <c>Retry-After</c> from the
/// server wins over the computed delay but is capped by <see cref="MaxDelay"/> so a hostile or
/// misconfigured registry cannot stall a build for hours.
/// </summary>
public sealed record RetryPolicy
{
    public static RetryPolicy Default { get; } = new();

    /// <summary>No retries: every failure is final (tests of error messages use it).</summary>
    public static RetryPolicy None { get; } = new() { MaxAttempts = 1 };

    /// <summary>Total attempts including the first.</summary>
    public int MaxAttempts { get; init; } = 5;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>True when the HTTP status is worth another attempt (429 and 5xx except 501, 505).</summary>
    public static bool IsRetryableStatus(int status) =>
        status == 429 || (status >= 500 && status != 501 && status != 505);

    /// <summary>
    /// The delay before attempt <paramref name="attempt"/> + 1 (0-based: after the first failure
    /// <paramref name="attempt"/> is 0). <paramref name="jitter"/> is a value in [0, 1).
    /// </summary>
    public TimeSpan DelayBefore(int attempt, double jitter, TimeSpan? retryAfter = null)
    {
        if (retryAfter is { } ra && ra > TimeSpan.Zero)
            return ra < MaxDelay ? ra : MaxDelay;
        double ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (0.5 * Math.Clamp(jitter, 0, 1))));
    }
}
