using System.Runtime.InteropServices;
using Build.Engine.Errors;

namespace Build.Engine.Registry;

/// <summary>
/// The os/architecture/variant a pull selects from an image index, normalized the way containerd
/// does (<c>aarch64</c>→<c>arm64</c>, <c>x86_64</c>→<c>amd64</c>, arm64's default variant <c>v8</c>,
/// arm's <c>v7</c>) so "linux/arm64" and "linux/arm64/v8" are the same platform.
/// </summary>
public sealed record PlatformSpec(string Os, string Architecture, string? Variant = null)
{
    public static PlatformSpec LinuxAmd64 { get; } = new("linux", "amd64");

    /// <summary>The platform of this process (what a build on this machine targets by default).</summary>
    public static PlatformSpec Host { get; } = new PlatformSpec("linux", RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.Arm => "arm",
        System.Runtime.InteropServices.Architecture.X86 => "386",
        System.Runtime.InteropServices.Architecture.S390x => "s390x",
        System.Runtime.InteropServices.Architecture.Ppc64le => "ppc64le",
        System.Runtime.InteropServices.Architecture.RiscV64 => "riscv64",
        _ => "amd64",
    }).Normalize();

    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";

    /// <summary>Parses <c>os/arch[/variant]</c> (as given to <c>--platform</c>).</summary>
    public static PlatformSpec Parse(string text)
    {
        string[] parts = text.Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0))
            throw new BuildException(ErrorCode.InvalidArgument, $"invalid platform \"{text}\": expected os/arch[/variant]");
        return new PlatformSpec(parts[0], parts[1], parts.Length == 3 ? parts[2] : null).Normalize();
    }

    /// <summary>The canonical spelling: lower case, architecture aliases folded, default variants filled in.</summary>
    public PlatformSpec Normalize()
    {
        string os = Os.ToLowerInvariant();
        string arch = Architecture.ToLowerInvariant();
        string? variant = string.IsNullOrEmpty(Variant) ? null : Variant.ToLowerInvariant();
        switch (arch)
        {
            case "i386":
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
                if (variant is null or "8")
                    variant = "v8";
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
                variant = variant switch
                {
                    null or "7" => "v7",
                    "5" or "6" or "8" => "v" + variant,
                    _ => variant,
                };
                break;
        }
        return new PlatformSpec(os, arch, variant);
    }

    /// <summary>
    /// How well an image for <paramref name="candidate"/> runs here: 0 = not at all, higher is better.
    /// Exact matches win; an arm CPU also runs older arm variants (v7 runs v6 and v5), preferring the
    /// newest, as containerd's matcher does.
    /// </summary>
    public int MatchScore(PlatformSpec candidate)
    {
        PlatformSpec want = Normalize();
        PlatformSpec have = candidate.Normalize();
        if (want.Os != have.Os || want.Architecture != have.Architecture)
            return 0;
        if (want.Variant == have.Variant)
            return 100;
        if (want.Variant is null || have.Variant is null)
            return want.Architecture == "amd64" ? 50 : 10;
        if (want.Architecture == "arm" && ArmLevel(have.Variant) is int h && ArmLevel(want.Variant) is int w && h < w)
            return 50 + h;
        return 0;
    }

    private static int? ArmLevel(string variant) =>
        variant.Length == 2 && variant[0] == 'v' && char.IsAsciiDigit(variant[1]) ? variant[1] - '0' : null;
}
