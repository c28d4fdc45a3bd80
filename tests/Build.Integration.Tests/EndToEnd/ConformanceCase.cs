using System.Text.Json;
using System.Text.Json.Nodes;
using Build.Integration.Tests.Support;

namespace Build.Integration.Tests.EndToEnd;

/// <summary>
/// One end-to-end case: a folder under <c>testdata/dockerfiles/</c> with a <c>Dockerfile</c>, an optional
/// <c>context/</c>, and the expectations (format in <c>testdata/dockerfiles/README.md</c>). A folder without
/// <c>expected-config.json</c> is a frontend-only case and is not built here.
/// </summary>
public sealed record ConformanceCase(string Name, string Directory)
{
    public const string ExpectedConfigFile = "expected-config.json";
    public const string ExpectedOutputFile = "expected-output";

    public static string CasesRoot => Path.Combine(TestRepository.Root, "testdata", "dockerfiles");

    /// <summary>Every case that has an expected config, in name order.</summary>
    public static IEnumerable<string> Names() =>
        System.IO.Directory.EnumerateDirectories(CasesRoot)
            .Where(d => File.Exists(Path.Combine(d, ExpectedConfigFile)))
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)!;

    public static ConformanceCase Load(string name) => new(name, Path.Combine(CasesRoot, name));

    public string Dockerfile => Path.Combine(Directory, "Dockerfile");

    /// <summary>The build context: <c>context/</c>, or an empty directory when the case has none.</summary>
    public string? ContextDirectory => System.IO.Directory.Exists(Path.Combine(Directory, "context")) ? Path.Combine(Directory, "context") : null;

    /// <summary>Extra <c>builder build</c> arguments, one per line (<c>build-flags</c>).</summary>
    public IReadOnlyList<string> BuildFlags(IReadOnlyDictionary<string, string> vars) => Lines("build-flags", vars);

    /// <summary>Arguments after the image name in <c>builder run</c> (<c>run-args</c>); none runs the image's command.</summary>
    public IReadOnlyList<string> RunArgs(IReadOnlyDictionary<string, string> vars) => Lines("run-args", vars);

    /// <summary>Checks of the <c>--output</c> results (<c>expected-outputs</c>): <c>KIND ARG...</c> per line.</summary>
    public IReadOnlyList<string[]> OutputChecks(IReadOnlyDictionary<string, string> vars) =>
        Lines("expected-outputs", vars).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();

    public JsonNode ExpectedConfig(IReadOnlyDictionary<string, string> vars) =>
        JsonNode.Parse(Substitute(File.ReadAllText(Path.Combine(Directory, ExpectedConfigFile)), vars))!;

    public string? ExpectedOutput(IReadOnlyDictionary<string, string> vars) =>
        File.Exists(Path.Combine(Directory, ExpectedOutputFile)) ? Substitute(File.ReadAllText(Path.Combine(Directory, ExpectedOutputFile)), vars) : null;

    private IReadOnlyList<string> Lines(string file, IReadOnlyDictionary<string, string> vars)
    {
        string path = Path.Combine(Directory, file);
        if (!File.Exists(path))
            return [];
        return File.ReadAllLines(path)
            .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'))
            .Select(l => Substitute(l, vars))
            .ToList();
    }

    /// <summary>Replaces <c>{case}</c>, <c>{out}</c>, <c>{http}</c>… with this run's values.</summary>
    public static string Substitute(string text, IReadOnlyDictionary<string, string> vars)
    {
        foreach (var (k, v) in vars)
            text = text.Replace("{" + k + "}", v, StringComparison.Ordinal);
        return text;
    }

    /// <summary>
    /// The comparable view of an image config: timestamps dropped (docker 20.10 cannot pin them), <c>null</c> members
    /// dropped (dockerd writes <c>"OnBuild": null</c>, BuildKit omits it; both mean unset), and the layer digests
    /// replaced by their count (our layer bytes are not docker's; their validity is checked by umoci).
    /// </summary>
    /// <param name="keepCreated">Keep the timestamps (a case that pins them with SOURCE_DATE_EPOCH).</param>
    public static JsonObject Normalize(JsonNode config, bool keepCreated = false)
    {
        var o = DropNulls(config.DeepClone())!.AsObject();
        if (!keepCreated)
            o.Remove("created");
        if (o["rootfs"] is JsonObject rootfs)
        {
            o["layers"] = rootfs["diff_ids"]?.AsArray().Count ?? 0;
            o.Remove("rootfs");
        }
        if (o["history"] is JsonArray history)
        {
            foreach (var h in history.OfType<JsonObject>())
            {
                if (!keepCreated)
                    h.Remove("created");
                if (h["empty_layer"] is JsonValue v && v.GetValueKind() == JsonValueKind.False)
                    h.Remove("empty_layer");
            }
        }
        return o;
    }

    private static JsonNode? DropNulls(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            foreach (var key in o.Select(kv => kv.Key).ToList())
            {
                if (o[key] is null)
                    o.Remove(key);
                else
                    DropNulls(o[key]);
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var item in a)
                DropNulls(item);
        }
        return node;
    }

    /// <summary>The JSON path of the first difference, or null when equal (objects compare by key set).</summary>
    public static string? FirstDifference(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        switch (expected, actual)
        {
            case (null, null):
                return null;
            case (JsonObject e, JsonObject a):
                foreach (var (k, v) in e)
                {
                    if (!a.ContainsKey(k))
                        return $"{path}.{k}: missing (expected {v?.ToJsonString()})";
                    if (FirstDifference(v, a[k], $"{path}.{k}") is { } d)
                        return d;
                }
                foreach (var (k, v) in a)
                {
                    if (!e.ContainsKey(k))
                        return $"{path}.{k}: unexpected {v?.ToJsonString()}";
                }
                return null;
            case (JsonArray e, JsonArray a):
                for (int i = 0; i < Math.Min(e.Count, a.Count); i++)
                {
                    if (FirstDifference(e[i], a[i], $"{path}[{i}]") is { } d)
                        return d;
                }
                return e.Count == a.Count ? null : $"{path}: expected {e.Count} items, got {a.Count}: {a.ToJsonString()}";
            default:
                return JsonNode.DeepEquals(expected, actual) ? null : $"{path}: expected {expected?.ToJsonString()}, got {actual?.ToJsonString()}";
        }
    }
}
