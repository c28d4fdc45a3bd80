using System.Globalization;
using System.Text.Json;

namespace Build.Engine.Solving;

/// <summary>
/// The metrics of one build (<c>--metrics-file</c>): every step, and totals. Only steps that have a cache key
/// (layer-producing steps and metadata steps alike, as the solver keys them) count toward the hit ratio.
/// </summary>
public sealed record BuildMetrics(IReadOnlyList<StepMetrics> Steps, TimeSpan Duration, string? ImageId)
{
    public int Hits => Steps.Count(s => s.Key is not null && s.Cached);

    public int Misses => Steps.Count(s => s.Key is not null && !s.Cached);

    public double HitRatio => Hits + Misses == 0 ? 1.0 : (double)Hits / (Hits + Misses);

    /// <summary>The estimated time the cache saved: the recorded duration of every hit.</summary>
    public TimeSpan TimeSaved => TimeSpan.FromTicks(Steps.Where(s => s.Cached).Sum(s => s.SavedDuration.Ticks));

    public int Executed => Steps.Count(s => s.Executed);

    public void WriteJson(Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("image_id", ImageId);
        w.WriteNumber("duration_ms", Ms(Duration));
        w.WriteStartArray("steps");
        foreach (var s in Steps)
        {
            w.WriteStartObject();
            w.WriteString("id", s.Id);
            w.WriteString("name", s.Name);
            if (s.Location is { } location)
                w.WriteNumber("line", location.Line);
            w.WriteString("key", s.Key);
            w.WriteString("result", s.Cached ? "hit" : s.Key is null ? "uncached" : "miss");
            w.WriteBoolean("executed", s.Executed);
            w.WriteStartArray("explanation");
            foreach (var c in s.Explanation)
            {
                w.WriteStartObject();
                w.WriteString("kind", c.Kind.ToString());
                w.WriteString("subject", c.Subject);
                w.WriteString("before", c.Before);
                w.WriteString("after", c.After);
                w.WriteString("description", c.Describe());
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("duration_ms", Ms(s.Duration));
            w.WriteNumber("saved_ms", Ms(s.SavedDuration));
            w.WriteNumber("files_hashed", s.FilesHashed);
            w.WriteNumber("bytes_hashed", s.BytesHashed);
            w.WriteNumber("files_reused", s.FilesReused);
            w.WriteNumber("layer_size", s.LayerSize);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("totals");
        w.WriteNumber("steps", Steps.Count);
        w.WriteNumber("hits", Hits);
        w.WriteNumber("misses", Misses);
        w.WriteNumber("executed", Executed);
        w.WriteNumber("hit_ratio", Math.Round(HitRatio, 4));
        w.WriteNumber("time_saved_ms", Ms(TimeSaved));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static long Ms(TimeSpan t) => (long)Math.Round(t.TotalMilliseconds, MidpointRounding.AwayFromZero);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Steps.Count} steps, {Hits} hits, {Misses} misses ({HitRatio:P0})");
}
