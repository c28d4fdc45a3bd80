using Build.Engine.Content;
using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Registry;

/// <summary>
/// A client of the OCI distribution API (opencontainers/distribution-spec, "spec.md") shared by every
/// registry a command talks to. It owns the HTTP connection pool, the per-registry auth state (the
/// challenge from <c>GET /v2/</c> and bearer tokens cached per scope) and the retry policy. Methods
/// take an <see cref="ImageReference"/> naming the registry and repository; errors are
/// <see cref="BuildException"/>s whose one-line message names that reference.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    /// <summary>Everything a pull accepts, in preference order (indexes first so platform selection is possible).</summary>
    public static readonly IReadOnlyList<string> ManifestMediaTypes =
        [MediaTypes.OciIndex, MediaTypes.DockerManifestList, MediaTypes.OciManifest, MediaTypes.DockerManifest];

    // The distribution spec lets registries refuse manifests over 4 MiB; refusing to read more protects
    // us from a hostile registry streaming an endless "manifest" into memory.
    private const int MaxManifestBytes = 4 << 20;

    private readonly HttpClient _http;
    private readonly HttpClient _insecureHttp;
    private readonly ConcurrentDictionary<string, Lazy<Task<RegistryHost>>> _hosts = new(StringComparer.OrdinalIgnoreCase);

    // Where each blob was last seen, per registry: pushing it to another repository of the same
    // registry can then be a cross-repository mount instead of an upload.
    private readonly ConcurrentDictionary<(string Registry, Digest Digest), string> _origins = new();

    public RegistryClient(RegistryClientOptions? options = null)
    {
        Options = options ?? new RegistryClientOptions();
        _http = CreateHttpClient(verifyCertificates: true);
        _insecureHttp = CreateHttpClient(verifyCertificates: false);
    }

    public RegistryClientOptions Options { get; }

    public void Dispose()
    {
        _http.Dispose();
        _insecureHttp.Dispose();
    }

    private HttpClient CreateHttpClient(bool verifyCertificates)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            MaxConnectionsPerServer = 32,
            AutomaticDecompression = DecompressionMethods.None,
            // Blob GETs are redirected to object storage by many registries; SocketsHttpHandler drops
            // the Authorization header on redirect, which is what S3-style signed URLs require.
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 10,
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
        if (!verifyCertificates)
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(Options.UserAgent);
        return client;
    }

    /// <summary>Records that <paramref name="digest"/> exists in <paramref name="repository"/> (enables a later mount).</summary>
    public void RecordBlobOrigin(ImageReference repository, Digest digest)
    {
        if (_origins.TryGetValue((repository.Registry, digest), out string? known) && known == repository.Repository)
            return;
        _origins[(repository.Registry, digest)] = repository.Repository;
        if (OriginPath(repository.Registry, digest) is not { } path)
            return;
        try
        {
            // Temp file + rename: concurrent pulls may record the same blob; readers never see half a name.
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            string temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
            File.WriteAllText(temp, repository.Repository);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only an optimization: a push without it uploads instead of mounting.
        }
    }

    /// <summary>The repository of the same registry a blob was last seen in, if any.</summary>
    public string? FindBlobOrigin(string registry, Digest digest)
    {
        if (_origins.TryGetValue((registry, digest), out string? repo))
            return repo;
        if (OriginPath(registry, digest) is { } path && File.Exists(path))
        {
            try
            {
                string text = File.ReadAllText(path).Trim();
                return ImageReference.TryParse(registry + "/" + text, out var parsed) && parsed.Repository == text ? text : null;
            }
            catch (IOException)
            {
                return null;
            }
        }
        return null;
    }

    private string? OriginPath(string registry, Digest digest) =>
        Options.BlobOriginDirectory is { } dir && digest.Algorithm == "sha256"
            ? Path.Combine(dir, Uri.EscapeDataString(registry).Replace("%", "_", StringComparison.Ordinal), digest.Hex)
            : null;

    // ---------------------------------------------------------------- ping and login

    /// <summary><c>GET /v2/</c>: checks the registry speaks the v2 API and learns how it wants to be authenticated.</summary>
    public async Task<AuthChallenge?> PingAsync(string registry, CancellationToken ct)
    {
        RegistryHost host = await GetHostAsync(registry, ct).ConfigureAwait(false);
        return host.Challenge;
    }

    /// <summary>
    /// Verifies <paramref name="credential"/> against <paramref name="registry"/> the way <c>docker login</c>
    /// does: a token request without scope for bearer registries, an authenticated <c>GET /v2/</c> for
    /// basic ones. Throws an Unauthorized <see cref="BuildException"/> when the registry rejects it.
    /// </summary>
    public async Task VerifyCredentialAsync(string registry, RegistryCredential credential, CancellationToken ct)
    {
        _hosts.TryRemove(ApiHostOf(registry), out _);
        RegistryHost host = await GetHostAsync(registry, ct).ConfigureAwait(false);
        if (host.Challenge is { IsBearer: true } challenge)
        {
            await FetchTokenAsync(host, challenge, [], credential, registry, ct).ConfigureAwait(false);
            return;
        }
        using var response = await SendAsync(registry, host, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host.BaseUri, "/v2/"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credential.BasicParameter);
            return Task.FromResult(request);
        }, "login to " + registry, retry: true, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            throw new BuildException(ErrorCode.Unauthorized, $"unauthorized: login to {registry} failed: incorrect username or password");
        await EnsureSuccessAsync(response, registry, "registry", ct).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- manifests

    /// <summary><c>GET /v2/NAME/manifests/REF</c> with every manifest and index media type accepted; the digest is verified.</summary>
    public async Task<RegistryManifest> GetManifestAsync(ImageReference reference, CancellationToken ct)
    {
        using var response = await SendRepoAsync(reference, HttpMethod.Get, "/manifests/" + reference.ManifestReference, push: false,
            configure: AcceptManifests, ct: ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
            throw new BuildException(ErrorCode.NotFound, $"manifest unknown: {reference.FamiliarName} not found");
        await EnsureSuccessAsync(response, reference.FamiliarName, "manifest", ct).ConfigureAwait(false);

        long? declared = response.Content.Headers.ContentLength;
        if (declared > MaxManifestBytes)
            throw new BuildException(ErrorCode.Registry, $"manifest of {reference.FamiliarName} is {declared} bytes, more than the 4 MiB limit");
        byte[] content = await ReadLimitedAsync(response.Content, MaxManifestBytes, reference.FamiliarName, ct).ConfigureAwait(false);
        Digest digest = Digest.Compute(content);
        if (reference.Digest is { } expected && expected != digest)
            throw new BuildException(ErrorCode.DigestMismatch, $"digest mismatch for manifest {reference.FamiliarName}: registry sent {digest}");
        string mediaType = MediaTypeOf(response.Content.Headers.ContentType?.MediaType, content);
        return new RegistryManifest(mediaType, digest, content);
    }

    /// <summary><c>HEAD /v2/NAME/manifests/REF</c>: the manifest's descriptor, or null when the registry does not have it.</summary>
    public async Task<RemoteDescriptor?> HeadManifestAsync(ImageReference reference, CancellationToken ct)
    {
        using var response = await SendRepoAsync(reference, HttpMethod.Head, "/manifests/" + reference.ManifestReference, push: false,
            configure: AcceptManifests, ct: ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        await EnsureSuccessAsync(response, reference.FamiliarName, "manifest", ct).ConfigureAwait(false);
        if (!response.Headers.TryGetValues("Docker-Content-Digest", out var values) || !Digest.TryParse(values.FirstOrDefault(), out var digest))
        {
            // Without the header a HEAD cannot tell the digest; the spec allows that, so fall back to GET.
            var manifest = await GetManifestAsync(reference, ct).ConfigureAwait(false);
            return new RemoteDescriptor(manifest.MediaType, manifest.Digest, manifest.Content.Length);
        }
        return new RemoteDescriptor(response.Content.Headers.ContentType?.MediaType ?? "", digest, response.Content.Headers.ContentLength ?? -1);
    }

    /// <summary><c>PUT /v2/NAME/manifests/REF</c> (tag or digest of <paramref name="reference"/>); returns the manifest's digest.</summary>
    public async Task<Digest> PutManifestAsync(ImageReference reference, string mediaType, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        Digest digest = Digest.Compute(content.Span);
        if (reference.Digest is { } pinned && pinned != digest)
            throw new BuildException(ErrorCode.DigestMismatch, $"cannot push manifest {digest} as {reference.FamiliarName}: the reference pins another digest");
        string target = reference.Tag ?? digest.ToString();
        using var response = await SendRepoAsync(reference, HttpMethod.Put, "/manifests/" + target, push: true, configure: request =>
        {
            request.Content = new ReadOnlyMemoryContent(content);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        }, ct: ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, reference.FamiliarName, "manifest", ct).ConfigureAwait(false);
        return digest;
    }

    // ---------------------------------------------------------------- blobs

    /// <summary><c>HEAD /v2/NAME/blobs/DIGEST</c>: the blob's size, or null when the repository does not have it.</summary>
    public async Task<long?> BlobExistsAsync(ImageReference repository, Digest digest, CancellationToken ct)
    {
        using var response = await SendRepoAsync(repository, HttpMethod.Head, "/blobs/" + digest, push: false, ct: ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        await EnsureSuccessAsync(response, repository.Name, "blob " + digest, ct).ConfigureAwait(false);
        return response.Content.Headers.ContentLength ?? -1;
    }

    /// <summary>
    /// <c>GET /v2/NAME/blobs/DIGEST</c> into <paramref name="destination"/>, hashing while writing and
    /// failing with <see cref="ErrorCode.DigestMismatch"/> if the bytes are not <paramref name="digest"/>.
    /// A connection that breaks mid-body is resumed with a <c>Range</c> request when the registry honours
    /// it (206); a registry that answers 200 again restarts the blob if the destination can seek.
    /// <paramref name="size"/> is the descriptor's size, or -1 when unknown. Returns the bytes written.
    /// </summary>
    public Task<long> DownloadBlobAsync(ImageReference repository, Digest digest, long size, Stream destination, CancellationToken ct) =>
        DownloadBlobAsync(repository, digest, size, destination, 0, ct);

    /// <summary>
    /// As <see cref="DownloadBlobAsync(ImageReference, Digest, long, Stream, CancellationToken)"/>, continuing
    /// after the first <paramref name="resumeFrom"/> bytes already in <paramref name="destination"/> (a partial
    /// file left by an interrupted pull): they are re-hashed, then only the rest is requested with <c>Range</c>.
    /// </summary>
    public Task<long> DownloadBlobAsync(ImageReference repository, Digest digest, long size, Stream destination, long resumeFrom, CancellationToken ct) =>
        DownloadBlobAsync(repository, digest, size, destination, resumeFrom, verify: true, ct);

    /// <param name="verify">
    /// False only when <paramref name="destination"/> hashes and verifies on its own (the content store's
    /// writer): hashing 600 MB twice is a measurable share of a pull on a busy machine.
    /// </param>
    internal async Task<long> DownloadBlobAsync(ImageReference repository, Digest digest, long size, Stream destination, long resumeFrom,
        bool verify, CancellationToken ct)
    {
        verify |= resumeFrom > 0; // resuming re-hashes the bytes already there
        if (digest.Algorithm != "sha256")
            throw new BuildException(ErrorCode.InvalidDigest, $"cannot verify blob {digest} of {repository.Name}: only sha256 is supported");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long written = 0;
        int failures = 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            if (resumeFrom > 0 && destination.CanSeek && destination.CanRead && (size < 0 || resumeFrom <= size))
            {
                destination.Position = 0;
                while (written < resumeFrom)
                {
                    int n = await destination.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, resumeFrom - written)), ct).ConfigureAwait(false);
                    if (n == 0)
                        break;
                    hash.AppendData(buffer, 0, n);
                    written += n;
                }
                destination.Position = written;
                if (written > 0)
                    Log($"{Short(digest)}: resuming after {written} bytes from an earlier attempt");
            }
            else if (resumeFrom > 0 && destination.CanSeek)
            {
                destination.SetLength(0);
            }
            // An earlier attempt may have written everything but never published it; the hash decides below.
            bool complete = size >= 0 && written == size && written > 0;
            while (!complete)
            {
                long resumeAt = written;
                using var response = await SendRepoAsync(repository, HttpMethod.Get, "/blobs/" + digest, push: false, configure: request =>
                {
                    if (resumeAt > 0)
                        request.Headers.Range = new RangeHeaderValue(resumeAt, null);
                }, ct: ct).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.NotFound)
                    throw new BuildException(ErrorCode.NotFound, $"blob unknown: {digest} not found in {repository.Name}");
                await EnsureSuccessAsync(response, repository.Name, "blob " + digest, ct).ConfigureAwait(false);
                if (resumeAt > 0 && response.StatusCode != HttpStatusCode.PartialContent)
                {
                    // The registry ignored Range and is sending the whole blob again.
                    if (!destination.CanSeek)
                        throw new BuildException(ErrorCode.Registry, $"download of blob {digest} from {repository.Name} broke after {resumeAt} bytes and the registry cannot resume it");
                    destination.SetLength(0);
                    destination.Position = 0;
                    hash.GetHashAndReset();
                    written = 0;
                }
                else if (resumeAt > 0)
                {
                    if (response.Content.Headers.ContentRange?.From is long from && from != resumeAt)
                        throw new BuildException(ErrorCode.Registry, $"registry resumed blob {digest} of {repository.Name} at byte {from}, asked for {resumeAt}");
                    Log($"{Short(digest)}: registry continues at byte {resumeAt}");
                }

                try
                {
                    await using Stream body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                    while (true)
                    {
                        int n = await body.ReadAsync(buffer, ct).ConfigureAwait(false);
                        if (n == 0)
                            break;
                        if (verify)
                            hash.AppendData(buffer, 0, n);
                        await destination.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                        written += n;
                        if (size >= 0 && written > size)
                            throw new BuildException(ErrorCode.DigestMismatch, $"blob {digest} of {repository.Name} is larger than its descriptor's {size} bytes");
                    }
                    if (size >= 0 && written < size)
                        throw new IOException($"connection closed after {written} of {size} bytes");
                    break;
                }
                catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested)
                {
                    failures++;
                    if (failures >= Options.Retry.MaxAttempts)
                        throw new RegistryTransientException($"download of blob {digest} from {repository.Name} failed after {failures} attempts: {e.Message}", null, e);
                    Log($"{Short(digest)}: connection broken after {written} bytes, resuming");
                    await Task.Delay(Options.Retry.DelayBefore(failures - 1, Random.Shared.NextDouble()), Options.Time, ct).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        Digest actual = verify ? Digest.FromSha256(hash.GetHashAndReset()) : digest;
        if (actual != digest)
            throw new BuildException(ErrorCode.DigestMismatch, $"digest mismatch for blob {digest} of {repository.Name}: received content hashes to {actual}");
        RecordBlobOrigin(repository, digest);
        return written;
    }

    /// <summary>
    /// Makes <paramref name="digest"/> present in <paramref name="repository"/>: HEAD first (skip if it
    /// is there), then a cross-repository mount if the blob is known to be in another repository of the
    /// same registry, else an upload (one PUT up to <see cref="RegistryClientOptions.MonolithicUploadLimit"/>,
    /// PATCH chunks above). <paramref name="open"/> opens the blob's content from the start; it is called
    /// again for every retry. A transient failure restarts the whole upload session, since a registry's
    /// view of a half-sent chunk is not something to guess at.
    /// </summary>
    public async Task<BlobPushResult> PushBlobAsync(ImageReference repository, Digest digest, long size, Func<CancellationToken, Task<Stream>> open, CancellationToken ct)
    {
        if (await BlobExistsAsync(repository, digest, ct).ConfigureAwait(false) is not null)
        {
            RecordBlobOrigin(repository, digest);
            return BlobPushResult.AlreadyExists;
        }
        string? from = FindBlobOrigin(repository.Registry, digest);
        if (from == repository.Repository)
            from = null;
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                BlobPushResult result = await UploadOnceAsync(repository, digest, size, open, from, ct).ConfigureAwait(false);
                RecordBlobOrigin(repository, digest);
                return result;
            }
            catch (RegistryTransientException e) when (!ct.IsCancellationRequested)
            {
                if (attempt + 1 >= Options.Retry.MaxAttempts)
                    throw new RegistryTransientException($"{e.Message} (upload of blob {digest} gave up after {attempt + 1} attempts)", null, e);
                Log($"{Short(digest)}: upload failed ({e.Message}), retrying");
                await Task.Delay(Options.Retry.DelayBefore(attempt, Random.Shared.NextDouble(), e.RetryAfter), Options.Time, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// <c>POST /v2/NAME/blobs/uploads/?mount=DIGEST&amp;from=OTHER</c>: true when the registry mounted the
    /// blob (201), false when it started an ordinary upload instead (202, the session is abandoned).
    /// </summary>
    public async Task<bool> MountBlobAsync(ImageReference repository, Digest digest, string fromRepository, CancellationToken ct)
    {
        using var response = await StartUploadAsync(repository, digest, fromRepository, ct).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.Created;
    }

    private async Task<HttpResponseMessage> StartUploadAsync(ImageReference repository, Digest digest, string? mountFrom, CancellationToken ct)
    {
        string path = mountFrom is null
            ? "/blobs/uploads/"
            : $"/blobs/uploads/?mount={Uri.EscapeDataString(digest.ToString())}&from={Uri.EscapeDataString(mountFrom)}";
        var response = await SendRepoAsync(repository, HttpMethod.Post, path, push: true, configure: null, ct: ct, retry: false,
            extraScope: mountFrom is null ? null : $"repository:{mountFrom}:pull").ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Accepted))
        {
            using (response)
                await EnsureSuccessAsync(response, repository.Name, "blob upload", ct).ConfigureAwait(false);
            throw new BuildException(ErrorCode.Registry, $"registry answered {(int)response.StatusCode} to a blob upload to {repository.Name}");
        }
        return response;
    }

    private async Task<BlobPushResult> UploadOnceAsync(ImageReference repository, Digest digest, long size, Func<CancellationToken, Task<Stream>> open, string? mountFrom, CancellationToken ct)
    {
        Uri location;
        using (var start = await StartUploadAsync(repository, digest, mountFrom, ct).ConfigureAwait(false))
        {
            if (start.StatusCode == HttpStatusCode.Created)
            {
                Log($"{Short(digest)}: mounted from {mountFrom}");
                return BlobPushResult.Mounted;
            }
            location = LocationOf(start, repository);
        }

        if (size <= Options.MonolithicUploadLimit)
        {
            using var put = await SendToAsync(repository, HttpMethod.Put, WithDigest(location, digest), request =>
                request.Content = new StreamSliceContent(open, 0, size), ct).ConfigureAwait(false);
            await EnsureCreatedAsync(put, repository, digest, ct).ConfigureAwait(false);
            return BlobPushResult.Uploaded;
        }

        long chunk = Math.Max(1, Options.ChunkSize);
        for (long offset = 0; offset < size; offset += chunk)
        {
            long length = Math.Min(chunk, size - offset);
            long first = offset;
            using var patch = await SendToAsync(repository, HttpMethod.Patch, location, request =>
            {
                request.Content = new StreamSliceContent(open, first, length);
                // The distribution spec's Content-Range is "start-end" without the RFC 9110 unit, so skip header validation.
                request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{first}-{first + length - 1}");
            }, ct).ConfigureAwait(false);
            if (patch.StatusCode != HttpStatusCode.Accepted)
            {
                await EnsureSuccessAsync(patch, repository.Name, "blob " + digest, ct).ConfigureAwait(false);
                throw new BuildException(ErrorCode.Registry, $"registry answered {(int)patch.StatusCode} to a chunk of blob {digest} for {repository.Name}");
            }
            location = LocationOf(patch, repository);
        }
        using var close = await SendToAsync(repository, HttpMethod.Put, WithDigest(location, digest), null, ct).ConfigureAwait(false);
        await EnsureCreatedAsync(close, repository, digest, ct).ConfigureAwait(false);
        return BlobPushResult.Uploaded;
    }

    private async Task EnsureCreatedAsync(HttpResponseMessage response, ImageReference repository, Digest digest, CancellationToken ct)
    {
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            string code = await ErrorCodeOfAsync(response, ct).ConfigureAwait(false);
            if (code.Contains("DIGEST_INVALID", StringComparison.Ordinal))
                throw new BuildException(ErrorCode.DigestMismatch, $"digest mismatch: registry {repository.Registry} computed another digest than {digest} for the uploaded blob");
        }
        await EnsureSuccessAsync(response, repository.Name, "blob " + digest, ct).ConfigureAwait(false);
    }

    private static Uri LocationOf(HttpResponseMessage response, ImageReference repository)
    {
        Uri? location = response.Headers.Location;
        if (location is null)
            throw new BuildException(ErrorCode.Registry, $"registry sent no Location for a blob upload to {repository.Name}");
        return location.IsAbsoluteUri ? location : new Uri(response.RequestMessage!.RequestUri!, location);
    }

    private static Uri WithDigest(Uri location, Digest digest)
    {
        var builder = new UriBuilder(location);
        string query = builder.Query.TrimStart('?');
        builder.Query = (query.Length > 0 ? query + "&" : "") + "digest=" + Uri.EscapeDataString(digest.ToString());
        return builder.Uri;
    }

    // ---------------------------------------------------------------- transport

    private static void AcceptManifests(HttpRequestMessage request)
    {
        foreach (string type in ManifestMediaTypes)
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
    }

    private Task<HttpResponseMessage> SendRepoAsync(ImageReference reference, HttpMethod method, string pathAndQuery, bool push,
        Action<HttpRequestMessage>? configure = null, CancellationToken ct = default, bool retry = true, string? extraScope = null) =>
        SendToAsync(reference, method, host => new Uri(host.BaseUri, $"/v2/{reference.Repository}{pathAndQuery}"), push, configure, retry, extraScope, ct);

    private Task<HttpResponseMessage> SendToAsync(ImageReference reference, HttpMethod method, Uri absolute,
        Action<HttpRequestMessage>? configure, CancellationToken ct) =>
        SendToAsync(reference, method, _ => absolute, push: true, configure, retry: false, extraScope: null, ct);

    private async Task<HttpResponseMessage> SendToAsync(ImageReference reference, HttpMethod method, Func<RegistryHost, Uri> uri, bool push,
        Action<HttpRequestMessage>? configure, bool retry, string? extraScope, CancellationToken ct)
    {
        RegistryHost host = await GetHostAsync(reference.Registry, ct).ConfigureAwait(false);
        var scopes = new List<string> { $"repository:{reference.Repository}:{(push ? "pull,push" : "pull")}" };
        if (extraScope is not null)
            scopes.Add(extraScope);
        bool reauthenticated = false;
        while (true)
        {
            var response = await SendAsync(reference.Registry, host, async () =>
            {
                var request = new HttpRequestMessage(method, uri(host));
                configure?.Invoke(request);
                request.Headers.Authorization = await AuthorizationAsync(host, reference.Registry, scopes, ct).ConfigureAwait(false);
                return request;
            }, reference.FamiliarName, retry, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);

            if (response.StatusCode != HttpStatusCode.Unauthorized || reauthenticated)
            {
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    response.Dispose();
                    throw Unauthorized(reference.FamiliarName);
                }
                return response;
            }

            // 401 with a (possibly new) challenge: a registry that let /v2/ through anonymously, an expired
            // token, or a scope the registry wants spelled differently. Authenticate once more, then give up.
            reauthenticated = true;
            var challenges = response.Headers.WwwAuthenticate.Select(h => h.ToString()).SelectMany(AuthChallenge.ParseAll).ToList();
            response.Dispose();
            AuthChallenge? challenge = challenges.FirstOrDefault(c => c.IsBearer) ?? challenges.FirstOrDefault(c => c.IsBasic);
            if (challenge is null || (challenge.IsBasic && Options.Credentials(reference.Registry) is null)
                || (challenge.IsBearer && challenge.Realm is null))
                throw Unauthorized(reference.FamiliarName);
            host.Challenge = challenge;
            if (challenge.Scope is { } wanted && !scopes.Contains(wanted))
                scopes.Add(wanted);
            host.Tokens.Clear();
        }
    }

    private static BuildException Unauthorized(string what) =>
        new(ErrorCode.Unauthorized, $"unauthorized: authentication required for {what} (check builder login)");

    private async Task<AuthenticationHeaderValue?> AuthorizationAsync(RegistryHost host, string registry, List<string> scopes, CancellationToken ct)
    {
        AuthChallenge? challenge = host.Challenge;
        if (challenge is null)
            return null;
        RegistryCredential? credential = Options.Credentials(registry);
        if (challenge.IsBasic)
            return credential is null ? null : new AuthenticationHeaderValue("Basic", credential.BasicParameter);
        if (!challenge.IsBearer)
            return null;
        string key = string.Join(' ', scopes.Order(StringComparer.Ordinal));
        DateTimeOffset now = Options.Time.GetUtcNow();
        if (host.Tokens.TryGetValue(key, out var cached) && cached.Expires > now)
            return new AuthenticationHeaderValue("Bearer", cached.Token);
        await host.TokenLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (host.Tokens.TryGetValue(key, out cached) && cached.Expires > Options.Time.GetUtcNow())
                return new AuthenticationHeaderValue("Bearer", cached.Token);
            var token = await FetchTokenAsync(host, challenge, scopes, credential, registry, ct).ConfigureAwait(false);
            host.Tokens[key] = token;
            return new AuthenticationHeaderValue("Bearer", token.Token);
        }
        finally
        {
            host.TokenLock.Release();
        }
    }

    /// <summary>
    /// The token flow of the distribution "token authentication" spec: GET realm?service=&amp;scope=
    /// (basic credentials when we have them, anonymous otherwise), or the OAuth2 refresh-token POST when
    /// the credential is an identity token. Answers carry <c>token</c> or <c>access_token</c>.
    /// </summary>
    private async Task<CachedToken> FetchTokenAsync(RegistryHost host, AuthChallenge challenge, IReadOnlyList<string> scopes,
        RegistryCredential? credential, string registry, CancellationToken ct)
    {
        if (challenge.Realm is not { } realm || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri)
            || realmUri.Scheme is not ("https" or "http"))
            throw new BuildException(ErrorCode.Registry, $"registry {registry} sent an unusable bearer realm");
        if (realmUri.Scheme == "http" && !Options.IsInsecure(realmUri.Authority) && !Options.IsInsecure(registry))
            throw new BuildException(ErrorCode.Registry, $"registry {registry} asks for credentials over plain HTTP ({realmUri.Authority}); add it to --insecure-registry to allow that");

        using var response = await SendAsync(registry, host, () =>
        {
            HttpRequestMessage request;
            if (credential?.IdentityToken is { } refresh)
            {
                var form = new List<KeyValuePair<string, string>>
                {
                    new("grant_type", "refresh_token"),
                    new("refresh_token", refresh),
                    new("client_id", "builder"),
                };
                if (challenge.Service is { } s)
                    form.Add(new("service", s));
                if (scopes.Count > 0)
                    form.Add(new("scope", string.Join(' ', scopes)));
                request = new HttpRequestMessage(HttpMethod.Post, realmUri) { Content = new FormUrlEncodedContent(form) };
            }
            else
            {
                var query = new List<string>();
                if (challenge.Service is { } s)
                    query.Add("service=" + Uri.EscapeDataString(s));
                foreach (string scope in scopes)
                    query.Add("scope=" + Uri.EscapeDataString(scope));
                if (credential is not null)
                    query.Add("account=" + Uri.EscapeDataString(credential.Username));
                var builder = new UriBuilder(realmUri);
                string existing = builder.Query.TrimStart('?');
                builder.Query = string.Join('&', (existing.Length > 0 ? [existing] : Array.Empty<string>()).Concat(query));
                request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
                if (credential is not null)
                    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credential.BasicParameter);
            }
            return Task.FromResult(request);
        }, "token for " + registry, retry: true, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw credential is null
                ? new BuildException(ErrorCode.Unauthorized, $"unauthorized: authentication required for {registry} (check builder login)")
                : new BuildException(ErrorCode.Unauthorized, $"unauthorized: {registry} rejected the stored credentials for user {credential.Username} (check builder login)");
        }
        await EnsureSuccessAsync(response, registry, "token", ct).ConfigureAwait(false);
        byte[] body = await ReadLimitedAsync(response.Content, 1 << 20, "token for " + registry, ct).ConfigureAwait(false);
        string? token;
        int expiresIn = 60;
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            token = root.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()
                : root.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
            if (root.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out int seconds) && seconds > 0)
                expiresIn = seconds;
        }
        catch (JsonException)
        {
            token = null;
        }
        if (string.IsNullOrEmpty(token))
            throw new BuildException(ErrorCode.Registry, $"token server of {registry} sent no token");
        // Renew a little early so a token never expires between the cache check and the registry's check.
        var expires = Options.Time.GetUtcNow().AddSeconds(Math.Max(1, expiresIn - 10));
        return new CachedToken(token, expires);
    }

    /// <summary>Sends with the retry policy: 429/5xx and connection failures are retried with backoff, all else returned.</summary>
    private async Task<HttpResponseMessage> SendAsync(string registry, RegistryHost host, Func<Task<HttpRequestMessage>> build, string what,
        bool retry, HttpCompletionOption completion, CancellationToken ct)
    {
        int attempts = retry ? Math.Max(1, Options.Retry.MaxAttempts) : 1;
        HttpClient client = host.Insecure ? _insecureHttp : _http;
        for (int attempt = 0; ; attempt++)
        {
            HttpResponseMessage? response = null;
            Exception? failure = null;
            using var request = await build().ConfigureAwait(false);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Options.RequestTimeout);
            try
            {
                response = await client.SendAsync(request, completion, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException
                || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                failure = e;
            }

            if (response is not null && !RetryPolicy.IsRetryableStatus((int)response.StatusCode))
                return response;

            TimeSpan? retryAfter = response is null ? null : RetryAfterOf(response);
            string reason = response is not null
                ? $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}"
                : failure is OperationCanceledException ? "request timed out" : Describe(failure!);
            if (attempt + 1 >= attempts)
            {
                response?.Dispose();
                string tries = attempts > 1 ? $" after {attempts} attempts" : "";
                throw new RegistryTransientException(response is null
                    ? $"cannot reach registry {registry} for {what}: {reason}{tries}"
                    : $"registry {registry} failed for {what}: {reason}{tries}", retryAfter, failure);
            }
            response?.Dispose();
            TimeSpan delay = Options.Retry.DelayBefore(attempt, Random.Shared.NextDouble(), retryAfter);
            Log($"{what}: {reason}, retrying in {delay.TotalSeconds:0.0}s");
            await Task.Delay(delay, Options.Time, ct).ConfigureAwait(false);
        }
    }

    private static string Describe(Exception e)
    {
        // HttpRequestException wraps the socket error; the innermost message is the useful one
        // ("Connection refused (127.0.0.1:5000)"). None of these messages carry request headers.
        Exception inner = e;
        while (inner.InnerException is not null)
            inner = inner.InnerException;
        return inner == e ? e.Message : $"{e.Message} ({inner.Message})";
    }

    private TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        RetryConditionHeaderValue? value = response.Headers.RetryAfter;
        if (value?.Delta is { } delta)
            return delta;
        if (value?.Date is { } date)
            return date - Options.Time.GetUtcNow();
        return null;
    }

    private static string ApiHostOf(string registry) => registry == ImageReference.DockerHub ? ImageReference.DockerHubApiHost : registry;

    private async Task<RegistryHost> GetHostAsync(string registry, CancellationToken ct)
    {
        string apiHost = ApiHostOf(registry);
        var lazy = _hosts.GetOrAdd(apiHost, h => new Lazy<Task<RegistryHost>>(() => PingHostAsync(registry, h, CancellationToken.None)));
        try
        {
            return await lazy.Value.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // Do not remember a failed ping: the next command (or retry) should probe again.
            _hosts.TryRemove(new KeyValuePair<string, Lazy<Task<RegistryHost>>>(apiHost, lazy));
            throw;
        }
    }

    /// <summary>
    /// Probes <c>GET /v2/</c>. HTTPS always comes first; an insecure registry (loopback or listed) falls
    /// back to plain HTTP when the TLS attempt fails, as docker does, so a registry with a self-signed
    /// certificate keeps its encryption and a plain-HTTP test registry still works.
    /// </summary>
    private async Task<RegistryHost> PingHostAsync(string registry, string apiHost, CancellationToken ct)
    {
        bool insecure = Options.IsInsecure(registry);
        if (insecure)
        {
            var https = new RegistryHost(new Uri("https://" + apiHost), insecure: true);
            try
            {
                return await PingWithAsync(registry, https, retry: false, ct).ConfigureAwait(false);
            }
            catch (RegistryTransientException)
            {
                // Fall through to plain HTTP.
            }
            return await PingWithAsync(registry, new RegistryHost(new Uri("http://" + apiHost), insecure: true), retry: true, ct).ConfigureAwait(false);
        }
        return await PingWithAsync(registry, new RegistryHost(new Uri("https://" + apiHost), insecure: false), retry: true, ct).ConfigureAwait(false);
    }

    private async Task<RegistryHost> PingWithAsync(string registry, RegistryHost host, bool retry, CancellationToken ct)
    {
        using var response = await SendAsync(registry, host,
            () => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, new Uri(host.BaseUri, "/v2/"))),
            registry, retry, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            var challenges = response.Headers.WwwAuthenticate.Select(h => h.ToString()).SelectMany(AuthChallenge.ParseAll).ToList();
            host.Challenge = challenges.FirstOrDefault(c => c.IsBearer) ?? challenges.FirstOrDefault(c => c.IsBasic);
            return host;
        }
        if (response.StatusCode == HttpStatusCode.NotFound)
            throw new BuildException(ErrorCode.Registry, $"{registry} does not speak the registry v2 API (GET /v2/ answered 404)");
        await EnsureSuccessAsync(response, registry, "registry", ct).ConfigureAwait(false);
        return host;
    }

    // ---------------------------------------------------------------- errors and bodies

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, string kind, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
            return;
        switch (response.StatusCode)
        {
            case HttpStatusCode.Unauthorized:
                throw Unauthorized(what);
            case HttpStatusCode.Forbidden:
                throw new BuildException(ErrorCode.Unauthorized, $"denied: access to {what} is forbidden (check builder login and the repository's permissions)");
            case HttpStatusCode.NotFound:
                throw new BuildException(ErrorCode.NotFound, $"{kind} unknown: {what} not found");
        }
        string code = await ErrorCodeOfAsync(response, ct).ConfigureAwait(false);
        throw new BuildException(ErrorCode.Registry,
            $"registry error for {kind} of {what}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}{(code.Length > 0 ? ": " + code : "")}");
    }

    /// <summary>The first <c>errors[].code: message</c> of a distribution-spec error body, or "".</summary>
    private static async Task<string> ErrorCodeOfAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            byte[] body = await ReadLimitedAsync(response.Content, 64 << 10, "error", ct).ConfigureAwait(false);
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
            {
                var first = errors[0];
                string code = first.TryGetProperty("code", out var c) ? c.GetString() ?? "" : "";
                string message = first.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
                return message.Length > 0 ? $"{code} {message}".Trim() : code;
            }
        }
        catch (Exception e) when (e is JsonException or IOException or HttpRequestException or BuildException or InvalidOperationException)
        {
            // Not a distribution error body; the status line is all we have.
        }
        return "";
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpContent content, int limit, string what, CancellationToken ct)
    {
        await using Stream stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var memory = new MemoryStream();
        byte[] buffer = new byte[81920];
        while (true)
        {
            int n = await stream.ReadAsync(buffer, ct).ConfigureAwait(false);
            if (n == 0)
                break;
            if (memory.Length + n > limit)
                throw new BuildException(ErrorCode.Registry, $"response for {what} is larger than {limit} bytes");
            memory.Write(buffer, 0, n);
        }
        return memory.ToArray();
    }

    private static string MediaTypeOf(string? contentType, byte[] content)
    {
        if (contentType is { Length: > 0 } && contentType != "application/json" && contentType != "text/plain")
            return contentType;
        // Some registries serve manifests as application/json; the document's own mediaType decides then.
        try
        {
            using var doc = JsonDocument.Parse(content);
            if (doc.RootElement.TryGetProperty("mediaType", out var m) && m.GetString() is { Length: > 0 } declared)
                return declared;
            if (doc.RootElement.TryGetProperty("manifests", out _))
                return MediaTypes.OciIndex;
        }
        catch (JsonException)
        {
            // Fall through: an unparsable manifest fails later with a message naming it.
        }
        return MediaTypes.OciManifest;
    }

    private void Log(string line) => Options.Log?.Invoke(line);

    internal static string Short(Digest digest) => digest.Hex.Length > 12 ? digest.Hex[..12] : digest.Hex;

    private sealed record CachedToken(string Token, DateTimeOffset Expires)
    {
        // Tokens are secrets: keep them out of any formatted output.
        public override string ToString() => $"token(expires {Expires:O})";
    }

    private sealed class RegistryHost(Uri baseUri, bool insecure)
    {
        public Uri BaseUri { get; } = baseUri;

        public bool Insecure { get; } = insecure;

        public AuthChallenge? Challenge { get; set; }

        public ConcurrentDictionary<string, CachedToken> Tokens { get; } = new(StringComparer.Ordinal);

        public SemaphoreSlim TokenLock { get; } = new(1, 1);
    }
}
