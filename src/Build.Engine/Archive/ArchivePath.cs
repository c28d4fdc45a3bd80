using System.Text;
using Build.Engine.Errors;

namespace Build.Engine.Archive;

/// <summary>Path rules shared by the writer and the unpacker.</summary>
internal static class ArchivePath
{
    public const string WhiteoutPrefix = ".wh.";
    public const string OpaqueMarker = ".wh..wh..opq";

    /// <summary>
    /// Lexically cleans an archive path: leading '/' and './' removed, empty and '.' components dropped,
    /// '..' applied. A '..' that would climb above the root is refused rather than clamped: an archive
    /// carrying one is hostile or broken, and silently writing elsewhere hides that.
    /// </summary>
    public static List<string> Split(string path, string entryForErrors)
    {
        var parts = new List<string>();
        foreach (string part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".")
                continue;
            if (part == "..")
            {
                if (parts.Count == 0)
                    throw new BuildException(ErrorCode.UnsafePath, $"archive entry \"{entryForErrors}\" escapes the root with \"..\"");
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            if (part.Contains('\0', StringComparison.Ordinal))
                throw new BuildException(ErrorCode.InvalidArchive, $"archive entry \"{entryForErrors}\" contains a NUL byte");
            parts.Add(part);
        }
        return parts;
    }

    public static string Normalize(string path, string entryForErrors) => string.Join('/', Split(path, entryForErrors));

    /// <summary>Orders paths by their UTF-8 bytes (a parent sorts before its children since it is their prefix).</summary>
    public static int CompareUtf8(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b);

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
