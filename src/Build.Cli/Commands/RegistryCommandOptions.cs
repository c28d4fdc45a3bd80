using System.CommandLine;
using Build.Engine.Content;
using Build.Engine.Registry;

namespace Build.Cli.Commands;

/// <summary>
/// Options shared by the registry commands (pull, push, login, logout): insecure registries, the
/// docker client config directory. Parsed here, handed inward as typed options.
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

    public static DockerConfigFile ConfigFile(string? dir) =>
        dir is { Length: > 0 } ? new DockerConfigFile(Path.Combine(dir, "config.json")) : DockerConfigFile.Locate(Environment.GetEnvironmentVariable);

    public static RegistryClient CreateClient(ParseResult parse, Option<string[]> insecure, Option<string?> config, TextWriter log, BuilderRoot? stateRoot = null)
    {
        var file = ConfigFile(parse.GetValue(config));
        return new RegistryClient(new RegistryClientOptions
        {
            InsecureRegistries = new HashSet<string>(parse.GetValue(insecure) ?? [], StringComparer.OrdinalIgnoreCase),
            Credentials = file.Find,
            BlobOriginDirectory = stateRoot is null ? null : Path.Combine(stateRoot.Path, "registry", "blob-origins"),
            Log = line =>
            {
                lock (log)
                    log.WriteLine(line);
            },
        });
    }
}
