using Build.Engine.Errors;

namespace Build.Engine.Registry;

/// <summary>
/// A registry failure that another attempt might not have (connection refused or reset, 429, 5xx),
/// thrown once retries are exhausted or when the caller retries at a coarser grain (a whole upload).
/// </summary>
internal sealed class RegistryTransientException : BuildException
{
    public RegistryTransientException(string message, TimeSpan? retryAfter, Exception? inner)
        : base(ErrorCode.Registry, message, inner ?? new InvalidOperationException(message)) => RetryAfter = retryAfter;

    public TimeSpan? RetryAfter { get; }
}
