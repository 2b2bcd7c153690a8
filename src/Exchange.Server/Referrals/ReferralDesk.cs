using System.Security.Cryptography;
using Exchange.Contracts;
using Exchange.Server.Audit;
using Exchange.Server.Authorization;
using Exchange.Server.Storage;
using Exchange.Server.Validation;
using Exchange.V1;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Referrals;

/// <summary>
/// Sends, hands out, moves and erases referrals. Personal data is sealed before it is stored and
/// opened only for the recipient, after its consent has been checked again; erasing destroys the
/// data key in the key store, so every copy of the sealed data becomes unreadable.
/// </summary>
public sealed class ReferralDesk(
    ExchangeDbContext db,
    ReferralKeyStore keyStore,
    KeyEncryptionKeys keys,
    AuditLog audit,
    ReferralSignal signal,
    TimeProvider time)
{
    public async Task<ReferralEntity> SendAsync(Caller caller, SendReferralRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var violations = ReferralRules.Check(request, now);
        violations.Require(request.RecipientAuthorityId != caller.AuthorityId, "recipient_authority_id", "An authority does not send referrals to itself.");
        violations.Require(!Identifiers.ContainsPersonalIdentityNumber(request.RequestId), "request_id",
            "Looks like a personnummer: a request_id is kept after the referral is erased, so use a case reference or a UUID instead.");
        violations.ThrowIfAny();

        if (await FindOwnRequestAsync(caller, request, cancellationToken) is { } earlier)
        {
            return earlier;
        }
        var recipient = await db.Authorities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == request.RecipientAuthorityId, cancellationToken);
        if (recipient is null || !recipient.Enabled)
        {
            throw new DomainException(DomainError.NotFound, "No enabled authority has this recipient id.");
        }
        var grants = await db.Grants.AsNoTracking().Where(g => g.AuthorityId == recipient.Id && g.Scope == Scopes.ReferralsReceive).ToListAsync(cancellationToken);
        if (!KindPolicy.MayHold(recipient.Kind, Scopes.ReferralsReceive) || !grants.Any(g => g.IsValidAt(now)))
        {
            throw DomainException.FailedPrecondition("RECIPIENT_CANNOT_RECEIVE", recipient.Id, "The recipient does not currently receive referrals (it holds no referrals.receive grant).");
        }
        if (!recipient.AcceptsReferralsFrom.Contains(caller.Kind))
        {
            throw DomainException.FailedPrecondition("SENDER_KIND_NOT_ACCEPTED", recipient.Id,
                $"The recipient does not take referrals from {caller.Kind.ToString().ToLowerInvariant()} authorities; its operator sets which kinds it takes.");
        }

        var id = Guid.CreateVersion7(now).ToString();
        var dataKey = ReferralSeal.NewDataKey();
        var payload = new Referral { Subject = request.Subject, Message = request.Message, Consent = request.Consent };
        var referral = new ReferralEntity
        {
            Id = id,
            SenderId = caller.AuthorityId,
            SenderKind = caller.Kind,
            RecipientId = recipient.Id,
            RecipientKind = recipient.Kind,
            RequestId = request.RequestId,
            ContentHash = ContentHash(dataKey, request),
            ReasonCategory = (int)request.ReasonCategory,
            Status = ReferralState.Requested,
            CreatedAt = now,
            UpdatedAt = now,
            ConsentGivenAt = request.Consent.GivenTime.ToDateTimeOffset(),
            ConsentExpiresAt = request.Consent.ExpireTime.ToDateTimeOffset(),
            ConsentCategories = string.Join(',', request.Consent.DataCategories.Distinct().Order().Select(c => (int)c)),
            SealedPayload = ReferralSeal.Seal(dataKey, payload.ToByteArray(), id, ReferralSeal.Payload),
        };
        // The key first: a referral row never exists without it. A key without a row (the insert
        // below failed) unlocks nothing and is removed.
        await keyStore.StoreAsync(id, keys.ActiveId, ReferralSeal.Seal(keys.Active, dataKey, id, ReferralSeal.DataKey), cancellationToken);
        try
        {
            db.Referrals.Add(referral);
            db.ReferralEvents.Add(Event(referral, toRecipient: true, newReferral: true, now));
            await SaveSerialisedAsync(() => Task.FromResult<IReadOnlyList<AuditRecord>>(
                [new AuditRecord(caller.AuthorityId, "referral.sent", "referral", id) { SubjectAuthorityId = recipient.Id }]), cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent retry of the same request_id stored it first.
            db.ChangeTracker.Clear();
            await keyStore.DestroyAsync(id, CancellationToken.None);
            return await FindOwnRequestAsync(caller, request, cancellationToken) ?? throw new InvalidOperationException("The referral could not be stored.");
        }
        signal.Pulse();
        return referral;
    }

    /// <summary>The referral this sender already sent under the request's request_id; ALREADY_EXISTS when its content differed.</summary>
    private async Task<ReferralEntity?> FindOwnRequestAsync(Caller caller, SendReferralRequest request, CancellationToken cancellationToken)
    {
        var earlier = await db.Referrals.AsNoTracking().FirstOrDefaultAsync(r => r.SenderId == caller.AuthorityId && r.RequestId == request.RequestId, cancellationToken);
        if (earlier is null || earlier.ErasedAt is not null)
        {
            // Once erased, the content can no longer be compared: the answer is the tombstone.
            return earlier;
        }
        var dataKey = await DataKeyAsync(earlier.Id, cancellationToken);
        if (dataKey is null || ContentHash(dataKey, request) != earlier.ContentHash)
        {
            throw new DomainException(DomainError.AlreadyExists, "This request_id was used for another referral; use a new request_id for a new referral.");
        }
        return earlier;
    }

    /// <summary>
    /// Keyed by the referral's data key: the hash of personal data must not outlive the data, and
    /// without the key it cannot be tested against guessed identifiers.
    /// </summary>
    private static string ContentHash(byte[] dataKey, SendReferralRequest request)
    {
        var content = request.Clone();
        content.RequestId = "";
        return Convert.ToHexStringLower(HMACSHA256.HashData(dataKey, content.ToByteArray()));
    }

    private async Task<byte[]?> DataKeyAsync(string referralId, CancellationToken cancellationToken) =>
        await keyStore.FindAsync(referralId, cancellationToken) is { } wrapped
            ? ReferralSeal.Open(keys.Get(wrapped.KekId), wrapped.Wrapped, referralId, ReferralSeal.DataKey)
            : null;

    /// <summary>
    /// The referral as the caller may see it: with personal data for its recipient (the consent checked
    /// again, the read audited, and the first read marking it received), the summary and receipts for
    /// its sender; NOT_FOUND for anyone else.
    /// </summary>
    public async Task<(ReferralEntity Referral, Referral? Content, List<ReferralEventEntity> Receipts)> GetAsync(Caller caller, string referralId, CancellationToken cancellationToken)
    {
        var referral = await VisibleAsync(caller, referralId, cancellationToken);
        if (!DataRules.MayReadReferralContent(caller, referral.RecipientId))
        {
            return (referral, null, await ReceiptsAsync(referral.Id, cancellationToken));
        }
        if (referral.ErasedAt is null && referral.ConsentExpiresAt <= time.GetUtcNow())
        {
            await EraseAsync(referral.Id, ErasureCause.ConsentExpired, SystemActor, cancellationToken);
            referral = await db.Referrals.AsNoTracking().FirstAsync(r => r.Id == referralId, cancellationToken);
        }
        EnsureHeld(referral);
        // A withdrawal destroys the key before it marks the referral: a missing key is an erasure under way.
        var dataKey = await DataKeyAsync(referral.Id, cancellationToken) ?? throw Gone(ErasureCause.ConsentWithdrawn, referral.Id);
        var content = Referral.Parser.ParseFrom(ReferralSeal.Open(dataKey, referral.SealedPayload!, referral.Id, ReferralSeal.Payload));
        ReferralEntity? read = null;
        // Checked again where erasures and status changes are serialised: if a withdrawal committed
        // since the data was opened, the content is dropped, not handed out.
        await SaveSerialisedAsync(async () =>
        {
            read = await TrackedAsync(referral.Id, cancellationToken);
            EnsureHeld(read);
            var records = new List<AuditRecord> { new(caller.AuthorityId, "referral.read", "referral", read.Id) { SubjectAuthorityId = read.SenderId } };
            if (read.Status == ReferralState.Requested)
            {
                var now = time.GetUtcNow();
                Move(read, ReferralState.Received, 0, now);
                read.ReceivedAt = now;
                records.Add(new AuditRecord(caller.AuthorityId, "referral.received", "referral", read.Id) { SubjectAuthorityId = read.SenderId });
            }
            return records;
        }, cancellationToken);
        signal.Pulse();
        return (read!, content, await ReceiptsAsync(referral.Id, cancellationToken));
    }

    private const string SystemActor = "exchange";

    /// <summary>
    /// Runs <paramref name="work"/> and saves its changes with their audit events where every change
    /// to referrals is serialised, and numbers the new events there: each authority's stream is
    /// numbered without gaps and in the order its events commit, so a watcher that has read up to n
    /// never later finds an event below n.
    /// </summary>
    private async Task SaveSerialisedAsync(Func<Task<IReadOnlyList<AuditRecord>>> work, CancellationToken cancellationToken)
    {
        List<ReferralEventEntity> added = [];
        await audit.SaveWithAuditAsync(db, async () =>
        {
            var records = await work();
            added = db.ChangeTracker.Entries<ReferralEventEntity>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
            foreach (var stream in added.GroupBy(e => e.AuthorityId))
            {
                var authorityId = stream.Key;
                var last = await db.ReferralEvents.Where(e => e.AuthorityId == authorityId).MaxAsync(e => (long?)e.AuthoritySequence, cancellationToken) ?? 0;
                foreach (var change in stream)
                {
                    change.AuthoritySequence = ++last;
                }
            }
            return records;
        }, cancellationToken);
        // Counted once committed, once per change: a new referral's event, or the sender's side of a change.
        foreach (var change in added.Where(e => e.NewReferral || !e.ToRecipient))
        {
            Telemetry.ExchangeMetrics.ReferralStatusChanges.Add(1, new KeyValuePair<string, object?>("status", change.Status.ToString().ToLowerInvariant()));
        }
    }

    private Task<List<ReferralEventEntity>> ReceiptsAsync(string referralId, CancellationToken cancellationToken) =>
        db.ReferralEvents.AsNoTracking().Where(e => e.ReferralId == referralId && !e.ToRecipient && !e.NewReferral).OrderBy(e => e.Sequence).ToListAsync(cancellationToken);

    /// <summary>The referral as stored now, tracked: read inside the serialised section, never from an earlier read.</summary>
    private async Task<ReferralEntity> TrackedAsync(string referralId, CancellationToken cancellationToken)
    {
        var tracked = await db.Referrals.FirstAsync(r => r.Id == referralId, cancellationToken);
        await db.Entry(tracked).ReloadAsync(cancellationToken);
        return tracked;
    }

    private static void EnsureHeld(ReferralEntity referral)
    {
        if (referral.ErasedAt is not null || referral.SealedPayload is null)
        {
            throw Gone(referral.ErasureCause ?? ErasureCause.ConsentWithdrawn, referral.Id);
        }
    }

    private static DomainException Gone(ErasureCause cause, string referralId) => DomainException.FailedPrecondition(
        cause switch { ErasureCause.ConsentWithdrawn => "CONSENT_WITHDRAWN", ErasureCause.ConsentExpired => "CONSENT_EXPIRED", _ => "RETENTION_ENDED" },
        referralId, "The referral's personal data is gone: " + cause switch
        {
            ErasureCause.ConsentWithdrawn => "the person withdrew consent.",
            ErasureCause.ConsentExpired => "the consent expired.",
            _ => "its retention period ended.",
        });

    /// <summary>The referral, when the caller is its sender or recipient; NOT_FOUND otherwise, INVALID_ARGUMENT for what is not an id.</summary>
    public async Task<ReferralEntity> VisibleAsync(Caller caller, string referralId, CancellationToken cancellationToken)
    {
        new FieldViolations().Require(Guid.TryParse(referralId, out _), "referral_id", "A referral id.").ThrowIfAny();
        var referral = await db.Referrals.AsNoTracking().FirstOrDefaultAsync(r => r.Id == referralId, cancellationToken);
        // Someone else's referral is not found, not forbidden: its existence is not the caller's to know.
        return referral is not null && DataRules.MaySeeReferralStatus(caller, referral.SenderId, referral.RecipientId)
            ? referral
            : throw new DomainException(DomainError.NotFound, "No such referral for this authority.");
    }

    public async Task<ReferralEntity> UpdateStatusAsync(Caller caller, UpdateReferralStatusRequest request, CancellationToken cancellationToken)
    {
        var v = new FieldViolations()
            .Require(Identifiers.IsRequestId(request.RequestId), "request_id", "Required: 1–64 letters, digits, '-' or '_'.")
            .Require(request.Status is ReferralStatus.Received or ReferralStatus.Accepted or ReferralStatus.Rejected or ReferralStatus.Completed, "status",
                "Received, accepted, rejected or completed; a referral is revoked by WithdrawConsent.");
        if (request.Status == ReferralStatus.Rejected)
        {
            v.Require(request.RejectionReason != RejectionReason.Unspecified && Enum.IsDefined(request.RejectionReason), "rejection_reason", "Required when rejecting: one of the rejection reasons.");
        }
        else
        {
            v.Require(request.RejectionReason == RejectionReason.Unspecified, "rejection_reason", "Only when rejecting.");
        }
        v.ThrowIfAny();
        var referral = await VisibleAsync(caller, request.ReferralId, cancellationToken);
        if (!DataRules.MayReadReferralContent(caller, referral.RecipientId))
        {
            // The sender sees the referral but only the recipient moves it.
            throw new DomainException(DomainError.PermissionDenied, "Only the recipient changes a referral's status; the sender sees each change as a receipt.");
        }
        if (referral.ErasedAt is null && referral.ConsentExpiresAt <= time.GetUtcNow())
        {
            await EraseAsync(referral.Id, ErasureCause.ConsentExpired, SystemActor, cancellationToken);
        }
        var to = (ReferralState)request.Status;
        ReferralEntity? moved = null;
        var changed = false;
        // Checked and changed where erasures and other changes are serialised, so that two changes (or a
        // change and a withdrawal) never both pass a check made on the same earlier state.
        await SaveSerialisedAsync(async () =>
        {
            var tracked = moved = await TrackedAsync(referral.Id, cancellationToken);
            if (tracked.Status == to && tracked.RejectionReason == (int)request.RejectionReason)
            {
                // A retry of a change already made.
                return [];
            }
            if (tracked.ErasedAt is not null || tracked.Status == ReferralState.Revoked)
            {
                throw Gone(tracked.ErasureCause ?? ErasureCause.ConsentWithdrawn, tracked.Id);
            }
            if (!ReferralLifecycle.MayMove(tracked.Status, to))
            {
                throw DomainException.FailedPrecondition("STATUS_TRANSITION", tracked.Id,
                    $"A referral that is {tracked.Status.ToString().ToLowerInvariant()} cannot become {to.ToString().ToLowerInvariant()}: requested → received → accepted or rejected; accepted → completed.");
            }
            Move(tracked, to, (int)request.RejectionReason, time.GetUtcNow());
            changed = true;
            return [new AuditRecord(caller.AuthorityId, $"referral.{to.ToString().ToLowerInvariant()}", "referral", tracked.Id) { SubjectAuthorityId = tracked.SenderId }];
        }, cancellationToken);
        if (changed)
        {
            signal.Pulse();
        }
        return moved!;
    }

    private void Move(ReferralEntity referral, ReferralState to, int rejectionReason, DateTimeOffset now)
    {
        referral.Status = to;
        referral.RejectionReason = rejectionReason;
        referral.UpdatedAt = now;
        if (ReferralLifecycle.IsClosed(to))
        {
            referral.ClosedAt = now;
        }
        db.ReferralEvents.Add(Event(referral, toRecipient: false, newReferral: false, now));
    }

    public async Task<ReferralEntity> WithdrawAsync(Caller caller, WithdrawConsentRequest request, CancellationToken cancellationToken)
    {
        var v = new FieldViolations().Require(Identifiers.IsRequestId(request.RequestId), "request_id", "Required: 1–64 letters, digits, '-' or '_'.");
        if (request.WithdrawTime is { } withdrawn)
        {
            v.Require(withdrawn.ToDateTimeOffset() <= time.GetUtcNow() + ReferralRules.ClockSkew, "withdraw_time", "Not in the future.");
        }
        v.ThrowIfAny();
        var referral = await VisibleAsync(caller, request.ReferralId, cancellationToken);
        await EraseAsync(referral.Id, ErasureCause.ConsentWithdrawn, caller.AuthorityId, cancellationToken, request.WithdrawTime?.ToDateTimeOffset());
        return await db.Referrals.AsNoTracking().FirstAsync(r => r.Id == referral.Id, cancellationToken);
    }

    /// <summary>
    /// Destroys the referral's data key and drops its sealed data: every copy of that data, backups
    /// included, is unreadable from here on. The key goes first, so that a failure after it leaves
    /// nothing readable behind. A withdrawn or expired consent also revokes the referral; the end of
    /// the retention period leaves its status as it was.
    /// </summary>
    public async Task EraseAsync(string referralId, ErasureCause cause, string actor, CancellationToken cancellationToken, DateTimeOffset? withdrawnAt = null)
    {
        await keyStore.DestroyAsync(referralId, cancellationToken);
        var erased = false;
        await SaveSerialisedAsync(async () =>
        {
            var referral = await TrackedAsync(referralId, cancellationToken);
            if (referral.ErasedAt is not null)
            {
                return [];
            }
            var now = time.GetUtcNow();
            referral.SealedPayload = null;
            referral.ErasedAt = now;
            referral.ErasureCause = cause;
            referral.UpdatedAt = now;
            if (cause == ErasureCause.ConsentWithdrawn)
            {
                referral.ConsentWithdrawnAt = withdrawnAt is { } said && said < now ? said : now;
            }
            if (cause != ErasureCause.RetentionEnded && referral.Status != ReferralState.Revoked)
            {
                referral.Status = ReferralState.Revoked;
                db.ReferralEvents.Add(Event(referral, toRecipient: false, newReferral: false, now));
                db.ReferralEvents.Add(Event(referral, toRecipient: true, newReferral: false, now));
            }
            erased = true;
            var action = cause switch
            {
                ErasureCause.ConsentWithdrawn => "referral.consent_withdrawn",
                ErasureCause.ConsentExpired => "referral.consent_expired",
                _ => "referral.retention_ended",
            };
            return [new AuditRecord(actor, action, "referral", referral.Id) { SubjectAuthorityId = referral.SenderId }];
        }, cancellationToken);
        if (erased)
        {
            Telemetry.ExchangeMetrics.Erasures.Add(1, new KeyValuePair<string, object?>("cause", cause.ToString()));
            signal.Pulse();
        }
    }

    /// <summary>
    /// Wraps every data key still wrapped by an earlier key-encryption key under the active one; the
    /// data keys themselves, and so the sealed data, stay as they are. Returns how many it wrapped.
    /// </summary>
    public async Task<int> RewrapKeysAsync(string actor, string reason, CancellationToken cancellationToken)
    {
        var ids = await keyStore.WrappedByOtherThanAsync(keys.ActiveId, cancellationToken);
        var rewrapped = 0;
        foreach (var id in ids)
        {
            // Erased in the meantime: nothing to wrap.
            if (await keyStore.FindAsync(id, cancellationToken) is not { } wrapped || wrapped.KekId == keys.ActiveId)
            {
                continue;
            }
            byte[] dataKey;
            try
            {
                dataKey = ReferralSeal.Open(keys.Get(wrapped.KekId), wrapped.Wrapped, id, ReferralSeal.DataKey);
            }
            catch (InvalidOperationException)
            {
                throw DomainException.FailedPrecondition("KEY_ENCRYPTION_KEY_MISSING", wrapped.KekId,
                    $"Data keys wrapped by '{wrapped.KekId}' remain, but that key is no longer configured: add it back to Exchange:Referrals:KeyEncryptionKeys and run this again.");
            }
            await keyStore.StoreAsync(id, keys.ActiveId, ReferralSeal.Seal(keys.Active, dataKey, id, ReferralSeal.DataKey), cancellationToken);
            rewrapped++;
        }
        await audit.SaveWithAuditAsync(db, new AuditRecord(actor, "referral_keys.rewrapped", "key_encryption_key", keys.ActiveId) { Reason = reason }, cancellationToken);
        return rewrapped;
    }

    public string ActiveKeyEncryptionKeyId => keys.ActiveId;

    public async Task<(List<ReferralEntity> Page, string? LastId)> ListAsync(Caller caller, ReferralBox box, ReferralStatus status, string? afterId, int pageSize, CancellationToken cancellationToken)
    {
        var query = box == ReferralBox.Inbox
            ? db.Referrals.AsNoTracking().Where(r => r.RecipientId == caller.AuthorityId)
            : db.Referrals.AsNoTracking().Where(r => r.SenderId == caller.AuthorityId);
        if (status != ReferralStatus.Unspecified)
        {
            var state = (ReferralState)status;
            query = query.Where(r => r.Status == state);
        }
        if (afterId is not null)
        {
            query = query.Where(r => r.Id.CompareTo(afterId) < 0);
        }
        var rows = await query.OrderByDescending(r => r.Id).Take(pageSize + 1).ToListAsync(cancellationToken);
        return rows.Count > pageSize ? (rows[..pageSize], rows[pageSize - 1].Id) : (rows, null);
    }

    /// <summary>The caller's events after <paramref name="afterSequence"/> in its own stream, oldest first, of the sides it holds the scope for.</summary>
    public async Task<List<ReferralEventEntity>> EventsAsync(Caller caller, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        var asRecipient = caller.Has(Scopes.ReferralsReceive);
        var asSender = caller.Has(Scopes.ReferralsSend);
        return await db.ReferralEvents.AsNoTracking()
            .Where(e => e.AuthorityId == caller.AuthorityId && e.AuthoritySequence > afterSequence && ((e.ToRecipient && asRecipient) || (!e.ToRecipient && asSender)))
            .OrderBy(e => e.AuthoritySequence).Take(limit).ToListAsync(cancellationToken);
    }

    public async Task<Dictionary<string, ReferralEntity>> FindAsync(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.Distinct().ToList();
        return await db.Referrals.AsNoTracking().Where(r => wanted.Contains(r.Id)).ToDictionaryAsync(r => r.Id, cancellationToken);
    }

    private static ReferralEventEntity Event(ReferralEntity referral, bool toRecipient, bool newReferral, DateTimeOffset now) => new()
    {
        AuthorityId = toRecipient ? referral.RecipientId : referral.SenderId,
        ReferralId = referral.Id,
        ToRecipient = toRecipient,
        NewReferral = newReferral,
        Status = referral.Status,
        RejectionReason = referral.RejectionReason,
        At = now,
    };
}
