using System.Text.Json.Serialization;

namespace Build.Engine.Oci;

/// <summary>
/// The config's "config": how to run the image (image-spec config.md "Properties"), plus the Docker
/// extensions docker build writes (Healthcheck, OnBuild, Shell, ArgsEscaped). Member names are
/// Docker's PascalCase JSON names.
/// </summary>
public sealed record ContainerConfig
{
    [JsonPropertyName("User")]
    public string? User { get; init; }

    [JsonPropertyName("ExposedPorts")]
    [JsonConverter(typeof(StringSetJsonConverter))]
    public IReadOnlyList<string>? ExposedPorts { get; init => field = ValueList.SetFrom(value); }

    [JsonPropertyName("Env")]
    public IReadOnlyList<string>? Env { get; init => field = ValueList.From(value); }

    [JsonPropertyName("Entrypoint")]
    public IReadOnlyList<string>? Entrypoint { get; init => field = ValueList.From(value); }

    [JsonPropertyName("Cmd")]
    public IReadOnlyList<string>? Cmd { get; init => field = ValueList.From(value); }

    [JsonPropertyName("Healthcheck")]
    public HealthConfig? Healthcheck { get; init; }

    [JsonPropertyName("ArgsEscaped")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ArgsEscaped { get; init; }

    [JsonPropertyName("Volumes")]
    [JsonConverter(typeof(StringSetJsonConverter))]
    public IReadOnlyList<string>? Volumes { get; init => field = ValueList.SetFrom(value); }

    [JsonPropertyName("WorkingDir")]
    public string? WorkingDir { get; init; }

    [JsonPropertyName("Labels")]
    public IReadOnlyDictionary<string, string>? Labels { get; init => field = ValueMap.From(value); }

    [JsonPropertyName("OnBuild")]
    public IReadOnlyList<string>? OnBuild { get; init => field = ValueList.From(value); }

    [JsonPropertyName("StopSignal")]
    public string? StopSignal { get; init; }

    [JsonPropertyName("Shell")]
    public IReadOnlyList<string>? Shell { get; init => field = ValueList.From(value); }

    /// <summary>Members this record does not model; set only by the deserializer (the serializer cannot bind extension data through init), copied by <c>with</c>.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public ExtensionFields? Extra { get; internal set; }
}
