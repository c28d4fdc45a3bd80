using System.Diagnostics;
using System.Globalization;
using Build.Engine.Archive;
using Build.Engine.Oci;

namespace Build.Benchmarks;

/// <summary>
/// Whole-process layer timing driven by benchmarks/layers.sh, so our writer and unpacker are measured
/// the same way as the <c>tar | gzip</c> pipeline they are compared with:
/// <c>layer-write DIR OUT|- gzip|zstd|none [GZIP_THREADS]</c> and <c>layer-unpack BLOB DEST</c>.
/// Prints one line: the in-process seconds and the byte counts.
/// </summary>
internal static class LayerCommand
{
    public static bool TryRun(string[] args)
    {
        if (args.Length is 4 or 5 && args[0] == "layer-write")
        {
            var compression = args[3] switch
            {
                "gzip" => LayerCompression.Gzip,
                "zstd" => LayerCompression.Zstd,
                _ => LayerCompression.None,
            };
            var sw = Stopwatch.StartNew();
            LayerWriteResult result;
            // "-" discards the blob, like the reference pipelines that write to /dev/null.
            using (Stream output = args[2] == "-" ? Stream.Null : new FileStream(args[2], FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
                result = LayerWriter.WriteAsync(LayerSource.FromDirectory(args[1]), output, new LayerWriteOptions { Compression = compression, GzipThreads = args.Length == 5 ? int.Parse(args[4], CultureInfo.InvariantCulture) : null }, CancellationToken.None).GetAwaiter().GetResult();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seconds={sw.Elapsed.TotalSeconds:F3} tar={result.UncompressedSize} blob={result.Size} diffid={result.DiffId}"));
            return true;
        }
        if (args.Length == 3 && args[0] == "layer-unpack")
        {
            var sw = Stopwatch.StartNew();
            UnpackStats stats;
            using (var input = new FileStream(args[1], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
                stats = LayerUnpacker.ApplyAsync(input, args[2], null, CancellationToken.None).GetAwaiter().GetResult();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seconds={sw.Elapsed.TotalSeconds:F3} entries={stats.Entries} bytes={stats.FileBytes}"));
            return true;
        }
        if (args.Length == 2 && args[0] == "layer-tar-only")
        {
            // The tar stage alone on one thread (walk, read, sha256): the pipeline's producer without a consumer.
            var sw = Stopwatch.StartNew();
            var entries = LayerSource.FromDirectory(args[1]).CollectEntries(CancellationToken.None);
            using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            using var sink = new HashSink(sha);
            var tar = new DeterministicTarWriter(sink);
            foreach (var e in entries)
                tar.WriteEntry(e);
            tar.Finish();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seconds={sw.Elapsed.TotalSeconds:F3} tar={tar.BytesWritten} diffid={Digest.FromSha256(sha.GetHashAndReset())}"));
            return true;
        }
        if (args.Length >= 2 && args[0] == "gzip-throughput")
        {
            // gzip-throughput FILE [THREADS...]: the codec alone on a file held in memory, level 2. "single" is the
            // former writer (one GZipStream, one member); each THREADS count runs ParallelGzip (1 MiB members).
            byte[] data = File.ReadAllBytes(args[1]);
            var timings = new List<string>();
            var sw = Stopwatch.StartNew();
            var single = new CountingSink();
            using (var gz = new System.IO.Compression.GZipStream(single, new System.IO.Compression.ZLibCompressionOptions { CompressionLevel = 2 }, leaveOpen: true))
            {
                for (int pos = 0; pos < data.Length; pos += ParallelGzip.ChunkSize)
                    gz.Write(data, pos, Math.Min(ParallelGzip.ChunkSize, data.Length - pos));
            }
            Report("single", sw.Elapsed.TotalSeconds, single.Count);
            var counts = args.Length > 2 ? args[2..].Select(int.Parse) : [1, Environment.ProcessorCount];
            foreach (int threads in counts)
            {
                sw.Restart();
                var sink = new CountingSink();
                ParallelGzip.Compress(Chunks(data), sink, 2, threads);
                Report($"members/{threads}", sw.Elapsed.TotalSeconds, sink.Count);
            }
            return true;

            void Report(string name, double seconds, long size) =>
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-12} seconds={seconds:F2} MB/s={data.Length / 1e6 / seconds:F0} blob={size} ratio={(double)data.Length / size:F4}"));

            static IEnumerable<(byte[], int)> Chunks(byte[] data)
            {
                for (int pos = 0; pos < data.Length; pos += ParallelGzip.ChunkSize)
                {
                    int n = Math.Min(ParallelGzip.ChunkSize, data.Length - pos);
                    byte[] b = System.Buffers.ArrayPool<byte>.Shared.Rent(ParallelGzip.ChunkSize);
                    Buffer.BlockCopy(data, pos, b, 0, n);
                    yield return (b, n);
                }
            }
        }
        if (args.Length == 2 && args[0] == "layer-decompress")
        {
            // Decompression alone, to tell codec cost from file-creation cost.
            var sw = Stopwatch.StartNew();
            using var input = new FileStream(args[1], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            int b0 = input.ReadByte();
            input.Position = 0;
            using Stream codec = b0 == 0x1f ? new System.IO.Compression.GZipStream(input, System.IO.Compression.CompressionMode.Decompress) : new ZstdStream(input);
            byte[] buffer = new byte[1 << 20];
            long total = 0;
            int n;
            while ((n = codec.Read(buffer)) > 0)
                total += n;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seconds={sw.Elapsed.TotalSeconds:F3} bytes={total}"));
            return true;
        }
        return false;
    }

    private sealed class CountingSink : Stream
    {
        public long Count { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Count;

        public override long Position { get => Count; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Count += count;

        public override void Write(ReadOnlySpan<byte> buffer) => Count += buffer.Length;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private sealed class HashSink(System.Security.Cryptography.IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => 0;

        public override long Position { get => 0; set { } }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => hash.AppendData(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => hash.AppendData(buffer);
    }
}
