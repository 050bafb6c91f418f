import AftercareDomain
import Foundation

/// a questionnaire as a manager writes it.
public struct SurveyInput: Codable, Sendable, Equatable {
    public var title: LocalizedText
    public var purpose: SurveyPurpose
    public var questions: [Question]

    public init(title: LocalizedText, purpose: SurveyPurpose, questions: [Question]) {
        self.title = title
        self.purpose = purpose
        self.questions = questions
    }
}

/// a questionnaire with how many were asked and how many answered.
public struct SurveyView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var title: LocalizedText
    public var purpose: SurveyPurpose
    public var status: SurveyStatus
    public var questions: [Question]
    public var invited: Int
    public var answered: Int
    public var createdBy: String
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
}

/// one customer asked to answer one survey.
public struct InvitationView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var surveyId: Int
    public var surveyTitle: LocalizedText
    public var customerId: Int
    public var customerName: String
    public var requestId: Int?
    public var requestNumber: String?
    public var orgUnitId: Int
    public var orgUnitName: String
    public var engineerId: Int?
    public var engineerName: String?
    public var tier: CustomerTier
    /// The periodic round it was sent in.
    public var round: String?
    public var status: InvitationStatus
    public var expiresAt: Date
    public var createdAt: Date
    public var answeredAt: Date?

    /// Whether it can still be answered at `now`.
    public func open(at now: Date) -> Bool { status == .pending && expiresAt > now }
}

/// What the answering page needs: the invitation and its questionnaire.
public struct InvitationForm: Codable, Sendable, Equatable {
    public var invitation: InvitationView
    public var questions: [Question]
}

/// the answers to an invitation, and how they came in.
public struct ResponseInput: Codable, Sendable, Equatable {
    public var answers: [String: Answer]
    public var channel: SurveyChannel

    public init(answers: [String: Answer], channel: SurveyChannel) {
        self.answers = answers
        self.channel = channel
    }
}

/// a periodic round: a random sample of customers (of a tier, under a unit) asked to answer a survey.
public struct RoundInput: Codable, Sendable, Equatable {
    public var name: String
    public var tier: CustomerTier?
    public var orgUnitId: Int?
    public var sampleSize: Int

    public init(name: String, tier: CustomerTier? = nil, orgUnitId: Int? = nil, sampleSize: Int) {
        self.name = name
        self.tier = tier
        self.orgUnitId = orgUnitId
        self.sampleSize = sampleSize
    }
}

/// satisfaction results of a period.
public struct SurveyResults: Codable, Sendable, Equatable {
    public struct Group: Codable, Sendable, Equatable {
        /// The branch, engineer or product line; nil when not known.
        public var id: Int?
        public var name: String?
        public var responses: Int
        public var score: SatisfactionScore
    }

    public struct Month: Codable, Sendable, Equatable {
        public var month: CalendarDate
        public var responses: Int
        public var score: SatisfactionScore
    }

    /// A free-text answer with where it came from.
    public struct Comment: Codable, Sendable, Equatable {
        public var answeredAt: Date
        public var customerName: String
        public var orgUnitName: String
        public var engineerName: String?
        public var csat: Int?
        public var nps: Int?
        public var text: String
    }

    public var from: CalendarDate
    public var to: CalendarDate
    public var surveyId: Int?
    public var invited: Int
    public var responses: Int
    public var total: SatisfactionScore
    public var byBranch: [Group]
    /// the survey side of the engineer scorecard.
    public var byEngineer: [Group]
    public var byProductLine: [Group]
    public var byChannel: [String: Int]
    public var byMonth: [Month]
    /// The latest free-text answers, newest first.
    public var comments: [Comment]
}

/// The invitation cannot be answered: already answered, expired or cancelled. The public link says no more than
/// that, whatever the reason.
public struct InvitationClosed: Error, Equatable, Sendable {
    public var id: Int
}

/// A questionnaire that is no longer a draft is not edited.
public struct SurveyNotEditable: Error, Equatable, Sendable {
    public var id: Int
    public var status: SurveyStatus
}
