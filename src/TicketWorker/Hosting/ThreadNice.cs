using System.Runtime.InteropServices;

namespace TicketWorker.Hosting;

/// <summary>
/// The scheduling priority of the calling thread: its nice value on Linux (.NET's Thread.Priority changes nothing
/// there). Elsewhere it does nothing.
/// </summary>
public static class ThreadNice
{
    private static bool missing;

    /// <summary>Sets the calling thread's nice value (0–19: the higher, the more it yields); false where it cannot.</summary>
    public static bool Set(int niceness)
    {
        if (!OperatingSystem.IsLinux() || missing) return false;
        try
        {
            return SetPriority(ProcessPriority, GetTid(), niceness) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            missing = true;
            return false;
        }
    }

    /// <summary>The value of the calling thread (Linux keeps one per thread, and PRIO_PROCESS with a thread id addresses that thread).</summary>
    public static int? Get()
    {
        if (!OperatingSystem.IsLinux() || missing) return null;
        try
        {
            Marshal.SetLastPInvokeError(0);
            var value = GetPriority(ProcessPriority, GetTid());
            return value == -1 && Marshal.GetLastPInvokeError() != 0 ? null : value;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            missing = true;
            return null;
        }
    }

    private const int ProcessPriority = 0;

    // DllImport rather than LibraryImport, as in NativeHeap: integers need no marshalling, and the project stays free of unsafe code.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "gettid", ExactSpelling = true)]
    private static extern int GetTid();

    [DllImport("libc", EntryPoint = "setpriority", ExactSpelling = true)]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "getpriority", ExactSpelling = true, SetLastError = true)]
    private static extern int GetPriority(int which, int who);
#pragma warning restore SYSLIB1054
}
