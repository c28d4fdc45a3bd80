using System.Collections.Immutable;

namespace Build.Engine.Execution;

/// <summary>
/// Where the cgroup controllers live on this host, detected at run time from /proc/self/mountinfo:
/// a unified v2 hierarchy with controllers (most hosts today), or v1 per-controller hierarchies
/// (hybrid hosts, such as this project's CI, where the v2 mount has no controllers).
/// </summary>
/// <param name="UnifiedRoot">The v2 mount point when v2 holds the memory controller, else null.</param>
/// <param name="V1Roots">v1 mount point per controller (memory, pids, cpu) when v2 is not used.</param>
public sealed record CgroupLayout(string? UnifiedRoot, ImmutableDictionary<string, string> V1Roots)
{
    public static readonly CgroupLayout Unavailable = new(null, ImmutableDictionary<string, string>.Empty);

    public bool IsV2 => UnifiedRoot is not null;

    public static CgroupLayout Detect() =>
        Parse(File.ReadAllText("/proc/self/mountinfo"), path => File.Exists(path) ? File.ReadAllText(path) : null);

    /// <summary>Pure: mountinfo text plus a file reader (for cgroup.controllers).</summary>
    public static CgroupLayout Parse(string mountinfo, Func<string, string?> readFile)
    {
        ArgumentNullException.ThrowIfNull(mountinfo);
        ArgumentNullException.ThrowIfNull(readFile);
        string? unified = null;
        var v1 = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
            var sep = line.IndexOf(" - ", StringComparison.Ordinal);
            if (sep < 0)
                continue;
            var left = line[..sep].Split(' ');
            var right = line[(sep + 3)..].Split(' ');
            if (left.Length < 5 || right.Length < 3)
                continue;
            var mountPoint = Unescape(left[4]);
            switch (right[0])
            {
                case "cgroup2":
                    var controllers = readFile(mountPoint + "/cgroup.controllers") ?? "";
                    if (controllers.Split(' ', '\n').Contains("memory"))
                        unified ??= mountPoint;
                    break;
                case "cgroup":
                    foreach (var option in right[2].Split(','))
                        if (option is "memory" or "pids" or "cpu" && !v1.ContainsKey(option))
                            v1[option] = mountPoint;
                    break;
            }
        }
        return unified is not null
            ? new CgroupLayout(unified, ImmutableDictionary<string, string>.Empty)
            : new CgroupLayout(null, v1.ToImmutable());
    }

    // mountinfo escapes space, tab, newline and backslash as \ooo.
    private static string Unescape(string s)
    {
        if (!s.Contains('\\', StringComparison.Ordinal))
            return s;
        var sb = new System.Text.StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && IsOctal(s, i + 1))
            {
                sb.Append((char)Convert.ToInt32(s.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                sb.Append(s[i]);
            }
        }
        return sb.ToString();
    }

    private static bool IsOctal(string s, int at) =>
        at + 3 <= s.Length && s[at] is >= '0' and <= '7' && s[at + 1] is >= '0' and <= '7' && s[at + 2] is >= '0' and <= '7';
}
