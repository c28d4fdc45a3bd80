using System.IO.Enumeration;
using Build.Engine.Errors;
using Build.Parser.Ignore;

namespace Build.Engine.Caching;

/// <summary>
/// Enumerates a context directory the way it is sent to a build: <c>.dockerignore</c> applied, symlinks reported as
/// symlinks (never followed, so a walk cannot leave the root), entries in a fixed order (pre-order, names sorted by
/// ordinal comparison). An ignored directory is skipped without being read unless an exclusion pattern (<c>!x</c>) could
/// re-include something below it; a directory that is ignored but holds re-included entries is still reported, because
/// those entries need their parent (BuildKit's context transfer does the same).
/// </summary>
public static class ContextWalker
{
    private static readonly EnumerationOptions ListOptions = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    /// <summary>All entries strictly below <paramref name="relativeDirectory"/> (empty for the whole context).</summary>
    public static IReadOnlyList<ContextEntry> Walk(BuildContext context, string relativeDirectory = "")
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(relativeDirectory);
        return Guard(relativeDirectory, () =>
        {
            IgnoreMatchState state = StateOf(context.Ignore, relativeDirectory);
            var result = new List<ContextEntry>();
            WalkInto(context, relativeDirectory, state, result);
            return result;
        });
    }

    // Turns the two failures a walk can hit into one-line build errors naming the directory.
    private static IReadOnlyList<ContextEntry> Guard(string dir, Func<List<ContextEntry>> walk)
    {
        string where = dir.Length == 0 ? "." : dir;
        try
        {
            return walk();
        }
        catch (IgnorePatternException ex)
        {
            throw new BuildException(ErrorCode.InvalidArgument, $".dockerignore: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BuildException(ErrorCode.Io, $"build context {where}: {ex.Message}", ex);
        }
    }

    /// <summary>The direct children of a directory that survive the ignore rules, sorted by name.</summary>
    public static IReadOnlyList<ContextEntry> List(BuildContext context, string relativeDirectory)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(relativeDirectory);
        return Guard(relativeDirectory, () => ListInto(context, relativeDirectory));
    }

    private static List<ContextEntry> ListInto(BuildContext context, string relativeDirectory)
    {
        IgnoreMatchState state = StateOf(context.Ignore, relativeDirectory);
        var result = new List<ContextEntry>();
        foreach (string name in Names(context.HostPath(relativeDirectory)))
        {
            string rel = Join(relativeDirectory, name);
            ContextEntry? entry = context.LStat(rel);
            if (entry is null)
                continue;
            if (entry.Type == ContextEntryType.Directory)
            {
                if (context.Ignore.IsIgnored(rel, state, out IgnoreMatchState childState) && !HasIncluded(context, rel, childState))
                    continue;
            }
            else if (context.Ignore.IsIgnoredFile(rel, state))
            {
                continue;
            }
            result.Add(entry);
        }
        return result;
    }

    internal static bool HasIncluded(BuildContext context, string dir, IgnoreMatchState state)
    {
        if (!context.Ignore.HasExclusions || !context.Ignore.CanIncludeBelow(dir))
            return false;
        var below = new List<ContextEntry>();
        WalkInto(context, dir, state, below);
        return below.Count > 0;
    }

    internal static IgnoreMatchState StateOf(IgnoreMatcher matcher, string relativeDirectory)
    {
        IgnoreMatchState state = IgnoreMatchState.Root;
        if (relativeDirectory.Length == 0 || matcher.Patterns.Count == 0)
            return state;
        for (int slash = 0; slash >= 0;)
        {
            int next = relativeDirectory.IndexOf('/', slash == 0 ? 0 : slash + 1);
            string prefix = next < 0 ? relativeDirectory : relativeDirectory[..next];
            matcher.IsIgnored(prefix, state, out state);
            slash = next;
        }
        return state;
    }

    private static void WalkInto(BuildContext context, string dir, IgnoreMatchState state, List<ContextEntry> output)
    {
        int fd = NativeStat.OpenDirectory(NativeStat.AtCwd, context.HostPath(dir), noFollow: false);
        try
        {
            WalkInto(context, fd, dir, state, output);
        }
        finally
        {
            NativeStat.CloseFd(fd);
        }
    }

    // Reads through an open directory: each entry is one getdents record and one statx of a single name relative to
    // the directory, and subdirectories are opened relative to it without following symlinks.
    private static void WalkInto(BuildContext context, int dirFd, string dir, IgnoreMatchState state, List<ContextEntry> output)
    {
        IgnoreMatcher ignore = context.Ignore;
        List<string> names = NativeStat.ReadNames(dirFd, context.HostPath(dir));
        names.Sort(StringComparer.Ordinal);
        foreach (string name in names)
        {
            string rel = Join(dir, name);
            if (NativeStat.LStatAt(dirFd, name, rel) is not { } st)
                continue; // removed while we were walking
            string? target = st.Type == ContextEntryType.Symlink ? NativeStat.ReadLinkAt(dirFd, name, rel) : null;
            var entry = new ContextEntry(rel, st.Type, st.Mode, st.Stamp.Size, target, st.DeviceNumber, st.Stamp);
            if (entry.Type == ContextEntryType.Directory)
            {
                bool ignored = ignore.IsIgnored(rel, state, out IgnoreMatchState childState);
                if (ignored && !(ignore.HasExclusions && ignore.CanIncludeBelow(rel)))
                    continue; // pruned: nothing below can be re-included, so the directory is never read
                int at = output.Count;
                output.Add(entry);
                int child = NativeStat.OpenDirectory(dirFd, name, noFollow: true);
                try
                {
                    WalkInto(context, child, rel, childState, output);
                }
                finally
                {
                    NativeStat.CloseFd(child);
                }
                if (ignored && output.Count == at + 1)
                    output.RemoveAt(at); // an ignored directory appears only as the parent of re-included entries
            }
            else if (!ignore.IsIgnoredFile(rel, state))
            {
                output.Add(entry);
            }
        }
    }

    private static List<string> Names(string hostDirectory)
    {
        var names = new List<string>(new FileSystemEnumerable<string>(hostDirectory, (ref FileSystemEntry e) => e.FileName.ToString(), ListOptions));
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private static string Join(string dir, string name) => dir.Length == 0 ? name : dir + "/" + name;
}
