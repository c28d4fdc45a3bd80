using Build.Engine.Registry;

namespace Build.Engine.Tests.Registry;

public class RetryPolicyTests
{
    private static readonly RetryPolicy Policy = new() { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(2), MaxAttempts = 6 };

    [Theory]
    [InlineData(0, 50, 100)]
    [InlineData(1, 100, 200)]
    [InlineData(2, 200, 400)]
    [InlineData(3, 400, 800)]
    [InlineData(5, 1000, 2000)]   // capped by MaxDelay
    [InlineData(40, 1000, 2000)]  // no overflow for huge attempt numbers
    public void Backoff_doubles_with_jitter_in_the_upper_half(int attempt, double min, double max)
    {
        Assert.Equal(min, Policy.DelayBefore(attempt, 0).TotalMilliseconds, 3);
        Assert.True(Policy.DelayBefore(attempt, 0.999).TotalMilliseconds < max);
        Assert.True(Policy.DelayBefore(attempt, 0.5).TotalMilliseconds > min);
    }

    [Fact]
    public void Retry_after_wins_but_is_capped()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), Policy.DelayBefore(0, 0.3, TimeSpan.FromSeconds(1)));
        Assert.Equal(Policy.MaxDelay, Policy.DelayBefore(0, 0.3, TimeSpan.FromHours(1)));
    }

    [Theory]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(501, false)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(200, false)]
    public void Only_throttling_and_server_errors_are_retried(int status, bool retry) =>
        Assert.Equal(retry, RetryPolicy.IsRetryableStatus(status));
}
