using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Lakehouse.Testing;

/// <summary>
/// The Pi sample (<c>samples/Lakehouse.Samples.Pi</c>) run as a separate OS process (<c>dotnet Lakehouse.Samples.Pi.dll</c>),
/// configured through <c>LAKEHOUSE_PI__*</c> environment variables, so a test can SIGKILL it at any moment and
/// start it again on the same folders. A test project using it adds a ProjectReference to the Pi so it is built.
/// </summary>
/// <example>
/// <code>
/// await using var pi = new PiProcess(new Dictionary&lt;string, string&gt; { ["ApiBaseUrl"] = api, ["DeviceId"] = "pi-1",
///     ["Token"] = token, ["InboxPath"] = inbox, ["SpoolPath"] = spool });
/// pi.Start();
/// await pi.WaitForReadyAsync(TimeSpan.FromSeconds(30));
/// pi.Kill();                    // SIGKILL
/// pi.Start();                   // same folders: recovery, then carries on
/// await PiProcess.WaitUntilAsync(() => PiProcess.IsDrained(inbox, spool), TimeSpan.FromSeconds(60), "the spool to drain", pi);
/// </code>
/// </example>
public sealed class PiProcess(IReadOnlyDictionary<string, string> settings, string? dllPath = null) : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private readonly Lock _outputGate = new();
    private Process? _process;
    private TaskCompletionSource _ready = NewReady();

    /// <summary>The Pi's <c>Pi:*</c> settings (ApiBaseUrl, DeviceId, Token, InboxPath, SpoolPath, SegmentMaxLines, ...).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; } = settings;

    /// <summary>How many times the process was started.</summary>
    public int Starts { get; private set; }

    /// <summary>Everything every run printed (stdout and stderr), one run after the other, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_outputGate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>True while a started process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The running (or last) process's standard input, when started with <c>stdin: true</c>.</summary>
    public StreamWriter StandardInput => _process?.StandardInput ?? throw new InvalidOperationException("Not started with stdin.");

    /// <summary>Finds the built Pi next to the calling test's output: <c>artifacts/bin/Lakehouse.Samples.Pi/{configuration}/</c>.</summary>
    public static string LocateDll()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string configuration = testOutput.Name;                    // release / debug
        DirectoryInfo? bin = testOutput.Parent?.Parent;            // artifacts/bin
        string candidate = Path.Combine(bin?.FullName ?? "", "Lakehouse.Samples.Pi", configuration, "Lakehouse.Samples.Pi.dll");
        return File.Exists(candidate)
            ? candidate
            : throw new FileNotFoundException(
                $"The Pi is not built at {candidate}: add a ProjectReference to samples/Lakehouse.Samples.Pi to the test project.", candidate);
    }

    /// <summary>Starts the Pi (once more, when it ran before). <paramref name="extraArgs"/> go on its command line.</summary>
    public void Start(bool stdin = false, params string[] extraArgs)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("The Pi is already running.");
        }

        _process?.Dispose();
        _ready = NewReady();
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(dllPath ?? LocateDll());
        if (stdin)
        {
            info.ArgumentList.Add("--stdin");
        }

        foreach (string arg in extraArgs)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["LAKEHOUSE_LOGGING__LOGLEVEL__DEFAULT"] = "Information";
        info.Environment["DOTNET_gcServer"] = "0";
        foreach ((string key, string value) in Settings)
        {
            info.Environment["LAKEHOUSE_PI__" + key] = value;
        }

        Starts++;
        Append($"--- start #{Starts} ---");
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>Waits until the Pi logged that it is ready (spool recovered, services started).</summary>
    public async Task WaitForReadyAsync(TimeSpan timeout)
    {
        Process process = _process ?? throw new InvalidOperationException("Not started.");
        Task exited = process.WaitForExitAsync();
        Task first = await Task.WhenAny(_ready.Task, exited, Task.Delay(timeout)).ConfigureAwait(false);
        if (first != _ready.Task)
        {
            throw new TimeoutException((first == exited ? $"The Pi exited ({process.ExitCode}) before it was ready." : "The Pi was not ready in time.") + "\n" + Output);
        }
    }

    /// <summary>SIGKILL: the process ends at once, in whatever it was doing. Returns once it is gone.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: false);   // SIGKILL on Unix
            process.WaitForExit();
            Append($"--- killed (SIGKILL) ---");
        }
    }

    /// <summary>Asks the Pi to stop (SIGTERM, a graceful shutdown that flushes the spool) and waits; SIGKILL after <paramref name="timeout"/>.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (_process is not { HasExited: false } process)
        {
            return _process?.ExitCode ?? 0;
        }

        if (OperatingSystem.IsWindows() || SysKill(process.Id, 15) != 0)
        {
            process.Kill();
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }

        return process.ExitCode;
    }

    /// <summary>Waits for the process to exit by itself (SIGKILL after <paramref name="timeout"/>); returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        Process process = _process ?? throw new InvalidOperationException("Not started.");
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException("The Pi did not exit in time.\n" + Output);
        }

        process.WaitForExit(); // drains the redirected output
        return process.ExitCode;
    }

    /// <summary>True when the inbox holds no complete file and the spool no segment with a line in it.</summary>
    public static bool IsDrained(string inboxPath, string spoolPath)
    {
        bool inboxEmpty = !Directory.Exists(inboxPath) || !Directory.EnumerateFiles(inboxPath)
            .Any(f => f.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase));
        bool spoolEmpty = !Directory.Exists(spoolPath)
            || (!Directory.EnumerateFiles(spoolPath, "*.jsonl").Any()
                && Directory.EnumerateFiles(spoolPath, "*.open").All(IsEmptyFile));
        return inboxEmpty && spoolEmpty;
    }

    // A segment renamed (sealed) between the listing and this look is not empty: the next poll sees it as sealed.
    private static bool IsEmptyFile(string path) => new FileInfo(path) is { Exists: true, Length: 0 };

    /// <summary>Polls <paramref name="condition"/> until it holds; throws <see cref="TimeoutException"/> (with the Pi's output) after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, PiProcess? pi = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out waiting for {what}.\n{pi?.Output}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <inheritdoc cref="WaitUntilAsync(Func{Task{bool}}, TimeSpan, string, PiProcess?)"/>
    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what, PiProcess? pi = null) =>
        WaitUntilAsync(() => Task.FromResult(condition()), timeout, what, pi);

    /// <summary>Writes <paramref name="lines"/> into <paramref name="inboxPath"/> as <paramref name="name"/> the way a POS should: a temporary name, then a rename.</summary>
    public static void DropInboxFile(string inboxPath, string name, IEnumerable<string> lines)
    {
        Directory.CreateDirectory(inboxPath);
        string temp = Path.Combine(inboxPath, name + ".tmp");
        File.WriteAllText(temp, string.Join('\n', lines) + "\n", new UTF8Encoding(false));
        File.Move(temp, Path.Combine(inboxPath, name));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (IsRunning)
        {
            await StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }

        _process?.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        Append(line);
        if (line.Contains("Pi ready", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    private void Append(string line)
    {
        lock (_outputGate)
        {
            _output.Append(CultureInfo.InvariantCulture, $"{line}\n");
        }
    }

    private static TaskCompletionSource NewReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : "dotnet";

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);
}
