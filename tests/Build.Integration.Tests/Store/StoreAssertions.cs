namespace Build.Integration.Tests.Store;

/// <summary>Checks on a builder root after faults: verify is clean, nothing is left mounted, no half-written files remain after prune.</summary>
internal static class StoreAssertions
{
    public static void VerifyClean(string root)
    {
        var (exit, stdout, stderr) = BuilderProcess.RunInProcess("--root", root, "verify");
        Assert.True(exit == 0, $"builder verify failed ({exit}):\n{stdout}{stderr}");
    }

    public static string[] MountsUnder(string root) =>
        [.. File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).Where(p => p.StartsWith(root + "/", StringComparison.Ordinal))];

    /// <summary>Files and directories that only exist while an operation runs (temp files, work dirs, leases).</summary>
    public static string[] Leftovers(string root)
    {
        var found = new List<string>();
        foreach (string area in new[] { "tmp", "snapshots/w", "sandbox", "leases" })
        {
            string dir = Path.Combine(root, area);
            if (Directory.Exists(dir))
                found.AddRange(Directory.EnumerateFileSystemEntries(dir));
        }
        foreach (string area in new[] { "blobs/sha256", "images", "snapshots/layers", "cache-mounts" })
        {
            string dir = Path.Combine(root, area);
            if (Directory.Exists(dir))
                found.AddRange(Directory.EnumerateFileSystemEntries(dir).Where(p => Path.GetFileName(p).Contains(".tmp-", StringComparison.Ordinal)));
        }
        return [.. found];
    }

    public static string RunImage(string root, string image, params string[] command)
    {
        var (exit, stdout, stderr) = BuilderProcess.RunInProcess(["--root", root, "run", "--network", "none", image, .. command]);
        Assert.True(exit == 0, $"builder run {image} failed ({exit}): {stderr}");
        return stdout;
    }
}
