using System.Net;
using System.Text;
using System.Text.Json;

namespace Exchange.Client.Tests;

/// <summary>An in-process token endpoint answering 15-minute tokens, recording each request's form.</summary>
internal sealed class FakeTokenEndpoint : HttpMessageHandler
{
    private int issued;

    public List<Dictionary<string, string>> Requests { get; } = [];

    public (string Error, string Description)? Refuse { get; set; }

    /// <summary>The HTTP status of a refusal: 400, or 401 for invalid_client as the server answers it.</summary>
    public HttpStatusCode RefusalStatus { get; set; } = HttpStatusCode.BadRequest;

    /// <summary>When set, requests are answered only once it completes.</summary>
    public TaskCompletionSource? Hold { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = await request.Content!.ReadAsStringAsync(cancellationToken);
        lock (Requests)
        {
            Requests.Add(body.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p[1].Replace('+', ' '))));
        }
        if (Hold is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }
        var json = Refuse is { } refusal
            ? JsonSerializer.Serialize(new { error = refusal.Error, error_description = refusal.Description })
            : JsonSerializer.Serialize(new { access_token = $"token-{Interlocked.Increment(ref issued)}", token_type = "Bearer", expires_in = 900, scope = "statistics.report" });
        return new HttpResponseMessage(Refuse is null ? HttpStatusCode.OK : RefusalStatus)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
    }
}
