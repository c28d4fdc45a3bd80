using System.Text;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Tests.Oci;

public class DigestTests
{
    [Fact]
    public void Compute_of_empty_input_is_the_well_known_sha256()
    {
        // The sha256 of zero bytes is fixed by FIPS 180-4; every registry knows this digest.
        Assert.Equal("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Digest.Compute([]).ToString());
    }

    [Fact]
    public async Task Stream_and_span_hashing_agree()
    {
        byte[] data = Encoding.UTF8.GetBytes("hello layers");
        using var ms = new MemoryStream(data);
        Assert.Equal(Digest.Compute(data), await Digest.ComputeAsync(ms, CancellationToken.None));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha256")]
    [InlineData("sha256:")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85")]
    [InlineData("sha256:../../etc/passwd0000000000000000000000000000000000000000000000000")]
    public void Parse_rejects_malformed_digests(string text)
    {
        Assert.False(Digest.TryParse(text, out _));
        var e = Assert.Throws<BuildException>(() => Digest.Parse(text));
        Assert.Equal(ErrorCode.InvalidDigest, e.Code);
    }

    [Fact]
    public void Parse_round_trips()
    {
        const string text = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        Assert.Equal(text, Digest.Parse(text).ToString());
        Assert.Equal("sha256", Digest.Parse(text).Algorithm);
    }
}
