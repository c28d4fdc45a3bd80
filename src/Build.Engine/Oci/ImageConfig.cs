using System.Text.Json.Serialization;

namespace Build.Engine.Oci;

/// <summary>The image configuration blob (image-spec config.md); also Docker's image JSON, which is a superset.</summary>
public sealed record ImageConfig
{
    [JsonPropertyName("created")]
    [JsonConverter(typeof(Rfc3339JsonConverter))]
    public DateTimeOffset? Created { get; init; }

    [JsonPropertyName("author")]
    public string? Author { get; init; }

    [JsonPropertyName("architecture")]
    public string Architecture { get; init; } = "";

    [JsonPropertyName("os")]
    public string OS { get; init; } = "";

    [JsonPropertyName("os.version")]
    public string? OSVersion { get; init; }

    [JsonPropertyName("os.features")]
    public IReadOnlyList<string>? OSFeatures { get; init => field = ValueList.From(value); }

    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    [JsonPropertyName("config")]
    public ContainerConfig? Config { get; init; }

    [JsonPropertyName("rootfs")]
    public RootFs RootFs { get; init; } = new();

    [JsonPropertyName("history")]
    public IReadOnlyList<HistoryEntry>? History { get; init => field = ValueList.From(value); }

    /// <summary>Members this record does not model; set only by the deserializer (the serializer cannot bind extension data through init), copied by <c>with</c>.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public ExtensionFields? Extra { get; internal set; }

    /// <summary>The platform this config declares.</summary>
    [JsonIgnore]
    public Platform Platform => new() { OS = OS, Architecture = Architecture, Variant = Variant, OSVersion = OSVersion, OSFeatures = OSFeatures };
}
