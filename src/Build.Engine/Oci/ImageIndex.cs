using System.Text.Json.Serialization;

namespace Build.Engine.Oci;

/// <summary>An image index (image-spec image-index.md), also Docker's manifest list; the root of an OCI layout (index.json).</summary>
public sealed record ImageIndex
{
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; } = 2;

    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; }

    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    [JsonPropertyName("manifests")]
    public IReadOnlyList<Descriptor> Manifests { get; init => field = ValueList.From(value) ?? ValueList<Descriptor>.Empty; } = ValueList<Descriptor>.Empty;

    [JsonPropertyName("subject")]
    public Descriptor? Subject { get; init; }

    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init => field = ValueMap.From(value); }

    /// <summary>Members this record does not model; set only by the deserializer (the serializer cannot bind extension data through init), copied by <c>with</c>.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public ExtensionFields? Extra { get; internal set; }
}
