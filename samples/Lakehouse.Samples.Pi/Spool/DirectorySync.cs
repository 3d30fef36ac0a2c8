using System.Runtime.InteropServices;

namespace Lakehouse.Samples.Pi.Spool;

/// <summary>
/// fsync of a directory, so a file created, renamed or deleted in it survives a power cut. .NET has no API for it
/// (it refuses to open a directory as a file), so on Linux and macOS this calls libc's open/fsync/close;
/// elsewhere it does nothing (NTFS journals metadata).
/// </summary>
internal static partial class DirectorySync
{
    /// <summary>Flushes the directory entry list of <paramref name="path"/>; returns false when the platform cannot.</summary>
    public static bool Flush(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return false;
        }

        int fd = Open(path, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            return false;
        }

        try
        {
            return FSync(fd) == 0;
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
