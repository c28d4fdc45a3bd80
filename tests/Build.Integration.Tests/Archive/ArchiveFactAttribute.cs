using Build.Engine.Archive.Native;

namespace Build.Integration.Tests.Archive;

/// <summary>
/// A fact that needs root (chown, mknod, trusted.* xattrs, mount) and optionally some host tools. It is
/// skipped, with the reason, only where the machine truly lacks them.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ArchiveFactAttribute : FactAttribute
{
    public ArchiveFactAttribute(params string[] tools)
    {
        if (LibC.GetEuid() != 0)
        {
            Skip = "needs root (chown, device nodes, trusted.* xattrs, overlay mounts)";
            return;
        }
        foreach (string tool in tools)
        {
            if (!File.Exists(tool))
            {
                Skip = $"needs {tool} (installed by .ci/run)";
                return;
            }
        }
    }
}
