using System.Net;
using System.Net.Sockets;
using Build.Cli;
using Build.Integration.Tests.Support;

namespace Build.Integration.Tests.EndToEnd;

/// <summary>
/// What every conformance case shares: one builder root holding the base image (<c>busybox:test</c>, also tagged
/// <c>busybox:latest</c>, made from busybox-static as the README's example does), and an HTTP server on
/// 127.0.0.1 serving each case's <c>http/</c> folder at <c>/CASE/</c> for <c>ADD URL</c>.
/// </summary>
public sealed class ConformanceFixture : IAsyncLifetime
{
    /// <summary>The Last-Modified of every served file (ADD takes the mtime of a download from it).</summary>
    public static readonly DateTimeOffset ServedModified = new(2021, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory dir = new("builder-cases");
    private HttpListener? http;
    private Task? serving;

    public string Root => dir.Combine("root");

    public int HttpPort { get; private set; }

    public string HttpBase(string caseName) => $"http://127.0.0.1:{HttpPort}/{caseName}";

    public async Task InitializeAsync()
    {
        if (new RootFactAttribute().Skip is not null)
            return;
        var (code, _, stderr) = await CliAsync("build", "--progress", "plain", "-t", "busybox:test", "-t", "busybox:latest", BuildHarness.BaseContextDirectory);
        if (code != 0)
            throw new InvalidOperationException("building the base image failed: " + stderr);
        StartHttp();
    }

    /// <summary>Runs the CLI in-process against this root; returns the exit code and what it printed.</summary>
    public async Task<(int Code, string Stdout, string Stderr)> CliAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await Task.Run(() => CliApp.Run(["--root", Root, .. args], stdout, stderr));
        return (code, stdout.ToString(), stderr.ToString());
    }

    private void StartHttp()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        HttpPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        http = new HttpListener();
        http.Prefixes.Add($"http://127.0.0.1:{HttpPort}/");
        http.Start();
        serving = Task.Run(ServeAsync);
    }

    private async Task ServeAsync()
    {
        while (http is { IsListening: true })
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await http.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            // /CASE/FILE → testdata/dockerfiles/CASE/http/FILE; nothing outside a case's http/ folder is served.
            var parts = ctx.Request.Url!.AbsolutePath.Trim('/').Split('/');
            string? file = parts.Length == 2 && parts.All(p => p.Length > 0 && p != ".." && p != ".")
                ? Path.Combine(ConformanceCase.CasesRoot, parts[0], "http", parts[1])
                : null;
            if (file is not null && File.Exists(file))
            {
                var bytes = await File.ReadAllBytesAsync(file);
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentLength64 = bytes.Length;
                ctx.Response.Headers["Last-Modified"] = ServedModified.ToString("R");
                await ctx.Response.OutputStream.WriteAsync(bytes);
            }
            else
            {
                ctx.Response.StatusCode = 404;
            }
            ctx.Response.Close();
        }
    }

    public async Task DisposeAsync()
    {
        if (http is not null)
        {
            http.Stop();
            http.Close();
            if (serving is not null)
                await serving;
        }
        dir.Dispose();
    }
}
