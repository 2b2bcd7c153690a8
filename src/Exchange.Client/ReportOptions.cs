using Exchange.Client.Internal;

namespace Exchange.Client;

/// <summary>
/// How <see cref="StatisticsClientExtensions.ReportAsync"/> sends a load of cells: its idempotency key,
/// the size of the upload chunks, how often a failed attempt is retried and where progress goes.
/// </summary>
public sealed class ReportOptions
{
    /// <summary>The most cells in one message: SubmitStatistics takes up to this many, and so does each upload chunk.</summary>
    public const int MaxChunkSize = 10_000;

    /// <summary>The most cells in one report (one UploadStatistics stream).</summary>
    public const int MaxCells = 1_000_000;

    /// <summary>
    /// The submission's <c>request_id</c>: 1–64 letters, digits, '-' or '_'. Null (the default) means a
    /// new UUID for each call of <see cref="StatisticsClientExtensions.ReportAsync"/>. Set it to an id
    /// you have stored with the load to make a report that survives a restart of your own process:
    /// reporting the same cells again with the same id returns the first result and stores nothing twice.
    /// Never reuse an id for other cells; the server refuses that with ALREADY_EXISTS.
    /// </summary>
    public string? RequestId { get; set; }

    /// <summary>
    /// Cells per UploadStatistics message, 1 to <see cref="MaxChunkSize"/>. Default 5,000. Applies only to
    /// loads of more than <see cref="MaxChunkSize"/> cells; smaller loads go in one SubmitStatistics request.
    /// </summary>
    public int ChunkSize { get; set; } = 5_000;

    /// <summary>
    /// How many times in all the whole submission is attempted when it fails for a reason that may pass
    /// (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, or INTERNAL from a broken stream),
    /// 1 to 10. Default 4. Attempts are 200 ms, 400 ms, 800 ms … apart (at most 5 seconds).
    /// </summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>
    /// Told the cells sent so far after each upload chunk, and once at the end with the result (a load
    /// that fits one SubmitStatistics request is reported only then). A retry starts again from zero
    /// cells, with the next <see cref="ReportProgress.Attempt"/>. Reports are made on the sending
    /// thread; a <see cref="Progress{T}"/> passes them on to the context it was created in.
    /// </summary>
    public IProgress<ReportProgress>? Progress { get; set; }

    /// <summary>The clock that waits between attempts; for tests that must not wait. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        if (RequestId is not null && !RequestIds.IsValid(RequestId))
        {
            throw new ArgumentException("ReportOptions.RequestId must be 1–64 letters, digits, '-' or '_' (a UUID is recommended).");
        }
        if (ChunkSize is < 1 or > MaxChunkSize)
        {
            throw new ArgumentException($"ReportOptions.ChunkSize must be 1 to {MaxChunkSize:N0}.");
        }
        if (MaxAttempts is < 1 or > 10)
        {
            throw new ArgumentException("ReportOptions.MaxAttempts must be 1 to 10.");
        }
        ArgumentNullException.ThrowIfNull(TimeProvider, "ReportOptions.TimeProvider");
    }
}
