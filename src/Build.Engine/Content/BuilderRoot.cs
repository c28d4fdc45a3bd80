using Build.Engine.Errors;

namespace Build.Engine.Content;

/// <summary>
/// The one directory all of Builder's state lives under (blobs, image names, cache, snapshots).
/// Resolved from the <c>--root</c> flag, else <c>BUILDER_ROOT</c>, else <c>/var/lib/builder</c> for
/// root, else <c>$XDG_DATA_HOME/builder</c> (or <c>~/.local/share/builder</c>). The environment is
/// passed in so resolution is a pure function the tests can drive.
/// </summary>
public sealed record BuilderRoot
{
    public BuilderRoot(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new BuildException(ErrorCode.InvalidArgument, "the builder root must be a directory path");
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }

    /// <summary>Content-addressed blobs: <c>blobs/&lt;algorithm&gt;/&lt;hex&gt;</c>.</summary>
    public string BlobsDirectory => System.IO.Path.Combine(Path, "blobs");

    /// <summary>Image names: one small JSON descriptor file per name.</summary>
    public string ImagesDirectory => System.IO.Path.Combine(Path, "images");

    /// <summary>Scratch space on the same file system, so finished files can be renamed into place.</summary>
    public string TempDirectory => System.IO.Path.Combine(Path, "tmp");

    /// <param name="rootOption">The <c>--root</c> value, or null.</param>
    /// <param name="environment">Reads an environment variable (null when unset).</param>
    /// <param name="isPrivileged">Whether the process runs as root (euid 0).</param>
    public static BuilderRoot Resolve(string? rootOption, Func<string, string?> environment, bool isPrivileged)
    {
        if (!string.IsNullOrEmpty(rootOption))
            return new BuilderRoot(rootOption);
        string? fromEnv = environment("BUILDER_ROOT");
        if (!string.IsNullOrEmpty(fromEnv))
            return new BuilderRoot(fromEnv);
        if (isPrivileged)
            return new BuilderRoot("/var/lib/builder");
        string? xdg = environment("XDG_DATA_HOME");
        if (!string.IsNullOrEmpty(xdg) && System.IO.Path.IsPathRooted(xdg))
            return new BuilderRoot(System.IO.Path.Combine(xdg, "builder"));
        string? home = environment("HOME");
        if (string.IsNullOrEmpty(home))
            throw new BuildException(ErrorCode.InvalidArgument, "cannot find a builder root: set --root, BUILDER_ROOT or HOME");
        return new BuilderRoot(System.IO.Path.Combine(home, ".local", "share", "builder"));
    }
}
