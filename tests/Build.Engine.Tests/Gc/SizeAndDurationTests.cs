using Build.Engine.Errors;
using Build.Engine.Gc;

namespace Build.Engine.Tests.Gc;

public class SizeAndDurationTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1048576", 1048576L)]
    [InlineData("512m", 512L << 20)]
    [InlineData("512M", 512L << 20)]
    [InlineData("10GB", 10L << 30)]
    [InlineData("10gb", 10L << 30)]
    [InlineData("2GiB", 2L << 30)]
    [InlineData("1.5g", 3L << 29)]
    [InlineData("64k", 64L << 10)]
    [InlineData("1 t", 1L << 40)]
    [InlineData("100b", 100L)]
    public void Sizes_parse_with_binary_units_like_buildx(string text, long expected) =>
        Assert.Equal(expected, ByteSize.Parse("--keep-storage", text));

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("10x")]
    [InlineData("-1")]
    [InlineData("1..5g")]
    [InlineData("g")]
    public void Bad_sizes_name_the_flag_and_the_value(string text)
    {
        var e = Assert.Throws<BuildException>(() => ByteSize.Parse("--keep-storage", text));
        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
        Assert.Contains("--keep-storage", e.Message, StringComparison.Ordinal);
        Assert.Contains($"\"{text}\"", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L, "0B")]
    [InlineData(999L, "999B")]
    [InlineData(1000L, "1kB")]
    [InlineData(1536L, "1.536kB")]
    [InlineData(12_300_000L, "12.3MB")]
    [InlineData(1_049_000_000L, "1.049GB")]
    [InlineData(2_000_000_000_000L, "2TB")]
    public void Sizes_print_like_docker(long bytes, string expected) => Assert.Equal(expected, ByteSize.Format(bytes));

    [Theory]
    [InlineData("0", 0.0)]
    [InlineData("24h", 24 * 3600.0)]
    [InlineData("2h30m", 2.5 * 3600)]
    [InlineData("90s", 90.0)]
    [InlineData("1.5h", 5400.0)]
    [InlineData("300ms", 0.3)]
    [InlineData("1m30s500ms", 90.5)]
    public void Go_durations_parse(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), GoDuration.Parse("until", text));

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("1d")]
    [InlineData("h")]
    [InlineData("-1h")]
    [InlineData("1h-")]
    public void Bad_durations_are_refused(string text)
    {
        var e = Assert.Throws<BuildException>(() => GoDuration.Parse("--filter until", text));
        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
        Assert.Contains("--filter until", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.5, "Less than a second")]
    [InlineData(1.2, "1 second")]
    [InlineData(42, "42 seconds")]
    [InlineData(65, "About a minute")]
    [InlineData(600, "10 minutes")]
    [InlineData(3700, "About an hour")]
    [InlineData(5 * 3600, "5 hours")]
    [InlineData(3 * 86400, "3 days")]
    [InlineData(20 * 86400, "2 weeks")]
    [InlineData(90 * 86400, "3 months")]
    [InlineData(800 * 86400, "2 years")]
    public void Durations_humanize_like_docker(double seconds, string expected) =>
        Assert.Equal(expected, GoDuration.Humanize(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Prune_flags_read_until_and_keep_storage_and_refuse_unknown_filters()
    {
        var o = PruneFlags.Parse(all: true, "1gb", ["until=24h"]);
        Assert.True(o.All);
        Assert.Equal(1L << 30, o.KeepStorage);
        Assert.Equal(TimeSpan.FromHours(24), o.Until);
        Assert.Null(PruneFlags.Parse(false, null, []).Until);
        var e = Assert.Throws<BuildException>(() => PruneFlags.Parse(false, null, ["label=x"]));
        Assert.Contains("unknown filter \"label\"", e.Message, StringComparison.Ordinal);
        Assert.Throws<BuildException>(() => PruneFlags.Parse(false, null, ["until"]));
    }
}
