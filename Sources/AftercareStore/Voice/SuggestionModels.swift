import AftercareDomain
import Foundation

/// How a suggestion came in, for what the submission may name.
public enum SuggestionSource: Sendable, Equatable {
    /// Staff recording it (an agent on the phone, an account manager, a handler): for a customer or a named person.
    case staff
    /// The customer in the portal (the store's scope is theirs).
    case portal
    /// The public form (a branch's QR code): no account, so it names no customer; a unit it names that does not
    /// exist (an old printed code) is ignored.
    case publicForm
}

/// a suggestion as recorded: by staff (for a customer, or for a person who is none), by the customer in the
/// portal, or by anyone on the public form.
public struct SuggestionInput: Codable, Sendable, Equatable {
    /// The customer suggesting; the portal's is the customer's own, the public form's names nobody.
    public var customerId: Int?
    /// Who suggested it, when not a customer on file (required without `customerId`).
    public var name: String?
    public var phone: String?
    public var email: String?
    public var channel: Channel?
    /// What it is about, in a few words.
    public var topic: String?
    /// The suggestion in the person's own words.
    public var text: String
    /// The unit it is for (the public form: the unit of the QR code); else the customer's, else the recorder's unit
    /// or headquarters.
    public var orgUnitId: Int?

    public init(
        customerId: Int? = nil, name: String? = nil, phone: String? = nil, email: String? = nil,
        channel: Channel? = nil, topic: String? = nil, text: String, orgUnitId: Int? = nil
    ) {
        self.customerId = customerId
        self.name = name
        self.phone = phone
        self.email = email
        self.channel = channel
        self.topic = topic
        self.text = text
        self.orgUnitId = orgUnitId
    }
}

/// One step on a suggestion: acknowledge, evaluate, adopt (what will be done) or decline (the reason).
public struct SuggestionStepInput: Codable, Sendable, Equatable {
    public var event: SuggestionEventKind
    /// What will be done (adopt), the reason (decline), or a note on the other steps.
    public var note: String?
    public var expectedVersion: Int?

    public init(event: SuggestionEventKind, note: String? = nil, expectedVersion: Int? = nil) {
        self.event = event
        self.note = note
        self.expectedVersion = expectedVersion
    }
}

/// a reward proposed for an adopted suggestion: points, a gift (described) or an amount.
public struct SuggestionRewardInput: Codable, Sendable, Equatable {
    public var kind: RewardKind
    /// The points, for `points` (more than zero).
    public var points: Int?
    /// The amount in the unit's currency's minor unit, for `amount` (more than zero).
    public var amountMinor: Int?
    /// What the gift is (required for `gift`), or a word on the reward.
    public var description: String?

    public init(kind: RewardKind, points: Int? = nil, amountMinor: Int? = nil, description: String? = nil) {
        self.kind = kind
        self.points = points
        self.amountMinor = amountMinor
        self.description = description
    }
}

/// a reward and its decision by a manager.
public struct SuggestionRewardView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var suggestionId: Int
    public var kind: RewardKind
    public var points: Int?
    public var amountMinor: Int?
    public var currency: Currency
    /// What the gift is, or a word on the reward; nil when none was given.
    public var description: String?
    public var status: RewardStatus
    /// Who proposed it; empty for the customer.
    public var proposedBy: String
    public var proposedAt: Date
    /// Who approved or refused it; nil for the customer.
    public var decidedBy: String?
    public var decidedAt: Date?
    /// Why it was refused (or a word on the approval); nil for the customer.
    public var decisionNote: String?
}

