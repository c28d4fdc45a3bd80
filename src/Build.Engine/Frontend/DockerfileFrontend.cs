using Build.Parser.Parsing;

namespace Build.Engine.Frontend;

/// <summary>
/// The Dockerfile frontend: a parsed Dockerfile plus build options in, a <see cref="Graph.BuildGraph"/> (or
/// diagnostics) out. Never throws on bad input; every problem is a diagnostic with file:line:column.
/// The async overloads consult <see cref="FrontendOptions.ImageConfigs"/> for base image configurations; the
/// synchronous ones treat every base image as having an empty configuration (enough for <c>parse --graph</c>).
/// </summary>
public static class DockerfileFrontend
{
    public static FrontendResult Build(string text, string fileName, FrontendOptions options)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        return Build(DockerfileParser.Parse(text, fileName), options);
    }

    public static FrontendResult Build(ParseResult parse, FrontendOptions options)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(options);
        var task = new FrontendBuilder(parse, options with { ImageConfigs = null }).RunAsync(CancellationToken.None);
        // Without a resolver nothing awaits I/O, so the task has already completed.
        if (!task.IsCompleted) throw new InvalidOperationException("the frontend unexpectedly awaited without an image resolver");
        return task.GetAwaiter().GetResult();
    }

    public static Task<FrontendResult> BuildAsync(string text, string fileName, FrontendOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        return BuildAsync(DockerfileParser.Parse(text, fileName), options, cancellationToken);
    }

    public static Task<FrontendResult> BuildAsync(ParseResult parse, FrontendOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(options);
        return new FrontendBuilder(parse, options).RunAsync(cancellationToken);
    }
}
