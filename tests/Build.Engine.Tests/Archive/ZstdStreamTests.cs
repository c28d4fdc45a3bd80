using System.Security.Cryptography;
using Build.Engine.Archive;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Tests.Archive;

public class ZstdStreamTests
{
    private static byte[] Compress(byte[] data, int level = 3)
    {
        using var ms = new MemoryStream();
        using (var z = new ZstdStream(ms, level, leaveOpen: true))
        {
            // Odd-sized writes exercise the streaming loop.
            for (int i = 0; i < data.Length; i += 77_777)
                z.Write(data, i, Math.Min(77_777, data.Length - i));
        }
        return ms.ToArray();
    }

    private static byte[] Decompress(byte[] data)
    {
        using var z = new ZstdStream(new MemoryStream(data));
        using var output = new MemoryStream();
        z.CopyTo(output);
        return output.ToArray();
    }

    [Fact]
    public void Round_trips_and_compresses()
    {
        byte[] data = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(1_000_000)));
        byte[] packed = Compress(data);
        Assert.Equal(new byte[] { 0x28, 0xb5, 0x2f, 0xfd }, packed[..4]);
        Assert.True(packed.Length < data.Length * 0.8);
        Assert.Equal(data, Decompress(packed));
    }

    [Fact]
    public void Multithreaded_output_does_not_depend_on_the_worker_count()
    {
        // Larger than one zstd job (several MiB at level 3), so the work really is split between workers.
        byte[] data = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(12_000_000)));
        byte[] Packed(int workers)
        {
            using var ms = new MemoryStream();
            using (var z = new ZstdStream(ms, 3, leaveOpen: true, workers: workers))
                z.Write(data);
            return ms.ToArray();
        }
        byte[] one = Packed(1);
        Assert.Equal(one, Packed(2));
        Assert.Equal(one, Packed(5));
        Assert.Equal(data, Decompress(one));
    }

    [Fact]
    public void Concatenated_frames_decode_as_one_stream()
    {
        byte[] a = RandomNumberGenerator.GetBytes(1000);
        byte[] b = RandomNumberGenerator.GetBytes(3000);
        Assert.Equal([.. a, .. b], Decompress([.. Compress(a), .. Compress(b)]));
    }

    [Fact]
    public void Empty_input_is_a_valid_frame()
    {
        byte[] packed = Compress([]);
        Assert.NotEmpty(packed);
        Assert.Empty(Decompress(packed));
    }

    [Fact]
    public void Truncated_or_corrupt_input_is_an_invalid_archive()
    {
        byte[] packed = Compress(RandomNumberGenerator.GetBytes(100_000));
        var truncated = Assert.Throws<BuildException>(() => Decompress(packed[..(packed.Length / 2)]));
        Assert.Equal(ErrorCode.InvalidArchive, truncated.Code);
        byte[] corrupt = (byte[])packed.Clone();
        corrupt[^3] ^= 0xff; // inside the content checksum
        Assert.Equal(ErrorCode.InvalidArchive, Assert.Throws<BuildException>(() => Decompress(corrupt)).Code);
    }
}
