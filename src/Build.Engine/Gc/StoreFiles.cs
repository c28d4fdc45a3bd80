using System.Globalization;
using System.Text;
using Build.Engine.Execution;
using Build.Engine.Snapshots;

namespace Build.Engine.Gc;

/// <summary>File-system helpers of the collector: sizes without following links, mounts left by killed builds, deletion.</summary>
internal static class StoreFiles
{
    /// <summary>Apparent size of a file, or of a directory tree (symlinks are not followed; their own size counts).</summary>
    public static long SizeOf(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.Exists || (info.Attributes & FileAttributes.ReparsePoint) != 0)
                return info.Exists ? info.Length : 0;
            return Directory.Exists(path) ? DirectorySize(new DirectoryInfo(path)) : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static long DirectorySize(DirectoryInfo dir)
    {
        long total = 0;
        IEnumerable<FileSystemInfo> entries;
        try
        {
            entries = dir.EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true, RecurseSubdirectories = false });
            foreach (var e in entries)
            {
                bool link = (e.Attributes & FileAttributes.ReparsePoint) != 0;
                if (e is DirectoryInfo d && !link)
                    total += DirectorySize(d);
                else if (e is FileInfo f && !link)
                    total += f.Length;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a directory that vanished or cannot be read counts as what was seen so far
        }
        return total;
    }

    /// <summary>The last modification time (UTC); null when the path is gone.</summary>
    public static DateTime? ModifiedUtc(string path)
    {
        if (File.Exists(path))
            return File.GetLastWriteTimeUtc(path);
        if (Directory.Exists(path))
            return Directory.GetLastWriteTimeUtc(path);
        return null;
    }

    /// <summary>
    /// Deletes a file or a directory tree after detaching any mount under it (an overlay left mounted by a build
    /// that was killed). Symlinks are removed, never followed. Returns the bytes freed, or -1 when it could not be removed.
    /// </summary>
    public static long Delete(string path)
    {
        long size = SizeOf(path);
        try
        {
            if (Directory.Exists(path) && (File.GetAttributes(path) & FileAttributes.ReparsePoint) == 0)
            {
                DetachMountsUnder(path);
                Directory.Delete(path, recursive: true);
            }
            else
            {
                File.Delete(path);
            }
            return size;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    /// <summary>Lazily unmounts every mount point at or below <paramref name="dir"/>, deepest first.</summary>
    public static void DetachMountsUnder(string dir)
    {
        string prefix = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
        var points = MountPoints().Where(p => p == prefix || p.StartsWith(prefix + "/", StringComparison.Ordinal))
            .OrderByDescending(p => p.Length).ToList();
        foreach (string p in points)
            ExecNative.umount2(p, ExecNative.MntDetach);
    }

    /// <summary>Mount points of this process's mount namespace (field 5 of /proc/self/mountinfo, octal escapes decoded).</summary>
    internal static IEnumerable<string> MountPoints()
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines("/proc/self/mountinfo");
        }
        catch (IOException)
        {
            yield break;
        }
        foreach (string line in lines)
        {
            var fields = line.Split(' ');
            if (fields.Length > 4)
                yield return Unescape(fields[4]);
        }
    }

    internal static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
            return field;
        var sb = new StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length
                && int.TryParse(field.AsSpan(i + 1, 3), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                sb.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                sb.Append(field[i]);
            }
        }
        return sb.ToString();
    }
}
