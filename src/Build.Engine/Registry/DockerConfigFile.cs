using Build.Engine.Content;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Build.Engine.Errors;

namespace Build.Engine.Registry;

/// <summary>
/// Credentials in docker's client config (<c>$DOCKER_CONFIG/config.json</c>, default
/// <c>~/.docker/config.json</c>): <c>{"auths": {"registry": {"auth": base64("user:pass")}}}</c>, or
/// separate <c>username</c>/<c>password</c>, plus <c>identitytoken</c>. Writing keeps every other
/// field of the file (credHelpers, proxies, ...) and replaces the file atomically with mode 0600 so a
/// crash never leaves a truncated config and other users never read the secrets.
/// </summary>
public sealed class DockerConfigFile
{
    /// <summary>The key docker itself uses for Docker Hub.</summary>
    public const string DockerHubKey = "https://index.docker.io/v1/";

    public DockerConfigFile(string path) => Path = path;

    public string Path { get; }

    /// <summary>Finds the config the way the docker CLI does: <c>$DOCKER_CONFIG/config.json</c>, else <c>$HOME/.docker/config.json</c>.</summary>
    public static DockerConfigFile Locate(Func<string, string?> environment)
    {
        string? dir = environment("DOCKER_CONFIG");
        if (string.IsNullOrEmpty(dir))
        {
            string home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            dir = System.IO.Path.Combine(home, ".docker");
        }
        return new DockerConfigFile(System.IO.Path.Combine(dir, "config.json"));
    }

    /// <summary>
    /// The normalized key of a registry in <c>auths</c>: scheme and path stripped, Docker Hub's
    /// aliases folded, so <c>https://index.docker.io/v1/</c>, <c>docker.io</c> and
    /// <c>registry-1.docker.io</c> find the same entry.
    /// </summary>
    public static string NormalizeRegistry(string registry)
    {
        string r = registry.Trim();
        int scheme = r.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
            r = r[(scheme + 3)..];
        int slash = r.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
            r = r[..slash];
        r = r.ToLowerInvariant();
        return r is "index.docker.io" or "registry-1.docker.io" or ImageReference.DockerHub ? ImageReference.DockerHub : r;
    }

    public RegistryCredential? Find(string registry)
    {
        JsonObject? root = Read();
        if (root?["auths"] is not JsonObject auths)
            return null;
        string wanted = NormalizeRegistry(registry);
        foreach (var (key, value) in auths)
        {
            if (NormalizeRegistry(key) != wanted || value is not JsonObject entry)
                continue;
            string? user = (string?)entry["username"];
            string? pass = (string?)entry["password"];
            string? identity = (string?)entry["identitytoken"];
            if ((string?)entry["auth"] is { Length: > 0 } auth)
            {
                string decoded;
                try
                {
                    decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
                }
                catch (FormatException)
                {
                    // The value is a secret: name the file and the registry, never echo it.
                    throw new BuildException(ErrorCode.InvalidArgument, $"invalid base64 \"auth\" for {key} in {Path}");
                }
                int colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0)
                    throw new BuildException(ErrorCode.InvalidArgument, $"invalid \"auth\" for {key} in {Path}: expected base64 of user:password");
                user = decoded[..colon];
                pass = decoded[(colon + 1)..];
            }
            if (!string.IsNullOrEmpty(identity))
                return new RegistryCredential(user ?? "<token>", pass ?? "", identity);
            if (user is not null && pass is not null)
                return new RegistryCredential(user, pass);
        }
        return null;
    }

    /// <summary>Stores <paramref name="credential"/> for <paramref name="registry"/>, replacing any entry for it.</summary>
    public async Task SaveAsync(string registry, RegistryCredential credential, CancellationToken ct)
    {
        JsonObject root = Read() ?? new JsonObject();
        if (root["auths"] is not JsonObject auths)
        {
            auths = new JsonObject();
            root["auths"] = auths;
        }
        RemoveEntries(auths, registry);
        var entry = new JsonObject
        {
            ["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.Username + ":" + credential.Password)),
        };
        if (credential.IdentityToken is { } token)
            entry["identitytoken"] = token;
        string normalized = NormalizeRegistry(registry);
        auths[normalized == ImageReference.DockerHub ? DockerHubKey : normalized] = entry;
        await WriteAsync(root, ct).ConfigureAwait(false);
    }

    /// <summary>Removes the credentials of <paramref name="registry"/>; false when there were none.</summary>
    public async Task<bool> RemoveAsync(string registry, CancellationToken ct)
    {
        JsonObject? root = Read();
        if (root?["auths"] is not JsonObject auths || !RemoveEntries(auths, registry))
            return false;
        await WriteAsync(root, ct).ConfigureAwait(false);
        return true;
    }

    private static bool RemoveEntries(JsonObject auths, string registry)
    {
        string wanted = NormalizeRegistry(registry);
        var keys = auths.Select(p => p.Key).Where(k => NormalizeRegistry(k) == wanted).ToList();
        foreach (string k in keys)
            auths.Remove(k);
        return keys.Count > 0;
    }

    private JsonObject? Read()
    {
        if (!File.Exists(Path))
            return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(Path)) as JsonObject
                ?? throw new BuildException(ErrorCode.InvalidArgument, $"invalid docker config {Path}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new BuildException(ErrorCode.InvalidArgument, $"invalid docker config {Path}: line {e.LineNumber + 1}: not valid JSON");
        }
    }

    private async Task WriteAsync(JsonObject root, CancellationToken ct)
    {
        string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        Directory.CreateDirectory(dir);
        string temp = System.IO.Path.Combine(dir, ".config.json." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            await using (var stream = new FileStream(temp, options))
            {
                await using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                    root.WriteTo(writer);
                await stream.FlushAsync(ct).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, Path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }
}
