using Exchange.Contracts;
using Exchange.Server.Authorization;
using Exchange.Server.Storage;
using Exchange.Server.Validation;
using Exchange.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Server.People;

/// <summary>MemberService on the wire: validates, calls <see cref="MemberAdministration"/>, maps back.</summary>
[BindServiceMethod(typeof(MemberGrpcService), nameof(BindService))]
public sealed class MemberGrpcService(MemberAdministration members) : MemberService.MemberServiceBase
{
    public static void BindService(ServiceBinderBase binder, MemberService.MemberServiceBase service) =>
        MemberService.BindService(new MalformedMessageBinder(binder), service);

    public override async Task<AddMemberResponse> AddMember(AddMemberRequest request, ServerCallContext context)
    {
        var v = new FieldViolations();
        v.Require(Identifiers.IsAuthorityId(request.AuthorityId), "authority_id", "An authority id: 3–63 characters of lower-case letters, digits and '-'.");
        var reference = PersonReference.Parse(request.PersonReference);
        v.Require(reference is not null, "person_reference", "The person reference the web app showed the person: 20 letters and digits, e.g. ABCDE-FGHIJ-KLMNO-PQRST.");
        v.Length(request.DisplayName, "display_name", 1, 200);
        v.Require(!Identifiers.ContainsPersonalIdentityNumber(request.DisplayName), "display_name", "Looks like it holds a personnummer: give the person's name only.");
        var roles = Roles(v, request.Roles);
        v.ThrowIfAny();
        var member = await members.AddAsync(context.GetCaller(), request.AuthorityId, reference!, request.DisplayName.Trim(), roles, context.CancellationToken);
        return new AddMemberResponse { Member = member.ToProto() };
    }

    public override async Task<ListMembersResponse> ListMembers(ListMembersRequest request, ServerCallContext context)
    {
        new FieldViolations().Require(Identifiers.IsAuthorityId(request.AuthorityId), "authority_id", "An authority id: 3–63 characters of lower-case letters, digits and '-'.").ThrowIfAny();
        var list = await members.ListAsync(context.GetCaller(), request.AuthorityId, context.CancellationToken);
        return new ListMembersResponse { Members = { list.Select(m => m.ToProto()) } };
    }

    public override async Task<UpdateMemberRolesResponse> UpdateMemberRoles(UpdateMemberRolesRequest request, ServerCallContext context)
    {
        var v = new FieldViolations();
        MemberId(v, request.MemberId);
        var roles = Roles(v, request.Roles);
        v.ThrowIfAny();
        var member = await members.UpdateRolesAsync(context.GetCaller(), request.MemberId, roles, context.CancellationToken);
        return new UpdateMemberRolesResponse { Member = member.ToProto() };
    }

    public override async Task<RemoveMemberResponse> RemoveMember(RemoveMemberRequest request, ServerCallContext context)
    {
        var v = new FieldViolations();
        MemberId(v, request.MemberId);
        v.ThrowIfAny();
        await members.RemoveAsync(context.GetCaller(), request.MemberId, context.CancellationToken);
        return new RemoveMemberResponse();
    }

    private static void MemberId(FieldViolations v, string id) =>
        v.Require(id.Length == 18 && id.StartsWith("m-", StringComparison.Ordinal) && id[2..].All(char.IsAsciiHexDigitLower), "member_id", "A member id: \"m-\" and 16 hexadecimal digits.");

    private static List<MemberRoleKind> Roles(FieldViolations v, IEnumerable<MemberRole> roles)
    {
        var mapped = roles.Select(MemberMapping.ToStored).ToList();
        v.Require(mapped.Count > 0, "roles", "At least one role.");
        v.Require(mapped.All(r => r is not null), "roles", "Roles are CASE_WORKER, ANALYST, LOCAL_ADMINISTRATOR or OPERATOR.");
        return [.. mapped.OfType<MemberRoleKind>().Distinct().Order()];
    }
}

public static class MemberMapping
{
    public static MemberRoleKind? ToStored(MemberRole role) => role switch
    {
        MemberRole.CaseWorker => MemberRoleKind.CaseWorker,
        MemberRole.Analyst => MemberRoleKind.Analyst,
        MemberRole.LocalAdministrator => MemberRoleKind.LocalAdministrator,
        MemberRole.Operator => MemberRoleKind.Operator,
        _ => null,
    };

    public static MemberRole ToWire(MemberRoleKind role) => role switch
    {
        MemberRoleKind.CaseWorker => MemberRole.CaseWorker,
        MemberRoleKind.Analyst => MemberRole.Analyst,
        MemberRoleKind.LocalAdministrator => MemberRole.LocalAdministrator,
        MemberRoleKind.Operator => MemberRole.Operator,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "A stored role the contract has no name for."),
    };

    public static Member ToProto(this MemberEntity m) => new()
    {
        MemberId = m.Id,
        AuthorityId = m.AuthorityId,
        PersonReference = PersonReference.Format(m.PersonReference),
        DisplayName = m.DisplayName,
        Roles = { m.Roles.Select(ToWire) },
        CreatedAt = Timestamp.FromDateTimeOffset(m.CreatedAt),
        CreatedByAuthorityId = m.CreatedByAuthorityId,
        CreatedByMemberId = m.CreatedByMemberId,
    };
}
