using System.CommandLine;
using Exchange.V1;

namespace Exchange.Admin.Commands;

/// <summary>The people who act for an authority in the web app, by the person reference the web app showed them.</summary>
internal static class MemberCommands
{
    public static Command Build()
    {
        var command = new Command("member", "Register people as members of an authority with roles (case-worker, analyst, local-administrator, operator). A person is registered by the person reference the web app shows them, never by a personnummer.");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Roles());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Option<string[]> RoleOption()
    {
        var roles = new Option<string[]>("--role") { Description = string.Join(", ", Kinds.MemberRoleNames) + "; repeat for several.", Required = true, AllowMultipleArgumentsPerToken = true };
        roles.AcceptOnlyFromAmong(Kinds.MemberRoleNames);
        return roles;
    }

    private static Command Add()
    {
        var authority = new Argument<string>("authority-id") { Description = "The authority the person will act for." };
        var reference = new Option<string>("--person") { Description = "The person reference the web app showed the person (ABCDE-FGHIJ-KLMNO-PQRST).", Required = true };
        var name = new Option<string>("--name") { Description = "The person's name, as colleagues will see it.", Required = true };
        var roles = RoleOption();
        var command = new Command("add", "Register a person as a member of an authority.") { authority, reference, name, roles };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var response = await client.Members.AddMemberAsync(new AddMemberRequest
            {
                AuthorityId = parse.GetValue(authority)!,
                PersonReference = parse.GetValue(reference)!,
                DisplayName = parse.GetValue(name)!,
                Roles = { parse.GetValue(roles)!.Select(Kinds.ParseRole) },
            }, cancellationToken: ct);
            output.Write(response, w => w.WriteLine($"Registered {response.Member.DisplayName} as {RoleList(response.Member)} of {response.Member.AuthorityId} (member {response.Member.MemberId})."));
        });
        return command;
    }

    private static Command List()
    {
        var authority = new Argument<string>("authority-id") { Description = "The authority." };
        var command = new Command("list", "List an authority's members.") { authority };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var response = await client.Members.ListMembersAsync(new ListMembersRequest { AuthorityId = parse.GetValue(authority)! }, cancellationToken: ct);
            output.Write(response, _ => output.Table(["MEMBER", "NAME", "ROLES", "PERSON REFERENCE", "SINCE", "BY"],
                response.Members.Select(m => (IReadOnlyList<string>)[m.MemberId, m.DisplayName, RoleList(m), m.PersonReference, Tables.Time(m.CreatedAt),
                    m.CreatedByMemberId.Length > 0 ? $"{m.CreatedByAuthorityId} ({m.CreatedByMemberId})" : m.CreatedByAuthorityId])));
        });
        return command;
    }

    private static Command Roles()
    {
        var member = new Argument<string>("member-id") { Description = "The member (see 'member list')." };
        var roles = RoleOption();
        var command = new Command("roles", "Replace a member's roles; the person's current tokens end at once.") { member, roles };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var response = await client.Members.UpdateMemberRolesAsync(new UpdateMemberRolesRequest
            {
                MemberId = parse.GetValue(member)!,
                Roles = { parse.GetValue(roles)!.Select(Kinds.ParseRole) },
            }, cancellationToken: ct);
            output.Write(response, w => w.WriteLine($"{response.Member.DisplayName} is now {RoleList(response.Member)} of {response.Member.AuthorityId}."));
        });
        return command;
    }

    private static Command Remove()
    {
        var member = new Argument<string>("member-id") { Description = "The member (see 'member list')." };
        var command = new Command("remove", "End a membership; the person's current tokens end at once.") { member };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var response = await client.Members.RemoveMemberAsync(new RemoveMemberRequest { MemberId = parse.GetValue(member)! }, cancellationToken: ct);
            output.Write(response, w => w.WriteLine($"Removed member {parse.GetValue(member)}."));
        });
        return command;
    }

    private static string RoleList(Member member) => string.Join(", ", member.Roles.Select(Kinds.Name));
}
