import AftercareDomain
import Foundation
import Testing

@testable import AftercareServer
@testable import AftercareStore

/// Issue 13: the one map from store and domain errors to what a page shows.
@Suite("The page error map")
struct PageErrorTests {
    func localizer(_ language: Language) -> Localizer { PageFixtures.localizer(language) }

    @Test("a validation error is 422 with each field named in the reader's language, sorted by field")
    func validation() throws {
        // given
        let error = ValidationError(["unitIds[0]": .notFound, "faultDescription": .required])
        // when
        let failure = try #require(PageError.from(error, localizer(.zhHans)))
        // then
        #expect(failure.status == .unprocessableEntity)
        #expect(failure.messages.map(\.field) == ["faultDescription", "unitIds"])
        #expect(failure.messages.map(\.label) == ["故障现象", "设备"])
        #expect(failure.messages.allSatisfy { !$0.message.contains("problem.") })
    }

    @Test("an area's labels come first, then the shared ones; the area keeps the field's path")
    func areaLabels() throws {
        // given
        let error = ValidationError(["lines.0.partNumber": .notFound, "quantity": .required])
        // when
        let failure = try #require(PageError.from(error, localizer(.en), labels: .area("parts")))
        // then
        #expect(failure.messages.map(\.field) == ["lines.0.partNumber", "quantity"])
        #expect(
            failure.messages.map(\.label) == [
                localizer(.en).t("parts.field.lines"), localizer(.en).t("parts.field.quantity"),
            ])
    }

    @Test(
        "refusals of the store become the status a person expects, with a message and never a raw key",
        arguments: [
            (StaleVersion(entity: "serviceRequest", id: 1, expected: 1, current: 2) as any Error, 409),
            (WrongPassword(), 422),
            (PasswordCheckLocked(until: Date(timeIntervalSince1970: 1_800_000_000)), 429),
            (LifecycleError.notAllowed(event: .close, from: .registered, allowed: [.triage]), 409),
            (LifecycleError.noteRequired(event: .cancel), 409),
            (VisitLifecycleError.consentRequired, 409),
            (RequestNotEditable(status: .closed), 409),
            (FollowUpClosed(status: .done), 409),
            (RecordArchived(entity: "followUpRule", id: 1), 409),
        ])
    func refusals(error: any Error, status: Int) throws {
        for language in Language.allCases {
            let l = localizer(language)
            let failure = try #require(PageError.from(error, l))
            #expect(Int(failure.status.code) == status)
            #expect(!failure.messages.isEmpty)
            for message in failure.messages {
                #expect(!message.message.isEmpty && !message.message.contains("{"), "\(message)")
                #expect(!message.line.contains("problem.") && !message.line.contains(".field."), "\(message)")
            }
        }
    }

    @Test("errors the error page answers are not the form's")
    func notTheForms() {
        #expect(PageError.from(RecordNotFound(entity: "customer", id: 1), localizer(.en)) == nil)
        #expect(PageError.from(Forbidden(action: .manageUsers), localizer(.en)) == nil)
        #expect(PageError.from(CocoaError(.fileNoSuchFile), localizer(.en)) == nil)
    }

    @Test("an area may say what archived means for its records")
    func archived() throws {
        let l = localizer(.en)
        let own = try #require(
            PageError.from(RecordArchived(entity: "followUpRule", id: 1), l, labels: .area("followUpRules")))
        let shared = try #require(PageError.from(RecordArchived(entity: "part", id: 1), l, labels: .area("parts")))
        #expect(own.messages.map(\.message) == [l.t("followUpRules.archived")])
        #expect(shared.messages.map(\.message) == [l.t("record.archived")])
    }
}
