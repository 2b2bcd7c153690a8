using Exchange.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Client.Tests;

/// <summary>The helpers of <see cref="ReferralClientExtensions"/> that make one unary call each, and the list that follows pages.</summary>
public class ReferralRequestHelpersTests
{
    private readonly FakeReferralInvoker server = new();

    [Fact]
    public async Task SendAsync_sends_one_request_with_the_arguments_and_a_uuid_request_id_and_returns_the_stored_summary()
    {
        var subject = Subject();
        var consent = Consent();

        var sent = await server.Client.SendAsync("kramfors-kommun", subject, ReasonCategory.IntimatePartnerViolence, "Reachable in the mornings.", consent);

        var request = Assert.Single(server.Sent<SendReferralRequest>());
        Assert.True(Guid.TryParse(request.RequestId, out _));
        Assert.Equal("kramfors-kommun", request.RecipientAuthorityId);
        Assert.Equal(subject, request.Subject);
        Assert.Equal(ReasonCategory.IntimatePartnerViolence, request.ReasonCategory);
        Assert.Equal("Reachable in the mornings.", request.Message);
        Assert.Equal(consent, request.Consent);
        Assert.Equal(("r-sent", ReferralStatus.Requested), (sent.Id, sent.Status));
    }

    public static TheoryData<string> Writes() => ["send", "mark-received", "accept", "reject", "complete", "withdraw"];

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Every_write_gets_a_fresh_uuid_request_id_per_call_unless_one_is_given_which_is_sent_unchanged(string helper)
    {
        await Write(helper, null);
        await Write(helper, null);
        await Write(helper, "vof-2026-0412_b");

        var ids = server.Requests.Select(RequestIdOf).ToList();
        Assert.Equal(3, ids.Count);
        Assert.True(Guid.TryParse(ids[0], out _));
        Assert.True(Guid.TryParse(ids[1], out _));
        Assert.NotEqual(ids[0], ids[1]);
        Assert.Equal("vof-2026-0412_b", ids[2]);
    }

    [Theory]
    [InlineData("mark-received", ReferralStatus.Received, RejectionReason.Unspecified)]
    [InlineData("accept", ReferralStatus.Accepted, RejectionReason.Unspecified)]
    [InlineData("reject", ReferralStatus.Rejected, RejectionReason.NoCapacity)]
    [InlineData("complete", ReferralStatus.Completed, RejectionReason.Unspecified)]
    public async Task Each_status_helper_makes_one_UpdateReferralStatus_call_with_its_status_and_only_a_rejection_carrying_a_reason(
        string helper, ReferralStatus status, RejectionReason reason)
    {
        await Write(helper, null);

        var request = Assert.Single(server.Requests);
        var update = Assert.IsType<UpdateReferralStatusRequest>(request);
        Assert.Equal(("r-1", status, reason), (update.ReferralId, update.Status, update.RejectionReason));
    }

    [Fact]
    public async Task Status_helpers_return_the_referral_as_the_server_answered_after_the_change()
    {
        var rejected = await server.Client.RejectAsync("r-1", RejectionReason.OutsideMandate);

        Assert.Equal(("r-1", ReferralStatus.Rejected, RejectionReason.OutsideMandate), (rejected.Id, rejected.Status, rejected.RejectionReason));
    }

    [Fact]
    public async Task WithdrawAsync_sends_the_withdraw_time_when_given_leaves_it_unset_otherwise_and_returns_the_tombstone()
    {
        var withdrawn = new DateTimeOffset(2026, 3, 1, 14, 30, 0, TimeSpan.FromHours(1));

        var tombstone = await server.Client.WithdrawAsync("r-1", withdrawn);
        await server.Client.WithdrawAsync("r-2");

        var requests = server.Sent<WithdrawConsentRequest>().ToList();
        Assert.Equal(["r-1", "r-2"], requests.Select(r => r.ReferralId));
        Assert.Equal(Timestamp.FromDateTimeOffset(withdrawn), requests[0].WithdrawTime);
        Assert.Null(requests[1].WithdrawTime);
        Assert.Equal(ReferralStatus.Revoked, tombstone.Status);
        Assert.Equal(FakeReferralInvoker.Erased, tombstone.EraseTime.ToDateTimeOffset());
    }

    [Fact]
    public async Task OpenAsync_asks_for_the_referral_by_id_and_returns_the_whole_answer_with_its_receipts()
    {
        var opened = await server.Client.OpenAsync("r-7");

        Assert.Equal("r-7", Assert.Single(server.Sent<GetReferralRequest>()).ReferralId);
        Assert.Equal("r-7", opened.Referral.Summary.Id);
        Assert.Equal("the message", opened.Referral.Message);
        Assert.Equal(ReferralStatus.Received, Assert.Single(opened.Receipts).Status);
    }

