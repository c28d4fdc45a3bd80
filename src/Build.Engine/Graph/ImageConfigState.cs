using Build.Engine.Oci;

namespace Build.Engine.Graph;

/// <summary>
/// The parts of an image configuration that Dockerfile instructions change (docker's <c>config</c> object plus the
/// top-level <c>author</c>). A stage starts from its base's state and each step's <see cref="Op.Apply"/> folds into
/// it; the solver maps the result onto the OCI config (keeping the base config's other fields).
/// Null lists mean "not set"; an empty list is an explicit reset (<c>ENTRYPOINT []</c>), which matters inside the fold
/// but is written to the image config as an absent field, as BuildKit writes it.
/// </summary>
public sealed record ImageConfigState
{
    /// <summary>Docker's default PATH, added when the base image sets none (BuildKit does the same for Linux).</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static ImageConfigState Empty { get; } = new();

    /// <summary>The state of <c>FROM scratch</c>: PATH set, working directory <c>/</c> (BuildKit's emptyImage).</summary>
    public static ImageConfigState Scratch { get; } = new()
    {
        Env = ValueList<KeyValue>.Empty.Add(new KeyValue("PATH", DefaultPath)),
        WorkingDir = "/",
    };

    public string User { get; init; } = "";

    public ValueList<KeyValue> Env { get; init; } = ValueList<KeyValue>.Empty;

    public ValueList<string>? Entrypoint { get; init; }

    public ValueList<string>? Cmd { get; init; }

    /// <summary>Set by CMD as BuildKit does (a docker-spec field kept for compatibility).</summary>
    public bool ArgsEscaped { get; init; }

    public string WorkingDir { get; init; } = "";

    /// <summary>Labels, unique keys, sorted ordinally (docker writes JSON maps with sorted keys).</summary>
    public ValueList<KeyValue> Labels { get; init; } = ValueList<KeyValue>.Empty;

    /// <summary><c>port/proto</c> strings, unique, sorted ordinally.</summary>
    public ValueList<string> ExposedPorts { get; init; } = ValueList<string>.Empty;

    /// <summary>Volume paths, unique, sorted ordinally.</summary>
    public ValueList<string> Volumes { get; init; } = ValueList<string>.Empty;

    public string? StopSignal { get; init; }

    public ValueList<string>? Shell { get; init; }

    public HealthcheckConfig? Healthcheck { get; init; }

    /// <summary>ONBUILD triggers recorded for images built FROM this one (the instruction text after ONBUILD).</summary>
    public ValueList<string> OnBuild { get; init; } = ValueList<string>.Empty;

    /// <summary>The image's <c>author</c> (MAINTAINER).</summary>
    public string? Author { get; init; }

    /// <summary>Value of an environment variable of the config, or null.</summary>
    public string? GetEnv(string key)
    {
        foreach (var kv in Env)
            if (kv.Key == key) return kv.Value;
        return null;
    }

    /// <summary>Sets a variable in place if present (docker keeps the original position), else appends it.</summary>
    public ImageConfigState WithEnv(string key, string value) => this with { Env = SetKey(Env, key, value) };

    /// <summary>Adds PATH when missing, as BuildKit does for every non-Windows stage before its first step.</summary>
    public ImageConfigState WithDefaultPath() =>
        GetEnv("PATH") is null ? WithEnv("PATH", DefaultPath) : this;

    internal static ValueList<KeyValue> SetKey(ValueList<KeyValue> list, string key, string value)
    {
        var found = false;
        var items = new List<KeyValue>(list.Count + 1);
        foreach (var kv in list)
        {
            if (!found && kv.Key == key)
            {
                items.Add(new KeyValue(key, value));
                found = true;
            }
            else
            {
                items.Add(kv);
            }
        }
        if (!found) items.Add(new KeyValue(key, value));
        return new ValueList<KeyValue>(items);
    }

    internal static ValueList<KeyValue> SetKeySorted(ValueList<KeyValue> list, string key, string value)
    {
        var items = list.Where(kv => kv.Key != key).Append(new KeyValue(key, value));
        return items.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToValueList();
    }

    internal static ValueList<string> AddSorted(ValueList<string> list, IEnumerable<string> values) =>
        list.Concat(values).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToValueList();
}
