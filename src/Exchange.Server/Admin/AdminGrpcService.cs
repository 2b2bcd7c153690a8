using Exchange.Server.Audit;
using Exchange.Server.Authorization;
using Exchange.Server.Identity;
using Exchange.Server.Statistics;
using Exchange.Server.Storage;
using Exchange.Server.Validation;
using Exchange.V1;
using Grpc.Core;
using CredentialOrigin = Exchange.Server.Storage.CredentialOrigin;

namespace Exchange.Server.Admin;

/// <summary>AdminService on the wire: validates, calls the administration rules, maps back.</summary>
[BindServiceMethod(typeof(AdminGrpcService), nameof(BindService))]
public sealed class AdminGrpcService(
    AuthorityAdministration authorities,
    CredentialRegistry credentials,
    CredentialChanges changes,
    GrantAdministration grants,
    IndicatorCatalogue indicators,
    Referrals.ReferralDesk referrals,
    AuditReader audit,
    AuditVerifier verifier,
    AuditCheckpoints checkpoints,
    TimeProvider time) : AdminService.AdminServiceBase
{
    public static void BindService(ServiceBinderBase binder, AdminService.AdminServiceBase service) =>
        AdminService.BindService(new MalformedMessageBinder(binder), service);

    public override async Task<CreateAuthorityResponse> CreateAuthority(CreateAuthorityRequest request, ServerCallContext context)
    {
        var (authority, violations) = AdminRequestValidator.Authority(request.Authority, creating: true);
        violations.ThrowIfAny();
        if (authority.Kind == PartyKind.Operator)
        {
            // An operator who could create another could approve their own break-glass changes through it.
            throw DomainException.FailedPrecondition("OPERATORS_FROM_CONFIGURATION", authority.Id,
                "Operators are not registered through the API: they are configured on the server (Exchange:Operators), so that no operator can create another.");
        }
        var created = await authorities.CreateAsync(authority, context.GetCaller().AuthorityId, context.CancellationToken, request.AllowSharedOrganisationNumber);
        return new CreateAuthorityResponse { Authority = created.ToProto() };
    }

    public override async Task<GetAuthorityResponse> GetAuthority(GetAuthorityRequest request, ServerCallContext context)
    {
        AdminRequestValidator.AuthorityId(request.AuthorityId);
        return new GetAuthorityResponse { Authority = (await authorities.GetAsync(request.AuthorityId, context.CancellationToken)).ToProto() };
    }

    public override async Task<ListAuthoritiesResponse> ListAuthorities(ListAuthoritiesRequest request, ServerCallContext context)
    {
        var v = new FieldViolations();
        Paging.CheckPageSize(v, request.PageSize, 1000);
        var after = Paging.Decode(v, "authorities", request.PageToken);
        v.ThrowIfAny();
        var (page, last) = await authorities.ListAsync(after, Paging.Size(request.PageSize, 100), context.CancellationToken);
        return new ListAuthoritiesResponse
        {
            Authorities = { page.Select(a => a.ToProto()) },
            NextPageToken = last is null ? "" : Paging.Encode("authorities", last),
        };
    }

    public override async Task<UpdateAuthorityResponse> UpdateAuthority(UpdateAuthorityRequest request, ServerCallContext context)
    {
        var (authority, violations) = AdminRequestValidator.Authority(request.Authority, creating: false);
        violations.ThrowIfAny();
        var updated = await authorities.UpdateAsync(authority.Id, authority.Name, authority.OrganisationNumber, authority.AreaCodes, authority.AcceptsReferralsFrom, request.AllowSharedOrganisationNumber, context.GetCaller().AuthorityId, context.CancellationToken);
        return new UpdateAuthorityResponse { Authority = updated.ToProto() };
    }

    public override async Task<DisableAuthorityResponse> DisableAuthority(DisableAuthorityRequest request, ServerCallContext context)
    {
        ValidateIdAndReason(request.AuthorityId, request.Reason);
        var caller = context.GetCaller();
        DataRules.EnsureMayDisable(caller, request.AuthorityId);
        return new DisableAuthorityResponse { Authority = (await authorities.SetEnabledAsync(request.AuthorityId, false, request.Reason, caller.AuthorityId, context.CancellationToken)).ToProto() };
    }

    public override async Task<EnableAuthorityResponse> EnableAuthority(EnableAuthorityRequest request, ServerCallContext context)
    {
        ValidateIdAndReason(request.AuthorityId, request.Reason);
        return new EnableAuthorityResponse { Authority = (await authorities.SetEnabledAsync(request.AuthorityId, true, request.Reason, context.GetCaller().AuthorityId, context.CancellationToken)).ToProto() };
    }

    public override async Task<AddKeyCredentialResponse> AddKeyCredential(AddKeyCredentialRequest request, ServerCallContext context)
    {
        var v = new FieldViolations();
        v.Require(Identifiers.IsAuthorityId(request.AuthorityId), "authority_id", "An authority id.");
        var key = AdminRequestValidator.Jwk(v, request.PublicJwk);
        v.ThrowIfAny();
        var credential = await credentials.AddKeyAsync(request.AuthorityId, key!, CredentialOrigin.Onboarding, context.GetCaller().AuthorityId, context.CancellationToken);
        return new AddKeyCredentialResponse { Credential = credential.ToProto() };
    }

    public override async Task<AddSecretCredentialResponse> AddSecretCredential(AddSecretCredentialRequest request, ServerCallContext context)
    {
        AdminRequestValidator.AuthorityId(request.AuthorityId);
        var (credential, secret) = await credentials.AddSecretAsync(request.AuthorityId, CredentialOrigin.Onboarding, context.GetCaller().AuthorityId, context.CancellationToken);
        return new AddSecretCredentialResponse { Credential = credential.ToProto(), ClientSecret = secret };
    }

    public override async Task<RevokeCredentialResponse> RevokeCredential(RevokeCredentialRequest request, ServerCallContext context)
    {
        var v = new FieldViolations();
        AdminRequestValidator.Id(v, request.CredentialId, "credential_id");
        AdminRequestValidator.Reason(v, request.Reason);
        v.ThrowIfAny();
        var credential = await credentials.RevokeAsync(request.CredentialId, context.GetCaller().AuthorityId, request.Reason, context.CancellationToken);
        return new RevokeCredentialResponse { Credential = credential.ToProto() };
    }

    public override async Task<ListCredentialsResponse> ListCredentials(ListCredentialsRequest request, ServerCallContext context)
    {
        AdminRequestValidator.AuthorityId(request.AuthorityId);
        var list = await credentials.ListAsync(request.AuthorityId, context.CancellationToken);
        return new ListCredentialsResponse { Credentials = { list.Select(c => c.ToProto()) } };
    }

    public override async Task<CreateGrantResponse> CreateGrant(CreateGrantRequest request, ServerCallContext context)
    {
        AdminRequestValidator.Grant(request);
        var grant = await grants.CreateAsync(request.AuthorityId, request.Scope, request.ValidFrom?.ToDateTimeOffset(), request.ValidTo?.ToDateTimeOffset(),
            request.Reason, context.GetCaller().AuthorityId, context.CancellationToken);
        return new CreateGrantResponse { Grant = grant.ToProto(time.GetUtcNow()) };
    }

    public override async Task<RevokeGrantResponse> RevokeGrant(RevokeGrantRequest request, ServerCallContext context)
    {
        var v = new FieldViolations();
        AdminRequestValidator.Id(v, request.GrantId, "grant_id");
        AdminRequestValidator.Reason(v, request.Reason);
        v.ThrowIfAny();
        var grant = await grants.RevokeAsync(request.GrantId, request.Reason, context.GetCaller().AuthorityId, context.CancellationToken);
        return new RevokeGrantResponse { Grant = grant.ToProto(time.GetUtcNow()) };
    }

    public override async Task<ListGrantsResponse> ListGrants(ListGrantsRequest request, ServerCallContext context)
    {
        var v = new FieldViolations();
        v.Require(request.AuthorityId.Length == 0 || Identifiers.IsAuthorityId(request.AuthorityId), "authority_id", "Empty, or an authority id.");
        Paging.CheckPageSize(v, request.PageSize, 1000);
        var after = Paging.DecodeTimeKey(v, "grants", request.PageToken);
        v.ThrowIfAny();
        var (page, last) = await grants.ListAsync(request.AuthorityId, request.IncludeInactive, after, Paging.Size(request.PageSize, 100), context.CancellationToken);
        var now = time.GetUtcNow();
        return new ListGrantsResponse
        {
            Grants = { page.Select(g => g.ToProto(now)) },
            NextPageToken = last is null ? "" : Paging.Encode("grants", last),
        };
    }

    public override async Task<CreateIndicatorResponse> CreateIndicator(CreateIndicatorRequest request, ServerCallContext context)
    {
        var indicator = AdminRequestValidator.Indicator(request.Indicator, creating: true);
        return new CreateIndicatorResponse { Indicator = (await indicators.CreateAsync(indicator, context.GetCaller().AuthorityId, context.CancellationToken)).ToProto() };
    }

    public override async Task<GetIndicatorResponse> GetIndicator(GetIndicatorRequest request, ServerCallContext context)
    {
        new FieldViolations().Require(Identifiers.IsCode(request.IndicatorCode), "indicator_code", "An indicator code.").ThrowIfAny();
        return new GetIndicatorResponse { Indicator = (await indicators.GetAsync(request.IndicatorCode, context.CancellationToken)).ToProto() };
    }

    public override async Task<UpdateIndicatorResponse> UpdateIndicator(UpdateIndicatorRequest request, ServerCallContext context)
    {
        var reason = new FieldViolations();
        AdminRequestValidator.Reason(reason, request.Reason);
        reason.ThrowIfAny();
        var changes = AdminRequestValidator.Indicator(request.Indicator, creating: false);
        return new UpdateIndicatorResponse { Indicator = (await indicators.UpdateAsync(changes, request.Reason, context.GetCaller().AuthorityId, context.CancellationToken)).ToProto() };
    }

    public override async Task<DisableIndicatorResponse> DisableIndicator(DisableIndicatorRequest request, ServerCallContext context)
    {
        var v = new FieldViolations().Require(Identifiers.IsCode(request.IndicatorCode), "indicator_code", "An indicator code.");
        AdminRequestValidator.Reason(v, request.Reason);
        v.ThrowIfAny();
        return new DisableIndicatorResponse { Indicator = (await indicators.DisableAsync(request.IndicatorCode, request.Reason, context.GetCaller().AuthorityId, context.CancellationToken)).ToProto() };
    }

    public override async Task<RewrapReferralKeysResponse> RewrapReferralKeys(RewrapReferralKeysRequest request, ServerCallContext context)
    {
        var v = new FieldViolations();
        AdminRequestValidator.Reason(v, request.Reason);
        v.ThrowIfAny();
        var count = await referrals.RewrapKeysAsync(context.GetCaller().AuthorityId, request.Reason, context.CancellationToken);
        return new RewrapReferralKeysResponse { RewrappedCount = count, KeyEncryptionKeyId = referrals.ActiveKeyEncryptionKeyId };
    }

    public override async Task<ListAuditEventsResponse> ListAuditEvents(ListAuditEventsRequest request, ServerCallContext context)
    {
        var v = new FieldViolations();
        v.Require(request.ActorAuthorityId.Length == 0 || Identifiers.IsAuthorityId(request.ActorAuthorityId), "actor_authority_id", "Empty, or an authority id.");
        v.Require(request.SubjectAuthorityId.Length == 0 || Identifiers.IsAuthorityId(request.SubjectAuthorityId), "subject_authority_id", "Empty, or an authority id.");
        v.Require(request.Action.Length <= 64 && request.Action.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'), "action", "Empty, or an action such as referral.read.");
        v.Require(request.TargetType.Length <= 64 && request.TargetType.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'), "target_type", "Empty, or a target type such as referral.");
        v.Require(request.TargetId.Length <= 200 && !request.TargetId.Any(char.IsControl), "target_id", "Empty, or an id of at most 200 characters.");
        v.Require(request.ActorMemberId.Length == 0 || (request.ActorMemberId.Length == 18 && request.ActorMemberId.StartsWith("m-", StringComparison.Ordinal) && request.ActorMemberId[2..].All(char.IsAsciiHexDigitLower)),
            "actor_member_id", "Empty, or a member id: \"m-\" and 16 hexadecimal digits.");
        Paging.CheckPageSize(v, request.PageSize, 1000);
        var from = AdminRequestValidator.Time(v, request.StartTime, "start_time") ? request.StartTime?.ToDateTimeOffset() : null;
        var until = AdminRequestValidator.Time(v, request.EndTime, "end_time") ? request.EndTime?.ToDateTimeOffset() : null;
        // The order is in the token's kind, so that a token of one order is refused by the other.
        var kind = request.NewestFirst ? "audit-newest" : "audit";
        var after = Paging.DecodeSequence(v, kind, request.PageToken);
        v.ThrowIfAny();
        var filter = new AuditReader.Filter(request.ActorAuthorityId, from, until, request.NewestFirst)
        {
            SubjectAuthorityId = request.SubjectAuthorityId,
            Action = request.Action,
            TargetType = request.TargetType,
            TargetId = request.TargetId,
            ActorMemberId = request.ActorMemberId,
        };
        var (page, last) = await audit.ListAsync(filter, after, Paging.Size(request.PageSize, 100), context.CancellationToken);
        return new ListAuditEventsResponse
        {
            Events = { page.Select(e => e.ToProto()) },
            NextPageToken = last is null ? "" : Paging.Encode(kind, last.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
    }

    public override async Task<VerifyAuditLogResponse> VerifyAuditLog(VerifyAuditLogRequest request, ServerCallContext context)
    {
        var result = await verifier.VerifyAsync(context.CancellationToken);
        return new VerifyAuditLogResponse
        {
            Intact = result.Intact,
            EventsChecked = result.EventsChecked,
            FirstBrokenSequence = result.FirstBrokenSequence ?? 0,
            ChainProblem = result.ChainProblem ?? "",
            CheckpointsChecked = result.CheckpointsChecked,
            MismatchedCheckpoint = result.MismatchedCheckpoint?.ToProto(),
            CheckpointProblem = result.CheckpointProblem ?? "",
            LastCheckpoint = result.LastCheckpoint?.ToProto(),
            CheckpointPublicKeyPem = checkpoints.PublicKeyPem,
        };
    }

    public override async Task<ProposeCredentialChangeResponse> ProposeCredentialChange(ProposeCredentialChangeRequest request, ServerCallContext context)
    {
        var v = new FieldViolations();
        v.Require(Identifiers.IsAuthorityId(request.AuthorityId), "authority_id", "An authority id.");
        var key = AdminRequestValidator.Jwk(v, request.PublicJwk);
        AdminRequestValidator.Reason(v, request.Reason);
        v.ThrowIfAny();
        var change = await changes.ProposeAsync(request.AuthorityId, key!, request.RevokeExisting, request.Reason, context.GetCaller().AuthorityId, context.CancellationToken);
        return new ProposeCredentialChangeResponse { Change = change.ToProto(changes.IsExpired(change)) };
    }

    public override async Task<ApproveCredentialChangeResponse> ApproveCredentialChange(ApproveCredentialChangeRequest request, ServerCallContext context)
    {
        var v = new FieldViolations();
        AdminRequestValidator.Id(v, request.ChangeId, "change_id");
        AdminRequestValidator.Reason(v, request.Reason);
        v.ThrowIfAny();
        var (change, credential) = await changes.ApproveAsync(request.ChangeId, request.Reason, context.GetCaller().AuthorityId, context.CancellationToken);
        return new ApproveCredentialChangeResponse { Change = change.ToProto(expired: false), Credential = credential.ToProto() };
    }

    public override async Task<RejectCredentialChangeResponse> RejectCredentialChange(RejectCredentialChangeRequest request, ServerCallContext context)
    {
        var v = new FieldViolations();
        AdminRequestValidator.Id(v, request.ChangeId, "change_id");
        AdminRequestValidator.Reason(v, request.Reason);
        v.ThrowIfAny();
        var change = await changes.RejectAsync(request.ChangeId, request.Reason, context.GetCaller().AuthorityId, context.CancellationToken);
        return new RejectCredentialChangeResponse { Change = change.ToProto(expired: false) };
    }

    public override async Task<ListCredentialChangesResponse> ListCredentialChanges(ListCredentialChangesRequest request, ServerCallContext context)
    {
        var v = new FieldViolations();
        v.Require(request.AuthorityId.Length == 0 || Identifiers.IsAuthorityId(request.AuthorityId), "authority_id", "Empty, or an authority id.");
        Paging.CheckPageSize(v, request.PageSize, 1000);
        var after = Paging.DecodeTimeKey(v, "credential-changes", request.PageToken);
        v.ThrowIfAny();
        var (page, last) = await changes.ListAsync(request.AuthorityId, request.IncludeDecided, after, Paging.Size(request.PageSize, 100), context.CancellationToken);
        return new ListCredentialChangesResponse
        {
            Changes = { page.Select(c => c.ToProto(changes.IsExpired(c))) },
            NextPageToken = last is null ? "" : Paging.Encode("credential-changes", last),
        };
    }

    private static void ValidateIdAndReason(string authorityId, string reason)
    {
        var v = new FieldViolations();
        v.Require(Identifiers.IsAuthorityId(authorityId), "authority_id", "An authority id.");
        AdminRequestValidator.Reason(v, reason);
        v.ThrowIfAny();
    }
}
