using System.CommandLine;
using Build.Engine.Registry;

namespace Build.Cli.Commands;

/// <summary>
/// Options shared by the registry commands (pull, push, login, logout): insecure registries, the
/// docker client config directory, and the state root. Parsed here, handed inward as typed options.
/// </summary>
internal static class RegistryCommandOptions
{
    public static Option<string[]> InsecureRegistry() => new("--insecure-registry")
    {
        Description = "Allow plain HTTP or an unverified certificate for this registry (host[:port]); repeatable. Loopback registries always are.",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<string?> Config() => new("--config")
    {
        Description = "Directory of the docker client config holding credentials (default $DOCKER_CONFIG or ~/.docker)",
    };

    public static Option<string?> Root() => new("--root")
    {
        Description = "State directory (default $BUILDER_ROOT, /var/lib/builder for root, else $XDG_DATA_HOME/builder)",
    };

    public static DockerConfigFile ConfigFile(string? dir) =>
        dir is { Length: > 0 } ? new DockerConfigFile(Path.Combine(dir, "config.json")) : DockerConfigFile.Locate(Environment.GetEnvironmentVariable);

    public static string StateRoot(string? root)
    {
        if (root is { Length: > 0 })
            return root;
        if (Environment.GetEnvironmentVariable("BUILDER_ROOT") is { Length: > 0 } env)
            return env;
        if (!OperatingSystem.IsWindows() && Environment.UserName == "root")
            return "/var/lib/builder";
        string data = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(data, "builder");
    }

    /// <summary>
    /// The local image layout pulls write to and pushes read from, under the state root. (The shared image
    /// store replaces it once it exists; the layout is a standard OCI layout skopeo can read as <c>oci:DIR:NAME</c>.)
    /// </summary>
    public static OciLayoutStore ImageLayout(string root) => new(Path.Combine(root, "images", "oci"));

    public static RegistryClient CreateClient(ParseResult parse, Option<string[]> insecure, Option<string?> config, TextWriter log, string? stateRoot = null)
    {
        var file = ConfigFile(parse.GetValue(config));
        return new RegistryClient(new RegistryClientOptions
        {
            InsecureRegistries = new HashSet<string>(parse.GetValue(insecure) ?? [], StringComparer.OrdinalIgnoreCase),
            Credentials = file.Find,
            BlobOriginDirectory = stateRoot is null ? null : Path.Combine(stateRoot, "registry", "blob-origins"),
            Log = line =>
            {
                lock (log)
                    log.WriteLine(line);
            },
        });
    }
}
