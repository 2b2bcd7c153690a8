using System.Net;
using System.Text;
using Exchange.Server.Audit;
using Exchange.Server.Storage;
using Exchange.Server.Telemetry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Identity;

/// <summary>
/// Counts failed client authentications per client id and per source address in fixed windows. A
/// request counts against both from the moment it starts, so that concurrent guesses cannot outrun
/// the count: once failures plus attempts under way reach a limit, further token requests for that
/// client id, or from that address, wait until the window ends. Each server counts its own requests.
/// </summary>
public sealed class ClientAuthenticationThrottle(IOptions<TokenOptions> options, TimeProvider time)
{
    private sealed class Counter(DateTimeOffset start)
    {
        public DateTimeOffset WindowStart = start;
        public int Failures;
        public int UnderWay;
        public bool Reported;
    }

    // Token requests are few; one lock keeps the two counts of a request consistent.
    private readonly Lock gate = new();
    private readonly Dictionary<string, Counter> clients = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Counter> addresses = new(StringComparer.Ordinal);
    private DateTimeOffset nextSweep = DateTimeOffset.MinValue;

    private FailureThrottleOptions Limits => options.Value.FailureThrottle;

    /// <summary>
    /// Starts an attempt that names <paramref name="clientIds"/> (every client id the request names,
    /// so that naming a decoy beside the real one does not help): null when it may go ahead (then call
    /// <see cref="End"/> with the same ids), or how long it must wait.
    /// </summary>
    public TimeSpan? TryBegin(IReadOnlyCollection<string> clientIds, IPAddress? address)
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            Sweep(now);
            var byAddress = Current(addresses, AddressKey(address), now);
            var byClients = clientIds.Select(id => Current(clients, ClientKey(id), now)).ToList();
            var wait = Wait(byAddress, Limits.PerAddress, now) ?? byClients.Select(c => Wait(c, Limits.PerClient, now)).Max();
            if (wait is null)
            {
                byAddress.UnderWay++;
                byClients.ForEach(c => c.UnderWay++);
            }
            return wait;
        }
    }

    /// <summary>Ends an attempt begun with <see cref="TryBegin"/>; returns the client ids whose allowance this failure used up (once per window: the moment to audit them).</summary>
    public IReadOnlyList<string> End(IReadOnlyCollection<string> clientIds, IPAddress? address, bool failed)
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            var byAddress = Current(addresses, AddressKey(address), now);
            byAddress.UnderWay = Math.Max(0, byAddress.UnderWay - 1);
            byAddress.Failures += failed ? 1 : 0;
            var reached = new List<string>();
            foreach (var clientId in clientIds)
            {
                var byClient = Current(clients, ClientKey(clientId), now);
                byClient.UnderWay = Math.Max(0, byClient.UnderWay - 1);
                if (failed && ++byClient.Failures >= Limits.PerClient && !byClient.Reported)
                {
                    byClient.Reported = true;
                    reached.Add(clientId);
                }
            }
            return reached;
        }
    }

    private Counter Current(Dictionary<string, Counter> counters, string key, DateTimeOffset now)
    {
        if (!counters.TryGetValue(key, out var counter))
        {
            counters[key] = counter = new Counter(now);
        }
        else if (now >= counter.WindowStart + Limits.Window)
        {
            (counter.WindowStart, counter.Failures, counter.Reported) = (now, 0, false);
        }
        return counter;
    }

    private TimeSpan? Wait(Counter counter, int limit, DateTimeOffset now) =>
        counter.Failures + counter.UnderWay >= Math.Max(1, limit) ? counter.WindowStart + Limits.Window - now : null;

    /// <summary>Forgets counters whose window has ended with nothing under way: a client id is whatever a caller sends, so the tables must not keep every one.</summary>
    private void Sweep(DateTimeOffset now)
    {
        if (now < nextSweep)
        {
            return;
        }
        nextSweep = now + Limits.Window;
        foreach (var counters in new[] { clients, addresses })
        {
            foreach (var (key, counter) in counters.Where(c => c.Value.UnderWay == 0 && now >= c.Value.WindowStart + Limits.Window).ToList())
            {
                counters.Remove(key);
            }
        }
    }

    private static string AddressKey(IPAddress? address) => address?.ToString() ?? "unknown";

    private static string ClientKey(string clientId) => clientId.Length <= 100 ? clientId : clientId[..100];
}

/// <summary>
/// In front of the token endpoint, before OpenIddict reads the request: caps the body (a token
/// request is a small form), makes a client id or address that failed too often wait (429), and
/// counts each request's outcome. A failed client authentication is marked on the request by
/// <see cref="ClientAuthenticationFailureHandler"/>.
/// </summary>
internal sealed partial class TokenEndpointGuard(RequestDelegate next, ClientAuthenticationThrottle throttle, TimeProvider time, ILogger<TokenEndpointGuard> logger)
{
    public const long MaxBodySize = 64 * 1024;
    private static readonly object FailedKey = new();
    private readonly LogThrottle logThrottle = new(time, lines: 10, TimeSpan.FromMinutes(1));

