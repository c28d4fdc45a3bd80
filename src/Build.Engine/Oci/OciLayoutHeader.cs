using System.Text.Json.Serialization;

namespace Build.Engine.Oci;

/// <summary>The <c>oci-layout</c> file at the root of an image layout (image-spec image-layout.md).</summary>
public sealed record OciLayoutHeader
{
    public const string CurrentVersion = "1.0.0";

    [JsonPropertyName("imageLayoutVersion")]
    public string ImageLayoutVersion { get; init; } = CurrentVersion;

    /// <summary>Members this record does not model; set only by the deserializer (the serializer cannot bind extension data through init), copied by <c>with</c>.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public ExtensionFields? Extra { get; internal set; }
}
