using Build.Parser.Combinators;

namespace Build.Parser.Parsing;

/// <summary>
/// Go's <c>time.ParseDuration</c> syntax (<c>1m30s</c>, <c>500ms</c>, <c>1.5h</c>, <c>-2s</c>, <c>0</c>), as
/// HEALTHCHECK options use it. Units: ns, us (µs, μs), ms, s, m, h. TimeSpan has 100 ns ticks, so values are
/// rounded down to that.
/// </summary>
public static class GoDuration
{
    private static readonly (string Unit, decimal Nanoseconds)[] Units =
    [
        ("ns", 1m), ("us", 1_000m), ("µs", 1_000m), ("μs", 1_000m), ("ms", 1_000_000m),
        ("s", 1_000_000_000m), ("m", 60_000_000_000m), ("h", 3_600_000_000_000m),
    ];

    private static readonly Parser<decimal> Unit = Parsers.OneOf(
        Parsers.String("ns"), Parsers.String("us"), Parsers.String("µs"), Parsers.String("μs"), Parsers.String("ms"),
        Parsers.String("s"), Parsers.String("m"), Parsers.String("h"))
        .Map(static u => Array.Find(Units, x => x.Unit == u).Nanoseconds)
        .Labelled("a unit (ns, us, ms, s, m, h)");

    // "1.5", "1.", ".5" are numbers; "." is not.
    private static readonly Parser<decimal> Number =
        Parsers.TakeWhile(char.IsAsciiDigit).RecognizeString()
            .Then(Parsers.Char('.').Then(Parsers.TakeWhile(char.IsAsciiDigit).RecognizeString()).Optional(),
                static (whole, fraction) => (whole, fraction: fraction.HasValue ? fraction.Value : null))
            .Where(static n => n.whole.Length > 0 || n.fraction?.Length > 0, "a number")
            .Map(static n => decimal.Parse(
                (n.whole.Length > 0 ? n.whole : "0") + (n.fraction?.Length > 0 ? "." + n.fraction : ""),
                System.Globalization.CultureInfo.InvariantCulture));

    private static readonly Parser<decimal> Component = Number.Then(Unit, static (n, unit) => n * unit);

    private static readonly Parser<decimal> Duration =
        Parsers.OneOf("+-").Optional()
            .Then(Parsers.Char('0').Before(Parsers.End).Try().WithResult(0m).Or(Component.AtLeastOnce().Map(Sum)),
                static (sign, total) => sign.HasValue && sign.Value == '-' ? -total : total)
            .Before(Parsers.End);

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string text, out TimeSpan value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = default;
        error = null;
        var result = Duration.Parse(text);
        if (!result.Success)
        {
            error = $"invalid duration \"{text}\": {result.Failure!.Message}";
            return false;
        }
        decimal ticks = result.Value / 100m;
        if (ticks > TimeSpan.MaxValue.Ticks || ticks < TimeSpan.MinValue.Ticks)
        {
            error = $"invalid duration \"{text}\": out of range";
            return false;
        }
        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    private static decimal Sum(IReadOnlyList<decimal> parts)
    {
        decimal total = 0;
        foreach (var part in parts)
            total += part;
        return total;
    }
}
