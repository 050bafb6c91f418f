import AftercareDomain
import AftercareStore
import Foundation

extension StatementPages {
    // MARK: Models, from store views alone

    /// A refused answer: the statement, the text as typed and the problems.
    struct FailedAnswer {
        var id: Int
        var answer: String
        var messages: [FieldMessage]
    }

    struct WorklistData {
        /// The questions still to answer (status asked).
        var open: Page<StatementView>
        var answered: Page<StatementView>
        /// When the page is read: an open question past its due time is overdue.
        var now: Date
        /// The cursors of the two lists as asked, so that paging one keeps the other where it was.
        var cursor: String?
        var answeredCursor: String?
        var failed: FailedAnswer?
    }

    struct WorklistModel: Encodable {
        struct AnswerForm: Encodable {
            var action: String
            var text: String
            var errors: [FieldMessage]
        }

        struct Row: Encodable {
            var id: Int
            var complaintNumber: String
            /// What the complaint is about, in words.
            var subject: String
            var complaintStatus: String
            var complaintStatusCode: String
            /// The unit asked.
            var orgUnit: String
            var question: String
            var askedBy: String
            var askedAt: String
            var due: String
            var overdue: Bool
            var status: String
            var statusCode: String
            var answer: String?
            var answeredBy: String?
            var answeredAt: String?
            /// The answer form of an open statement, for those who may answer.
            var form: AnswerForm?
        }

        var open: [Row]
        var answered: [Row]
        var next: String?
        var answeredNext: String?
        /// The longest answer the store takes.
        var answerMax: Int
        /// Problems of an answer whose statement is no longer on the open list (answered or withdrawn meanwhile).
        var errors: [FieldMessage]
    }

    static func row(_ s: StatementView, now: Date, form: WorklistModel.AnswerForm?, _ l: Localizer)
        -> WorklistModel.Row
    {
        WorklistModel.Row(
            id: s.id, complaintNumber: s.complaint.number,
            subject: l.t("complaint.subject.\(s.complaint.subject.rawValue)"),
            complaintStatus: l.t("complaint.status.\(s.complaint.status.rawValue)"),
            complaintStatusCode: s.complaint.status.rawValue, orgUnit: s.orgUnitName, question: s.question,
            askedBy: s.askedBy, askedAt: l.dateTime(s.askedAt), due: l.dateTime(s.dueAt),
            overdue: s.status == .asked && now > s.dueAt, status: l.t("statement.status.\(s.status.rawValue)"),
            statusCode: s.status.rawValue, answer: s.answer, answeredBy: s.answeredBy,
            answeredAt: s.answeredAt.map { l.dateTime($0) }, form: form)
    }

    static func worklistModel(_ data: WorklistData, principal: Principal, _ l: Localizer) -> WorklistModel {
        let canAnswer = principal.may(.answerStatements)
        let failed = data.failed
        let open = data.open.items.filter { $0.status == .asked }
        let shown = failed.map { f in open.contains { $0.id == f.id } } ?? false
        return WorklistModel(
            open: open.map { s -> WorklistModel.Row in
                let mine = failed?.id == s.id ? failed : nil
                return row(
                    s, now: data.now,
                    form: canAnswer
                        ? WorklistModel.AnswerForm(
                            action: "/statements/\(s.id)/answer", text: mine?.answer ?? "",
                            errors: mine?.messages ?? [])
                        : nil,
                    l)
            },
            answered: data.answered.items.map { row($0, now: data.now, form: nil, l) },
            next: data.open.nextCursor.map {
                PageLink.make("/statements", [("cursor", $0), ("answeredCursor", data.answeredCursor)])
            },
            answeredNext: data.answered.nextCursor.map {
                PageLink.make("/statements", [("cursor", data.cursor), ("answeredCursor", $0)]) + "#statements-answered"
            },
            answerMax: Limits.longText, errors: shown ? [] : failed?.messages ?? [])
    }
}
