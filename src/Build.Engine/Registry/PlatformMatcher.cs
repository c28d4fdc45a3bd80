using Build.Engine.Oci;

namespace Build.Engine.Registry;

/// <summary>
/// Chooses among an index's platforms the way containerd does: names normalized first
/// (<c>aarch64</c>→<c>arm64</c>, <c>x86_64</c>→<c>amd64</c>, arm64's default variant <c>v8</c>, arm's
/// <c>v7</c>), exact matches win, and an arm CPU also runs older arm variants (v7 runs v6 and v5),
/// preferring the newest.
/// </summary>
internal static class PlatformMatcher
{
    /// <summary>The canonical spelling: lower case, architecture aliases folded, default variants filled in.</summary>
    public static Platform Normalize(Platform platform)
    {
        string os = platform.OS.ToLowerInvariant();
        string arch = platform.Architecture.ToLowerInvariant();
        string? variant = string.IsNullOrEmpty(platform.Variant) ? null : platform.Variant.ToLowerInvariant();
        if (variant is not null && char.IsAsciiDigit(variant[0]))
            variant = "v" + variant;
        switch (arch)
        {
            case "i386" or "i686":
                arch = "386";
                variant = null;
                break;
            case "x86_64" or "x86-64" or "amd64":
                arch = "amd64";
                if (variant == "v1")
                    variant = null; // amd64's baseline: "amd64/v1" is plain amd64
                break;
            case "aarch64" or "arm64":
                arch = "arm64";
                variant ??= "v8";
                break;
            case "armhf":
                arch = "arm";
                variant = "v7";
                break;
            case "armel":
                arch = "arm";
                variant = "v6";
                break;
            case "arm":
                variant ??= "v7";
                break;
        }
        return new Platform { OS = os, Architecture = arch, Variant = variant };
    }

    /// <summary>How well an image for <paramref name="candidate"/> runs on <paramref name="wanted"/>: 0 = not at all, higher is better.</summary>
    public static int Score(Platform wanted, Platform candidate)
    {
        Platform want = Normalize(wanted);
        Platform have = Normalize(candidate);
        if (want.OS != have.OS || want.Architecture != have.Architecture)
            return 0;
        if (want.Variant == have.Variant)
            return 100;
        if (want.Variant is null || have.Variant is null)
            return want.Architecture == "amd64" ? 50 : 10;
        if (want.Architecture == "arm" && ArmLevel(have.Variant) is int h && ArmLevel(want.Variant) is int w && h < w)
            return 50 + h;
        return 0;
    }

    public static string Describe(Platform platform) => Normalize(platform).ToString();

    private static int? ArmLevel(string variant) =>
        variant.Length == 2 && variant[0] == 'v' && char.IsAsciiDigit(variant[1]) ? variant[1] - '0' : null;
}