/// a suggestion as those who work suggestions see it.
public struct SuggestionView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var number: String
    public var orgUnitId: Int
    public var orgUnitName: String
    public var customerId: Int?
    public var customerName: String?
    /// Who suggested it.
    public var name: String
    public var phone: String?
    public var email: String?
    public var channel: Channel
    public var topic: String?
    public var text: String
    public var status: SuggestionStatus
    public var allowedEvents: [SuggestionEventKind]
    public var acknowledgementDueAt: Date
    public var acknowledgedAt: Date?
    /// What will be done (adopted) or why not (declined).
    public var decision: String?
    /// Who adopted or declined it; nil for the customer.
    public var decidedBy: String?
    public var decidedAt: Date?
    /// The latest reward (for the customer: only an approved one).
    public var reward: SuggestionRewardView?
    public var createdBy: String
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    /// whether the acknowledgement deadline passed before (or without) the acknowledgement.
    public func acknowledgementLate(at now: Date) -> Bool {
        (acknowledgedAt ?? now) > acknowledgementDueAt
    }

    /// Not acknowledged yet and past its deadline.
    public func acknowledgementOverdue(at now: Date) -> Bool {
        acknowledgedAt == nil && status == .received && now > acknowledgementDueAt
    }

    /// what the customer sees of their suggestion: where it stands, the decision with its reason, and
    /// the reward once a manager approved it; not who worked it, nor a reward still proposed or refused.
    public func forCustomer() -> SuggestionView {
        var view = self
        view.allowedEvents = []
        view.decidedBy = nil
        view.createdBy = ""
        view.reward = reward.flatMap { $0.status == .approved ? $0.forCustomer() : nil }
        return view
    }
}

extension SuggestionRewardView {
    /// The reward as the customer sees it: what it is, not who proposed or approved it.
    public func forCustomer() -> SuggestionRewardView {
        var view = self
        view.proposedBy = ""
        view.decidedBy = nil
        view.decisionNote = nil
        return view
    }
}

/// One entry of a suggestion's timeline: its steps, and its rewards proposed and decided.
public struct SuggestionEventView: Codable, Sendable, Equatable {
    public var id: Int
    public var at: Date
    public var actor: String
    /// `open`, a step (`SuggestionEventKind`), or `rewardProposed`, `rewardApproved`, `rewardRefused`.
    public var event: String
    public var from: SuggestionStatus?
    public var to: SuggestionStatus
    public var note: String?
}

/// What the suggestion page shows: the suggestion, its timeline and every reward proposed.
public struct SuggestionFile: Codable, Sendable, Equatable {
    public var suggestion: SuggestionView
    public var events: [SuggestionEventView]
    /// Oldest first; for the customer only the approved one.
    public var rewards: [SuggestionRewardView]
}

/// The worklist's filter.
public struct SuggestionFilter: Sendable, Equatable {
    public var statuses: [SuggestionStatus]
    public var customerId: Int?
    /// Still received (not acknowledged) and past the acknowledgement deadline.
    public var overdueAcknowledgement: Bool
    /// With a reward proposed and not yet approved or refused.
    public var rewardPending: Bool

    public init(
        statuses: [SuggestionStatus] = [], customerId: Int? = nil, overdueAcknowledgement: Bool = false,
        rewardPending: Bool = false
    ) {
        self.statuses = statuses
        self.customerId = customerId
        self.overdueAcknowledgement = overdueAcknowledgement
        self.rewardPending = rewardPending
    }
}

/// A unit the QR codes are printed for: a branch or an outlet.
public struct SuggestionUnitView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var code: String
    public var name: String
    public var kind: OrgUnitKind
}

/// A suggestion step the status does not allow, naming the suggestion.
public struct SuggestionStepNotAllowed: Error, Equatable, Sendable {
    public var id: Int
    public var status: SuggestionStatus
    public var event: SuggestionEventKind
    public var allowed: [SuggestionEventKind]

    public init(id: Int, status: SuggestionStatus, event: SuggestionEventKind, allowed: [SuggestionEventKind]) {
        self.id = id
        self.status = status
        self.event = event
        self.allowed = allowed
    }
}

/// a reward that cannot be proposed or decided now, and why.
public struct RewardRefused: Error, Equatable, Sendable {
    public enum Reason: String, Sendable, Equatable {
        /// Only an adopted suggestion is rewarded.
        case notAdopted
        /// The suggestion already has a reward proposed or approved.
        case alreadyRewarded
        /// The reward was approved or refused already.
        case alreadyDecided
        /// Only a service manager (or an administrator) approves rewards.
        case notApprover
        /// The one who proposed a reward does not approve it.
        case ownProposal
    }

    public var suggestionId: Int?
    public var rewardId: Int?
    public var reason: Reason

    public init(suggestionId: Int? = nil, rewardId: Int? = nil, reason: Reason) {
        self.suggestionId = suggestionId
        self.rewardId = rewardId
        self.reason = reason
    }
}
