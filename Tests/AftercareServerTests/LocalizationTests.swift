import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// R-14.3: four complete catalogues, no untranslated text in templates, every page in every language.
@Suite("Four languages")
struct LocalizationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func catalogue() throws -> Catalogue {
        try Catalogue.load(from: root.appendingPathComponent("Resources/Locales"))
    }

    static func placeholders(_ text: String) -> Set<String> {
        var result: Set<String> = []
        var rest = text[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result.insert(String(rest[open...close]))
            rest = rest[rest.index(after: close)...]
        }
        return result
    }

    @Test("the four catalogues have the same keys, no empty text and the same placeholders")
    func sameKeys() throws {
        let catalogue = try Self.catalogue()
        let english = catalogue.strings[.en]!
        for language in Language.allCases {
            let strings = catalogue.strings[language]!
            #expect(
                Set(strings.keys) == Set(english.keys),
                "\(language.rawValue): \(Set(english.keys).symmetricDifference(strings.keys).sorted())")
            for (key, text) in strings {
                #expect(!text.trimmingCharacters(in: .whitespaces).isEmpty, "\(language.rawValue) \(key)")
                #expect(Self.placeholders(text) == Self.placeholders(english[key] ?? ""), "\(language.rawValue) \(key)")
            }
        }
        #expect(catalogue.text("print.title", .zhHans) == "售后服务登记表")
    }

    @Test("every label the code builds from a value has a key")
    func valueLabels() throws {
        let catalogue = try Self.catalogue()
        var keys: [String] = []
        keys +=
            RequestStatus.allCases.map { "status.\($0.rawValue)" }
            + RequestStatus.allCases.map { "next.\($0.rawValue)" }
        keys += RequestType.allCases.map { "type.\($0.rawValue)" } + Priority.allCases.map { "priority.\($0.rawValue)" }
        keys += AftercareDomain.Channel.allCases.map { "channel.\($0.rawValue)" }
        keys += RequestEventKind.allCases.map { "event.\($0.rawValue)" } + ["event.register"]
        keys +=
            FaultCause.allCases.map { "cause.\($0.rawValue)" }
            + WarrantyStatus.allCases.map { "warranty.\($0.rawValue)" }
        keys +=
            CustomerTier.allCases.map { "tier.\($0.rawValue)" }
            + CustomerKind.allCases.map { "customerKind.\($0.rawValue)" }
        keys += UnitStatus.allCases.map { "unitStatus.\($0.rawValue)" } + Role.allCases.map { "role.\($0.rawValue)" }
        keys +=
            Language.allCases.map { "language.\($0.rawValue)" } + AuditAction.allCases.map { "audit.\($0.rawValue)" }
        let problems: [FieldProblem] = [
            .required, .tooLong(max: 1), .tooShort(min: 1), .outOfRange(min: 0, max: 1), .invalidValue(allowed: []),
            .invalidFormat(expected: ""), .notFound, .duplicate, .mustNotBeBefore(field: ""), .archived, .unknownField,
            .fileTooLarge(maxBytes: 1), .fileTypeNotAllowed, .tooMany(max: 1),
        ]
        keys += problems.map { "problem.\($0.code)" }
        keys += [400, 401, 403, 404, 409, 422, 429, 500].map { "error.\($0)" }
        for key in keys { #expect(catalogue.has(key), "\(key)") }
    }

    /// Every label built as `prefix.<value>`, by prefix: the values the code can put there.
    static let valueKeys: [String: [String]] = [
        // The customer's voice (issue 17): complaints, statements, improvements, suggestions, surveys, visits, mystery
        // shopping.
        "complaint.status": ComplaintStatus.allCases.map(\.rawValue),
        "complaint.event": ComplaintEventKind.allCases.map(\.rawValue) + [
            "open", "assign", "askStatement", "statementAnswered",
        ],
        "complaint.subject": ComplaintSubject.allCases.map(\.rawValue),
        "complaint.severity": ComplaintSeverity.allCases.map(\.rawValue),
        "complaint.wish": ComplaintWish.allCases.map(\.rawValue),
        "complaint.cause": ComplaintCause.allCases.map(\.rawValue),
        "complaint.responsibility": ComplaintResponsibility.allCases.map(\.rawValue),
        "complaint.compensation": CompensationKind.allCases.map(\.rawValue),
        "complaint.review": ["pending"] + ReviewVerdict.allCases.map(\.rawValue),
        "portalComplaints.next": ComplaintStatus.allCases.map(\.rawValue),
        "statement.status": StatementStatus.allCases.map(\.rawValue),
        "improvement.status": ImprovementStatus.allCases.map(\.rawValue),
        "suggestion.status": SuggestionStatus.allCases.map(\.rawValue),
        "suggestion.event": ["open"] + SuggestionEventKind.allCases.map(\.rawValue) + [
            "rewardProposed", "rewardApproved", "rewardRefused",
        ],
        "reward.kind": RewardKind.allCases.map(\.rawValue), "reward.status": RewardStatus.allCases.map(\.rawValue),
        "surveyStatus": SurveyStatus.allCases.map(\.rawValue), "surveyPurpose": SurveyPurpose.allCases.map(\.rawValue),
        "surveyChannel": SurveyChannel.allCases.map(\.rawValue), "questionKind": QuestionKind.allCases.map(\.rawValue),
        "invitationStatus": InvitationStatus.allCases.map(\.rawValue),
        "surveys.closed": ["answered", "cancelled", "expired"],
        "customerVisitStatus": CustomerVisitStatus.allCases.map(\.rawValue),
        "visitor": Visitor.allCases.map(\.rawValue), "mysteryCriterion": MysteryCriterion.allCases.map(\.rawValue),
        "returnStatus": ReturnStatus.allCases.map(\.rawValue), "returnNext": ReturnStatus.allCases.map(\.rawValue),
        "returnWish": ReturnWish.allCases.map(\.rawValue), "returnShipping": ReturnShipping.allCases.map(\.rawValue),
        "returnResolution": ReturnResolution.allCases.map(\.rawValue),
        "returnCaseEvent": ["open"] + ReturnEventKind.allCases.map(\.rawValue) + [
            "partsUsed", "loanerLent", "loanerReturned", "photosAdded",
        ],
        "returnEvent": ReturnEventKind.allCases.map(\.rawValue),
        "inspectionItem": InspectionItem.allCases.map(\.rawValue),
        "approvalReason": ReturnDecisionRule.ApprovalReason.allCases.map(\.rawValue),
        "exchangeBasis": ExchangeWarranty.Basis.allCases.map(\.rawValue),
        "loanerStatus": LoanerStatus.allCases.map(\.rawValue), "disposition": Disposition.allCases.map(\.rawValue),
        "nonconformitySource": NonconformitySource.allCases.map(\.rawValue),
        "nonconformityStatus": NonconformityStatus.allCases.map(\.rawValue),
        "nonconformityDimension": NonconformityDimension.allCases.map(\.rawValue),
        "responsibility": Responsibility.allCases.map(\.rawValue),
        "status": RequestStatus.allCases.map(\.rawValue), "next": RequestStatus.allCases.map(\.rawValue),
        "type": RequestType.allCases.map(\.rawValue), "priority": Priority.allCases.map(\.rawValue),
        "channel": AftercareDomain.Channel.allCases.map(\.rawValue), "event": TimelineEvent.allCases.map(\.rawValue),
        "cause": FaultCause.allCases.map(\.rawValue), "warranty": WarrantyStatus.allCases.map(\.rawValue),
        "warrantyStanding": WarrantyStanding.allCases.map(\.rawValue),
        "tier": CustomerTier.allCases.map(\.rawValue), "customerKind": CustomerKind.allCases.map(\.rawValue),
        "unitStatus": UnitStatus.allCases.map(\.rawValue), "role": Role.allCases.map(\.rawValue),
        "language": Language.allCases.map(\.rawValue), "audit": AuditAction.allCases.map(\.rawValue),
        "visitStatus": VisitStatus.allCases.map(\.rawValue), "visitPurpose": VisitPurpose.allCases.map(\.rawValue),
        "visitEvent": VisitEventKind.allCases.map(\.rawValue), "visitNextStep": VisitNextStep.allCases.map(\.rawValue),
        "slaTarget": SLATarget.allCases.map(\.rawValue), "basis": TimeBasis.allCases.map(\.rawValue),
        "clockState": ClockState.allCases.map(\.rawValue), "queueState": QueueState.allCases.map(\.rawValue),
        "exceptionKind": CalendarException.Kind.allCases.map(\.rawValue), "weekday": Weekday.allCases.map(\.rawValue),
        "followUpTrigger": FollowUpTrigger.allCases.map(\.rawValue),
        "mail.kind": OutgoingMailKind.allCases.map(\.rawValue),
        "mail.outboxStatus": OutboxStatus.allCases.map(\.rawValue),
        "mail.inboundStatus": InboundMailStatus.allCases.map(\.rawValue),
        "intakeFlag": IntakeFlag.allCases.map(\.rawValue),
        "quoteStatus": QuoteStatus.allCases.map(\.rawValue), "quoteEvent": QuoteEventKind.allCases.map(\.rawValue),
        "feeDocumentKind": FeeDocumentKind.allCases.map(\.rawValue),
        "standing": FeeDocumentStanding.allCases.map(\.rawValue),
        "paymentMethod": PaymentMethod.allCases.map(\.rawValue),
        "paymentKind": PaymentEntryKind.allCases.map(\.rawValue),
        "followUpStatus": FollowUpStatus.allCases.map(\.rawValue),
        "followUpOutcome": FollowUpOutcome.allCases.map(\.rawValue),
        "followUpChannel": FollowUpChannel.allCases.map(\.rawValue),
        "followUps": SLAPages.WorklistView.allCases.map(\.rawValue),
        "notification": NotificationKind.allCases.map(\.rawValue),
        "planStatus": RoutePlanStatus.allCases.map(\.rawValue),
        "movement": MovementKind.allCases.map(\.rawValue), "uom": UnitOfMeasure.allCases.map(\.rawValue),
        "warehouseKind": WarehouseKind.allCases.map(\.rawValue),
        "requisitionStatus": RequisitionStatus.allCases.map(\.rawValue),
        "requisitionEvent": RequisitionEventKind.allCases.map(\.rawValue),
        "purchaseStatus": PurchaseOrderStatus.allCases.map(\.rawValue),
        "stocktakeStatus": StocktakeStatus.allCases.map(\.rawValue), "receiptStatus": ["inspecting", "inspected"],
        "feeStanding": FeeScheduleStanding.allCases.map(\.rawValue) + ["withdrawn"],
        "labourRate": LabourBasis.allCases.map(\.rawValue), "labourBasis": LabourBasis.allCases.map(\.rawValue),
        "difficulty": JobDifficulty.allCases.map(\.rawValue), "trainingMethod": TrainingMethod.allCases.map(\.rawValue),
        "currency": Currency.allCases.map(\.rawValue), "charge": Charge.allCases.map(\.rawValue),
        "lineReason": LineReason.allCases.map(\.rawValue),
        "messageKind": MessageKind.allCases.map(\.rawValue), "messageSource": MessageSource.allCases.map(\.rawValue),
        "reportStatus": ServiceReportStatus.allCases.map(\.rawValue),
        "reportEvent": ServiceReportEventKind.allCases.map(\.rawValue),
        "reportResult": ServiceReportResult.allCases.map(\.rawValue),
        "spotCheckStatus": SpotCheckStatus.allCases.map(\.rawValue),
        "reports.field": ["attitude", "quality", "timeliness"],
        "conflict": [
            AppointmentConflict.overlaps(visitId: 1), .outsideWorkingHours, .absent(reason: ""), .dayFull(limit: 1),
            .lacksSkill(productLineId: 1, level: 1, required: 2),
        ].map(\.code),
    ]

    /// Prefixes whose keys are looked up only after `catalogue.has` (or checked by another test), and prefixes that
    /// are parts of a longer key.
    static let guardedPrefixes: Set<String> = [
        "field", "problem", "error", "factor", "unplanned", "quantity", "lines", "week", "targets", "target", "skill",
        // the mystery-shopping form, one field per criterion (R-10.5)
        "scores",
        "serials", "price", "issueSerials", "expiresOn", "rate", "travel", "training", "units", "parts",
        "labour",
        // the depot's inspection and shipment forms, one field per unit (R-8)
        "findings", "check", "usable", "replacement",
    ]

    @Test("every key the code can render exists in all four catalogues: literal keys, and every value of every prefix")
    func everyRenderableKey() throws {
        let catalogue = try Self.catalogue()
        var files: [String] = []
        let sources = Self.root.appendingPathComponent("Sources/AftercareServer")
        let walker = FileManager.default.enumerator(atPath: sources.path)
        while let file = walker?.nextObject() as? String {
            if file.hasSuffix(".swift") { files.append(sources.appendingPathComponent(file).path) }
        }
        #expect(files.count > 50)
        var literal: Set<String> = []
        var prefixes: Set<String> = []
        let literalKey = try NSRegularExpression(pattern: #"\bt\("([a-zA-Z][a-zA-Z0-9_]*(?:\.[a-zA-Z0-9_]+)+)"\)"#)
        let titleKey = try NSRegularExpression(pattern: #"title: "([a-zA-Z]+\.[a-zA-Z0-9_.]+)""#)
        let valueKey = try NSRegularExpression(pattern: #""([a-zA-Z]+)\.\\\("#)
        for path in files {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let range = NSRange(text.startIndex..., in: text)
            for regex in [literalKey, titleKey] {
                for match in regex.matches(in: text, range: range) {
                    literal.insert((text as NSString).substring(with: match.range(at: 1)))
                }
            }
            for match in valueKey.matches(in: text, range: range) {
                prefixes.insert((text as NSString).substring(with: match.range(at: 1)))
            }
        }
        #expect(literal.count > 50, "the scan finds the literal keys")
        for prefix in prefixes.subtracting(Self.guardedPrefixes) {
            #expect(Self.valueKeys[prefix] != nil, "\(prefix).<value> is rendered: list its values in valueKeys")
        }
        var keys = literal
        for (prefix, values) in Self.valueKeys { keys.formUnion(values.map { "\(prefix).\($0)" }) }
        for language in Language.allCases {
            let strings = catalogue.strings[language]!
            let missing = keys.filter { strings[$0] == nil }.sorted()
            #expect(missing.isEmpty, "\(language.rawValue) lacks \(missing)")
        }
    }

    /// The text of a template a reader would see, with Leaf tags, HTML tags and interpolations removed.
    static func visibleText(_ template: String) -> String {
        var text = template
        let patterns = [
            #"<script[^>]*>.*?</script>"#, #"#t\("[^"]*"(, *[a-zA-Z.]+)?\)"#, #"#\([^)]*\)"#,
            #"#(if|for|extend|export|import|elseif)\((?:[^()]|\([^()]*\))*\):?"#,
            #"#(else|endif|endfor|endexport|endextend):?"#,
            #"<!doctype html>"#,
        ]
        for pattern in patterns {
            text = text.replacingOccurrences(of: pattern, with: " ", options: [.regularExpression, .caseInsensitive])
        }
        // Attributes a reader sees (placeholder, title, alt, aria-label) are kept; other tags go.
        var visible = ""
        for attribute in ["placeholder", "title", "alt", "aria-label"] {
            let pattern = attribute + #"="([^"]*)""#
            let regex = try! NSRegularExpression(pattern: pattern)
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                visible += " " + (text as NSString).substring(with: match.range(at: 1))
            }
        }
        text = text.replacingOccurrences(of: #"<[^>]*>"#, with: " ", options: .regularExpression)
        return (text + visible).replacingOccurrences(of: #"&[a-z]+;"#, with: " ", options: .regularExpression)
    }

    @Test("templates hold no text of their own: every word comes from the catalogues")
    func noUntranslatedText() throws {
        let views = Self.root.appendingPathComponent("Resources/Views")
        let catalogue = try Self.catalogue()
        for file in try FileManager.default.contentsOfDirectory(atPath: views.path) where file.hasSuffix(".leaf") {
            let template = try String(contentsOf: views.appendingPathComponent(file), encoding: .utf8)
            let leftover = Self.visibleText(template)
            let letters = leftover.unicodeScalars.filter { $0.properties.isAlphabetic }
            #expect(
                letters.isEmpty,
                "\(file): untranslated text: \(leftover.split(whereSeparator: \.isWhitespace).filter { $0.contains(where: \.isLetter) }.prefix(8))"
            )
            // and every key it names exists
            let regex = try NSRegularExpression(pattern: #"#t\("([^"]*)"\)"#)
            for match in regex.matches(in: template, range: NSRange(template.startIndex..., in: template)) {
                let key = (template as NSString).substring(with: match.range(at: 1))
                #expect(catalogue.has(key), "\(file): \(key)")
            }
        }
    }

    @Test(
        "every page renders in every language, tagged with it, without English left over or raw keys",
        arguments: Language.allCases)
    func everyPage(language: Language) async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let catalogue = try Self.catalogue()
            let fixture = try await Fixture.make(app.store)
            let request = try await ServiceRequests(app.store).register(
                .init(
                    customerId: fixture.customer.id, unitIds: [fixture.unit.id], channel: .phone, type: .repair,
                    faultDescription: "卡纸"),
                by: .system)
            let admin = try await makeUser(
                app, "lang.admin", roles: [.administrator, .serviceManager], unit: fixture.headquarters.id)
            try await makeUser(
                app, "lang.customer", roles: [.customer], unit: fixture.branch.id, customer: fixture.customer.id)
            let staff = try await Browser.signIn(app, "lang.admin")
            let customer = try await Browser.signIn(app, "lang.customer")
            let header: HTTPHeaders = ["Accept-Language": language.rawValue]
            let pages: [(Browser?, String)] = [
                (nil, "/login"), (staff, "/"), (staff, "/requests"), (staff, "/requests/\(request.id)"),
                (staff, "/requests/\(request.id)/print"), (staff, "/requests/new"),
                (staff, "/requests/new?customerId=\(fixture.customer.id)"),
                (staff, "/customers/\(fixture.customer.id)"), (staff, "/units/\(fixture.unit.id)"), (staff, "/account"),
                (staff, "/admin/users"), (staff, "/admin/users/new"), (staff, "/admin/users/\(admin.user.id)"),
                (staff, "/requests/999999"), (customer, "/portal"), (customer, "/portal/requests/new"),
                (customer, "/portal/requests/\(request.id)"),
            ]
            let english = catalogue.strings[.en]!
            let local = catalogue.strings[language]!
            for (browser, path) in pages {
                // when
                let response: TestingHTTPResponse
                if let browser {
                    response = try await browser.get(path, headers: header)
                } else {
                    response = try await app.testing().sendRequest(.GET, path, headers: header)
                }
                // then
                let body = response.body.string
                #expect(response.status == .ok || path.hasSuffix("999999"), "\(path): \(response.status.code)")
                #expect(body.contains("<html lang=\"\(language.rawValue)\">"), "\(path)")
                for (key, text) in english
                where language != .en && text.contains(" ") && text.count > 8 && local[key] != text {
                    #expect(!body.contains(">\(text)<"), "\(path) in \(language.rawValue) shows English: \(text)")
                }
                for key in english.keys where key.contains(".") {
                    #expect(!body.contains(">\(key)<"), "\(path) shows the raw key \(key)")
                }
            }
        }
    }
}
