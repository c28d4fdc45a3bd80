using System.Buffers;
using System.Diagnostics;
using System.IO.Compression;
using Build.Engine.Archive;
using Build.Engine.Content;
using Build.Engine.Oci;
using static Build.Engine.Tests.Archive.ArchiveTestSupport;

namespace Build.Engine.Tests.Archive;

public class ParallelGzipTests
{
    private const int Chunk = ParallelGzip.ChunkSize;

    /// <summary>Half compressible text, half random, so members differ in size and finish out of order.</summary>
    private static byte[] MixedData(int length, int seed)
    {
        var rng = new Random(seed);
        byte[] data = new byte[length];
        for (int pos = 0; pos < length; pos += 4096)
        {
            var block = data.AsSpan(pos, Math.Min(4096, length - pos));
            if (rng.Next(2) == 0)
                rng.NextBytes(block);
            else
                for (int i = 0; i < block.Length; i++)
                    block[i] = (byte)"the quick brown fox jumps over the lazy dog\n"[(pos + i) % 44];
        }
        return data;
    }

    /// <summary>Cuts the input as ChunkQueueStream does: fixed-size pooled chunks, the last one short.</summary>
    private static byte[] Compress(byte[] data, int parallelism, int level = 2)
    {
        var chunks = new List<(byte[], int)>();
        for (int pos = 0; pos < data.Length; pos += Chunk)
        {
            int n = Math.Min(Chunk, data.Length - pos);
            byte[] b = ArrayPool<byte>.Shared.Rent(Chunk);
            data.AsSpan(pos, n).CopyTo(b);
            chunks.Add((b, n));
        }
        var output = new MemoryStream();
        ParallelGzip.Compress(chunks, output, level, parallelism);
        return output.ToArray();
    }

    private static byte[] PlainGzipWithPinnedHeader(byte[] data)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, new ZLibCompressionOptions { CompressionLevel = 2 }, leaveOpen: true))
            gz.Write(data);
        byte[] blob = ms.ToArray();
        new byte[] { 0, 0, 0, 0, 0, 0xff }.CopyTo(blob, 4);
        return blob;
    }

    private static byte[] GunzipWithTheRealTool(byte[] blob)
    {
        var psi = new ProcessStartInfo("gzip", "-dc") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = new MemoryStream();
        var reader = p.StandardOutput.BaseStream.CopyToAsync(output);
        var errors = p.StandardError.ReadToEndAsync();
        p.StandardInput.BaseStream.Write(blob);
        p.StandardInput.Close();
        reader.Wait();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"gzip -dc failed: {errors.Result}");
        return output.ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Chunk - 1)]
    [InlineData(Chunk)]
    [InlineData(Chunk + 1)]
    [InlineData(3 * Chunk + 17)]
    public void Output_decompresses_to_the_exact_input_with_GZipStream_and_gzip(int length)
    {
        byte[] data = MixedData(length, length);
        byte[] blob = Compress(data, parallelism: 3);
        Assert.Equal(data, Decompress(blob));
        Assert.Equal(data, GunzipWithTheRealTool(blob));
        Assert.Equal(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff }, blob[..10]);
    }

    [Fact]
    public void Bytes_are_identical_for_every_degree_of_parallelism_and_every_run()
    {
        byte[] data = MixedData(9 * Chunk + 12345, 7);
        byte[] reference = Compress(data, parallelism: 1);
        foreach (int parallelism in new[] { 1, 2, 3, 8, 32 })
            Assert.Equal(reference, Compress(data, parallelism));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(Chunk)]
    public void Input_of_at_most_one_chunk_is_the_same_single_member_a_plain_GZipStream_writes(int length)
    {
        byte[] data = MixedData(length, 3);
        Assert.Equal(PlainGzipWithPinnedHeader(data), Compress(data, parallelism: 2));
    }

    [Fact]
    public void Empty_input_is_the_20_byte_empty_member_Go_writes()
    {
        byte[] blob = Compress([], parallelism: 2);
        Assert.Equal(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, blob);
        Assert.Empty(Decompress(blob));
    }

    [Fact]
    public void One_byte_over_a_chunk_starts_a_second_member_at_the_fixed_boundary()
    {
        byte[] data = MixedData(Chunk + 1, 5);
        byte[] expected = [.. PlainGzipWithPinnedHeader(data[..Chunk]), .. PlainGzipWithPinnedHeader(data[Chunk..])];
        Assert.Equal(expected, Compress(data, parallelism: 4));
    }

    [Fact]
    public async Task Layer_bytes_and_digests_do_not_depend_on_the_thread_count_and_gunzip_reads_them()
    {
        byte[] big = MixedData(6 * Chunk + 99, 11);
        var source = Entries(LayerEntry.File("big", big), LayerEntry.File("small", "s"u8.ToArray()));
        var (one, blobOne) = await WriteAsync(source, new LayerWriteOptions { GzipThreads = 1 });
        var (many, blobMany) = await WriteAsync(source, new LayerWriteOptions { GzipThreads = 5 });
        Assert.Equal(blobOne, blobMany);
        Assert.Equal(one, many);
        Assert.Equal(Digest.Compute(blobOne), one.Digest);
        byte[] tar = GunzipWithTheRealTool(blobOne);
        Assert.Equal(one.DiffId, Digest.Compute(tar));
        Assert.Equal(tar, Decompress(blobOne));
    }

    [Fact]
    public async Task Cancelling_mid_layer_leaves_no_blob_in_the_content_store()
    {
        using var tmp = new TempDir();
        var store = new FileContentStore(new BuilderRoot(tmp.Path));
        using var cts = new CancellationTokenSource();
        var source = Entries(LayerEntry.File("big", MixedData(8 * Chunk, 13)));
        await using (var writer = store.OpenWriter())
        {
            var cancelling = new CancelOnFirstWrite(writer, cts);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                LayerWriter.WriteAsync(source, cancelling, new LayerWriteOptions { GzipThreads = 3 }, cts.Token));
            Assert.True(cancelling.Written > 0);
        }
        string blobs = Path.Combine(tmp.Path, "blobs");
        Assert.Empty(Directory.Exists(blobs) ? Directory.GetFiles(blobs, "*", SearchOption.AllDirectories) : []);
    }

    private sealed class CancelOnFirstWrite(Stream inner, CancellationTokenSource cts) : MemoryStream
    {
        public long Written { get; private set; }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            Written += buffer.Length;
            cts.Cancel();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    }

    [Fact]
    public void Compression_cost_of_independent_members_is_small_on_compressible_data()
    {
        byte[] data = MixedData(8 * Chunk, 21);
        int members = Compress(data, parallelism: 2).Length;
        int single = PlainGzipWithPinnedHeader(data).Length;
        Assert.True(members < single * 1.02, $"{members} vs {single}");
    }

    [Fact]
    public void A_failing_source_reports_its_error_and_leaves_only_whole_members_written()
    {
        static IEnumerable<(byte[], int)> Failing()
        {
            for (int i = 0; i < 4; i++)
                yield return (ArrayPool<byte>.Shared.Rent(Chunk), Chunk);
            throw new OperationCanceledException();
        }
        var output = new MemoryStream();
        Assert.Throws<OperationCanceledException>(() => ParallelGzip.Compress(Failing(), output, 2, 3));
        byte[] written = output.ToArray();
        Assert.NotEmpty(written);
        Assert.Equal(0, Decompress(written).Length % Chunk);
    }
}
