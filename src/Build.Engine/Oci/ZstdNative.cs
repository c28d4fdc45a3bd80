using System.Runtime.InteropServices;
using Build.Engine.Errors;

namespace Build.Engine.Oci;

/// <summary>
/// libzstd's streaming API (zstd.h, stable since 1.4). No managed zstd package is available from the
/// package source here, and Debian ships libzstd.so.1 anyway (it is a dependency of apt itself).
/// </summary>
internal static unsafe partial class ZstdNative
{
    private const string Lib = "libzstd.so.1";

    public const int ZSTD_c_compressionLevel = 100;
    public const int ZSTD_c_checksumFlag = 201;
    public const int ZSTD_c_nbWorkers = 400;
    public const int ZSTD_e_continue = 0;
    public const int ZSTD_e_flush = 1;
    public const int ZSTD_e_end = 2;

    [StructLayout(LayoutKind.Sequential)]
    public struct Buffer
    {
        public byte* Data;
        public nuint Size;
        public nuint Pos;
    }

    [LibraryImport(Lib)]
    private static partial nint ZSTD_createCCtx();

    [LibraryImport(Lib)]
    public static partial nuint ZSTD_freeCCtx(nint cctx);

    [LibraryImport(Lib)]
    public static partial nuint ZSTD_CCtx_setParameter(nint cctx, int param, int value);

    [LibraryImport(Lib)]
    public static partial nuint ZSTD_compressStream2(nint cctx, Buffer* output, Buffer* input, int endOp);

    [LibraryImport(Lib)]
    private static partial nint ZSTD_createDCtx();

    [LibraryImport(Lib)]
    public static partial nuint ZSTD_freeDCtx(nint dctx);

    [LibraryImport(Lib)]
    public static partial nuint ZSTD_decompressStream(nint dctx, Buffer* output, Buffer* input);

    [LibraryImport(Lib)]
    public static partial uint ZSTD_isError(nuint code);

    [LibraryImport(Lib)]
    private static partial byte* ZSTD_getErrorName(nuint code);

    public static nint CreateCompressor()
    {
        try
        {
            return ZSTD_createCCtx();
        }
        catch (DllNotFoundException ex)
        {
            throw Missing(ex);
        }
    }

    public static nint CreateDecompressor()
    {
        try
        {
            return ZSTD_createDCtx();
        }
        catch (DllNotFoundException ex)
        {
            throw Missing(ex);
        }
    }

    public static string ErrorName(nuint code) => Marshal.PtrToStringUTF8((nint)ZSTD_getErrorName(code)) ?? "unknown zstd error";

    private static BuildException Missing(Exception inner) =>
        new(ErrorCode.Io, "zstd needs libzstd.so.1, which is not installed: install the libzstd1 package (apt-get install libzstd1)", inner);
}
