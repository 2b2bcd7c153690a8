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

    public async Task SaveAsync(string fileName, string contentType, byte[] content, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream(content, writable: false);
        using var reference = new DotNetStreamReference(stream);
        await js.InvokeVoidAsync("exchangeDownload", cancellationToken, fileName, contentType, reference);
    }

    /// <summary>Opens the browser's print dialogue.</summary>
    public ValueTask PrintAsync(CancellationToken cancellationToken = default) => js.InvokeVoidAsync("exchangePrint", cancellationToken);
}