    /// <summary>Marks the current token request as a failed client authentication.</summary>
    public static void MarkFailed(HttpContext context) => context.Items[FailedKey] = true;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsTokenEndpoint(context.Request))
        {
            await next(context);
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = MaxBodySize;
        }
        IReadOnlyCollection<string> clientIds;
        try
        {
            clientIds = await ClaimedClientIdsAsync(context.Request, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, "invalid_request", $"A token request is a form of at most {MaxBodySize / 1024} KB.");
            return;
        }
        catch (InvalidDataException)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_request", "The form could not be read.");
            return;
        }
        var address = context.Connection.RemoteIpAddress;
        if (throttle.TryBegin(clientIds, address) is { } wait)
        {
            await TooManyAsync(context, wait, clientIds);
            return;
        }
        // A request that throws is the server's failure, not the client's.
        var failed = false;
        try
        {
            await next(context);
            failed = context.Items.ContainsKey(FailedKey);
        }
        finally
        {
            foreach (var reached in throttle.End(clientIds, address, failed))
            {
                await AuditLimitReachedAsync(context, reached);
            }
        }
    }

    /// <summary>The token endpoint as OpenIddict recognises it: dot segments resolved, case ignored, one trailing slash allowed.</summary>
    internal static bool IsTokenEndpoint(HttpRequest request)
    {
        if (!Uri.TryCreate($"http://exchange{request.PathBase}{request.Path}", UriKind.Absolute, out var uri))
        {
            return false;
        }
        var path = uri.AbsolutePath;
        return string.Equals(path.EndsWith('/') ? path[..^1] : path, TokenEndpoint.Path, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Every client id the request names — in the form, in HTTP Basic authentication, as the issuer
    /// of a client assertion — unverified: only to count them, each of them.
    /// </summary>
    private static async Task<IReadOnlyCollection<string>> ClaimedClientIdsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        IFormCollection? form = null;
        if (HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            // Buffered by ASP.NET Core: OpenIddict reads the same form afterwards.
            form = await request.ReadFormAsync(cancellationToken);
            foreach (var id in form["client_id"])
            {
                Add(id);
            }
        }
        if (request.Headers.Authorization.FirstOrDefault() is { } authorization && authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
                Add(Uri.UnescapeDataString(pair.Split(':', 2)[0]));
            }
            catch (FormatException)
            {
            }
        }
        foreach (var assertion in form?["client_assertion"] ?? default)
        {
            try
            {
                Add(new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(assertion!).Issuer);
            }
            catch (ArgumentException)
            {
            }
        }
        return ids;

        void Add(string? id)
        {
            // A request naming many ids is refused by OpenIddict anyway; a few suffice to count it.
            if (!string.IsNullOrEmpty(id) && ids.Count < 4)
            {
                ids.Add(id);
            }
        }
    }

    private static async Task AuditLimitReachedAsync(HttpContext context, string clientId)
    {
        var services = context.RequestServices;
        var db = services.GetRequiredService<ExchangeDbContext>();
        var known = await db.Authorities.AsNoTracking().AnyAsync(a => a.Id == clientId, CancellationToken.None);
        await services.GetRequiredService<AuditLog>().SaveWithAuditAsync(db,
            new AuditRecord("", "token.failures", "authority", known ? clientId : "unknown-client", AuditOutcomeKind.Denied) { SubjectAuthorityId = known ? clientId : "" },
            CancellationToken.None);
    }

    private async Task TooManyAsync(HttpContext context, TimeSpan wait, IReadOnlyCollection<string> clientIds)
    {
        if (logThrottle.ShouldLog(out var heldBack))
        {
            var named = string.Join(",", clientIds.Select(id => Validation.Identifiers.IsAuthorityId(id) ? id : "(malformed)"));
            Throttled(logger, named.Length > 0 ? named : "(none)", context.Connection.RemoteIpAddress?.ToString() ?? "", heldBack);
        }
        var seconds = (int)Math.Ceiling(Math.Max(1, wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await ErrorAsync(context, StatusCodes.Status429TooManyRequests, "temporarily_unavailable", $"Too many failed attempts; try again in {seconds} s.");
    }

    private static Task ErrorAsync(HttpContext context, int status, string error, string description)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, context.RequestAborted);
    }

    [LoggerMessage(16, LogLevel.Warning, "Token request for {ClientId} from {RemoteAddress} throttled after repeated failed authentication (and {Suppressed} more since the last such line)")]
    private static partial void Throttled(ILogger logger, string clientId, string remoteAddress, int suppressed);
}
