using Build.Engine.Errors;

namespace Build.Engine.Solving;

/// <summary>
/// A <c>--chmod</c> value: octal (<c>755</c>) replaces the mode; symbolic (<c>u=rwX,go=rX</c>, <c>+x</c>, Dockerfile
/// 1.14+) edits each file's own mode as chmod(1) does, with no umask (an omitted "who" means all).
/// </summary>
internal sealed class ChmodSpec
{
    private readonly int? octal;
    private readonly string[] clauses;

    private ChmodSpec(int? octal, string[] clauses)
    {
        this.octal = octal;
        this.clauses = clauses;
    }

    /// <exception cref="BuildException">The value is neither octal nor symbolic.</exception>
    public static ChmodSpec Parse(string text)
    {
        if (text.Length > 0 && text.All(char.IsAsciiDigit))
        {
            if (text.Any(c => c > '7') || text.TrimStart('0').Length > 4)
                throw Invalid(text);
            return new ChmodSpec(Convert.ToInt32(text, 8), []);
        }
        var spec = new ChmodSpec(null, text.Split(','));
        spec.Apply(0, isDirectory: false); // validates every clause
        return spec;
    }

    /// <summary>The mode a file gets, from its own mode (permission and special bits).</summary>
    public int Apply(int mode, bool isDirectory)
    {
        if (octal is { } o)
            return o;
        mode &= 0xFFF;
        foreach (string clause in clauses)
        {
            int i = 0;
            int who = 0;
            for (; i < clause.Length && "ugoa".Contains(clause[i], StringComparison.Ordinal); i++)
                who |= clause[i] switch { 'u' => 0x9C0, 'g' => 0x438, 'o' => 0x207, _ => 0xFFF };
            if (who == 0)
                who = 0xFFF;
            if (i == clause.Length)
                throw Invalid(string.Join(',', clauses));
            while (i < clause.Length)
            {
                char op = clause[i++];
                if (op is not ('+' or '-' or '='))
                    throw Invalid(string.Join(',', clauses));
                int bits = 0;
                if (i < clause.Length && clause[i] is 'u' or 'g' or 'o')
                {
                    // Copy another class's bits: g=u gives the group what the owner has.
                    int shift = clause[i++] switch { 'u' => 6, 'g' => 3, _ => 0 };
                    int rwx = (mode >> shift) & 7;
                    bits = rwx << 6 | rwx << 3 | rwx;
                }
                for (; i < clause.Length && "rwxXst".Contains(clause[i], StringComparison.Ordinal); i++)
                {
                    bits |= clause[i] switch
                    {
                        'r' => 0x124,
                        'w' => 0x92,
                        'x' => 0x49,
                        'X' => isDirectory || (mode & 0x49) != 0 ? 0x49 : 0,
                        's' => 0xC00,
                        _ => 0x200, // t
                    };
                }
                bits &= who;
                mode = op switch
                {
                    '+' => mode | bits,
                    '-' => mode & ~bits,
                    _ => (mode & ~who) | bits,
                };
            }
        }
        return mode;
    }

    private static BuildException Invalid(string text) =>
        new(ErrorCode.InvalidArgument, $"--chmod={text}: expected an octal mode up to 7777 or a symbolic mode such as u=rwX,go=rX");
}
