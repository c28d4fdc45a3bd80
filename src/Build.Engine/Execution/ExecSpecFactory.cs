using System.Collections.Immutable;
using Build.Engine.Errors;

namespace Build.Engine.Execution;

/// <summary>Turns an <see cref="ExecRequest"/> into an <see cref="ExecSpec"/>. Pure: the image's user
/// database is passed in, nothing is read here.</summary>
public static class ExecSpecFactory
{
    /// <summary>PATH when neither the image nor the step sets one (Docker's and BuildKit's default).</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>BuildKit names its sandbox host <c>buildkitsandbox</c>; ours follows the pattern.</summary>
    public const string DefaultHostname = "buildersandbox";

    public static ExecSpec Create(ExecRequest request, UserDatabase users)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(users);
        if (request.Command.IsDefaultOrEmpty || (request.Command.Length == 1 && request.Command[0].Length == 0 && !request.ShellForm))
            throw new BuildException(ErrorCode.InvalidArgument, "RUN has an empty command");
        var args = request.ShellForm
            ? request.Shell.AddRange(string.Join(' ', request.Command))
            : request.Command;
        var user = users.Resolve(request.User);
        return new ExecSpec
        {
            RootfsPath = request.RootfsPath,
            Overlay = request.Overlay,
            Args = args,
            Env = BuildEnv(request.Env, user),
            WorkingDirectory = NormalizeWorkingDirectory(request.WorkingDirectory),
            User = user,
            Hostname = request.Hostname.Length == 0 ? DefaultHostname : request.Hostname,
            Network = request.Network,
            Mounts = request.Mounts,
            Limits = request.Limits,
            Timeout = request.Timeout,
        };
    }

    /// <summary>Later entries override earlier ones (ENV then ARG order); PATH and HOME get defaults as runc gives them.</summary>
    internal static ImmutableArray<string> BuildEnv(ImmutableArray<string> env, ExecUser user)
    {
        var order = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in env.IsDefault ? [] : env)
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? entry : entry[..eq];
            if (key.Length == 0)
                throw new BuildException(ErrorCode.InvalidArgument, $"environment entry '{entry}' has no name");
            if (!values.ContainsKey(key))
                order.Add(key);
            values[key] = eq < 0 ? "" : entry[(eq + 1)..];
        }
        if (!values.ContainsKey("PATH"))
        {
            order.Insert(0, "PATH");
            values["PATH"] = DefaultPath;
        }
        if (!values.ContainsKey("HOME"))
        {
            order.Add("HOME");
            values["HOME"] = user.Home.Length == 0 ? "/" : user.Home;
        }
        var builder = ImmutableArray.CreateBuilder<string>(order.Count);
        foreach (var key in order)
            builder.Add(key + "=" + values[key]);
        return builder.MoveToImmutable();
    }

    internal static string NormalizeWorkingDirectory(string dir)
    {
        if (dir.Length == 0)
            return "/";
        if (dir[0] != '/')
            dir = "/" + dir;
        var parts = new List<string>();
        foreach (var part in dir.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
                continue;
            if (part == "..")
            {
                if (parts.Count > 0)
                    parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return "/" + string.Join('/', parts);
    }
}
