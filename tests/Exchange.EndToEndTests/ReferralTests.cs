using System.Text;
using Exchange.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using static Exchange.EndToEndTests.ReferralTestData;

namespace Exchange.EndToEndTests;

/// <summary>Referrals through the client on the real server: consent enforced, data for the recipient only, the lifecycle as receipts.</summary>
[Collection(SharedServer.Name)]
public class ReferralTests(ExchangeServer server)
{
    private static IEnumerable<string> Fields(RpcException e) => e.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field);

    /// <summary>No personal value of the test referral appears in the error.</summary>
    private static void NamesNoPersonalData(RpcException e)
    {
        var text = e.Status.Detail + string.Join(" ", e.Trailers.Select(t => t.IsBinary ? Encoding.UTF8.GetString(t.ValueBytes) : t.Value));
        foreach (var value in new[] { Personnummer, "8112189876", GivenName, FamilyName, Phone, Message[..20] })
        {
            Assert.DoesNotContain(value, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_recipient_reads_the_person_the_sender_sees_receipts_and_only_the_recipient_moves_it()
    {
        var (police, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "referrals.send");
        var (kramfors, kramforsId) = await server.NewRecipientAsync(AuthorityKind.Municipality, AuthorityKind.Police);
        using var _ = police;
        using var __ = kramfors;

        var sent = (await police.Referrals.SendReferralAsync(Referral(kramforsId, DateTimeOffset.UtcNow))).Referral;
        Assert.Equal((ReferralStatus.Requested, kramforsId), (sent.Status, sent.RecipientAuthorityId));

        var inbox = await kramfors.Referrals.ListReferralsAsync(new ListReferralsRequest { Box = ReferralBox.Inbox });
        Assert.Equal(sent.Id, Assert.Single(inbox.Referrals).Id);
        var read = (await kramfors.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = sent.Id })).Referral;
        Assert.Equal((Personnummer, GivenName, Phone, Message), (read.Subject.Identifier, read.Subject.GivenName, read.Subject.Contact.Phone, read.Message));
        Assert.Equal(ReferralStatus.Received, read.Summary.Status);

        // The sender: the status and each change as a receipt, never the person.
        var seenBySender = await police.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = sent.Id });
        Assert.Null(seenBySender.Referral.Subject);
        Assert.Equal("", seenBySender.Referral.Message);
        Assert.Equal([ReferralStatus.Received], seenBySender.Receipts.Select(r => r.Status));
        var moved = await RpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await police.Referrals.UpdateReferralStatusAsync(
            new UpdateReferralStatusRequest { RequestId = "x1", ReferralId = sent.Id, Status = ReferralStatus.Accepted }));

        await kramfors.Referrals.UpdateReferralStatusAsync(new UpdateReferralStatusRequest { RequestId = "a1", ReferralId = sent.Id, Status = ReferralStatus.Accepted });
        // A retry of the same change is no new change.
        await kramfors.Referrals.UpdateReferralStatusAsync(new UpdateReferralStatusRequest { RequestId = "a1", ReferralId = sent.Id, Status = ReferralStatus.Accepted });
        await kramfors.Referrals.UpdateReferralStatusAsync(new UpdateReferralStatusRequest { RequestId = "c1", ReferralId = sent.Id, Status = ReferralStatus.Completed });
        var backwards = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await kramfors.Referrals.UpdateReferralStatusAsync(
            new UpdateReferralStatusRequest { RequestId = "r1", ReferralId = sent.Id, Status = ReferralStatus.Rejected, RejectionReason = RejectionReason.NoCapacity }));

        var receipts = (await police.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = sent.Id })).Receipts;
        Assert.Equal([ReferralStatus.Received, ReferralStatus.Accepted, ReferralStatus.Completed], receipts.Select(r => r.Status));
        Assert.True(receipts.Zip(receipts.Skip(1)).All(p => p.First.Time <= p.Second.Time));
        var outbox = await police.Referrals.ListReferralsAsync(new ListReferralsRequest { Box = ReferralBox.Outbox, Status = ReferralStatus.Completed });
        Assert.Equal(sent.Id, Assert.Single(outbox.Referrals).Id);
        Assert.Contains("STATUS_TRANSITION", backwards.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations.Single().Type);
    }

    [Fact]
    public async Task Each_party_reads_who_saw_and_moved_its_referral_and_no_one_else_does()
    {
        var (police, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "referrals.send");
        var (kramfors, kramforsId) = await server.NewRecipientAsync(AuthorityKind.Municipality, AuthorityKind.Police);
        var (other, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "referrals.send");
        using var _ = police;
        using var __ = kramfors;
        using var ___ = other;
        var sent = (await police.Referrals.SendReferralAsync(Referral(kramforsId, DateTimeOffset.UtcNow))).Referral;
        await kramfors.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = sent.Id });
        await kramfors.Referrals.UpdateReferralStatusAsync(new UpdateReferralStatusRequest { RequestId = "a", ReferralId = sent.Id, Status = ReferralStatus.Accepted });

        // The sender answers the person's question: who has seen it, and when.
        var trail = (await police.Referrals.ListReferralAuditEventsAsync(new ListReferralAuditEventsRequest { ReferralId = sent.Id })).Events;
        Assert.Equal(["referral.accepted", "referral.received", "referral.read", "referral.sent"], trail.Select(e => e.Action));
        Assert.Equal(kramforsId, trail.Single(e => e.Action == "referral.read").ActorAuthorityId);
        Assert.All(trail, e => Assert.Equal(sent.Id, e.TargetId));
        var recipientTrail = (await kramfors.Referrals.ListReferralAuditEventsAsync(new ListReferralAuditEventsRequest { ReferralId = sent.Id })).Events;
        Assert.Equal(trail.Select(e => e.Sequence), recipientTrail.Select(e => e.Sequence));
        Assert.Contains((await police.Referrals.ListReferralAuditEventsAsync(new ListReferralAuditEventsRequest())).Events, e => e.TargetId == sent.Id);

        // Anyone else: not their referral, and nothing of it in their own trail; the operator has no such scope.
        await RpcAssert.FailsWith(StatusCode.NotFound, async () => await other.Referrals.ListReferralAuditEventsAsync(new ListReferralAuditEventsRequest { ReferralId = sent.Id }));
        Assert.DoesNotContain((await other.Referrals.ListReferralAuditEventsAsync(new ListReferralAuditEventsRequest())).Events, e => e.TargetId == sent.Id);
        using var admin = server.Operator();
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await admin.Referrals.ListReferralAuditEventsAsync(new ListReferralAuditEventsRequest { ReferralId = sent.Id }));
        var bad = await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await police.Referrals.ListReferralAuditEventsAsync(new ListReferralAuditEventsRequest { ReferralId = "x' OR 1=1" }));
        Assert.Equal(["referral_id"], Fields(bad));
    }

    [Fact]
    public async Task A_rejection_carries_a_reason_code_and_needs_one()
    {
        var (police, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "referrals.send");
        var (shelter, shelterId) = await server.NewRecipientAsync(AuthorityKind.Shelter, AuthorityKind.Police);
        using var _ = police;
        using var __ = shelter;
        var sent = (await police.Referrals.SendReferralAsync(Referral(shelterId, DateTimeOffset.UtcNow))).Referral;
        await shelter.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = sent.Id });

        var unexplained = await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await shelter.Referrals.UpdateReferralStatusAsync(
            new UpdateReferralStatusRequest { RequestId = "r1", ReferralId = sent.Id, Status = ReferralStatus.Rejected }));
        Assert.Equal(["rejection_reason"], Fields(unexplained));
        await shelter.Referrals.UpdateReferralStatusAsync(new UpdateReferralStatusRequest { RequestId = "r1", ReferralId = sent.Id, Status = ReferralStatus.Rejected, RejectionReason = RejectionReason.NoCapacity });

        var receipt = (await police.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = sent.Id })).Receipts.Last();
        Assert.Equal((ReferralStatus.Rejected, RejectionReason.NoCapacity), (receipt.Status, receipt.RejectionReason));
    }

    [Fact]
    public async Task A_request_id_sends_once_even_under_concurrent_retries_and_refuses_other_content()
    {
        var (police, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "referrals.send");
        var (kramfors, kramforsId) = await server.NewRecipientAsync(AuthorityKind.Municipality, AuthorityKind.Police);
        using var _ = police;
        using var __ = kramfors;
        var request = Referral(kramforsId, DateTimeOffset.UtcNow);

        var sent = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => police.Referrals.SendReferralAsync(request).ResponseAsync));
        Assert.Single(sent.Select(s => s.Referral.Id).Distinct());
        Assert.Single((await kramfors.Referrals.ListReferralsAsync(new ListReferralsRequest { Box = ReferralBox.Inbox })).Referrals);

        var other = request.Clone();
        other.Message = "Ett annat meddelande.";
        var conflict = await RpcAssert.FailsWith(StatusCode.AlreadyExists, async () => await police.Referrals.SendReferralAsync(other));
        NamesNoPersonalData(conflict);
    }

    [Fact]
    public async Task An_unlawful_referral_is_refused_field_by_field_without_echoing_personal_data()
    {
        var (police, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "referrals.send");
        var (kramfors, kramforsId) = await server.NewRecipientAsync(AuthorityKind.Municipality, AuthorityKind.Police);
        using var _ = police;
        using var __ = kramfors;
        var now = DateTimeOffset.UtcNow;

        async Task<RpcException> Refused(Action<SendReferralRequest> change, params string[] fields)
        {
            var request = Referral(kramforsId, now);
            change(request);
            var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await police.Referrals.SendReferralAsync(request));
            Assert.Equal(fields, Fields(error));
            NamesNoPersonalData(error);
            return error;
        }

        await Refused(r => r.Consent.ExpireTime = Timestamp.FromDateTimeOffset(now.AddMinutes(-1)), "consent.expire_time");
        await Refused(r => r.Consent.ExpireTime = Timestamp.FromDateTimeOffset(now.AddDays(400)), "consent.expire_time");
        await Refused(r => r.Consent.GivenTime = Timestamp.FromDateTimeOffset(now.AddHours(2)), "consent.given_time");
        await Refused(r => r.Consent.RecipientAuthorityId = "sundsvall-kommun", "consent.recipient_authority_id");
        await Refused(r => r.Consent.DataCategories.Remove(DataCategory.Contact), "consent.data_categories");
        await Refused(r => { r.Consent.DocumentedBy = ""; r.Consent.Purpose = ""; r.Consent.Method = ConsentMethod.Unspecified; },
            "consent.method", "consent.documented_by", "consent.purpose");
        await Refused(r => r.Consent = null, "consent");
        await Refused(r => r.Consent.Grantor = ConsentGrantor.Guardian, "consent.grantor");
        await Refused(r => r.Subject.Identifier = Personnummer[..11] + "0", "subject.identifier");
        await Refused(r => r.Subject.ProtectionLevel = ProtectionLevel.SkyddadFolkbokforing, "subject.contact");
        await Refused(r => r.Subject.ProtectionLevel = ProtectionLevel.Unspecified, "subject.protection_level");
        await Refused(r => r.ReasonCategory = ReasonCategory.Unspecified, "reason_category");

        // Under skyddad folkbokföring, without contact details, and for a child with a guardian's consent: sent.
        var protectedChild = Referral(kramforsId, now);
        protectedChild.Subject.Identifier = ChildPersonnummer;
        protectedChild.Subject.ProtectionLevel = ProtectionLevel.SkyddadFolkbokforing;
        protectedChild.Subject.Contact = null;
        protectedChild.Consent.Grantor = ConsentGrantor.Guardian;
        protectedChild.Consent.DataCategories.Remove(DataCategory.Contact);
        await police.Referrals.SendReferralAsync(protectedChild);
        Assert.Single((await kramfors.Referrals.ListReferralsAsync(new ListReferralsRequest { Box = ReferralBox.Inbox })).Referrals);
    }

    [Fact]
    public async Task A_recipient_that_cannot_receive_or_does_not_take_the_senders_kind_is_refused()
    {
        var (police, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "referrals.send");
        var (onlyRegion, onlyRegionId) = await server.NewRecipientAsync(AuthorityKind.Shelter, AuthorityKind.Region);
        var (noGrant, noGrantId) = await server.NewAuthorityAsync(AuthorityKind.Shelter);
        using var _ = police;
        using var __ = onlyRegion;
        using var ___ = noGrant;
        var now = DateTimeOffset.UtcNow;

        var kind = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await police.Referrals.SendReferralAsync(Referral(onlyRegionId, now)));
        var grant = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await police.Referrals.SendReferralAsync(Referral(noGrantId, now)));
        await RpcAssert.FailsWith(StatusCode.NotFound, async () => await police.Referrals.SendReferralAsync(Referral("no-such-authority", now)));

        Assert.Equal("SENDER_KIND_NOT_ACCEPTED", kind.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations.Single().Type);
        Assert.Equal("RECIPIENT_CANNOT_RECEIVE", grant.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations.Single().Type);
        NamesNoPersonalData(kind);
    }

    [Fact]
    public async Task Nobody_but_the_recipient_reads_a_referral_and_no_one_else_sees_it_at_all()
    {
        var (police, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "referrals.send");
        var (kramfors, kramforsId) = await server.NewRecipientAsync(AuthorityKind.Municipality, AuthorityKind.Police);
        var (other, _) = await server.NewRecipientAsync(AuthorityKind.Municipality, AuthorityKind.Police);
        var (county, _) = await server.NewAuthorityInAsync(AuthorityKind.County, ["22"], "statistics.read");
        using var _ = police;
        using var __ = kramfors;
        using var ___ = other;
        using var ____ = county;
        using var admin = server.Operator();
        var sent = (await police.Referrals.SendReferralAsync(Referral(kramforsId, DateTimeOffset.UtcNow))).Referral;

        await RpcAssert.FailsWith(StatusCode.NotFound, async () => await other.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = sent.Id }));
        await RpcAssert.FailsWith(StatusCode.NotFound, async () => await other.Referrals.WithdrawConsentAsync(new WithdrawConsentRequest { RequestId = "w", ReferralId = sent.Id }));
        Assert.Empty((await other.Referrals.ListReferralsAsync(new ListReferralsRequest { Box = ReferralBox.Inbox })).Referrals);
        foreach (var outsider in new[] { county, admin })
        {
            await RpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await outsider.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = sent.Id }));
            await RpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await outsider.Referrals.ListReferralsAsync(new ListReferralsRequest { Box = ReferralBox.Inbox }));
        }
        // The read is audited, with who, for the sender to see.
        await kramfors.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = sent.Id });
        var events = (await admin.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { ActorAuthorityId = kramforsId, PageSize = 100 })).Events;
        Assert.Contains(events, e => e.Action == "referral.read" && e.TargetId == sent.Id);
    }

    [Fact]
    public async Task Watching_from_a_cursor_delivers_every_event_missed_in_order_once()
    {
        var (police, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "referrals.send");
        var (kramfors, kramforsId) = await server.NewRecipientAsync(AuthorityKind.Municipality, AuthorityKind.Police);
        using var _ = police;
        using var __ = kramfors;
        var now = DateTimeOffset.UtcNow;
        var first = (await police.Referrals.SendReferralAsync(Referral(kramforsId, now))).Referral;

        async Task<List<WatchReferralsResponse>> Watch(Exchange.Client.ExchangeClient client, string cursor, int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            using var call = client.Referrals.WatchReferrals(new WatchReferralsRequest { Cursor = cursor }, cancellationToken: timeout.Token);
            var events = new List<WatchReferralsResponse>();
            while (events.Count < count && await call.ResponseStream.MoveNext(timeout.Token))
            {
                events.Add(call.ResponseStream.Current);
            }
            return events;
        }

        // The cursor is opaque to clients; read here only to show what it does not reveal.
        static long Position(string cursor)
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor.Replace('-', '+').Replace('_', '/').PadRight((cursor.Length + 3) / 4 * 4, '=')));
            return long.Parse(text[(text.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }

        var seen = await Watch(kramfors, "", 1);
        Assert.Equal((ReferralEventType.Received, first.Id), (seen[0].Type, seen[0].Referral.Id));
        // While the recipient is away: two more referrals, and other authorities exchange theirs.
        var (otherSender, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "referrals.send");
        var (otherRecipient, otherRecipientId) = await server.NewRecipientAsync(AuthorityKind.Municipality, AuthorityKind.Police);
        using var ___ = otherSender;
        using var ____ = otherRecipient;
        var second = (await police.Referrals.SendReferralAsync(Referral(kramforsId, now))).Referral;
        for (var i = 0; i < 3; i++)
        {
            await otherSender.Referrals.SendReferralAsync(Referral(otherRecipientId, now));
        }
        var third = (await police.Referrals.SendReferralAsync(Referral(kramforsId, now))).Referral;
        var missed = await Watch(kramfors, seen[0].Cursor, 2);
        Assert.Equal([second.Id, third.Id], missed.Select(e => e.Referral.Id));
        // Numbered in the recipient's own stream: the other authorities' referrals leave no gap to count.
        Assert.Equal([Position(seen[0].Cursor) + 1, Position(seen[0].Cursor) + 2], missed.Select(e => Position(e.Cursor)));
        // A new event arriving while watching.
        var watching = Watch(kramfors, missed[1].Cursor, 1);
        var fourth = (await police.Referrals.SendReferralAsync(Referral(kramforsId, now))).Referral;
        Assert.Equal(fourth.Id, Assert.Single(await watching).Referral.Id);

        // The sender's receipts.
        await kramfors.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = first.Id });
        var receipt = Assert.Single(await Watch(police, "", 1));
        Assert.Equal((ReferralEventType.StatusChanged, first.Id, ReferralStatus.Received), (receipt.Type, receipt.Referral.Id, receipt.Referral.Status));
        Assert.Equal(1, Position(receipt.Cursor));

        var bad = await RpcAssert.FailsWith(StatusCode.InvalidArgument, () => Watch(kramfors, "not-a-cursor", 1));
        Assert.Equal(["cursor"], Fields(bad));
    }

    [Fact]
    public async Task Concurrent_changes_and_a_withdrawal_never_both_pass_one_check()
    {
        var (police, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "referrals.send");
        var (kramfors, kramforsId) = await server.NewRecipientAsync(AuthorityKind.Municipality, AuthorityKind.Police);
        using var _ = police;
        using var __ = kramfors;
        async Task<bool> Succeeds(Func<Task> call)
        {
            try
            {
                await call();
                return true;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
            {
                return false;
            }
        }

        for (var i = 0; i < 8; i++)
        {
            // Accept and reject at once: exactly one wins, and the receipts stay a lawful path.
            var sent = (await police.Referrals.SendReferralAsync(Referral(kramforsId, DateTimeOffset.UtcNow))).Referral;
            await kramfors.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = sent.Id });
            var moves = await Task.WhenAll(
                Task.Run(() => Succeeds(async () => await kramfors.Referrals.UpdateReferralStatusAsync(new UpdateReferralStatusRequest { RequestId = "a", ReferralId = sent.Id, Status = ReferralStatus.Accepted }))),
                Task.Run(() => Succeeds(async () => await kramfors.Referrals.UpdateReferralStatusAsync(new UpdateReferralStatusRequest { RequestId = "r", ReferralId = sent.Id, Status = ReferralStatus.Rejected, RejectionReason = RejectionReason.NoCapacity }))));
            Assert.Single(moves, m => m);
            Assert.Equal(2, (await police.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = sent.Id })).Receipts.Count);

            // A withdrawal racing a read and a change: the referral ends revoked, and a read either came
            // before the withdrawal (no tombstone with it) or was refused.
            var other = (await police.Referrals.SendReferralAsync(Referral(kramforsId, DateTimeOffset.UtcNow))).Referral;
            var read = Task.Run(async () =>
            {
                try
                {
                    return (await kramfors.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = other.Id })).Referral;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
                {
                    return null;
                }
            });
            var withdraw = Task.Run(async () => await police.Referrals.WithdrawConsentAsync(new WithdrawConsentRequest { RequestId = "w", ReferralId = other.Id }));
            var accept = Task.Run(() => Succeeds(async () => await kramfors.Referrals.UpdateReferralStatusAsync(new UpdateReferralStatusRequest { RequestId = "a", ReferralId = other.Id, Status = ReferralStatus.Received })));
            await Task.WhenAll(read, withdraw, accept);
            if (await read is { } content)
            {
                Assert.Null(content.Summary.EraseTime);
            }
            Assert.Equal(ReferralStatus.Revoked, (await police.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = other.Id })).Referral.Summary.Status);
        }
    }

    [Fact]
    public async Task A_request_id_shaped_like_a_personnummer_is_refused_it_outlives_the_data()
    {
        var (police, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "referrals.send");
        var (kramfors, kramforsId) = await server.NewRecipientAsync(AuthorityKind.Municipality, AuthorityKind.Police);
        using var _ = police;
        using var __ = kramfors;
        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await police.Referrals.SendReferralAsync(Referral(kramforsId, DateTimeOffset.UtcNow, requestId: Personnummer)));
        Assert.Equal(["request_id"], Fields(error));
        NamesNoPersonalData(error);
    }
}
