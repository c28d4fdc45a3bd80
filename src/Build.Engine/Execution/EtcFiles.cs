using System.Text;

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
}
