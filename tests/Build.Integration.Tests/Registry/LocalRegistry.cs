using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Build.Integration.Tests.Registry;

/// <summary>
/// The real distribution registry (<c>docker-registry serve config.yml</c>) on 127.0.0.1 with a free
/// port and a temporary storage directory, optionally behind htpasswd basic auth or token auth.
/// <see cref="Kill"/> and <see cref="RestartAsync"/> keep port and storage, for outage tests.
/// </summary>
public sealed class LocalRegistry : IAsyncDisposable
{
    private readonly string _configPath;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private LocalRegistry(string dir, int port, string configPath)
    {
        Directory = dir;
        Port = port;
        _configPath = configPath;
    }

    public string Directory { get; }

    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c>, as written in image references.</summary>
    public string Host => $"127.0.0.1:{Port}";

    public string StorageDirectory => Path.Combine(Directory, "storage");

    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    /// <param name="authYaml">The <c>auth:</c> section (already indented), or null for an open registry.</param>
    public static async Task<LocalRegistry> StartAsync(Func<string, string>? authYaml = null)
    {
        string dir = System.IO.Directory.CreateTempSubdirectory("registry-test").FullName;
        int port = FreePort();
        string config = Path.Combine(dir, "config.yml");
        string auth = authYaml?.Invoke(dir) ?? "";
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: info
              accesslog:
                disabled: false
            storage:
              filesystem:
                rootdirectory: {Path.Combine(dir, "storage")}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{port}
            {auth}
            """);
        var registry = new LocalRegistry(dir, port, config);
        await registry.RestartAsync();
        return registry;
    }

    public static string HtpasswdAuth(string dir, string user, string password)
    {
        string file = Path.Combine(dir, "htpasswd");
        var psi = new ProcessStartInfo("htpasswd", ["-Bbn", user, password]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string line = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException("htpasswd failed: " + p.StandardError.ReadToEnd());
        File.WriteAllText(file, line);
        return $"""
            auth:
              htpasswd:
                realm: test-realm
                path: {file}
            """;
    }

    public async Task RestartAsync()
    {
        if (_process is { HasExited: false })
            throw new InvalidOperationException("registry still running");
        var psi = new ProcessStartInfo("docker-registry", ["serve", _configPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"docker-registry exited with {process.ExitCode}:\n{Log}");
            try
            {
                using var response = await http.GetAsync(new Uri($"http://{Host}/v2/"));
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized)
                    return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // slow start on a busy machine
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"docker-registry did not start on {Host}:\n{Log}");
            await Task.Delay(50);
        }
    }

    /// <summary>Kills the registry at once (SIGKILL), as a crash or a network cut would.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        await Task.Yield();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp dir
        }
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_log)
            _log.AppendLine(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
