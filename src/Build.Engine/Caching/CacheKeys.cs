using System.Globalization;
using System.Text.Json;
using Build.Engine.Graph;

namespace Build.Engine.Caching;

/// <summary>
/// The pure function from a step to its cache key: <c>Compute(op, inputs)</c> builds the preimage from the op's
/// cache-relevant fields (docs/graph.md) and the resolved inputs, and hashes it. No clock, host path, random
/// value or environment is read here, so every machine computes the same key for the same step.
/// </summary>
public static class CacheKeys
{
    public static (CacheKey Key, CacheKeyPreimage Preimage) Compute(Op op, StepInputs inputs)
    {
        var c = new List<KeyValuePair<string, string>>();
        void Add(string name, string value) => c.Add(KeyValuePair.Create(name, value));

        // COPY --link makes the layer independent of what is below it (BuildKit rebases such layers), so the
        // parent is left out of its key; a --chown by name still reads the parent's /etc/passwd, so then it stays.
        bool parentIndependent = op is CopyOp { Link: true } copy && !ChownNeedsNames(copy.Chown);
        if (!parentIndependent)
            Add("parent", inputs.Parent);
        Add("platform", inputs.Platform);
        if (inputs.SourceDateEpoch is { } epoch)
            Add("source-date-epoch", epoch);
        foreach (var (name, digest) in inputs.Sources)
            Add("from:" + name, digest);
        foreach (var (name, digest) in inputs.FileDigests)
            Add(name, digest);

        switch (op)
        {
            case ExecOp exec:
                Add("op", "RUN");
                Add("cmd", Json(exec.Args));
                foreach (var kv in exec.Env)
                {
                    // Proxy variables are in exec.ProxyEnv, never here: a different proxy must not rebuild everything.
                    string prefix = inputs.ArgNames.Contains(kv.Key) ? "arg:" : "env:";
                    Add(prefix + kv.Key, kv.Value);
                }
                Add("user", exec.User);
                Add("workdir", exec.WorkingDir);
                Add("network", exec.Network.ToString().ToLowerInvariant());
                Add("security", exec.Security.ToString().ToLowerInvariant());
                foreach (var m in exec.Mounts)
                    Add("mount:" + MountKeyName(m), Describe(m));
                break;
            case CopyOp cp:
                Add("op", cp.IsAdd ? "ADD" : "COPY");
                Add("cmd", Json(cp.Sources) + " -> " + cp.Destination);
                Add("from", cp.From.ToString());
                if (cp.Urls.Count > 0)
                    Add("urls", Json(cp.Urls));
                if (cp.GitSources.Count > 0)
                    Add("git", Json(cp.GitSources));
                foreach (var f in cp.InlineFiles)
                    Add("inline:" + f.Name, Oci.Digest.Compute(System.Text.Encoding.UTF8.GetBytes(f.Content)) + " " + Octal(f.Mode));
                Add("options", string.Join(' ',
                    "chown=" + (cp.Chown ?? ""),
                    "chmod=" + (cp.Chmod ?? ""),
                    "link=" + Bool(cp.Link),
                    "parents=" + Bool(cp.Parents),
                    "unpack=" + Bool(cp.UnpackArchives),
                    "unpack-urls=" + Bool(cp.UnpackUrls),
                    "checksum=" + (cp.Checksum ?? ""),
                    "keep-git-dir=" + Bool(cp.KeepGitDir)));
                if (cp.Excludes.Count > 0)
                    Add("excludes", Json(cp.Excludes));
                break;
            case WorkdirOp wd:
                Add("op", "WORKDIR");
                Add("cmd", wd.Path);
                Add("user", wd.User);
                Add("options", "mkdir=" + Bool(wd.CreateDirectory));
                break;
            default:
                Add("op", op.GetType().Name);
                Add("cmd", op.ToString());
                break;
        }
        var preimage = new CacheKeyPreimage(c);
        return (preimage.ComputeKey(), preimage);
    }

    private static bool ChownNeedsNames(string? chown) =>
        chown is not null && chown.Split(':').Any(part => part.Length > 0 && !part.All(char.IsAsciiDigit));

    private static string MountKeyName(Mount m) => m switch
    {
        SecretMount s => "secret:" + s.Id,
        SshMount s => "ssh:" + s.Id,
        _ => m.Target,
    };

    /// <summary>
    /// A mount's cache-relevant description. Cache-mount contents never enter the key (that is the point of a
    /// cache mount); a secret contributes only its id and options, never its value.
    /// </summary>
    private static string Describe(Mount m) => m switch
    {
        BindMount b => $"type=bind,from={b.From},source={b.SourcePath},rw={Bool(b.ReadWrite)}",
        CacheMount cm => $"type=cache,id={cm.Id},sharing={cm.Sharing.ToString().ToLowerInvariant()},ro={Bool(cm.ReadOnly)},from={cm.From},source={cm.SourcePath},mode={Octal(cm.Mode)},uid={cm.Uid},gid={cm.Gid}",
        TmpfsMount t => $"type=tmpfs,size={t.SizeBytes.ToString(CultureInfo.InvariantCulture)}",
        SecretMount s => $"type=secret,id={s.Id},target={s.FileTarget},env={s.Env},required={Bool(s.Required)},mode={Octal(s.Mode)},uid={s.Uid},gid={s.Gid}",
        SshMount s => $"type=ssh,id={s.Id},target={s.Target},required={Bool(s.Required)},mode={Octal(s.Mode)},uid={s.Uid},gid={s.Gid}",
        InlineFileMount f => "type=inline," + string.Join(",", f.Files.Select(x => x.Name + "=" + Oci.Digest.Compute(System.Text.Encoding.UTF8.GetBytes(x.Content)) + ":" + Octal(x.Mode))),
        _ => m.ToString(),
    };

    private static string Bool(bool b) => b ? "true" : "false";

    private static string Octal(int mode) => Convert.ToString(mode, 8);

    private static string Json(IEnumerable<string> items)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartArray();
            foreach (var i in items)
                w.WriteStringValue(i);
            w.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }
}
