using System.Globalization;
using System.Text.Json;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Caching.Remote;

/// <summary>
/// The shared-cache format (docs/cache-format.md): an OCI image manifest whose config blob
/// (<see cref="ConfigMediaType"/>) lists the cache records (key, step, preimage, layer descriptor, duration,
/// created) and whose <c>layers</c> are every layer blob a record names, so registries keep them and
/// <c>skopeo copy</c> moves the whole cache. Serialization is canonical (records sorted by key, fixed field
/// order), so the same records always give the same digests.
/// </summary>
public static class CacheDocument
{
    public const string ArtifactType = "application/vnd.builder.cache.v1";
    public const string ConfigMediaType = "application/vnd.builder.cache.config.v1+json";
    public const int Version = 1;

    /// <summary>The largest config blob an import reads (a cache of ~100k records).</summary>
    public const long MaxConfigSize = 256L << 20;

    /// <summary>The records as the config blob's canonical JSON.</summary>
    public static byte[] WriteConfig(IEnumerable<CacheRecord> records)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("version", Version);
            w.WriteStartArray("records");
            foreach (var r in records.OrderBy(r => r.Key.ToString(), StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WriteString("key", r.Key.ToString());
                w.WriteString("step", r.StepIdentity);
                w.WriteNumber("scheme", r.Preimage.Scheme);
                w.WriteStartObject("preimage");
                foreach (var (name, value) in r.Preimage.Components)
                    w.WriteString(name, value);
                w.WriteEndObject();
                if (r.Layer is { } l)
                {
                    w.WriteStartObject("layer");
                    w.WriteString("mediaType", l.MediaType);
                    w.WriteString("digest", l.Digest.ToString());
                    w.WriteNumber("size", l.Size);
                    w.WriteString("diffID", l.DiffId.ToString());
                    w.WriteEndObject();
                }
                w.WriteNumber("durationMs", (long)r.Duration.TotalMilliseconds);
                w.WriteString("created", r.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Reads a config blob. Every record's key is recomputed from its preimage; a record whose key does not
    /// match (or that is malformed) is dropped and counted in <c>Rejected</c>, so a damaged cache costs misses,
    /// never a wrong hit for a different step.
    /// </summary>
    public static (IReadOnlyList<CacheRecord> Records, int Rejected) ReadConfig(ReadOnlySpan<byte> json, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException e)
        {
            throw new BuildException(ErrorCode.InvalidImage, $"invalid cache config in {source}: {e.Message}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.Number)
                throw new BuildException(ErrorCode.InvalidImage, $"invalid cache config in {source}: no version");
            if (v.GetInt32() != Version)
                throw new BuildException(ErrorCode.InvalidImage, $"cache in {source} has format version {v.GetInt32()}; this builder reads version {Version}");
            var records = new List<CacheRecord>();
            int rejected = 0;
            if (root.TryGetProperty("records", out var array) && array.ValueKind == JsonValueKind.Array)
            {
                foreach (var e in array.EnumerateArray())
                {
                    if (TryReadRecord(e) is { } r)
                        records.Add(r);
                    else
                        rejected++;
                }
            }
            return (records, rejected);
        }
    }

    private static CacheRecord? TryReadRecord(JsonElement e)
    {
        try
        {
            if (e.ValueKind != JsonValueKind.Object)
                return null;
            var key = CacheKey.Parse(e.GetProperty("key").GetString() ?? "");
            string step = e.GetProperty("step").GetString() ?? "";
            int scheme = e.GetProperty("scheme").GetInt32();
            var components = e.GetProperty("preimage").EnumerateObject()
                .Select(p => KeyValuePair.Create(p.Name, p.Value.GetString() ?? throw new FormatException("non-string component")));
            var preimage = new CacheKeyPreimage(components, scheme);
            if (preimage.ComputeKey() != key)
                return null;
            CachedLayer? layer = null;
            if (e.TryGetProperty("layer", out var l) && l.ValueKind == JsonValueKind.Object)
            {
                layer = new CachedLayer(
                    Digest.Parse(l.GetProperty("digest").GetString() ?? ""),
                    Digest.Parse(l.GetProperty("diffID").GetString() ?? ""),
                    l.GetProperty("size").GetInt64(),
                    l.GetProperty("mediaType").GetString() ?? "");
                if (layer.Size < 0 || layer.MediaType.Length == 0)
                    return null;
            }
            var duration = TimeSpan.FromMilliseconds(e.TryGetProperty("durationMs", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetInt64() : 0);
            var created = e.TryGetProperty("created", out var c) && c.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(c.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : DateTimeOffset.UnixEpoch;
            return new CacheRecord(key, step, preimage, layer, duration, created, created);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or BuildException)
        {
            return null;
        }
    }

    /// <summary>The manifest naming <paramref name="config"/> and every distinct layer of <paramref name="records"/> (sorted by digest).</summary>
    public static byte[] WriteManifest(Descriptor config, IReadOnlyCollection<CacheRecord> records)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", MediaTypes.OciManifest);
            w.WriteString("artifactType", ArtifactType);
            WriteDescriptor(w, "config", config.MediaType, config.Digest, config.Size);
            w.WriteStartArray("layers");
            foreach (var l in Layers(records))
                WriteDescriptor(w, null, l.MediaType, l.Digest, l.Size);
            w.WriteEndArray();
            w.WriteStartObject("annotations");
            w.WriteString("dev.builder.cache.records", records.Count.ToString(CultureInfo.InvariantCulture));
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The distinct layers the records name, sorted by digest.</summary>
    public static IReadOnlyList<CachedLayer> Layers(IEnumerable<CacheRecord> records) =>
        records.Select(r => r.Layer).OfType<CachedLayer>().DistinctBy(l => l.Digest)
            .OrderBy(l => l.Digest.ToString(), StringComparer.Ordinal).ToList();

    /// <summary>Reads a cache manifest: its config descriptor. Anything else (an image, an index) is refused with a message naming <paramref name="source"/>.</summary>
    public static Descriptor ReadManifest(ReadOnlySpan<byte> json, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            var config = root.GetProperty("config");
            string mediaType = config.GetProperty("mediaType").GetString() ?? "";
            if (mediaType != ConfigMediaType)
                throw new BuildException(ErrorCode.InvalidImage, $"{source} is not a builder cache (its config is {mediaType}, expected {ConfigMediaType})");
            return new Descriptor
            {
                MediaType = mediaType,
                Digest = Digest.Parse(config.GetProperty("digest").GetString() ?? ""),
                Size = config.GetProperty("size").GetInt64(),
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new BuildException(ErrorCode.InvalidImage, $"invalid cache manifest in {source}: {e.Message}");
        }
    }

    /// <summary>
    /// The union of two record sets. For a key in both, <paramref name="existing"/> wins: its layer is
    /// already where the cache lives, and runners that imported it keep getting the same result.
    /// </summary>
    public static IReadOnlyList<CacheRecord> Merge(IEnumerable<CacheRecord> existing, IEnumerable<CacheRecord> ours)
    {
        var byKey = new Dictionary<CacheKey, CacheRecord>();
        foreach (var r in existing)
            byKey.TryAdd(r.Key, r);
        foreach (var r in ours)
            byKey.TryAdd(r.Key, r);
        return byKey.Values.ToList();
    }

    private static void WriteDescriptor(Utf8JsonWriter w, string? name, string mediaType, Digest digest, long size)
    {
        if (name is null)
            w.WriteStartObject();
        else
            w.WriteStartObject(name);
        w.WriteString("mediaType", mediaType);
        w.WriteString("digest", digest.ToString());
        w.WriteNumber("size", size);
        w.WriteEndObject();
    }
}
