using System.Text.RegularExpressions;

namespace Build.Insights.Advice;

/// <summary>
/// A package manager's install command, the manifest files it reads, and where it keeps its download cache
/// (as root in the usual official images). Used to split dependency installation from the source copy and to
/// suggest cache mounts.
/// </summary>
internal sealed partial record PackageManager(string Name, Regex Install, IReadOnlyList<string> Manifests, IReadOnlyList<string> ManifestExtensions, IReadOnlyList<string> CacheTargets)
{
    public static readonly IReadOnlyList<PackageManager> All =
    [
        new("npm", NpmRegex(), ["package.json", "package-lock.json", "npm-shrinkwrap.json", ".npmrc"], [], ["/root/.npm"]),
        new("yarn", YarnRegex(), ["package.json", "yarn.lock", ".yarnrc", ".yarnrc.yml"], [], ["/usr/local/share/.cache/yarn"]),
        new("pnpm", PnpmRegex(), ["package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml", ".npmrc"], [], ["/root/.local/share/pnpm/store"]),
        new("pip", PipRegex(), ["requirements.txt", "constraints.txt"], [], ["/root/.cache/pip"]),
        new("poetry", PoetryRegex(), ["pyproject.toml", "poetry.lock"], [], ["/root/.cache/pypoetry"]),
        new("go", GoRegex(), ["go.mod", "go.sum"], [], ["/root/go/pkg/mod"]),
        new("cargo", CargoRegex(), ["Cargo.toml", "Cargo.lock"], [], ["/usr/local/cargo/registry"]),
        new("dotnet", DotnetRegex(), ["NuGet.config", "nuget.config", "Directory.Build.props", "Directory.Packages.props", "global.json"], [".csproj", ".fsproj", ".vbproj", ".sln"], ["/root/.nuget/packages"]),
        new("bundler", BundlerRegex(), ["Gemfile", "Gemfile.lock"], [], []),
        new("composer", ComposerRegex(), ["composer.json", "composer.lock"], [], []),
    ];

    public static PackageManager? Match(string command) => All.FirstOrDefault(p => p.Install.IsMatch(command));

    /// <summary>The manifests of this manager that exist in <paramref name="files"/> (root level; project files at any depth).</summary>
    public IReadOnlyList<string> Present(IReadOnlyList<string> files, string command)
    {
        var names = new HashSet<string>(Manifests, StringComparer.Ordinal);
        if (Name == "pip" && PipRequirementRegex().Match(command) is { Success: true } m)
            names.Add(m.Groups[1].Value.TrimStart('.', '/'));
        return files.Where(f => names.Contains(f) || ManifestExtensions.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal).ToList();
    }

    [GeneratedRegex(@"\bnpm\s+(ci|install|i)\b")]
    private static partial Regex NpmRegex();

    [GeneratedRegex(@"\byarn(\s+install\b|\s*($|&&|;|\|\|))")]
    private static partial Regex YarnRegex();

    [GeneratedRegex(@"\bpnpm\s+(install|i)\b")]
    private static partial Regex PnpmRegex();

    [GeneratedRegex(@"\bpip3?\s+install\b[^;&|]*\s-r\s*\S+")]
    private static partial Regex PipRegex();

    [GeneratedRegex(@"\bpip3?\s+install\b[^;&|]*\s-r\s*(\S+)")]
    private static partial Regex PipRequirementRegex();

    [GeneratedRegex(@"\bpoetry\s+install\b")]
    private static partial Regex PoetryRegex();

    [GeneratedRegex(@"\bgo\s+mod\s+download\b")]
    private static partial Regex GoRegex();

    [GeneratedRegex(@"\bcargo\s+fetch\b")]
    private static partial Regex CargoRegex();

    [GeneratedRegex(@"\bdotnet\s+restore\b")]
    private static partial Regex DotnetRegex();

    [GeneratedRegex(@"\bbundle\s+install\b")]
    private static partial Regex BundlerRegex();

    [GeneratedRegex(@"\bcomposer\s+install\b")]
    private static partial Regex ComposerRegex();
}