    [Fact]
    public async Task ListAllAsync_follows_the_page_tokens_across_pages_and_stops_at_an_empty_token()
    {
        server.Pages[""] = Page("p2", "r-5", "r-4");
        server.Pages["p2"] = Page("p3", "r-3");
        server.Pages["p3"] = Page("", "r-2", "r-1");
        // Never asked for: the empty token on p3 ends the listing.
        server.Pages["p4"] = Page("", "r-0");

        var referrals = await server.Client.ListAllAsync(ReferralBox.Inbox, ReferralStatus.Requested, pageSize: 2).ToListAsync();

        Assert.Equal(["r-5", "r-4", "r-3", "r-2", "r-1"], referrals.Select(r => r.Id));
        var requests = server.Sent<ListReferralsRequest>().ToList();
        Assert.Equal(["", "p2", "p3"], requests.Select(r => r.PageToken));
        Assert.All(requests, r => Assert.Equal((ReferralBox.Inbox, ReferralStatus.Requested, 2), (r.Box, r.Status, r.PageSize)));
    }

    [Fact]
    public async Task ListAllAsync_asks_for_the_next_page_only_when_the_previous_one_is_used_up()
    {
        server.Pages[""] = Page("p2", "r-3", "r-2");
        server.Pages["p2"] = Page("", "r-1");

        var listing = server.Client.ListAllAsync(ReferralBox.Outbox);
        Assert.Equal(0, server.Calls);
        await using var referrals = listing.GetAsyncEnumerator();
        Assert.Equal(0, server.Calls);
        Assert.True(await referrals.MoveNextAsync());
        Assert.Equal(1, server.Calls);
        Assert.True(await referrals.MoveNextAsync());
        Assert.Equal(1, server.Calls);
        Assert.True(await referrals.MoveNextAsync());
        Assert.Equal("r-1", referrals.Current.Id);
        Assert.Equal(2, server.Calls);
        Assert.False(await referrals.MoveNextAsync());
        Assert.Equal(2, server.Calls);
    }

