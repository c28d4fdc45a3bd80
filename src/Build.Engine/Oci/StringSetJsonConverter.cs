using System.Text.Json;
using System.Text.Json.Serialization;

namespace Build.Engine.Oci;

/// <summary>
/// Go's <c>map[string]struct{}</c> (ExposedPorts, Volumes): a JSON object whose values are <c>{}</c>.
/// We model it as a sorted list of the keys.
/// </summary>
public sealed class StringSetJsonConverter : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
            return null;
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("expected an object whose keys form a set");
        var keys = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            keys.Add(reader.GetString()!);
            reader.Read();
            reader.Skip(); // the value is {} by convention; any value is tolerated
        }
        return ValueList.SetFrom(keys);
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var key in value.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            writer.WriteStartObject(key);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }
}
