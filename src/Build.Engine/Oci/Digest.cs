using System.Security.Cryptography;
using Build.Engine.Errors;

namespace Build.Engine.Oci;

/// <summary>
/// A content digest as the OCI image spec defines it (<c>algorithm:encoded</c>, "Digests" section).
/// Only sha256 is produced; sha512 is accepted when parsing so foreign manifests round-trip.
/// </summary>
public readonly record struct Digest
{
    private Digest(string algorithm, string hex)
    {
        Algorithm = algorithm;
        Hex = hex;
    }

    public string Algorithm { get; }

    /// <summary>The lower-case hex encoding of the hash.</summary>
    public string Hex { get; }

    public override string ToString() => Algorithm + ":" + Hex;

    public static Digest Parse(string text) =>
        TryParse(text, out var d) ? d : throw new BuildException(ErrorCode.InvalidDigest, $"invalid digest \"{text}\": expected sha256:<64 hex digits>");

    public static bool TryParse(string? text, out Digest digest)
    {
        digest = default;
        if (string.IsNullOrEmpty(text))
            return false;
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
            return false;
        string alg = text[..colon];
        string hex = text[(colon + 1)..];
        int expected = alg switch { "sha256" => 64, "sha512" => 128, _ => -1 };
        if (expected < 0 || hex.Length != expected)
            return false;
        foreach (char c in hex)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
                return false;
        }
        digest = new Digest(alg, hex);
        return true;
    }

    /// <summary>Wraps a finished SHA-256 hash value.</summary>
    public static Digest FromSha256(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != SHA256.HashSizeInBytes)
            throw new ArgumentException("a SHA-256 hash is 32 bytes", nameof(hash));
        return new Digest("sha256", Convert.ToHexStringLower(hash));
    }

    public static Digest Compute(ReadOnlySpan<byte> data) => FromSha256(SHA256.HashData(data));

    public static async Task<Digest> ComputeAsync(Stream stream, CancellationToken ct) =>
        FromSha256(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false));
}
