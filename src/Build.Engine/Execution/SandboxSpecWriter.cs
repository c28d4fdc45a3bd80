using System.Globalization;
using System.Text;

namespace Build.Engine.Execution;

/// <summary>
/// Serializes what the native helper needs: NUL-terminated strings, a key then its values (the format
/// sandbox-init.c parses). Binary-safe for any env or argv content but NUL, which POSIX forbids there.
/// </summary>
internal static class SandboxSpecWriter
{
    public static byte[] Write(ExecSpec spec, IEnumerable<ExecMount> systemMounts, IEnumerable<string> cgroupProcs)
    {
        var b = new List<byte>(4096);
        void Add(params ReadOnlySpan<string> values)
        {
            foreach (var v in values)
            {
                if (v.Contains('\0', StringComparison.Ordinal))
                    throw new Errors.BuildException(Errors.ErrorCode.InvalidArgument, "a command, environment value or path contains a NUL byte");
                b.AddRange(Encoding.UTF8.GetBytes(v));
                b.Add(0);
            }
        }
        static string N(long v) => v.ToString(CultureInfo.InvariantCulture);

        Add("rootfs", spec.RootfsPath);
        if (spec.Overlay is { } overlay)
        {
            if (overlay.LowersTopFirst.IsEmpty)
                throw new ArgumentException("an overlay root needs at least one lower dir", nameof(spec));
            foreach (var lower in overlay.LowersTopFirst)
                Add("overlay-lower", lower);
            Add("overlay-upper", overlay.UpperDir);
            Add("overlay-work", overlay.WorkDir);
        }
        Add("hostname", spec.Hostname);
        Add("net", spec.Network == NetworkMode.None ? "none" : "host");
        Add("cwd", spec.WorkingDirectory);
        Add("uid", N(spec.User.Uid));
        Add("gid", N(spec.User.Gid));
        foreach (var g in spec.User.AdditionalGids)
            Add("group", N(g));
        Add("caps", spec.Capabilities.ToString("x", CultureInfo.InvariantCulture));
        Add("nnp", spec.NoNewPrivileges ? "1" : "0");
        foreach (var procs in cgroupProcs)
            Add("cgroup", procs);
        foreach (var a in spec.Args)
            Add("arg", a);
        foreach (var e in spec.Env)
            Add("env", e);
        foreach (var m in systemMounts.Concat(spec.Mounts))
        {
            switch (m)
            {
                case BindMount bind:
                    Add("mount", "bind", bind.Source, bind.Target, bind.ReadOnly ? "ro" : "rw", "");
                    break;
                case TmpfsMount tmpfs:
                    Add("mount", "tmpfs", "tmpfs", tmpfs.Target, "rw",
                        tmpfs.SizeBytes is { } size ? "mode=1777,size=" + N(size) : "mode=1777");
                    break;
                default:
                    throw new ArgumentException($"unsupported mount type {m.GetType().Name}", nameof(spec));
            }
        }
        return [.. b];
    }
}
