namespace Build.Integration.Tests.Support;

/// <summary>
/// A fact that needs root, Linux namespaces and the sandbox helper. xunit 2.9 has no dynamic skip, so the
/// reason is set in the constructor; CI runs as root, so there these tests always run.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
            Skip = "needs Linux namespaces";
        else if (Environment.UserName != "root")
            Skip = "needs root (mount, pivot_root and cgroups); CI runs as root";
        else if (!File.Exists("/bin/busybox"))
            Skip = "needs busybox-static for the test rootfs (apt-get install busybox-static)";
    }
}
