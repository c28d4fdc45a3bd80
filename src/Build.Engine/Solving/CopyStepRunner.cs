using System.Globalization;
using System.Net.Http;
using System.Security.Cryptography;
using Build.Engine.Archive;
using Build.Engine.Caching;
using Build.Engine.Errors;
using Build.Engine.Execution;
using Build.Engine.Graph;
using Build.Engine.Oci;
using Build.Engine.Snapshots;
using Build.Parser.Ignore;

namespace Build.Engine.Solving;

/// <summary>
/// COPY and ADD: select the sources (context, another stage, an image, URLs, heredocs), and write the layer
/// straight from the selected files as a list of entries; no staging copy and no sandbox.
/// </summary>
/// <remarks>
/// The layer holds the copied entries plus their parent directories, as a filesystem diff of the copy would:
/// parents that exist below keep their metadata (so <c>COPY x /tmp/</c> never resets /tmp's sticky bit), new
/// ones are 0755 root-owned, or owned by <c>--chown</c>'s user when they are the destination itself.
/// </remarks>
internal sealed class CopyStepRunner(Solver solver, Stage stage, Vertex step, IImage image, ImageConfigState before)
    : StepRunner(solver, stage, step, image, before)
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None });

    private CopyOp Op => (CopyOp)Step.Op;

    // What the step selected while resolving its key (in the context, or in the stage view for its content key):
    // ExecuteAsync copies exactly that instead of walking the source again.
    private IReadOnlyList<SelectedEntry>? selection;
    private readonly Dictionary<string, string> downloads = [];
    private readonly Dictionary<string, DateTimeOffset> lastModified = [];

    public override async Task<ResolvedInputs> ResolveInputsAsync(string parentKey, CancellationToken ct)
    {
        var inputs = BaseInputs(parentKey);
        var files = (Dictionary<string, string>)inputs.FileDigests;
        Lazy<IReadOnlyDictionary<string, string>>? perFile = null;
        var stats = ResolvedInputs.NoHashing;
        if (Op.From.Kind == SourceKind.Context && Op.Sources.Count > 0)
        {
            var context = Deps.Context ?? throw new BuildException(ErrorCode.InvalidArgument, $"{Step.Location}: {Step.Description} reads the build context, but this build has none");
            selection = Select(context);
            var digest = await Deps.Hasher.HashAsync(context, selection, new FileTreeHashOptions(IncludePermissions: !OctalChmod), ct).ConfigureAwait(false);
            files["files"] = digest.Digest.ToString();
            perFile = PerFile(digest);
            stats = digest.Statistics;
        }
        else if (Op.From.Kind is SourceKind.Stage or SourceKind.Image)
        {
            var (name, identity, _) = await Solver.ResolveSourceAsync(Op.From, Platform, ct).ConfigureAwait(false);
            ((Dictionary<string, string>)inputs.Sources)[name] = identity;
        }
        for (int i = 0; i < Op.Urls.Count; i++)
        {
            // With --checksum the declared digest is the key (no download needed to know it); without it the
            // content must be fetched to know whether it changed, as BuildKit does.
            string url = Op.Urls[i];
            if (Op.Checksum is { } sum)
            {
                files["url:" + i.ToString(CultureInfo.InvariantCulture)] = sum;
            }
            else
            {
                string path = await DownloadAsync(url, ct).ConfigureAwait(false);
                await using var fs = File.OpenRead(path);
                files["url:" + i.ToString(CultureInfo.InvariantCulture)] = (await Digest.ComputeAsync(fs, ct).ConfigureAwait(false)).ToString();
            }
        }
        return new ResolvedInputs(inputs, perFile, stats);
    }

    /// <summary>
    /// <c>COPY --from=stage</c>: the content digest of the selected files in that stage's filesystem (read through a
    /// read-only view of its layers, the way <see cref="ExecuteAsync"/> reads them) replaces the stage's layer chain
    /// in the key. Images keep their manifest digest: it already names immutable content.
    /// </summary>
    public override bool HasContentKey => Op.From.Kind == SourceKind.Stage && Op.Sources.Count > 0;

    public override async Task<ResolvedInputs?> ResolveContentInputsAsync(ResolvedInputs primary, CancellationToken ct)
    {
        if (!HasContentKey)
            return null;
        var (name, _, img) = await Solver.ResolveSourceAsync(Op.From, Platform, ct).ConfigureAwait(false);
        // Kept for ExecuteAsync (a miss on this key too reads the same view); disposed with the runner.
        preparedSource ??= await Deps.Snapshots.PrepareRootfsAsync(await LowersAsync(img, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        var source = new BuildContext(preparedSource.Path, IgnoreMatcher.Create([]));
        selection = Select(source);
        var digest = await new FileTreeHasher().HashAsync(source, selection, new FileTreeHashOptions(IncludePermissions: !OctalChmod), ct).ConfigureAwait(false);
        var sources = new Dictionary<string, string>(primary.Inputs.Sources, StringComparer.Ordinal) { [name] = "files:" + digest.Digest };
        return new ResolvedInputs(primary.Inputs with { Sources = sources }, PerFile(digest), digest.Statistics);
    }

    // Per selected file, its entry digest (made only when asked for: see ResolvedInputs.FileList).
    private static Lazy<IReadOnlyDictionary<string, string>> PerFile(FileTreeDigest digest) => new(() =>
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in digest.Entries)
            d[e.SourcePath.Length == 0 ? "." : e.SourcePath] = e.Digest.ToString();
        return d;
    });

    private RootfsSnapshot? preparedSource;

    public override async ValueTask DisposeAsync()
    {
        if (preparedSource is not null)
            await preparedSource.DisposeAsync().ConfigureAwait(false);
        preparedSource = null;
    }

    private IReadOnlyList<SelectedEntry> Select(BuildContext context) =>
        new SourceSelector(context).Select(new CopySources(Op.Sources.Select(s => s.TrimStart('/') is { Length: > 0 } t ? t : ".").ToList(), Op.Excludes, Op.Parents));

    public override async Task<ILayer?> ExecuteAsync(int vertex, CacheKey key, CancellationToken ct)
    {
        var view = await ViewAsync(Image, ct).ConfigureAwait(false);
        var (uid, gid) = ResolveChown(view);
        var time = Solver.Options.SourceDateEpoch is { } e ? UnixTimestamp.FromDateTimeOffset(e) : UnixTimestamp.FromDateTimeOffset(Solver.Now);
        var entries = new Dictionary<string, LayerEntry>(StringComparer.Ordinal);
        RootfsSnapshot? sourceView = null;
        var cleanup = new List<string>();
        try
        {
            // Sources: the context, a stage or an image (through a read-only view of its filesystem).
            BuildContext? source = null;
            IReadOnlyList<SelectedEntry> selected = [];
            if (Op.From.Kind == SourceKind.Context && Op.Sources.Count > 0)
            {
                source = Deps.Context!;
                selected = selection ?? Select(source);
            }
            else if (Op.From.Kind is SourceKind.Stage or SourceKind.Image)
            {
                var (_, _, img) = await Solver.ResolveSourceAsync(Op.From, Platform, ct).ConfigureAwait(false);
                var from = preparedSource ?? (sourceView = await Deps.Snapshots.PrepareRootfsAsync(await LowersAsync(img, ct).ConfigureAwait(false), ct).ConfigureAwait(false));
                source = new BuildContext(from.Path, IgnoreMatcher.Create([]));
                selected = selection ?? Select(source);
            }

            // Several sources (arguments, URLs, heredocs) need a directory destination, as docker says; one directory
            // source copies its contents, and one file source may be renamed by a destination without a slash.
            int sourceCount = Op.Sources.Count + Op.Urls.Count + Op.InlineFiles.Count;
            bool wildcard = Op.Sources.Any(s => s.AsSpan().IndexOfAny("*?[") >= 0);
            string dest = Op.Destination;
            bool destIsDir = dest.EndsWith('/') || IsDirectory(view, dest);
            bool singleFile = selected.Count == 1 && selected[0].Source.Type != ContextEntryType.Directory && Op.Urls.Count + Op.InlineFiles.Count == 0 && !Op.Parents;
            if (!destIsDir && (sourceCount > 1 || (wildcard && !singleFile && selected.Any(e => e.TargetPath == "."))))
                throw new BuildException(ErrorCode.InvalidArgument, $"{Step.Location}: when using {(Op.IsAdd ? "ADD" : "COPY")} with more than one source file, the destination must be a directory and end with a /");

            foreach (var s in selected)
            {
                if (s.Source.Type == ContextEntryType.Directory && s.TargetPath is "." or "")
                {
                    // A directory source copies its contents: the destination is made like mkdir -p (0755, --chown's
                    // owner) and an existing one is left alone. Taking the source directory's own mode would turn
                    // `COPY conf/ /tmp/` into a /tmp without its sticky bit (docker 20.10 here keeps 1777).
                    if (!IsDirectory(view, dest))
                        Add(entries, LayerEntry.Directory(dest, 0x1ED, uid, gid, time));
                    continue;
                }
                string target = singleFile && !destIsDir ? dest : Join(dest, s.TargetPath);
                if (Op.IsAdd && Op.UnpackArchives && s.Source.Type == ContextEntryType.File && await IsArchiveAsync(source!.HostPath(s.Source.Path), ct).ConfigureAwait(false))
                {
                    string into = singleFile && !destIsDir ? dest : dest;
                    await AddArchiveAsync(source.HostPath(s.Source.Path), into, entries, uid, gid, cleanup, ct).ConfigureAwait(false);
                    continue;
                }
                Add(entries, ToEntry(source!, s.Source, target, uid, gid));
            }
            for (int i = 0; i < Op.Urls.Count; i++)
            {
                string url = Op.Urls[i];
                string path = await DownloadAsync(url, ct).ConfigureAwait(false);
                if (Op.Checksum is { } sum)
                {
                    await using var fs = File.OpenRead(path);
                    var actual = await Digest.ComputeAsync(fs, ct).ConfigureAwait(false);
                    if (actual.ToString() != sum)
                        throw new BuildException(ErrorCode.DigestMismatch, $"{Step.Location}: ADD {url}: checksum mismatch: expected {sum}, got {actual}");
                }
                if (Op.UnpackUrls && await IsArchiveAsync(path, ct).ConfigureAwait(false))
                {
                    await AddArchiveAsync(path, dest, entries, uid, gid, cleanup, ct).ConfigureAwait(false);
                    continue;
                }
                string name = UrlFileName(url);
                string target = destIsDir ? Join(dest, name) : dest;
                Add(entries, new LayerEntry
                {
                    Path = target,
                    Type = LayerEntryType.RegularFile,
                    Mode = Chmod(0x180, isDirectory: false) ?? 0x180, // 0600, as docker gives downloaded files
                    Uid = uid,
                    Gid = gid,
                    // BuildKit takes a download's mtime from Last-Modified, else the time of the build.
                    ModificationTime = lastModified.TryGetValue(url, out var modified) ? UnixTimestamp.FromDateTimeOffset(modified) : time,
                    SourcePath = path,
                    Size = new FileInfo(path).Length,
                });
            }
            foreach (var f in Op.InlineFiles)
            {
                // One heredoc and a destination that is not a directory names the file (`COPY <<EOF /etc/app.conf`).
                var bytes = System.Text.Encoding.UTF8.GetBytes(f.Content);
                string target = sourceCount == 1 && !destIsDir ? dest : Join(dest, f.Name);
                Add(entries, LayerEntry.File(target, bytes, Chmod(f.Mode, isDirectory: false) ?? f.Mode, uid, gid, time));
            }

            AddParents(entries, view, uid, gid, time);
            var list = entries.Values.ToList();
            return await CommitAsync((destStream, options) => LayerWriter.WriteAsync(LayerSource.FromEntries(list), destStream, options, ct), ct).ConfigureAwait(false);
        }
        finally
        {
            if (sourceView is not null)
                await sourceView.DisposeAsync().ConfigureAwait(false);
            foreach (var c in cleanup)
            {
                try
                {
                    Directory.Delete(c, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private static void Add(Dictionary<string, LayerEntry> entries, LayerEntry e)
    {
        // The root directory itself is never a layer entry (COPY dir/ / copies into it, it does not replace it).
        string path = Clean(e.Path);
        if (path.Length > 0)
            entries[path] = e with { Path = path };
    }

    private static string Clean(string p) => p.Trim('/');

    private static string Join(string dest, string rel) =>
        rel is "." or "" ? dest.TrimEnd('/') : dest.TrimEnd('/') + "/" + rel;

    private LayerEntry ToEntry(BuildContext source, ContextEntry e, string target, int uid, int gid)
    {
        var mtime = new UnixTimestamp(e.Stamp.MtimeNs / 1_000_000_000, (uint)(e.Stamp.MtimeNs % 1_000_000_000));
        int mode = Chmod(e.Mode, e.Type == ContextEntryType.Directory) ?? e.Mode;
        return e.Type switch
        {
            ContextEntryType.Directory => LayerEntry.Directory(target, mode, uid, gid, mtime),
            ContextEntryType.Symlink => LayerEntry.Symlink(target, e.LinkTarget!, uid, gid, mtime),
            ContextEntryType.File => new LayerEntry
            {
                Path = target,
                Type = LayerEntryType.RegularFile,
                Mode = mode,
                Uid = uid,
                Gid = gid,
                ModificationTime = mtime,
                SourcePath = source.HostPath(e.Path),
                Size = e.Size,
            },
            _ => throw new BuildException(ErrorCode.InvalidArgument, $"{Step.Location}: cannot copy {e.Path}: not a regular file, directory or symlink"),
        };
    }

    private ChmodSpec? chmod;

    // An octal --chmod replaces the source modes, so they stay out of the key; a symbolic one (u+x) edits them, so a
    // changed source mode changes the result and must miss.
    private bool OctalChmod => Op.Chmod is { Length: > 0 } c && c.All(char.IsAsciiDigit);

    /// <summary>--chmod applied to one entry's own mode (octal replaces it; symbolic edits it), or null without --chmod.</summary>
    private int? Chmod(int mode, bool isDirectory)
    {
        if (Op.Chmod is not { Length: > 0 } c)
            return null;
        try
        {
            chmod ??= ChmodSpec.Parse(c);
        }
        catch (BuildException e)
        {
            throw new BuildException(ErrorCode.InvalidArgument, $"{Step.Location}: {e.Message}", e);
        }
        return chmod.Apply(mode, isDirectory);
    }

    /// <summary>--chown user[:group] by name or id, resolved in the target image's /etc/passwd and /etc/group.</summary>
    private (int Uid, int Gid) ResolveChown(LowerView view)
    {
        if (Op.Chown is not { Length: > 0 } chown)
            return (0, 0);
        string? passwd = Read(view, "etc/passwd");
        string? group = Read(view, "etc/group");
        try
        {
            var u = UserDatabase.Parse(passwd, group).Resolve(chown);
            // "user" alone means the user's primary group; "user:group" resolves the group separately.
            return ((int)u.Uid, (int)u.Gid);
        }
        catch (BuildException e)
        {
            throw new BuildException(ErrorCode.InvalidArgument, $"{Step.Location}: --chown={chown}: {e.Message}");
        }
    }

    private static string? Read(LowerView view, string rel)
    {
        string? path = view.Find(rel);
        return path is not null && File.Exists(path) ? File.ReadAllText(path) : null;
    }

    private static bool IsDirectory(LowerView view, string path) =>
        path.Trim('/') is { Length: > 0 } rel ? view.Find(rel) is { } p && Directory.Exists(p) && new DirectoryInfo(p).LinkTarget is null : true;

    /// <summary>Adds every missing parent directory: existing ones with their metadata from below, new ones 0755.</summary>
    private void AddParents(Dictionary<string, LayerEntry> entries, LowerView view, int uid, int gid, UnixTimestamp time)
    {
        var needed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var path in entries.Keys)
        {
            for (int i = path.LastIndexOf('/'); i > 0; i = path.LastIndexOf('/', i - 1))
                needed.Add(path[..i]);
        }
        string destDir = Clean(Op.Destination);
        foreach (var dir in needed)
        {
            if (entries.ContainsKey(dir))
                continue;
            if (view.Find(dir) is { } host && SnapshotNative.TryLstat(host, out var st) && st.IsDirectory)
            {
                entries[dir] = LayerEntry.Directory(dir, (int)(st.Mode & 0xFFF), (int)st.Uid, (int)st.Gid, new UnixTimestamp(st.MtimeSeconds, st.MtimeNanoseconds));
            }
            else
            {
                // A directory the copy creates: the destination gets --chown's owner, as BuildKit's mkdir does.
                bool own = dir == destDir || destDir.StartsWith(dir + "/", StringComparison.Ordinal) is false && dir.StartsWith(destDir + "/", StringComparison.Ordinal);
                entries[dir] = LayerEntry.Directory(dir, 0x1ED, own ? uid : 0, own ? gid : 0, time);
            }
        }
    }

    private static async Task<bool> IsArchiveAsync(string path, CancellationToken ct)
    {
        var head = new byte[512];
        await using var fs = File.OpenRead(path);
        int n = await fs.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (n >= 2 && head[0] == 0x1F && head[1] == 0x8B)
            return true; // gzip
        if (n >= 4 && head[0] == 0x28 && head[1] == 0xB5 && head[2] == 0x2F && head[3] == 0xFD)
            return true; // zstd
        if (n >= 3 && head[0] == (byte)'B' && head[1] == (byte)'Z' && head[2] == (byte)'h')
            return true; // bzip2
        if (n >= 6 && head[0] == 0xFD && head[1] == (byte)'7' && head[2] == (byte)'z' && head[3] == (byte)'X' && head[4] == (byte)'Z' && head[5] == 0)
            return true; // xz
        return n >= 262 && head[257] == (byte)'u' && head[258] == (byte)'s' && head[259] == (byte)'t' && head[260] == (byte)'a' && head[261] == (byte)'r';
    }

    /// <summary>ADD of a local archive: its contents, extracted safely (never outside the directory), go under the destination.</summary>
    private async Task AddArchiveAsync(string archive, string dest, Dictionary<string, LayerEntry> entries, int uid, int gid, List<string> cleanup, CancellationToken ct)
    {
        string dir = Path.Combine(Deps.TempRoot, "add-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        cleanup.Add(dir);
        string tarPath = await DecompressForeignAsync(archive, dir, ct).ConfigureAwait(false);
        await using (var fs = File.OpenRead(tarPath))
            await LayerUnpacker.ApplyAsync(fs, Path.Combine(dir, "root"), new UnpackOptions(), ct).ConfigureAwait(false);
        var tree = new BuildContext(Path.Combine(dir, "root"), IgnoreMatcher.Create([]));
        foreach (var e in ContextWalker.Walk(tree))
        {
            if (e.Path.Length == 0)
                continue;
            var entry = ToEntry(tree, e, Join(dest, e.Path), uid, gid);
            // Archive entries keep their own owners unless --chown is given, as docker's ADD does.
            if (Op.Chown is null && SnapshotNative.TryLstat(tree.HostPath(e.Path), out var st))
                entry = entry with { Uid = (int)st.Uid, Gid = (int)st.Gid };
            Add(entries, entry);
        }
    }

    /// <summary>bzip2 and xz are not in the BCL; the system tools decompress them into a plain tar first.</summary>
    private static async Task<string> DecompressForeignAsync(string archive, string dir, CancellationToken ct)
    {
        var head = new byte[6];
        await using (var fs = File.OpenRead(archive))
            await fs.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        string? tool = head[0] == (byte)'B' && head[1] == (byte)'Z' ? "bzip2" : head[0] == 0xFD && head[1] == (byte)'7' ? "xz" : null;
        if (tool is null)
            return archive;
        string output = Path.Combine(dir, "archive.tar");
        var psi = new System.Diagnostics.ProcessStartInfo(tool, ["-dc", "--", archive]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = System.Diagnostics.Process.Start(psi) ?? throw new BuildException(ErrorCode.Io, $"cannot run {tool} to decompress {archive}");
        await using (var outFile = File.Create(output))
            await p.StandardOutput.BaseStream.CopyToAsync(outFile, ct).ConfigureAwait(false);
        await p.WaitForExitAsync(ct).ConfigureAwait(false);
        if (p.ExitCode != 0)
            throw new BuildException(ErrorCode.InvalidArchive, $"{archive}: {tool} failed: {(await p.StandardError.ReadToEndAsync(ct).ConfigureAwait(false)).Trim()}");
        return output;
    }

    private async Task<string> DownloadAsync(string url, CancellationToken ct)
    {
        if (downloads.TryGetValue(url, out var cached))
            return cached;
        Directory.CreateDirectory(Deps.TempRoot);
        string path = Path.Combine(Deps.TempRoot, "download-" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(url)))[..16] + "-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using var response = await Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new BuildException(ErrorCode.NotFound, $"{Step.Location}: ADD {url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            if (response.Content.Headers.LastModified is { } modified)
                lastModified[url] = modified;
            await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using var file = File.Create(path);
            await body.CopyToAsync(file, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new BuildException(ErrorCode.NotFound, $"{Step.Location}: ADD {url}: {e.Message}");
        }
        downloads[url] = path;
        return path;
    }

    private static string UrlFileName(string url)
    {
        var uri = new Uri(url);
        string name = Path.GetFileName(uri.AbsolutePath.TrimEnd('/'));
        return name.Length == 0 ? "index.html" : Uri.UnescapeDataString(name);
    }
}
