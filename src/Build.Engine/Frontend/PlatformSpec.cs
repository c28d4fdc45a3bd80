using System.Diagnostics.CodeAnalysis;

namespace Build.Engine.Frontend;

/// <summary>
/// An <c>os/arch[/variant]</c> platform, normalised the way containerd's <c>platforms.Normalize</c> does
/// (<c>x86_64</c> → amd64, <c>aarch64</c> → arm64, arm defaults to v7, arm64's v8 is dropped). Internal until the
/// Oci <c>Platform</c> type lands; the graph carries the formatted string.
/// </summary>
internal sealed record PlatformSpec(string Os, string Architecture, string Variant)
{
    public override string ToString() => Variant.Length == 0 ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";

    private static readonly HashSet<string> KnownOs = new(StringComparer.Ordinal)
    {
        "linux", "windows", "darwin", "freebsd", "netbsd", "openbsd", "solaris", "illumos", "aix", "android", "ios", "js", "wasip1", "plan9", "dragonfly",
    };

    public static bool TryParse(string text, [NotNullWhen(true)] out PlatformSpec? platform)
    {
        platform = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var parts = text.Trim().ToLowerInvariant().Split('/');
        foreach (var part in parts)
            if (part.Length == 0 || !part.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
                return false;
        switch (parts.Length)
        {
            case 1:
                // containerd: a lone OS gets the default architecture, a lone architecture gets linux.
                platform = KnownOs.Contains(parts[0])
                    ? Normalize(parts[0], "amd64", "")
                    : Normalize("linux", parts[0], "");
                return true;
            case 2:
                platform = Normalize(parts[0], parts[1], "");
                return true;
            case 3:
                platform = Normalize(parts[0], parts[1], parts[2]);
                return true;
            default:
                return false;
        }
    }

    private static PlatformSpec Normalize(string os, string arch, string variant)
    {
        if (os == "macos") os = "darwin";
        switch (arch)
        {
            case "i386": arch = "386"; variant = ""; break;
            case "x86_64" or "x86-64" or "amd64":
                arch = "amd64";
                if (variant == "v1") variant = "";
                break;
            case "aarch64" or "arm64":
                arch = "arm64";
                if (variant is "8" or "v8") variant = "";
                break;
            case "armhf": arch = "arm"; variant = "v7"; break;
            case "armel": arch = "arm"; variant = "v6"; break;
            case "arm":
                variant = variant switch
                {
                    "" or "7" => "v7",
                    "5" or "6" or "8" => "v" + variant,
                    _ => variant,
                };
                break;
        }
        return new PlatformSpec(os, arch, variant);
    }
}
