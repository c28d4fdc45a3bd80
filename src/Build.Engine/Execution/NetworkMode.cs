namespace Build.Engine.Execution;

/// <summary>A step's network: BuildKit's <c>--network</c> values without CNI.</summary>
public enum NetworkMode
{
    /// <summary>The host's network namespace (BuildKit's default without CNI).</summary>
    Host = 0,

    /// <summary>A new network namespace with only the loopback interface, up.</summary>
    None = 1,
}