    [Fact]
    public async Task A_page_that_fails_is_thrown_from_the_enumeration_after_the_referrals_of_the_pages_before_it()
    {
        // The fake knows no page "p2": it answers INVALID_ARGUMENT, as the server does for a bad page_token.
        server.Pages[""] = Page("p2", "r-3", "r-2");
        var read = new List<string>();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var referral in server.Client.ListAllAsync(ReferralBox.Outbox))
            {
                read.Add(referral.Id);
            }
        });

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["r-3", "r-2"], read);
        Assert.Equal(2, server.Calls);
    }

    [Theory]
    [InlineData(StatusCode.FailedPrecondition)]
    [InlineData(StatusCode.NotFound)]
    [InlineData(StatusCode.Unavailable)]
    public async Task A_refusal_is_thrown_as_the_server_said_after_a_single_call(StatusCode code)
    {
        // Retries are the channel's: the helper itself calls once.
        server.Failures.Enqueue(new RpcException(new Status(code, "refused")));

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Client.AcceptAsync("r-1"));

        Assert.Equal(code, error.StatusCode);
        Assert.Equal(1, server.Calls);
    }

    [Fact]
    public async Task Null_or_empty_arguments_and_malformed_request_ids_throw_before_any_call_is_made()
    {
        var client = server.Client;
        var (subject, consent, reason) = (Subject(), Consent(), ReasonCategory.FamilyViolence);

        await Assert.ThrowsAsync<ArgumentNullException>("recipientAuthorityId", () => client.SendAsync(null!, subject, reason, "m", consent));
        await Assert.ThrowsAsync<ArgumentException>("recipientAuthorityId", () => client.SendAsync("", subject, reason, "m", consent));
        await Assert.ThrowsAsync<ArgumentNullException>("subject", () => client.SendAsync("kramfors-kommun", null!, reason, "m", consent));
        await Assert.ThrowsAsync<ArgumentException>("reasonCategory", () => client.SendAsync("kramfors-kommun", subject, ReasonCategory.Unspecified, "m", consent));
        await Assert.ThrowsAsync<ArgumentNullException>("message", () => client.SendAsync("kramfors-kommun", subject, reason, null!, consent));
        await Assert.ThrowsAsync<ArgumentNullException>("consent", () => client.SendAsync("kramfors-kommun", subject, reason, "m", null!));
        await Assert.ThrowsAsync<ArgumentException>("requestId", () => client.SendAsync("kramfors-kommun", subject, reason, "m", consent, requestId: ""));
        await Assert.ThrowsAsync<ArgumentException>("requestId", () => client.SendAsync("kramfors-kommun", subject, reason, "m", consent, requestId: "case 4711"));
        await Assert.ThrowsAsync<ArgumentException>("requestId", () => client.SendAsync("kramfors-kommun", subject, reason, "m", consent, requestId: new string('a', 65)));

        await Assert.ThrowsAsync<ArgumentNullException>("referralId", () => client.OpenAsync(null!));
        await Assert.ThrowsAsync<ArgumentException>("referralId", () => client.OpenAsync(""));
        await Assert.ThrowsAsync<ArgumentException>("referralId", () => client.MarkReceivedAsync(""));
        await Assert.ThrowsAsync<ArgumentException>("referralId", () => client.AcceptAsync(""));
        await Assert.ThrowsAsync<ArgumentException>("referralId", () => client.RejectAsync("", RejectionReason.Duplicate));
        await Assert.ThrowsAsync<ArgumentException>("reason", () => client.RejectAsync("r-1", RejectionReason.Unspecified));
        await Assert.ThrowsAsync<ArgumentException>("referralId", () => client.CompleteAsync(""));
        await Assert.ThrowsAsync<ArgumentException>("requestId", () => client.CompleteAsync("r-1", requestId: "ärende-1"));
        await Assert.ThrowsAsync<ArgumentNullException>("referralId", () => client.WithdrawAsync(null!));
        await Assert.ThrowsAsync<ArgumentException>("requestId", () => client.WithdrawAsync("r-1", requestId: "a/b"));

        await Assert.ThrowsAsync<ArgumentNullException>("client", () => ((ReferralService.ReferralServiceClient)null!).AcceptAsync("r-1"));

        Assert.Equal(0, server.Calls);
    }

    [Fact]
    public void ListAllAsync_refuses_an_unspecified_box_or_a_page_size_out_of_range_when_called_not_when_enumerated()
    {
        Assert.Throws<ArgumentException>("box", () => server.Client.ListAllAsync(ReferralBox.Unspecified));
        Assert.Throws<ArgumentOutOfRangeException>("pageSize", () => server.Client.ListAllAsync(ReferralBox.Inbox, pageSize: -1));
        Assert.Throws<ArgumentOutOfRangeException>("pageSize", () => server.Client.ListAllAsync(ReferralBox.Inbox, pageSize: ReferralClientExtensions.MaxPageSize + 1));
        _ = server.Client.ListAllAsync(ReferralBox.Inbox, pageSize: ReferralClientExtensions.MaxPageSize);

        Assert.Equal(0, server.Calls);
    }

    private Task<ReferralSummary> Write(string helper, string? requestId) => helper switch
    {
        "send" => server.Client.SendAsync("kramfors-kommun", Subject(), ReasonCategory.HonourRelatedViolence, "", Consent(), requestId),
        "mark-received" => server.Client.MarkReceivedAsync("r-1", requestId),
        "accept" => server.Client.AcceptAsync("r-1", requestId),
        "reject" => server.Client.RejectAsync("r-1", RejectionReason.NoCapacity, requestId),
        "complete" => server.Client.CompleteAsync("r-1", requestId),
        "withdraw" => server.Client.WithdrawAsync("r-1", requestId: requestId),
        _ => throw new ArgumentOutOfRangeException(nameof(helper)),
    };

    private static string RequestIdOf(IMessage request) =>
        (string)request.Descriptor.FindFieldByName("request_id").Accessor.GetValue(request);

    private static ListReferralsResponse Page(string nextPageToken, params string[] ids) => new()
    {
        Referrals = { ids.Select(id => FakeReferralInvoker.Summary(id, ReferralStatus.Requested)) },
        NextPageToken = nextPageToken,
    };

    private static Subject Subject() => new()
    {
        IdentifierType = IdentifierType.ReserveId,
        Identifier = "R12345",
        GivenName = "Test",
        FamilyName = "Person",
        ProtectionLevel = ProtectionLevel.SkyddadFolkbokforing,
    };

    private static Consent Consent() => new()
    {
        Grantor = ConsentGrantor.Subject,
        GivenTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 2, 1, 10, 0, 0, TimeSpan.Zero)),
        Method = ConsentMethod.Written,
        DocumentedBy = "handlaggare-17",
        DataCategories = { DataCategory.Identity, DataCategory.CaseDescription },
        Purpose = "Support from the social services.",
        RecipientAuthorityId = "kramfors-kommun",
        ExpireTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 8, 1, 10, 0, 0, TimeSpan.Zero)),
    };
}
