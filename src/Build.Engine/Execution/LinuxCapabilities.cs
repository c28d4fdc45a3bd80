namespace Build.Engine.Execution;

/// <summary>Linux capability bits (linux/capability.h) and Docker's default set.</summary>
public static class LinuxCapabilities
{
    public const int Chown = 0;
    public const int DacOverride = 1;
    public const int Fowner = 3;
    public const int Fsetid = 4;
    public const int Kill = 5;
    public const int Setgid = 6;
    public const int Setuid = 7;
    public const int Setpcap = 8;
    public const int NetBindService = 10;
    public const int NetRaw = 13;
    public const int SysChroot = 18;
    public const int SysAdmin = 21;
    public const int Mknod = 27;
    public const int AuditWrite = 29;
    public const int Setfcap = 31;

    /// <summary>
    /// Docker's (and BuildKit's) default: CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID
    /// SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE. Notably without SYS_ADMIN, so no
    /// mount, umount or pivot_root from inside a step.
    /// </summary>
    public static readonly ulong DockerDefault = Mask(
        Chown, DacOverride, Fsetid, Fowner, Mknod, NetRaw, Setgid, Setuid, Setfcap, Setpcap,
        NetBindService, SysChroot, Kill, AuditWrite);

    public static ulong Mask(params ReadOnlySpan<int> capabilities)
    {
        ulong mask = 0;
        foreach (var c in capabilities)
            mask |= 1UL << c;
        return mask;
    }
}
