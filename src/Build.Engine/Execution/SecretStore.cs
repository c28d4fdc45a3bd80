using System.Collections.Immutable;
using Build.Engine.Errors;

namespace Build.Engine.Execution;

/// <summary>
/// The build request's secrets, id → source. Values are read only when a step mounts them, straight
/// into the step's tmpfs; they are never logged, cached or written to disk by the builder.
/// </summary>
public sealed class SecretStore
{
    private readonly ImmutableDictionary<string, SecretInput> _sources;
    private readonly Func<string, string?> _environment;

    /// <param name="sources">Secret id → source.</param>
    /// <param name="environment">Reads the builder's environment (injected so tests and servers control it).</param>
    public SecretStore(IReadOnlyDictionary<string, SecretInput> sources, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(environment);
        _sources = sources.ToImmutableDictionary(StringComparer.Ordinal);
        _environment = environment;
    }

    public static SecretStore Empty { get; } = new(ImmutableDictionary<string, SecretInput>.Empty, _ => null);

    public bool Contains(string id) => _sources.ContainsKey(id);

    /// <summary>The secret's bytes, or null when no secret with that id was given (or its variable is unset).</summary>
    public byte[]? TryRead(string id)
    {
        if (!_sources.TryGetValue(id, out var source))
            return null;
        if (source.FilePath is { } path)
        {
            try
            {
                return File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new BuildException(ErrorCode.NotFound, $"secret {id}: cannot read {path}: {e.Message}");
            }
        }
        var value = source.EnvironmentVariable is { } name ? _environment(name) : null;
        return value is null ? null : System.Text.Encoding.UTF8.GetBytes(value);
    }
}
