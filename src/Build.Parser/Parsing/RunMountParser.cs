using System.Globalization;
using Build.Parser.Combinators;
using Build.Parser.Syntax;

namespace Build.Parser.Parsing;

/// <summary>
/// Parses the value of <c>RUN --mount=</c>: comma-separated fields (CSV: a field may be double-quoted, with
/// <c>""</c> for a quote), each <c>key=value</c> or a bare boolean key (<c>ro</c>, <c>rw</c>, <c>required</c>).
/// Keys are case-insensitive. Rules follow BuildKit's <c>runmount.go</c>: which keys each type accepts, the
/// read-only defaults, and the checks on secrets.
/// </summary>
public static class RunMountParser
{
    private static readonly Parser<string> QuotedField =
        Parsers.Char('"')
            .Then(Parsers.String("\"\"").WithResult("\"").Or(Parsers.TakeWhile1(static c => c != '"', "text").RecognizeString()).Concat())
            .Before(Parsers.Char('"').Labelled("a closing quote"))
            .Before(Parsers.Lookahead(Parsers.Char(',').IgnoreResult().Or(Parsers.End)).Labelled("',' after a quoted field"));

    private static readonly Parser<string> PlainField =
        Parsers.TakeWhile(static c => c != ',' && c != '"').RecognizeString()
            .Before(Parsers.Lookahead(Parsers.Char(',').IgnoreResult().Or(Parsers.End)).Labelled("',' (a quote may only start a field)"));

    private static readonly Parser<IReadOnlyList<string>> Fields =
        QuotedField.Or(PlainField).SeparatedAtLeastOnce(Parsers.Char(',')).Before(Parsers.End);

    // go-units RAMInBytes: "64m", "1.5GiB", "100" (bytes), binary multiples.
    private static readonly Parser<long> Size =
        Parsers.TakeWhile1(char.IsAsciiDigit, "a number")
            .Then(Parsers.Char('.').Then(Parsers.TakeWhile1(char.IsAsciiDigit, "a digit")).Optional())
            .RecognizeString()
            .Before(Parsers.Char(' ').Optional())
            .Then(Parsers.OneOf("bkmgtpBKMGTP").Optional()
                .Before(Parsers.OneOf("iI").Optional()).Before(Parsers.OneOf("bB").Optional()),
                static (number, unit) => (number, unit))
            .Before(Parsers.End)
            .Map(static nu =>
            {
                int power = nu.unit.HasValue ? "bkmgtp".IndexOf(char.ToLowerInvariant(nu.unit.Value), StringComparison.Ordinal) : 0;
                decimal value = decimal.Parse(nu.number, CultureInfo.InvariantCulture);
                for (int i = 0; i < power; i++)
                    value *= 1024;
                return value > long.MaxValue ? -1 : (long)value;
            });

    /// <summary>
    /// Parses one <c>--mount</c> value. <paramref name="expand"/> expands variables in every value except
    /// <c>from</c>; without it (the parser's own pass) values are kept raw, and numeric options that contain a
    /// variable are left untyped instead of being rejected.
    /// </summary>
    public static MountParseResult Parse(string value, Func<string, string>? expand = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        var fields = Fields.Parse(value);
        if (!fields.Success)
            return Fail($"invalid mount option syntax: {fields.Failure!.Message.Replace(" at 1:", " at column ", StringComparison.Ordinal)}");

        // The type decides which keys are legal, so find it first (BuildKit does the same): "required" before
        // "type=secret" must still be accepted.
        var type = MountType.Bind;
        foreach (var field in fields.Value)
        {
            int eq = field.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && field[..eq].Equals("type", StringComparison.OrdinalIgnoreCase))
            {
                string t = Expand(field[(eq + 1)..], expand).ToLowerInvariant();
                switch (t)
                {
                    case "bind": type = MountType.Bind; break;
                    case "cache": type = MountType.Cache; break;
                    case "tmpfs": type = MountType.Tmpfs; break;
                    case "secret": type = MountType.Secret; break;
                    case "ssh": type = MountType.Ssh; break;
                    default:
                        if (expand is null && t.Contains('$', StringComparison.Ordinal))
                            return Fail($"mount type \"{t}\" must not use variables");
                        return Fail($"unsupported mount type \"{t}\": use bind, cache, tmpfs, secret or ssh");
                }
            }
        }

        string? target = null, source = null, from = null, id = null, mode = null, uid = null, gid = null, size = null, env = null;
        uint? modeValue = null, uidValue = null, gidValue = null;
        long? sizeBytes = null;
        bool? readOnly = null;
        bool required = false;
        CacheSharing? sharing = null;
        string typeName = type.ToString().ToLowerInvariant();

