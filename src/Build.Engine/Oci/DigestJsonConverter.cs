using System.Text.Json;
using System.Text.Json.Serialization;
using Build.Engine.Errors;

namespace Build.Engine.Oci;

/// <summary>Reads and writes a <see cref="Digest"/> as its <c>algorithm:hex</c> string.</summary>
public sealed class DigestJsonConverter : JsonConverter<Digest>
{
    public override Digest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string? text = reader.GetString();
        // A JsonException lets the serializer add the JSON path; OciJson turns it into a BuildException.
        return Digest.TryParse(text, out var d) ? d : throw new JsonException($"invalid digest \"{text}\"");
    }

    public override void Write(Utf8JsonWriter writer, Digest value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());

    internal static BuildException Invalid(string text) => new(ErrorCode.InvalidDigest, $"invalid digest \"{text}\"");
}
