namespace Exchange.Client;

/// <summary>
/// Gives the <see cref="ExchangeClient"/> registered under a name with
/// <c>services.AddExchangeClient(name, ...)</c>: one per authority a process acts for, each with its own
/// credential, tokens and connection. A name gives the same client every time; the factory disposes its
/// clients when the service provider is disposed.
/// </summary>
/// <example>
/// <code>
/// public sealed class InboxReader(IExchangeClientFactory exchange)
/// {
///     public async Task ReadAsync(string kommun, CancellationToken ct)
///     {
///         await foreach (var referral in exchange.GetClient(kommun).Referrals.ListAllAsync(ReferralBox.Inbox, cancellationToken: ct))
///         {
///             // ...
///         }
///     }
/// }
/// </code>
/// </example>
public interface IExchangeClientFactory
{
    /// <summary>The client registered as <paramref name="name"/> (the unnamed one is <c>""</c>), created on first use.</summary>
    /// <exception cref="InvalidOperationException">No client is registered under that name.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">Its options are incomplete.</exception>
    ExchangeClient GetClient(string name);
}

/// <summary>
/// What <c>services.AddExchangeClient(...)</c> returns, to add to the named client's HTTP pipeline
/// (<see cref="Microsoft.Extensions.DependencyInjection.ExchangeClientBuilderExtensions"/>) or configure it further.
/// </summary>
public interface IExchangeClientBuilder
{
    /// <summary>The client's name; <c>""</c> for the unnamed client.</summary>
    string Name { get; }

    /// <summary>The services it is registered in.</summary>
    Microsoft.Extensions.DependencyInjection.IServiceCollection Services { get; }
}
