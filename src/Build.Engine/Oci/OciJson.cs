using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Build.Engine.Errors;

namespace Build.Engine.Oci;

/// <summary>
/// Serialization of the model through <see cref="OciJsonContext"/>. Writing is deterministic; reading
/// failures become <see cref="BuildException"/>s naming what was being read.
/// </summary>
public static class OciJson
{
    /// <summary>
    /// The context with a relaxed encoder: the default one escapes '+' as \u002B, which would make
    /// "…tar+gzip" differ from what every other tool writes (and is needlessly unreadable).
    /// </summary>
    public static OciJsonContext Context { get; } = new(new JsonSerializerOptions(OciJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static byte[] Serialize(ImageManifest value) => JsonSerializer.SerializeToUtf8Bytes(value, Context.ImageManifest);

    public static byte[] Serialize(ImageIndex value) => JsonSerializer.SerializeToUtf8Bytes(value, Context.ImageIndex);

    public static byte[] Serialize(ImageConfig value) => JsonSerializer.SerializeToUtf8Bytes(value, Context.ImageConfig);

    public static byte[] Serialize<T>(T value, JsonTypeInfo<T> typeInfo) => JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);

    public static ImageManifest ReadManifest(ReadOnlySpan<byte> json, string what) => Read(json, Context.ImageManifest, what);

    public static ImageIndex ReadIndex(ReadOnlySpan<byte> json, string what) => Read(json, Context.ImageIndex, what);

    public static ImageConfig ReadConfig(ReadOnlySpan<byte> json, string what) => Read(json, Context.ImageConfig, what);

    /// <summary>Deserializes <paramref name="json"/>; <paramref name="what"/> names the source in errors ("manifest sha256:…", "archive.tar: index.json").</summary>
    public static T Read<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> typeInfo, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(json, typeInfo) ?? throw new BuildException(ErrorCode.InvalidImage, $"{what}: expected a JSON object, found null");
        }
        catch (JsonException e)
        {
            throw new BuildException(ErrorCode.InvalidImage, $"{what}: invalid JSON: {e.Message}", e);
        }
    }

    /// <summary>
    /// Whether <paramref name="json"/> is an image manifest or an index: by "mediaType" when present,
    /// else by shape ("manifests" vs "config"), because the spec makes mediaType optional.
    /// </summary>
    public static ManifestKind DetectKind(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var doc = JsonDocument.ParseValue(ref reader);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                return ManifestKind.Unknown;
            if (doc.RootElement.TryGetProperty("mediaType", out var mt) && mt.ValueKind == JsonValueKind.String)
            {
                switch (mt.GetString())
                {
                    case MediaTypes.OciManifest or MediaTypes.DockerManifest:
                        return ManifestKind.Manifest;
                    case MediaTypes.OciIndex or MediaTypes.DockerManifestList:
                        return ManifestKind.Index;
                }
            }
            if (doc.RootElement.TryGetProperty("manifests", out _))
                return ManifestKind.Index;
            if (doc.RootElement.TryGetProperty("config", out _))
                return ManifestKind.Manifest;
            return ManifestKind.Unknown;
        }
        catch (JsonException)
        {
            return ManifestKind.Unknown;
        }
    }
}