        foreach (var field in fields.Value)
        {
            if (field.Length == 0)
                continue;
            int eq = field.IndexOf('=', StringComparison.Ordinal);
            string key = (eq < 0 ? field : field[..eq]).ToLowerInvariant();
            if (eq < 0)
            {
                switch (key)
                {
                    case "readonly" or "ro": readOnly = true; continue;
                    case "readwrite" or "rw": readOnly = false; continue;
                    case "required" when type is MountType.Secret or MountType.Ssh: required = true; continue;
                    case "required": return Fail($"option \"required\" is not allowed for {typeName} mounts (only secret and ssh)");
                    default: return Fail($"invalid mount option \"{field}\": it must be a key=value pair");
                }
            }
            string raw = field[(eq + 1)..];
            string v = key == "from" ? raw : Expand(raw, expand);
            bool deferred = expand is null && v.Contains('$', StringComparison.Ordinal);
            switch (key)
            {
                case "type":
                    break;
                case "id":
                    id = v;
                    break;
                case "sharing":
                    if (type != MountType.Cache)
                        return Fail($"option \"sharing\" is not allowed for {typeName} mounts (only cache)");
                    switch (v.ToLowerInvariant())
                    {
                        case "shared": sharing = CacheSharing.Shared; break;
                        case "private": sharing = CacheSharing.Private; break;
                        case "locked": sharing = CacheSharing.Locked; break;
                        default:
                            if (!deferred)
                                return Fail($"unsupported sharing value \"{v}\": use shared, private or locked");
                            break;
                    }
                    break;
                case "from":
                    if (type is MountType.Secret or MountType.Ssh or MountType.Tmpfs)
                        return Fail($"option \"from\" is not allowed for {typeName} mounts");
                    from = v;
                    break;
                case "source" or "src":
                    if (type == MountType.Tmpfs)
                        return Fail("option \"source\" is not allowed for tmpfs mounts");
                    source = v;
                    break;
                case "target" or "dst" or "destination":
                    target = v;
                    break;
                case "readonly" or "ro":
                    if (!TryParseBool(v, out bool ro) && !deferred)
                        return Fail($"invalid value \"{v}\" for mount option \"{key}\": expected true or false");
                    readOnly = ro;
                    break;
                case "readwrite" or "rw":
                    if (!TryParseBool(v, out bool rw) && !deferred)
                        return Fail($"invalid value \"{v}\" for mount option \"{key}\": expected true or false");
                    readOnly = !rw;
                    break;
                case "required":
                    if (type is not (MountType.Secret or MountType.Ssh))
                        return Fail($"option \"required\" is not allowed for {typeName} mounts (only secret and ssh)");
                    if (!TryParseBool(v, out required) && !deferred)
                        return Fail($"invalid value \"{v}\" for mount option \"required\": expected true or false");
                    break;
                case "size":
                    if (type != MountType.Tmpfs)
                        return Fail($"option \"size\" is not allowed for {typeName} mounts (only tmpfs)");
                    size = v;
                    if (!deferred)
                    {
                        var parsed = Size.Parse(v);
                        if (!parsed.Success || parsed.Value < 0)
                            return Fail($"invalid tmpfs size \"{v}\": expected a byte count such as 64m or 1g");
                        sizeBytes = parsed.Value;
                    }
                    break;
                case "mode":
                    mode = v;
                    if (!deferred)
                    {
                        if (!uint.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out _) || !TryParseOctal(v, out uint m))
                            return Fail($"invalid mode \"{v}\": expected an octal number such as 0755");
                        modeValue = m;
                    }
                    break;
                case "uid" or "gid":
                    if (!deferred)
                    {
                        if (!uint.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out uint n))
                            return Fail($"invalid {key} \"{v}\": expected a non-negative integer");
                        if (key == "uid")
                            uidValue = n;
                        else
                            gidValue = n;
                    }
                    if (key == "uid")
                        uid = v;
                    else
                        gid = v;
                    break;
                case "env":
                    if (type != MountType.Secret)
                        return Fail($"option \"env\" is not allowed for {typeName} mounts (only secret)");
                    env = v;
                    break;
                default:
                    return Fail($"unknown mount option \"{key}\" in \"{field}\"");
            }
        }

        if ((mode ?? uid ?? gid) is not null && type is not (MountType.Cache or MountType.Secret or MountType.Ssh))
            return Fail($"options mode, uid and gid are not allowed for {typeName} mounts (only cache, secret and ssh)");
        if (type is MountType.Bind or MountType.Cache or MountType.Tmpfs && string.IsNullOrEmpty(target))
            return Fail($"{typeName} mount needs a target (target=/path)");
        if (type == MountType.Secret && source is not null && id is not null)
            return Fail("secret mount cannot set both source and id");
        if (type == MountType.Secret && source is not null)
        {
            id = source; // BuildKit's legacy spelling: src= names the secret
            source = null;
        }

        bool effectiveReadOnly = readOnly ?? type is MountType.Bind or MountType.Secret or MountType.Ssh;
        return new MountParseResult(new RunMount(value, type, target, source, from, effectiveReadOnly, id,
            sharing ?? CacheSharing.Shared, mode, modeValue, uid, uidValue, gid, gidValue, required, size, sizeBytes, env), null);
    }

    private static string Expand(string value, Func<string, string>? expand) => expand is null ? value : expand(value);

    private static bool TryParseBool(string value, out bool result)
    {
        // Go's strconv.ParseBool.
        switch (value)
        {
            case "1" or "t" or "T" or "true" or "TRUE" or "True": result = true; return true;
            case "0" or "f" or "F" or "false" or "FALSE" or "False": result = false; return true;
            default: result = false; return false;
        }
    }

    private static bool TryParseOctal(string value, out uint result)
    {
        result = 0;
        if (value.Length == 0)
            return false;
        foreach (char c in value)
        {
            if (c is < '0' or > '7' || result > (uint.MaxValue >> 3))
                return false;
            result = (result << 3) | (uint)(c - '0');
        }
        return true;
    }

    private static MountParseResult Fail(string message) => new(null, message);
}
