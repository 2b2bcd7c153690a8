using Exchange.Server.Admin;
using Exchange.Server.Audit;
using Exchange.Server.Authorization;
using Exchange.Server.Identity;
using Exchange.Server.Validation;
using Exchange.V1;
using Grpc.Core;
using CredentialOrigin = Exchange.Server.Storage.CredentialOrigin;

namespace Exchange.Server.Account;

/// <summary>AccountService on the wire: an authority's own credentials, always the caller's, from its token.</summary>
[BindServiceMethod(typeof(AccountGrpcService), nameof(BindService))]
public sealed class AccountGrpcService(CredentialRegistry credentials, AuditReader audit) : AccountService.AccountServiceBase
{
    public static void BindService(ServiceBinderBase binder, AccountService.AccountServiceBase service) =>
        AccountService.BindService(new MalformedMessageBinder(binder), service);

    public override async Task<ListOwnCredentialsResponse> ListOwnCredentials(ListOwnCredentialsRequest request, ServerCallContext context)
    {
        var list = await credentials.ListAsync(context.GetCaller().AuthorityId, context.CancellationToken);
        return new ListOwnCredentialsResponse { Credentials = { list.Select(c => c.ToProto()) } };
    }

    public override async Task<AddOwnKeyResponse> AddOwnKey(AddOwnKeyRequest request, ServerCallContext context)
    {
        var v = new FieldViolations();
        var key = AdminRequestValidator.Jwk(v, request.PublicJwk);
        v.ThrowIfAny();
        var caller = context.GetCaller().AuthorityId;
        var credential = await credentials.AddKeyAsync(caller, key!, CredentialOrigin.SelfService, caller, context.CancellationToken);
        return new AddOwnKeyResponse { Credential = credential.ToProto() };
    }

    public override async Task<ReplaceOwnSecretResponse> ReplaceOwnSecret(ReplaceOwnSecretRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller().AuthorityId;
        var (credential, secret) = await credentials.AddSecretAsync(caller, CredentialOrigin.SelfService, caller, context.CancellationToken);
        return new ReplaceOwnSecretResponse { Credential = credential.ToProto(), ClientSecret = secret };
    }

    public override async Task<RevokeOwnCredentialResponse> RevokeOwnCredential(RevokeOwnCredentialRequest request, ServerCallContext context)
    {
        var v = new FieldViolations();
        AdminRequestValidator.Id(v, request.CredentialId, "credential_id");
        AdminRequestValidator.Reason(v, request.Reason);
        v.ThrowIfAny();
        var caller = context.GetCaller().AuthorityId;
        var credential = await credentials.RevokeAsync(request.CredentialId, caller, request.Reason, context.CancellationToken, ownerOnly: caller);
        return new RevokeOwnCredentialResponse { Credential = credential.ToProto() };
    }

    public override async Task<ListCredentialEventsResponse> ListCredentialEvents(ListCredentialEventsRequest request, ServerCallContext context)
    {
        var v = new FieldViolations();
        Paging.CheckPageSize(v, request.PageSize, 1000);
        var before = Paging.DecodeSequence(v, "credential-events", request.PageToken);
        v.ThrowIfAny();
        var (page, last) = await audit.ListAboutAsync(context.GetCaller().AuthorityId, AuditReader.AccessTargets, before, Paging.Size(request.PageSize, 100), context.CancellationToken);
        return new ListCredentialEventsResponse
        {
            Events = { page.Select(e => e.ToProto()) },
            NextPageToken = last is null ? "" : Paging.Encode("credential-events", last.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
    }
}
