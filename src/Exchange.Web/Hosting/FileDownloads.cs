using Microsoft.JSInterop;

namespace Exchange.Web.Hosting;

/// <summary>
/// Hands a file the circuit made to the browser as a download (wwwroot/download.js). Exports are
/// made from what the person's own token may read, in the circuit, so there is no download address
/// another person or a cache could reach.
/// </summary>
public sealed class FileDownloads(IJSRuntime js)
{
    public const string Csv = "text/csv;charset=utf-8";
    public const string Excel = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>
    /// Hands the file to the browser; false when the browser did not take it (it went away, or its
    /// script failed), which is no reason to end the person's circuit.
    /// </summary>
    public async Task<bool> SaveAsync(string fileName, string contentType, byte[] content, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream(content, writable: false);
        using var reference = new DotNetStreamReference(stream);
        try
        {
            await js.InvokeVoidAsync("exchangeDownload", cancellationToken, fileName, contentType, reference);
            return true;
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Opens the browser's print dialogue; false when the browser did not.</summary>
    public async Task<bool> PrintAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await js.InvokeVoidAsync("exchangePrint", cancellationToken);
            return true;
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or TaskCanceledException)
        {
            return false;
        }
    }
}
