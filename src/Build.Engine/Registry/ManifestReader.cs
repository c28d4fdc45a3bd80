using System.Text.Json;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Registry;

/// <summary>
/// Reads the few fields transfer needs (descriptors and platforms) straight from a manifest's or
/// index's raw JSON, leaving the bytes untouched: their digest is what the registry and the store key on.
/// </summary>
internal static class ManifestReader
{
    public static (RemoteDescriptor Config, IReadOnlyList<RemoteDescriptor> Layers) ReadManifest(ReadOnlyMemory<byte> content, string what)
    {
        try
        {
            using var doc = JsonDocument.Parse(content);
            var root = doc.RootElement;
            if (!root.TryGetProperty("config", out var config))
                throw Invalid(what, "no \"config\"");
            var layers = new List<RemoteDescriptor>();
            if (root.TryGetProperty("layers", out var array) && array.ValueKind == JsonValueKind.Array)
            {
                foreach (var layer in array.EnumerateArray())
                    layers.Add(ReadDescriptor(layer, what));
            }
            return (ReadDescriptor(config, what), layers);
        }
        catch (JsonException e)
        {
            throw Invalid(what, "not valid JSON: " + e.Message);
        }
    }

    public static IReadOnlyList<(RemoteDescriptor Descriptor, Platform? Platform)> ReadIndex(ReadOnlyMemory<byte> content, string what)
    {
        try
        {
            using var doc = JsonDocument.Parse(content);
            if (!doc.RootElement.TryGetProperty("manifests", out var manifests) || manifests.ValueKind != JsonValueKind.Array)
                throw Invalid(what, "no \"manifests\"");
            var result = new List<(RemoteDescriptor, Platform?)>();
            foreach (var entry in manifests.EnumerateArray())
            {
                Platform? platform = null;
                if (entry.TryGetProperty("platform", out var p) && p.ValueKind == JsonValueKind.Object)
                {
                    string os = p.TryGetProperty("os", out var o) ? o.GetString() ?? "" : "";
                    string arch = p.TryGetProperty("architecture", out var a) ? a.GetString() ?? "" : "";
                    string? variant = p.TryGetProperty("variant", out var v) ? v.GetString() : null;
                    platform = new Platform { OS = os, Architecture = arch, Variant = variant };
                }
                result.Add((ReadDescriptor(entry, what), platform));
            }
            return result;
        }
        catch (JsonException e)
        {
            throw Invalid(what, "not valid JSON: " + e.Message);
        }
    }

    /// <summary>
    /// The manifest of an index that runs best on <paramref name="wanted"/>; entries without a platform
    /// (attestations, "unknown/unknown") never match.
    /// </summary>
    public static RemoteDescriptor SelectPlatform(IReadOnlyList<(RemoteDescriptor Descriptor, Platform? Platform)> entries,
        Platform wanted, string what)
    {
        RemoteDescriptor? best = null;
        int bestScore = 0;
        foreach (var (descriptor, platform) in entries)
        {
            if (platform is null || IsPlaceholder(platform))
                continue;
            int score = PlatformMatcher.Score(wanted, platform);
            if (score > bestScore)
            {
                best = descriptor;
                bestScore = score;
            }
        }
        if (best is null)
        {
            string available = string.Join(", ", entries.Where(e => e.Platform is not null && !IsPlaceholder(e.Platform)).Select(e => PlatformMatcher.Describe(e.Platform!)).Distinct());
            throw new BuildException(ErrorCode.NotFound, $"no image for platform {PlatformMatcher.Describe(wanted)} in {what} (available: {(available.Length > 0 ? available : "none")})");
        }
        return best;
    }

    // BuildKit's attestation manifests carry "unknown/unknown"; they are never runnable images.
    private static bool IsPlaceholder(Platform platform) => platform.OS == "unknown";

    private static RemoteDescriptor ReadDescriptor(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("digest", out var d) || !Digest.TryParse(d.GetString(), out var digest)
            || !element.TryGetProperty("size", out var s) || !s.TryGetInt64(out long size) || size < 0)
            throw Invalid(what, "a descriptor lacks a valid digest or size");
        string mediaType = element.TryGetProperty("mediaType", out var m) ? m.GetString() ?? "" : "";
        return new RemoteDescriptor(mediaType, digest, size);
    }

    private static BuildException Invalid(string what, string why) =>
        new(ErrorCode.InvalidImage, $"invalid manifest {what}: {why}");
}
