using System.Text.Json.Serialization;

namespace Build.Engine.Oci;

/// <summary>A reference to content: what it is, its digest and its size (image-spec descriptor.md).</summary>
public sealed record Descriptor
{
    [JsonPropertyName("mediaType")]
    public required string MediaType { get; init; }

    [JsonPropertyName("digest")]
    public required Digest Digest { get; init; }

    [JsonPropertyName("size")]
    public required long Size { get; init; }

    [JsonPropertyName("urls")]
    public IReadOnlyList<string>? Urls { get; init => field = ValueList.From(value); }

    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init => field = ValueMap.From(value); }

    /// <summary>Base64 of the content itself, for tiny blobs (descriptor.md "data"); must hash to <see cref="Digest"/>.</summary>
    [JsonPropertyName("data")]
    public string? Data { get; init; }

    [JsonPropertyName("platform")]
    public Platform? Platform { get; init; }

    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    /// <summary>Members this record does not model; set only by the deserializer (the serializer cannot bind extension data through init), copied by <c>with</c>.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public ExtensionFields? Extra { get; internal set; }

    /// <summary>A descriptor of <paramref name="content"/> with the given media type.</summary>
    public static Descriptor Of(string mediaType, ReadOnlySpan<byte> content) =>
        new() { MediaType = mediaType, Digest = Digest.Compute(content), Size = content.Length };

    /// <summary>The value of annotation <paramref name="key"/>, or null.</summary>
    public string? Annotation(string key) => Annotations is not null && Annotations.TryGetValue(key, out var v) ? v : null;
}
