using System.Text.Json.Serialization;

namespace Build.Engine.Oci;

/// <summary>The config's "rootfs": the diff-ids (digests of the uncompressed layer tars) in order (image-spec config.md).</summary>
public sealed record RootFs
{
    [JsonPropertyName("type")]
    public string Type { get; init; } = "layers";

    [JsonPropertyName("diff_ids")]
    public IReadOnlyList<Digest> DiffIds { get; init => field = ValueList.From(value) ?? ValueList<Digest>.Empty; } = ValueList<Digest>.Empty;

    /// <summary>Members this record does not model; set only by the deserializer (the serializer cannot bind extension data through init), copied by <c>with</c>.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public ExtensionFields? Extra { get; internal set; }
}
