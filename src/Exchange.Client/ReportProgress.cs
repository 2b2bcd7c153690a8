using Exchange.V1;

namespace Exchange.Client;

/// <summary>How far a <see cref="StatisticsClientExtensions.ReportAsync"/> call has come.</summary>
/// <param name="CellsSent">Cells sent in this attempt so far; equal to <paramref name="TotalCells"/> once all are sent.</param>
/// <param name="TotalCells">Cells in the whole report.</param>
/// <param name="Attempt">The attempt these cells belong to, from 1; a retry sends every cell again.</param>
/// <param name="Result">The server's result, in the last report only; null until the server has answered.</param>
public sealed record ReportProgress(int CellsSent, int TotalCells, int Attempt, SubmissionResult? Result);
