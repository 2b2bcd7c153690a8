using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Configuration;

/// <summary>Settings read once each, checked, and refused at start-up with a message naming the setting.</summary>
public static class ValidatedOptions
{
    /// <summary>
    /// Binds <typeparamref name="T"/> to <paramref name="section"/> for injection (validated when the
    /// host starts) and returns it bound and validated now, for what must be decided while the server
    /// is being built (which store, which keys).
    /// </summary>
    /// <exception cref="OptionsValidationException">A setting is out of its range; the message names it.</exception>
    public static T AddValidatedOptions<T>(this WebApplicationBuilder builder, string section)
        where T : class, new()
    {
        builder.Services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(section).Get<T>() ?? new T();
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true))
        {
            throw new OptionsValidationException(section, typeof(T), errors.Select(e => $"{section}: {e.ErrorMessage}"));
        }
        return options;
    }
}
