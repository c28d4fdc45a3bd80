using System.Text;

namespace Build.Parser.Ignore;

/// <summary>Slash-separated path helpers with the exact semantics of Go's <c>path.Clean</c> (which BuildKit and patternmatcher use).</summary>
public static class GoPath
{
    /// <summary>
    /// Lexical cleaning: collapse repeated <c>/</c>, drop <c>.</c> segments, resolve <c>x/..</c>, drop a trailing <c>/</c>;
    /// <c>..</c> at the root of a rooted path disappears, a leading <c>..</c> of a relative path stays; empty gives <c>.</c>.
    /// </summary>
    public static string Clean(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
            return ".";
        if (IsClean(path))
            return path;
        bool rooted = path[0] == '/';
        var segments = new List<string>();
        int dotdotFloor = 0; // segments below this index are leading ".." of a relative path and cannot be removed
        foreach (string seg in path.Split('/'))
        {
            if (seg.Length == 0 || seg == ".")
                continue;
            if (seg == "..")
            {
                if (segments.Count > dotdotFloor)
                    segments.RemoveAt(segments.Count - 1);
                else if (!rooted)
                {
                    segments.Add("..");
                    dotdotFloor = segments.Count;
                }
                continue;
            }
            segments.Add(seg);
        }
        var sb = new StringBuilder(path.Length);
        if (rooted)
            sb.Append('/');
        sb.AppendJoin('/', segments);
        return sb.Length == 0 ? "." : sb.ToString();
    }

    // Fast check for the common case: no "//", no "." or ".." segment, no trailing "/".
    private static bool IsClean(string path)
    {
        if (path.Length > 1 && path[^1] == '/')
            return false;
        int segStart = 0;
        for (int i = 0; i <= path.Length; i++)
        {
            if (i == path.Length || path[i] == '/')
            {
                int len = i - segStart;
                if (len == 0 && i != 0)
                    return false;
                if (len == 1 && path[segStart] == '.' && path.Length > 1)
                    return false;
                if (len == 2 && path[segStart] == '.' && path[segStart + 1] == '.')
                    return false;
                segStart = i + 1;
            }
        }
        return path != ".";
    }
}
