using System.Text.Json.Serialization;

namespace Build.Engine.Oci;

/// <summary>One step of the config's "history"; entries with <see cref="EmptyLayer"/> have no layer (ENV, CMD…).</summary>
public sealed record HistoryEntry
{
    [JsonPropertyName("created")]
    [JsonConverter(typeof(Rfc3339JsonConverter))]
    public DateTimeOffset? Created { get; init; }

    [JsonPropertyName("created_by")]
    public string? CreatedBy { get; init; }

    [JsonPropertyName("author")]
    public string? Author { get; init; }

    [JsonPropertyName("comment")]
    public string? Comment { get; init; }

    [JsonPropertyName("empty_layer")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool EmptyLayer { get; init; }

    /// <summary>Members this record does not model; set only by the deserializer (the serializer cannot bind extension data through init), copied by <c>with</c>.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public ExtensionFields? Extra { get; internal set; }
}
