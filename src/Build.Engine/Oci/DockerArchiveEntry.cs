using System.Text.Json.Serialization;

namespace Build.Engine.Oci;

/// <summary>
/// One element of a docker-archive's <c>manifest.json</c> (what <c>docker save</c> writes and
/// <c>docker load</c> reads): paths inside the archive of the config and the uncompressed layer tars.
/// </summary>
public sealed record DockerArchiveEntry
{
    [JsonPropertyName("Config")]
    public required string Config { get; init; }

    [JsonPropertyName("RepoTags")]
    public IReadOnlyList<string>? RepoTags { get; init => field = ValueList.From(value); }

    [JsonPropertyName("Layers")]
    public IReadOnlyList<string> Layers { get; init => field = ValueList.From(value) ?? ValueList<string>.Empty; } = ValueList<string>.Empty;

    /// <summary>Members this record does not model; set only by the deserializer (the serializer cannot bind extension data through init), copied by <c>with</c>.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public ExtensionFields? Extra { get; internal set; }
}
