using System.Text.Json.Serialization;

namespace Build.Engine.Oci;

/// <summary>
/// Docker's HEALTHCHECK (an extension the OCI spec does not define; docker build writes it and
/// Docker reads it). Durations are integer nanoseconds in JSON, like Go's time.Duration.
/// </summary>
public sealed record HealthConfig
{
    /// <summary>["NONE"], ["CMD", args…] or ["CMD-SHELL", command].</summary>
    [JsonPropertyName("Test")]
    public IReadOnlyList<string>? Test { get; init => field = ValueList.From(value); }

    [JsonPropertyName("Interval")]
    [JsonConverter(typeof(NanosecondsJsonConverter))]
    public TimeSpan? Interval { get; init; }

    [JsonPropertyName("Timeout")]
    [JsonConverter(typeof(NanosecondsJsonConverter))]
    public TimeSpan? Timeout { get; init; }

    [JsonPropertyName("StartPeriod")]
    [JsonConverter(typeof(NanosecondsJsonConverter))]
    public TimeSpan? StartPeriod { get; init; }

    [JsonPropertyName("StartInterval")]
    [JsonConverter(typeof(NanosecondsJsonConverter))]
    public TimeSpan? StartInterval { get; init; }

    [JsonPropertyName("Retries")]
    public int? Retries { get; init; }

    /// <summary>Members this record does not model; set only by the deserializer (the serializer cannot bind extension data through init), copied by <c>with</c>.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public ExtensionFields? Extra { get; internal set; }
}
