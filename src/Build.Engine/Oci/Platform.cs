using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using Build.Engine.Errors;

namespace Build.Engine.Oci;

/// <summary>The platform a manifest runs on (image-spec image-index.md, "platform"), in Go's GOOS/GOARCH names.</summary>
public sealed record Platform
{
    [JsonPropertyName("architecture")]
    public required string Architecture { get; init; }

    [JsonPropertyName("os")]
    public required string OS { get; init; }

    [JsonPropertyName("os.version")]
    public string? OSVersion { get; init; }

    [JsonPropertyName("os.features")]
    public IReadOnlyList<string>? OSFeatures { get; init => field = ValueList.From(value); }

    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    /// <summary>Members this record does not model; set only by the deserializer (the serializer cannot bind extension data through init), copied by <c>with</c>.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public ExtensionFields? Extra { get; internal set; }

    /// <summary>The platform of this process, as Docker reports it (arm64 gets variant v8, arm v7).</summary>
    public static Platform Host { get; } = ForArchitecture(RuntimeInformation.OSArchitecture);

    internal static Platform ForArchitecture(Architecture arch) => arch switch
    {
        System.Runtime.InteropServices.Architecture.X64 => new() { OS = "linux", Architecture = "amd64" },
        System.Runtime.InteropServices.Architecture.Arm64 => new() { OS = "linux", Architecture = "arm64", Variant = "v8" },
        System.Runtime.InteropServices.Architecture.Arm or System.Runtime.InteropServices.Architecture.Armv6 =>
            new() { OS = "linux", Architecture = "arm", Variant = arch == System.Runtime.InteropServices.Architecture.Armv6 ? "v6" : "v7" },
        System.Runtime.InteropServices.Architecture.X86 => new() { OS = "linux", Architecture = "386" },
        System.Runtime.InteropServices.Architecture.S390x => new() { OS = "linux", Architecture = "s390x" },
        System.Runtime.InteropServices.Architecture.Ppc64le => new() { OS = "linux", Architecture = "ppc64le" },
        System.Runtime.InteropServices.Architecture.RiscV64 => new() { OS = "linux", Architecture = "riscv64" },
        System.Runtime.InteropServices.Architecture.LoongArch64 => new() { OS = "linux", Architecture = "loong64" },
        _ => new() { OS = "linux", Architecture = arch.ToString().ToLowerInvariant() },
    };

    /// <summary>
    /// Parses <c>os[/arch[/variant]]</c> as <c>--platform</c> takes it ("linux/amd64", "linux/arm64/v8"),
    /// normalizing the common aliases (x86_64, aarch64, armhf) the way containerd does.
    /// </summary>
    public static Platform Parse(string text)
    {
        string[] parts = text.Trim().ToLowerInvariant().Split('/');
        if (parts.Length is < 1 or > 3 || parts.Any(string.IsNullOrEmpty))
            throw new BuildException(ErrorCode.InvalidArgument, $"invalid platform \"{text}\": expected os[/arch[/variant]], e.g. linux/amd64");
        if (parts.Length == 1)
            return Host with { OS = parts[0] };
        string arch = parts[1];
        string? variant = parts.Length == 3 ? parts[2] : null;
        switch (arch)
        {
            case "x86_64" or "x86-64":
                arch = "amd64";
                break;
            case "aarch64":
                arch = "arm64";
                break;
            case "armhf":
                arch = "arm";
                variant ??= "v7";
                break;
            case "armel":
                arch = "arm";
                variant ??= "v6";
                break;
            case "i386" or "i686":
                arch = "386";
                break;
        }
        if (variant is not null && char.IsAsciiDigit(variant[0]))
            variant = "v" + variant;
        return new Platform { OS = parts[0], Architecture = arch, Variant = variant };
    }

    /// <summary>
    /// Whether an image for <paramref name="candidate"/> runs on this platform. A missing variant on
    /// either side matches (most indexes omit arm64's "v8").
    /// </summary>
    public bool Matches(Platform candidate) =>
        string.Equals(OS, candidate.OS, StringComparison.Ordinal)
        && string.Equals(Architecture, candidate.Architecture, StringComparison.Ordinal)
        && (Variant is null || candidate.Variant is null || string.Equals(Variant, candidate.Variant, StringComparison.Ordinal));

    public override string ToString() => Variant is null ? $"{OS}/{Architecture}" : $"{OS}/{Architecture}/{Variant}";
}
