using System.Globalization;
using System.Net;

namespace Build.Engine.Frontend;

/// <summary>EXPOSE's port syntax as docker parses it: <c>[ip:][hostPort:]port[-end][/proto]</c> → <c>port/proto</c> entries.</summary>
internal static class PortSpecs
{
    public static IReadOnlyList<string> Parse(string raw, out string? error)
    {
        error = null;
        var parts = raw.Split(':');
        string ip = "", hostPort = "", containerPort;
        switch (parts.Length)
        {
            case 1: containerPort = parts[0]; break;
            case 2: hostPort = parts[0]; containerPort = parts[1]; break;
            case 3: ip = parts[0]; hostPort = parts[1]; containerPort = parts[2]; break;
            default:
                ip = string.Join(':', parts[..^2]);
                hostPort = parts[^2];
                containerPort = parts[^1];
                break;
        }
        var slash = containerPort.IndexOf('/', StringComparison.Ordinal);
        var port = slash < 0 ? containerPort : containerPort[..slash];
        var proto = slash < 0 ? "" : containerPort[(slash + 1)..].ToLowerInvariant();
        if (port.Length == 0)
        {
            error = $"no port specified: {containerPort}<empty>";
            return [];
        }
        if (proto.Length == 0) proto = "tcp";
        if (proto is not ("tcp" or "udp" or "sctp"))
        {
            error = "invalid proto: " + proto;
            return [];
        }
        if (ip.StartsWith('[') && ip.EndsWith(']')) ip = ip[1..^1];
        if (ip.Length > 0 && !IPAddress.TryParse(ip, out _))
        {
            error = "invalid IP address: " + ip;
            return [];
        }
        if (!TryRange(port, out var start, out var end))
        {
            error = "invalid containerPort: " + port;
            return [];
        }
        if (hostPort.Length > 0)
        {
            if (!TryRange(hostPort, out var hs, out var he))
            {
                error = "invalid hostPort: " + hostPort;
                return [];
            }
            if (end - start != he - hs && end != start)
            {
                error = $"invalid ranges specified for container and host Ports: {port} and {hostPort}";
                return [];
            }
        }
        var result = new List<string>((int)(end - start + 1));
        for (var p = start; p <= end; p++)
            result.Add(p.ToString(CultureInfo.InvariantCulture) + "/" + proto);
        return result;
    }

    private static bool TryRange(string text, out uint start, out uint end)
    {
        start = end = 0;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            if (!TryPort(text, out start)) return false;
            end = start;
            return true;
        }
        return TryPort(text[..dash], out start) && TryPort(text[(dash + 1)..], out end) && end >= start;
    }

    private static bool TryPort(string text, out uint port) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;
}
