namespace Build.Engine.Registry;

/// <summary>How a <see cref="RegistryClient"/> talks to registries. Immutable; build one per command.</summary>
public sealed record RegistryClientOptions
{
    /// <summary>
    /// Registries (<c>host[:port]</c>) that may be reached over plain HTTP or HTTPS with an unverified
    /// certificate, like docker's <c>insecure-registries</c>. Loopback hosts are always in it.
    /// </summary>
    public IReadOnlySet<string> InsecureRegistries { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Looks up the credential for a registry (as written in references, e.g. <c>docker.io</c>); null = anonymous.</summary>
    public Func<string, RegistryCredential?> Credentials { get; init; } = _ => null;

    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    /// <summary>Blobs downloaded or uploaded at the same time (per image).</summary>
    public int MaxConcurrentTransfers { get; init; } = 4;

    /// <summary>Blobs up to this size are uploaded in one PUT; larger ones in PATCH chunks of <see cref="ChunkSize"/>.</summary>
    public long MonolithicUploadLimit { get; init; } = 64L << 20;

    public long ChunkSize { get; init; } = 64L << 20;

    /// <summary>Timeout of a single HTTP request without any progress (connect, headers).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public string UserAgent { get; init; } = "builder/0.1 (+oci distribution client)";

    /// <summary>Receives one plain progress line per blob event (never credentials).</summary>
    public Action<string>? Log { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>True when <paramref name="registry"/> may use plain HTTP: loopback, or listed in <see cref="InsecureRegistries"/>.</summary>
    public bool IsInsecure(string registry)
    {
        if (InsecureRegistries.Contains(registry))
            return true;
        string host = HostOf(registry);
        return host is "localhost" or "127.0.0.1" or "::1" or "[::1]" || InsecureRegistries.Contains(host)
            || host.StartsWith("127.", StringComparison.Ordinal);
    }

    private static string HostOf(string registry)
    {
        if (registry.StartsWith('['))
        {
            int close = registry.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? registry[..(close + 1)] : registry;
        }
        int colon = registry.LastIndexOf(':');
        return colon > 0 ? registry[..colon] : registry;
    }
}
