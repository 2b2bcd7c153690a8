namespace Exchange.Contracts;

/// <summary>Files that hold a secret or a private key: written so that only their owner can read them.</summary>
public static class OwnerOnlyFile
{
    /// <summary>Mode 0600.</summary>
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Mode 0700, for a folder that holds such files.</summary>
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Writes <paramref name="content"/> to a file readable by its owner only, creating its folder
    /// owner-only. The content goes to a new file first and is moved into place, so a failed write
    /// never leaves a half-written file and a reader never sees one; without <paramref name="replace"/>,
    /// an existing file is an error (<see cref="IOException"/>); to create a file once among several
    /// processes, use <see cref="ReadOrCreate"/>.
    /// </summary>
    public static void Write(string path, string content, bool replace = true)
    {
        var full = Path.GetFullPath(path);
        // Through a link, the file it points to is the one to replace, not the link.
        if (File.Exists(full) && new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } target)
        {
            full = target.FullName;
        }
        CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = $"{full}.{Guid.NewGuid():N}.tmp";
        try
        {
            WriteNew(temporary, content);
            File.Move(temporary, full, overwrite: replace);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// The content of <paramref name="path"/>, which is created owner-only with
    /// <paramref name="create"/>'s content if it does not exist. Safe when several processes start at
    /// once on one folder: they take turns on an exclusive lock file beside it (<c>path.lock</c>), so
    /// one content wins and every caller reads that one, never a partial file.
    /// </summary>
    public static string ReadOrCreate(string path, Func<string> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        if (File.Exists(path))
        {
            return File.ReadAllText(path);
        }
        var full = Path.GetFullPath(path);
        CreateDirectory(Path.GetDirectoryName(full)!);
        using (LockBeside(full))
        {
            if (!File.Exists(full))
            {
                Write(full, create());
            }
        }
        return File.ReadAllText(full);
    }

    /// <summary>
    /// An exclusive lock (flock on Unix) on the owner-only file <paramref name="lockPath"/>, waited for
    /// while another process holds it. Disposing the stream releases it, as does the holder's death.
    /// </summary>
    public static async Task<FileStream> LockAsync(string lockPath, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        while (true)
        {
            if (TryLock(lockPath) is { } held)
            {
                return held;
            }
            await Task.Delay(LockRetry, time, cancellationToken);
        }
    }

    private static readonly TimeSpan LockRetry = TimeSpan.FromMilliseconds(50);

    /// <summary>As <see cref="LockAsync"/> on <c>path.lock</c>, for the synchronous key-file paths; gives up after 30 s.</summary>
    private static FileStream LockBeside(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (TryLock($"{path}.lock") is { } held)
            {
                return held;
            }
            if (attempt >= 600)
            {
                throw new IOException($"{path}.lock stayed locked for 30 s: another process is creating {path}.");
            }
            Thread.Sleep(LockRetry);
        }
    }

    private static FileStream? TryLock(string lockPath)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = Mode;
        }
        try
        {
            return new FileStream(lockPath, options);
        }
        catch (IOException) when (Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(lockPath))))
        {
            // Held by another process (a missing folder is an error, not a wait).
            return null;
        }
    }

    private static void WriteNew(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = Mode;
        }
        using var writer = new StreamWriter(new FileStream(path, options));
        writer.Write(content);
    }

    /// <summary>Creates a folder readable by its owner only (its mode is left alone if it exists).</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, DirectoryMode);
        }
    }
}
