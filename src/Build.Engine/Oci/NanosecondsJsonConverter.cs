using System.Text.Json;
using System.Text.Json.Serialization;

namespace Build.Engine.Oci;

/// <summary>
/// Durations as integer nanoseconds, as Docker writes Go's <c>time.Duration</c> in a config's
/// Healthcheck. .NET keeps 100 ns ticks; sub-tick remainders (never written by docker build) are dropped.
/// </summary>
public sealed class NanosecondsJsonConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        TimeSpan.FromTicks(reader.GetInt64() / TimeSpan.NanosecondsPerTick);

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.Ticks * TimeSpan.NanosecondsPerTick);
}
