using System.Collections.Immutable;
using System.Globalization;
using Build.Engine.Errors;

namespace Build.Engine.Execution;

/// <summary>
/// An image's /etc/passwd and /etc/group, parsed; resolves <c>USER</c> the way runc's
/// <c>GetExecUser</c> does (which is what Docker and BuildKit use): a name must exist, a number need
/// not; supplementary groups come from /etc/group membership only when no group is given.
/// </summary>
public sealed class UserDatabase
{
    private readonly ImmutableArray<PasswdEntry> _users;
    private readonly ImmutableArray<GroupEntry> _groups;

    private UserDatabase(ImmutableArray<PasswdEntry> users, ImmutableArray<GroupEntry> groups)
    {
        _users = users;
        _groups = groups;
    }

    public static UserDatabase Empty { get; } = new([], []);

    /// <summary>Parses the two files' text; null means the file is absent.</summary>
    public static UserDatabase Parse(string? passwd, string? group) => new(ParsePasswd(passwd), ParseGroup(group));

    /// <summary>Reads <c>/etc/passwd</c> and <c>/etc/group</c> of a rootfs, following symlinks only inside it.</summary>
    public static Task<UserDatabase> LoadAsync(string rootfs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rootfs);
        return LoadAsync(path => RootfsPath.Resolve(rootfs, path), ct);
    }

    /// <summary>
    /// The same from a rootfs that is not a directory on the host (an overlay not mounted yet):
    /// <paramref name="hostPath"/> maps a path inside it to the host file, or null when it is absent.
    /// </summary>
    public static Task<UserDatabase> LoadAsync(Func<string, string?> hostPath, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(hostPath);
        ct.ThrowIfCancellationRequested();
        // Synchronous reads of two small files: cheaper than two thread-pool hops per RUN step.
        return Task.FromResult(Parse(Read(hostPath("/etc/passwd")), Read(hostPath("/etc/group"))));
    }

    private static string? Read(string? host) => host is not null && File.Exists(host) ? File.ReadAllText(host) : null;

    public ExecUser Resolve(string user)
    {
        user ??= "";
        var colon = user.IndexOf(':', StringComparison.Ordinal);
        var userArg = colon < 0 ? user : user[..colon];
        var groupArg = colon < 0 ? "" : user[(colon + 1)..];
        var numericUid = TryId(userArg, out var uidArg);
        var numericGid = TryId(groupArg, out var gidArg);

        uint uid = 0, gid = 0;
        var home = "/";
        string? matchedName = null;
        PasswdEntry? match = null;
        foreach (var u in _users)
        {
            if (userArg.Length == 0 ? u.Uid == 0 : numericUid ? u.Uid == uidArg : u.Name == userArg)
            {
                match = u;
                break;
            }
        }
        if (match is { } m)
        {
            uid = m.Uid;
            gid = m.Gid;
            home = m.Home;
            matchedName = m.Name;
        }
        else if (userArg.Length > 0)
        {
            if (!numericUid)
                throw new BuildException(ErrorCode.InvalidArgument, $"unable to find user {userArg}: no matching entries in passwd file");
            uid = uidArg;
        }
        else
        {
            home = "/root";
        }

        var additional = ImmutableArray<uint>.Empty;
        if (groupArg.Length > 0)
        {
            GroupEntry? g = null;
            foreach (var e in _groups)
            {
                if (numericGid ? e.Gid == gidArg : e.Name == groupArg)
                {
                    g = e;
                    break;
                }
            }
            if (g is { } found)
                gid = found.Gid;
            else if (numericGid)
                gid = gidArg;
            else
                throw new BuildException(ErrorCode.InvalidArgument, $"unable to find group {groupArg}: no matching entries in group file");
        }
        else if (matchedName is not null)
        {
            var builder = ImmutableArray.CreateBuilder<uint>();
            foreach (var e in _groups)
                if (e.Members.Contains(matchedName) && !builder.Contains(e.Gid))
                    builder.Add(e.Gid);
            additional = builder.ToImmutable();
        }
        return new ExecUser(uid, gid, additional, home);
    }

    private static bool TryId(string s, out uint id) =>
        uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out id);

    private static ImmutableArray<PasswdEntry> ParsePasswd(string? text)
    {
        if (text is null)
            return [];
        var builder = ImmutableArray.CreateBuilder<PasswdEntry>();
        foreach (var line in Lines(text))
        {
            // name:password:uid:gid:gecos:home:shell; malformed lines are skipped as libc does.
            var f = line.Split(':');
            if (f.Length < 4 || !TryId(f[2], out var uid) || !TryId(f[3], out var gid))
                continue;
            builder.Add(new PasswdEntry(f[0], uid, gid, f.Length > 5 ? f[5] : ""));
        }
        return builder.ToImmutable();
    }

    private static ImmutableArray<GroupEntry> ParseGroup(string? text)
    {
        if (text is null)
            return [];
        var builder = ImmutableArray.CreateBuilder<GroupEntry>();
        foreach (var line in Lines(text))
        {
            // name:password:gid:member,member
            var f = line.Split(':');
            if (f.Length < 3 || !TryId(f[2], out var gid))
                continue;
            var members = f.Length > 3
                ? f[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToImmutableArray()
                : [];
            builder.Add(new GroupEntry(f[0], gid, members));
        }
        return builder.ToImmutable();
    }

    private static IEnumerable<string> Lines(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#')
                continue;
            yield return line;
        }
    }

    private readonly record struct PasswdEntry(string Name, uint Uid, uint Gid, string Home);

    private readonly record struct GroupEntry(string Name, uint Gid, ImmutableArray<string> Members);
}
