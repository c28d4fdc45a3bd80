using System.Reflection;
using Build.Engine.Errors;

namespace Build.Engine.Tests.Architecture;

/// <summary>
/// Enforces the dependency direction of docs/architecture.md: Build.Parser depends on the BCL only;
/// inside Build.Engine a folder (namespace) may use folders of a lower or equal rank, never a higher one,
/// and folders of equal rank may not use each other in a cycle; only Frontend sees the parser's syntax.
/// </summary>
public class DependencyDirectionTests
{
    /// <summary>Rank of each engine folder; a folder may depend on lower ranks (and acyclically on equal ones).</summary>
    internal static readonly IReadOnlyDictionary<string, int> Ranks = new Dictionary<string, int>
    {
        ["Errors"] = 0,
        ["Oci"] = 1,
        ["Archive"] = 2,
        ["Content"] = 3,
        ["Registry"] = 4,
        ["Graph"] = 5,
        ["Frontend"] = 6,
        ["Caching"] = 6,
        ["Snapshots"] = 7,
        ["Execution"] = 7,
        ["Solving"] = 8,
        ["Gc"] = 8, // store garbage collection: prune, du, cache verification (uses Caching and Snapshots)
        ["Export"] = 9,
        [""] = 10, // Build.Engine itself: BuildService and friends.
    };

    /// <summary>Parser namespaces that are plain utilities, usable by any engine folder (not syntax).</summary>
    private static readonly string[] ParserUtilityNamespaces = ["Build.Parser.Ignore", "Build.Parser.Expansion"];

    private static readonly Assembly Engine = typeof(BuildException).Assembly;

    private static string? Folder(Type t)
    {
        string ns = t.Namespace ?? "";
        if (t.Assembly != Engine || !(ns == "Build.Engine" || ns.StartsWith("Build.Engine.", StringComparison.Ordinal)))
            return null;
        string rest = ns.Length > "Build.Engine".Length ? ns["Build.Engine.".Length..] : "";
        int dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }

    private static Dictionary<string, HashSet<string>> FolderEdges(List<string> violations)
    {
        var edges = new Dictionary<string, HashSet<string>>();
        foreach (var type in Engine.GetTypes())
        {
            string? from = Folder(type);
            if (from is null)
                continue;
            foreach (var used in TypeReferenceScanner.ReferencedTypes(type))
            {
                string? to = Folder(used);
                if (to is not null && to != from)
                {
                    if (!edges.TryGetValue(from, out var set))
                        edges[from] = set = [];
                    if (set.Add(to) && Ranks.TryGetValue(from, out int rf) && Ranks.TryGetValue(to, out int rt) && rt > rf)
                        violations.Add($"{type.FullName} ({from}) uses {used.FullName} ({to}), a higher layer");
                }
                if (used.Assembly.GetName().Name == "Build.Parser" && from != "Frontend"
                    && !ParserUtilityNamespaces.Any(n => used.Namespace == n || (used.Namespace ?? "").StartsWith(n + ".", StringComparison.Ordinal)))
                {
                    violations.Add($"{type.FullName} ({from}) uses parser syntax type {used.FullName}; only Frontend may");
                }
            }
        }
        return edges;
    }

    [Fact]
    public void Every_engine_folder_has_a_rank()
    {
        var unknown = Engine.GetTypes().Select(Folder).Where(f => f is not null && !Ranks.ContainsKey(f)).Distinct().ToList();
        Assert.True(unknown.Count == 0, "folders without a rank in the architecture test: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Engine_folders_only_use_lower_layers_and_parser_syntax_only_in_frontend()
    {
        var violations = new List<string>();
        FolderEdges(violations);
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations.Distinct()));
    }

    [Fact]
    public void Folders_of_equal_rank_do_not_form_a_cycle()
    {
        var edges = FolderEdges([]);
        var state = new Dictionary<string, int>();
        var cycle = new List<string>();
        bool Visit(string n)
        {
            state[n] = 1;
            foreach (var m in edges.GetValueOrDefault(n) ?? [])
            {
                if (state.GetValueOrDefault(m) == 1 || (state.GetValueOrDefault(m) == 0 && Visit(m)))
                {
                    cycle.Add(n);
                    return true;
                }
            }
            state[n] = 2;
            return false;
        }
        foreach (var n in edges.Keys)
        {
            if (state.GetValueOrDefault(n) == 0 && Visit(n))
                break;
        }
        Assert.True(cycle.Count == 0, "folder cycle through: " + string.Join(" <- ", cycle));
    }

    [Fact]
    public void Parser_depends_on_the_base_class_library_only()
    {
        var parser = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "Build.Parser")
            ?? Assembly.Load("Build.Parser");
        var refs = parser.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var foreign = refs.Where(n => !(n == "netstandard" || n == "mscorlib" || n.StartsWith("System", StringComparison.Ordinal) || n.StartsWith("Microsoft.Win32", StringComparison.Ordinal))).ToList();
        Assert.True(foreign.Count == 0, "Build.Parser references " + string.Join(", ", foreign));
    }

    [Fact]
    public void The_engine_does_not_reference_the_projects_above_it()
    {
        // Build.Insights (cache replay and advice) and the CLI sit above the engine: they may read parser syntax
        // because they are not part of the engine's pipeline; the engine must never call back up to them.
        var refs = Engine.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain("Build.Insights", refs);
        Assert.DoesNotContain("builder", refs);
    }

    [Fact]
    public void The_scanner_sees_references_inside_method_bodies()
    {
        // Guards the test itself: a reference that exists only in a method body must be found,
        // or the direction checks above would pass vacuously.
        var refs = TypeReferenceScanner.ReferencedTypes(typeof(BodyOnlyReference)).ToList();
        Assert.Contains(typeof(System.Text.StringBuilder), refs);
    }

    private static class BodyOnlyReference
    {
        public static int Use() => new System.Text.StringBuilder("x").Length;
    }
}
