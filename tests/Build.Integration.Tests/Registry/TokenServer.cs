using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Build.Integration.Tests.Registry;

/// <summary>
/// A minimal token server of the distribution "token authentication" spec on 127.0.0.1: checks basic
/// credentials, grants the requested repository scopes, and signs an RS256 JWT with a test key whose
/// self-signed certificate the registry trusts (<c>auth.token.rootcertbundle</c>; the certificate rides
/// in the JWT's <c>x5c</c> header).
/// </summary>
public sealed class TokenServer : IAsyncDisposable
{
    public const string Service = "test-registry";
    public const string Issuer = "test-issuer";

    private readonly HttpListener _listener = new();
    private readonly RSA _key = RSA.Create(2048);
    private readonly X509Certificate2 _certificate;
    private readonly string _user;
    private readonly string _password;
    private readonly Task _loop;

    public TokenServer(string user, string password)
    {
        _user = user;
        _password = password;
        var request = new CertificateRequest("CN=builder test token signer", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(2));
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Realm => $"http://127.0.0.1:{Port}/token";

    /// <summary>Every token handed out (the leak test makes sure none shows up in messages).</summary>
    public ConcurrentBag<string> IssuedTokens { get; } = [];

    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The registry's <c>auth:</c> section, writing the trusted certificate into <paramref name="dir"/>.</summary>
    public string AuthYaml(string dir)
    {
        string bundle = Path.Combine(dir, "token-ca.pem");
        File.WriteAllText(bundle, _certificate.ExportCertificatePem());
        return $"""
            auth:
              token:
                realm: {Realm}
                service: {Service}
                issuer: {Issuer}
                rootcertbundle: {bundle}
            """;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                Handle(context);
            }
            finally
            {
                context.Response.Close();
            }
        }
    }

    private void Handle(HttpListenerContext context)
    {
        int number = Interlocked.Increment(ref _requests);
        var query = context.Request.QueryString;
        string? header = context.Request.Headers["Authorization"];
        string? subject = null;
        if (header is not null && header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..]));
            if (decoded != _user + ":" + _password)
            {
                context.Response.StatusCode = 401;
                Write(context, """{"details":"incorrect username or password"}""");
                return;
            }
            subject = _user;
        }
        if (query["service"] != Service)
        {
            context.Response.StatusCode = 400;
            return;
        }
        // Anonymous callers get a valid token with no access, as Docker Hub's auth server does for private repos.
        var access = new List<object>();
        if (subject is not null)
        {
            foreach (string scope in query.GetValues("scope") ?? [])
            {
                string[] parts = scope.Split(':');
                if (parts.Length == 3 && parts[0] == "repository")
                    access.Add(new { type = "repository", name = parts[1], actions = parts[2].Split(',') });
            }
        }
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string headerJson = JsonSerializer.Serialize(new { alg = "RS256", typ = "JWT", x5c = new[] { Convert.ToBase64String(_certificate.RawData) } });
        string claims = JsonSerializer.Serialize(new
        {
            iss = Issuer,
            sub = subject ?? "",
            aud = Service,
            exp = now + 300,
            nbf = now - 10,
            iat = now,
            jti = Guid.NewGuid().ToString("N"),
            access,
        });
        string signingInput = B64Url(Encoding.UTF8.GetBytes(headerJson)) + "." + B64Url(Encoding.UTF8.GetBytes(claims));
        byte[] signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        string token = signingInput + "." + B64Url(signature);
        IssuedTokens.Add(token);
        // Alternate the field name: the spec allows "token" and OAuth2's "access_token".
        Write(context, number % 2 == 0
            ? JsonSerializer.Serialize(new { token, expires_in = 300 })
            : JsonSerializer.Serialize(new { access_token = token, expires_in = 300 }));
    }

    private static void Write(HttpListenerContext context, string json)
    {
        byte[] body = Encoding.UTF8.GetBytes(json);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = body.Length;
        context.Response.OutputStream.Write(body);
    }

    private static string B64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        // Close alone: Stop() then Close() unregisters the prefix twice, and the managed HttpListener re-binds
        // the port to unregister it again, which fails when another process has taken the freed port.
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
            // closing the listener ends the loop
        }
        _certificate.Dispose();
        _key.Dispose();
    }
}
