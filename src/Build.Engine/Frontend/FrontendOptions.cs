using Build.Engine.Graph;
using Build.Engine.Oci;

namespace Build.Engine.Frontend;

/// <summary>
/// Inputs of the frontend besides the Dockerfile. Platforms are <c>os/arch[/variant]</c> strings;
/// <see cref="TargetPlatform"/> null means the build platform (as with no <c>--platform</c>).
/// </summary>
public sealed record FrontendOptions
{
    /// <summary><c>--build-arg</c> values, in command-line order (a later duplicate wins).</summary>
    public ValueList<KeyValue> BuildArgs { get; init; } = ValueList<KeyValue>.Empty;

    /// <summary><c>--target</c>: the stage name to build; null builds the last stage.</summary>
    public string? Target { get; init; }

    /// <summary>The platform the build runs on (BUILDPLATFORM).</summary>
    public string BuildPlatform { get; init; } = "linux/amd64";

    /// <summary>The platform to build for (TARGETPLATFORM); null means <see cref="BuildPlatform"/>.</summary>
    public string? TargetPlatform { get; init; }

    /// <summary>Which BuildKit version's history text to write (docker 20.10's differs in a few entries).</summary>
    public HistoryDialect HistoryDialect { get; init; } = HistoryDialect.BuildKit;

    /// <summary>Base image configurations (for ENV, WORKDIR, SHELL, ONBUILD of images); null treats all as empty.</summary>
    public IImageConfigResolver? ImageConfigs { get; init; }
}
