using Build.Integration.Tests.EndToEnd;
using Build.Integration.Tests.Support;

namespace Build.Integration.Tests.Store;

/// <summary><c>builder du</c> and <c>builder prune</c> through the CLI on a root with real builds.</summary>
public sealed class PruneCommandTests : IDisposable
{
    private readonly BuildHarness harness = new();

    public void Dispose() => harness.Dispose();

    private (int Exit, string Stdout, string Stderr) Cli(params string[] args) => BuilderProcess.RunInProcess(["--root", harness.Root, .. args]);

    [RootFact]
    public async Task Du_lists_records_and_prune_follows_buildx_semantics()
    {
        await harness.MakeBaseImageAsync();
        await harness.BuildAsync("""
            FROM busybox:test AS gen
            RUN echo generated > /g.txt
            FROM busybox:test
            COPY --from=gen /g.txt /app/g.txt
            RUN echo final > /app/f.txt
            """);

        var du = Cli("du");
        Assert.Equal(0, du.Exit);
        Assert.Contains("RECLAIMABLE", du.Stdout, StringComparison.Ordinal);
        Assert.Contains("Total:", du.Stdout, StringComparison.Ordinal);
        var blocks = Blocks(Cli("du", "--verbose").Stdout);
        Assert.Contains("Reclaimable:    true", Assert.Single(blocks, b => b.Contains("echo generated > /g.txt", StringComparison.Ordinal)), StringComparison.Ordinal); // no image has the gen stage's layer
        Assert.Contains("Reclaimable:    false", Assert.Single(blocks, b => b.Contains("echo final > /app/f.txt", StringComparison.Ordinal)), StringComparison.Ordinal);

        // Nothing is older than an hour and the cache is far below 1 GB: both prunes keep everything.
        Assert.Contains("Removed 0 cache records", Cli("prune", "-f", "--filter", "until=1h").Stdout, StringComparison.Ordinal);
        Assert.Contains("Removed 0 cache records", Cli("prune", "-f", "--keep-storage", "1gb").Stdout, StringComparison.Ordinal);

        // Default: the records no stored image uses go (the gen stage's RUN), the image's stay.
        var prune = Cli("prune", "-f");
        Assert.Equal(0, prune.Exit);
        Assert.Contains("Deleted build cache objects:", prune.Stdout, StringComparison.Ordinal);
        Assert.Contains("Total reclaimed space:", prune.Stdout, StringComparison.Ordinal);
        var after = Blocks(Cli("du", "--verbose").Stdout);
        Assert.DoesNotContain(after, b => b.Contains("echo generated", StringComparison.Ordinal));
        Assert.DoesNotContain(after, b => b.Contains("Reclaimable:    true", StringComparison.Ordinal));
        Assert.Contains(after, b => b.Contains("echo final > /app/f.txt", StringComparison.Ordinal));
        StoreAssertions.VerifyClean(harness.Root);

        // --all: every record; the image still runs from its blobs.
        Assert.Equal(0, Cli("prune", "-a", "-f").Exit);
        Assert.Contains("Records:        0\n", Cli("du").Stdout, StringComparison.Ordinal);
        StoreAssertions.VerifyClean(harness.Root);
        Assert.Equal("final\n", StoreAssertions.RunImage(harness.Root, "test:latest", "cat", "/app/f.txt"));
    }

    private static string[] Blocks(string verbose) => verbose.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

    [Theory]
    [InlineData("--keep-storage", "lots", "--keep-storage: invalid size \"lots\"")]
    [InlineData("--filter", "until=forever", "invalid duration \"forever\"")]
    [InlineData("--filter", "label=x", "unknown filter \"label\"")]
    public void Bad_prune_flags_are_one_line_errors(string flag, string value, string message)
    {
        var (exit, stdout, stderr) = Cli("prune", "-f", flag, value);
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
    }
}
