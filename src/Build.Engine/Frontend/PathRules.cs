using System.Text;

namespace Build.Engine.Frontend;

/// <summary>POSIX path rules BuildKit applies to WORKDIR, COPY destinations and mount targets (Go's path.Clean/Join).</summary>
internal static class PathRules
{
    /// <summary>Go's <c>path.Clean</c>.</summary>
    public static string Clean(string path)
    {
        if (path.Length == 0) return ".";
        var rooted = path[0] == '/';
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..") parts.RemoveAt(parts.Count - 1);
                else if (!rooted) parts.Add("..");
                continue;
            }
            parts.Add(part);
        }
        var joined = string.Join('/', parts);
        if (rooted) return "/" + joined;
        return joined.Length == 0 ? "." : joined;
    }

    /// <summary>Go's <c>path.Join</c>: joins non-empty elements and cleans.</summary>
    public static string Join(params string[] elements)
    {
        var b = new StringBuilder();
        foreach (var e in elements)
        {
            if (e.Length == 0) continue;
            if (b.Length > 0) b.Append('/');
            b.Append(e);
        }
        return b.Length == 0 ? "" : Clean(b.ToString());
    }

    /// <summary>WORKDIR: a relative path is taken from the current working directory (or <c>/</c>).</summary>
    public static string ResolveWorkdir(string current, string path)
    {
        return path.StartsWith('/') ? Clean(path) : Clean("/" + current + "/" + path);
    }

    /// <summary>
    /// A COPY/ADD destination: absolute from the stage root, relative from the working directory, with a trailing
    /// slash kept because it means "into this directory" (<c>.</c> and empty mean the working directory itself).
    /// </summary>
    public static string ResolveDestination(string workdir, string destination)
    {
        if (destination is "." or "") destination = "./";
        var keepSlash = destination.EndsWith('/') || destination.EndsWith("/.", StringComparison.Ordinal);
        var resolved = destination.StartsWith('/')
            ? Clean(destination)
            : Clean("/" + Join(workdir.Length == 0 ? "/" : workdir, destination));
        if (keepSlash && !resolved.EndsWith('/')) resolved += "/";
        return resolved;
    }

    /// <summary>A COPY source inside its filesystem: made absolute and cleaned (a trailing slash carries no meaning).</summary>
    public static string NormalizeSource(string source) => Clean("/" + source);

    /// <summary>
    /// A <c>COPY --parents</c> source: like <see cref="NormalizeSource"/>, but a <c>/./</c> pivot (the point from which
    /// parent directories are kept) survives cleaning: <c>./a/./b/c</c> → <c>/a/./b/c</c>.
    /// </summary>
    public static string NormalizeParentsSource(string source)
    {
        var pivot = source.IndexOf("/./", StringComparison.Ordinal);
        if (pivot < 0) return NormalizeSource(source);
        var parent = NormalizeSource(source[..pivot]);
        var rest = Clean(source[(pivot + 3)..]).TrimStart('/');
        return (parent == "/" ? "" : parent) + "/./" + rest;
    }
}
