using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Build.Engine.Oci;

/// <summary>
/// Times as Go's <c>time.RFC3339Nano</c> writes them (UTC, "Z", trailing fractional zeros dropped):
/// what Docker and BuildKit write, so a re-serialized config matches theirs. Reading accepts any
/// RFC 3339 offset and up to nine fractional digits (Go writes nanoseconds; .NET keeps 100 ns).
/// </summary>
public sealed class Rfc3339JsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string text = reader.GetString() ?? throw new JsonException("expected a time string");
        return Parse(text) ?? throw new JsonException($"invalid RFC 3339 time \"{text}\"");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));

    public static string Format(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        string s = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        long fraction = utc.Ticks % TimeSpan.TicksPerSecond;
        if (fraction != 0)
            s += "." + fraction.ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0');
        return s + "Z";
    }

    public static DateTimeOffset? Parse(string text)
    {
        // Trim fractional digits beyond the 7 .NET can hold: "…05.123456789Z" → "…05.1234567Z".
        int dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            int end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
                end++;
            if (end - dot - 1 > 7)
                text = text[..(dot + 8)] + text[end..];
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var v) ? v : null;
    }
}
