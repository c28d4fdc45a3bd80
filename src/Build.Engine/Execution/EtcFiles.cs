using System.Collections.Immutable;
using System.Text;
using Build.Engine.Archive.Native;

namespace Build.Engine.Execution;

/// <summary>The /etc/hosts, /etc/resolv.conf and /etc/hostname a step sees (bind-mounted, never committed).</summary>
public static class EtcFiles
{
    /// <summary>BuildKit's hosts file: localhost and the sandbox's hostname on loopback.</summary>
    public static string Hosts(string hostname) =>
        $"127.0.0.1\tlocalhost {hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n";

    public static string Hostname(string hostname) => hostname + "\n";

    /// <summary>
    /// The host's resolv.conf for host networking. In a new network namespace a loopback nameserver
    /// (systemd-resolved's 127.0.0.53) would point at nothing, so those lines are dropped, and with no
    /// nameserver left Docker's fallback (Google DNS) is used, as BuildKit does.
    /// </summary>
    public static string ResolvConf(string? hostContent, NetworkMode network)
    {
        hostContent ??= "";
        if (network == NetworkMode.Host && hostContent.Length > 0)
            return hostContent;
        var sb = new StringBuilder();
        var nameservers = 0;
        foreach (var raw in hostContent.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("nameserver", StringComparison.Ordinal))
            {
                var parts = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length < 2 || IsLoopback(parts[1]))
                    continue;
                nameservers++;
            }
            if (line.Length > 0)
                sb.Append(line).Append('\n');
        }
        if (nameservers == 0)
            sb.Append("nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
        return sb.ToString();
    }

    private static bool IsLoopback(string address) =>
        address.StartsWith("127.", StringComparison.Ordinal) || address == "::1";

    /// <summary>
    /// Writes the three files for <paramref name="spec"/> into <paramref name="stepDir"/> (0644 whatever
    /// the umask, so a non-root step user can read them) and returns their bind mounts.
    /// </summary>
    public static ImmutableArray<ExecMount> Write(ExecSpec spec, string stepDir, string hostResolvConf)
    {
        // Synchronous on purpose: a few hundred bytes each, and every async file call on Linux is a
        // thread-pool hop, which on a loaded machine costs more than the write (per RUN step).
        ArgumentNullException.ThrowIfNull(spec);
        string? hostResolv = null;
        try
        {
            hostResolv = File.ReadAllText(hostResolvConf);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No host resolv.conf: the default nameservers are used.
        }
        var hosts = Path.Combine(stepDir, "hosts");
        var resolv = Path.Combine(stepDir, "resolv.conf");
        var hostname = Path.Combine(stepDir, "hostname");
        File.WriteAllText(hosts, Hosts(spec.Hostname));
        File.WriteAllText(resolv, ResolvConf(hostResolv, spec.Network));
        File.WriteAllText(hostname, Hostname(spec.Hostname));
        foreach (var f in (string[])[hosts, resolv, hostname])
            LibC.FchmodAt(LibC.AT_FDCWD, f, 0b110_100_100, 0);
        return
        [
            new BindMount(hosts, "/etc/hosts", ReadOnly: false),
            new BindMount(resolv, "/etc/resolv.conf", ReadOnly: false),
            new BindMount(hostname, "/etc/hostname", ReadOnly: false),
        ];
    }
}
