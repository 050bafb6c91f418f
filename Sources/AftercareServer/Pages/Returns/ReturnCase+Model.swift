import AftercareDomain
import AftercareStore
import Foundation

extension ReturnPages {
    /// What the case page shows: the case, its timeline, repair order and loans, and what the caller may do.
    struct CaseData {
        var returnCase: ReturnCaseView
        var timeline: [ReturnCaseEventView]
        var repair: DepotRepairView?
        var loans: [LoanView]
        /// The depot pool's available loaners, for those who lend.
        var loaners: [LoanerView]
        /// The depot's warehouses, for the parts form.
        var warehouses: [WarehouseRecord.View]
        var photos: [AttachmentView] = []
        var canAddPhotos = false
        var principal: Principal
        var today: CalendarDate
        /// when the follow-up call after the unit went back falls due.
        var followUpAt: Date? = nil
        var errors: [FieldMessage] = []
        var typed: [String: String] = [:]
    }

    struct CaseModel: Encodable {
        struct UnitRow: Encodable {
            var id: Int
            var serial: String
            var model: String
            var received: String
            var responsibility: String
            var usable: String
            var findings: String
            var deviations: String?
            var successor: String?
        }

        struct Step: Encodable {
            var at: String
            var actor: String
            var event: String
            var note: String?
        }

        struct CostRow: Encodable {
            var label: String
            var value: String
            var chosen: Bool
        }

        struct Decision: Encodable {
            var resolution: String
            var proposal: String
            var costs: [CostRow]
            var approval: String
            var decidedBy: String
            var approvedBy: String
            var note: String?
            var credit: String?
            var creditLink: String?
        }

        struct Action: Encodable {
            var event: String
            var label: String
        }

        struct InspectUnit: Encodable {
            var id: Int
            var label: String
            var items: [SelectOption]
            var responsibilityOptions: [SelectOption]
            var usable: Bool
            var findings: String
        }

        struct Forms: Encodable {
            /// Steps that carry nothing but the version.
            var buttons: [Action]
            /// Steps that must say why (reject, cancel, send back, fail QA).
            var reasons: [Action]
            var ship: Bool
            var receive: [String]?
            var inspect: [InspectUnit]?
            var decide: [SelectOption]?
            var proposal: String?
            var shipBack: Bool
            /// An exchange ships new units: their serials, per returned unit.
            var replacements: [SelectOption]?

            /// Whether the reader may take any step now.
            var any: Bool {
                !buttons.isEmpty || !reasons.isEmpty || ship || receive != nil || inspect != nil || decide != nil
                    || shipBack
            }
        }

        struct Repair: Encodable {
            struct Part: Encodable {
                var part: String
                var quantity: String
                var warehouse: String
                var serial: String
                var at: String
            }

            var diagnosis: String
            var actions: String
            var tests: String
            var labour: String
            var technician: String
            var version: Int
            var parts: [Part]
            var partsValue: String
            var editable: Bool
            var warehouseOptions: [SelectOption]
        }

        struct Photo: Encodable {
            var link: String
            var name: String
            var image: Bool
            var at: String
        }

        struct Loan: Encodable {
            var loaner: String
            var due: String
            var overdue: Bool
            var back: String?
            var loanerId: Int
        }

        var id: Int
        var number: String
        var version: Int
        var status: String
        var statusCode: String
        var facts: [Fact]
        var units: [UnitRow]
        var decision: Decision?
        var forms: Forms
        var hasSteps: Bool
        var repair: Repair?
        var loans: [Loan]
        var photos: [Photo]
        var canAddPhotos: Bool
        var loanerOptions: [SelectOption]?
        var dueOn: String
        var timeline: [Step]
        var errors: [FieldMessage]
        var typed: Typed
    }

    /// What was typed in the case page's forms, given back after a refusal (empty otherwise).
    struct Typed: Encodable {
        var repairCost, newUnitCost, refundAmount, note, partNumber, quantity, serials, loanNote: String

        init(_ typed: [String: String]) {
            repairCost = typed["repairCost"] ?? ""
            newUnitCost = typed["newUnitCost"] ?? ""
            refundAmount = typed["refundAmount"] ?? ""
            note = typed["note"] ?? ""
            partNumber = typed["partNumber"] ?? ""
            quantity = typed["quantity"] ?? ""
            serials = typed["serials"] ?? ""
            loanNote = typed["loanNote"] ?? ""
        }
    }

    static func yesNo(_ value: Bool?, _ l: Localizer) -> String {
        value.map { l.t($0 ? "returns.yes" : "returns.no") } ?? "—"
    }

    /// The step forms the caller may use now: the case's allowed steps that the caller's roles take.
    static func forms(_ data: CaseData, _ l: Localizer) -> CaseModel.Forms {
        let c = data.returnCase
        let allowed = c.allowedEvents.filter { data.principal.may(Action.for(returnEvent: $0)) }
        let action = { (event: ReturnEventKind) in
            CaseModel.Action(event: event.rawValue, label: l.t("returnEvent.\(event.rawValue)"))
        }
        let buttons: [ReturnEventKind] = [.authorise, .approve, .finishRepair, .passQA, .deliver, .close]
        let reasons: [ReturnEventKind] = [.sendBack, .failQA, .reject, .cancel]
        let units = c.units
        return CaseModel.Forms(
            buttons: buttons.filter(allowed.contains).map(action),
            reasons: reasons.filter(allowed.contains).map(action),
            ship: allowed.contains(.ship), receive: allowed.contains(.receive) ? units.map(\.serialNumber) : nil,
            inspect: allowed.contains(.inspect)
                ? units.map { unit in
                    CaseModel.InspectUnit(
                        id: unit.unitId, label: "\(unit.modelCode) \(unit.serialNumber)",
                        items: InspectionItem.allCases.map { item in
                            SelectOption(
                                value: item.rawValue, label: l.t("inspectionItem.\(item.rawValue)"),
                                selected: unit.checklist?.answer(item) ?? item.expected)
                        },
                        responsibilityOptions: SelectOption.of(
                            Responsibility.self, prefix: "responsibility", selected: unit.responsibility, l),
                        usable: unit.usable ?? true, findings: unit.findings ?? "")
                } : nil,
            decide: allowed.contains(.decide)
                ? SelectOption.of(ReturnResolution.self, prefix: "returnResolution", selected: proposal(c), l) : nil,
            proposal: allowed.contains(.decide) ? l.t("returnResolution.\(proposal(c).rawValue)") : nil,
            shipBack: allowed.contains(.shipBack),
            replacements: allowed.contains(.shipBack) && c.resolution == .exchange
                ? units.map {
                    SelectOption(value: "\($0.unitId)", label: "\($0.modelCode) \($0.serialNumber)", selected: false)
                }
                : nil)
    }

    /// what the rule proposes from the inspection, before costs are typed (repair first where usable).
    static func proposal(_ c: ReturnCaseView) -> ReturnResolution {
        ReturnDecisionRule.proposal(
            units: c.units.map { ($0.responsibility ?? .noFaultFound, $0.usable ?? false) }, wish: c.wish,
            costs: c.costs ?? ReturnCosts())
    }

    static func decision(_ c: ReturnCaseView, _ l: Localizer) -> CaseModel.Decision? {
        guard let resolution = c.resolution else { return nil }
        let costs = c.costs ?? ReturnCosts()
        let options: [(String, Int?, Bool)] = [
            ("returns.costRepair", costs.repairMinor, resolution.repairs),
            ("returns.costNewUnit", costs.newUnitMinor, resolution == .exchange),
            ("returns.costRefund", costs.refundMinor, resolution == .refund),
        ]
        return CaseModel.Decision(
            resolution: l.t("returnResolution.\(resolution.rawValue)"),
            proposal: c.proposal.map { l.t("returnResolution.\($0.rawValue)") } ?? "—",
            costs: options.map { label, value, chosen in
                CaseModel.CostRow(
                    label: l.t(label), value: value.map { l.amount($0, c.currency) } ?? "—", chosen: chosen)
            },
            approval: c.approvalReason.map { l.t("approvalReason.\($0.rawValue)") } ?? l.t("returns.withinLimit"),
            decidedBy: c.decidedBy ?? "—", approvedBy: c.approvedBy ?? l.t("returns.awaitingApproval"),
            note: c.decisionNote, credit: c.creditDocumentNumber,
            creditLink: c.creditDocumentId.map { "/billing/\($0)" })
    }

    static func caseModel(_ data: CaseData, _ l: Localizer) -> CaseModel {
        let c = data.returnCase
        var facts = [
            Fact(label: l.t("returns.request"), value: c.requestNumber, link: "/requests/\(c.requestId)"),
            Fact(label: l.t("field.customer"), value: c.customerName, link: nil),
            Fact(label: l.t("returns.depot"), value: c.depotUnitName, link: nil),
            Fact(label: l.t("returns.wish"), value: l.t("returnWish.\(c.wish.rawValue)"), link: nil),
            Fact(label: l.t("returns.reason"), value: c.reason, link: nil),
            Fact(label: l.t("returns.shipping"), value: l.t("returnShipping.\(c.shipping.rawValue)"), link: nil),
        ]
        let optional: [(String, String?)] = [
            (
                "returns.contact",
                [c.contactName, c.contactPhone.map(PhoneMask.mask)].compactMap { $0 }
                    .joined(separator: " ").nilIfEmpty
            ),
            ("returns.shipFrom", c.shipFrom),
            ("returns.carrier", [c.carrier, c.trackingNumber].compactMap { $0 }.joined(separator: " ").nilIfEmpty),
            ("returns.receivedAt", c.receivedAt.map(l.dateTime)),
            (
                "returns.returnCarrier",
                [c.returnCarrier, c.returnTrackingNumber].compactMap { $0 }
                    .joined(separator: " ").nilIfEmpty
            ),
            ("returns.shippedBackAt", c.shippedBackAt.map(l.dateTime)),
            ("returns.deliveredAt", c.deliveredAt.map(l.dateTime)),
            ("returns.followUpAt", data.followUpAt.map(l.dateTime)),
            ("returns.closedReason", c.closedReason),
        ]
        facts += optional.compactMap { key, value in value.map { Fact(label: l.t(key), value: $0, link: nil) } }
        facts.append(
            Fact(label: l.t("returns.opened"), value: l.dateTime(c.createdAt) + " · " + c.createdBy, link: nil))
        let forms = forms(data, l)
        let repair = data.repair.map { r in
            CaseModel.Repair(
                diagnosis: data.typed["diagnosis"] ?? r.diagnosis ?? "",
                actions: data.typed["actions"] ?? r.actions ?? "",
                tests: data.typed["tests"] ?? r.tests ?? "",
                labour: data.typed["labourMinutes"] ?? (r.labourMinutes > 0 ? "\(r.labourMinutes)" : ""),
                technician: data.typed["technician"] ?? r.technician ?? "", version: r.version,
                parts: r.parts.map { p in
                    CaseModel.Repair.Part(
                        part: "\(p.partNumber) · \(p.partName)", quantity: l.quantity(p.quantity),
                        warehouse: p.warehouseCode, serial: p.serial ?? "", at: l.dateTime(p.at))
                }, partsValue: l.amount(r.partsMinor, c.currency),
                editable: c.status == .inRepair && data.principal.may(.workDepot),
                warehouseOptions: SelectOption.warehouses(
                    data.warehouses, selected: data.typed["warehouseId"].flatMap(Int.init), l))
        }
        return CaseModel(
            id: c.id, number: c.number, version: c.version, status: l.t("returnStatus.\(c.status.rawValue)"),
            statusCode: c.status.rawValue, facts: facts,
            units: c.units.map { u in
                CaseModel.UnitRow(
                    id: u.unitId, serial: u.serialNumber, model: "\(u.modelCode) · \(u.modelName)",
                    received: u.receivedSerial ?? "—",
                    responsibility: u.responsibility.map { l.t("responsibility.\($0.rawValue)") } ?? "—",
                    usable: yesNo(u.usable, l), findings: u.findings ?? "",
                    deviations: (u.checklist?.deviations ?? []).map { l.t("inspectionItem.\($0.rawValue)") }
                        .joined(separator: ", ").nilIfEmpty,
                    successor: u.successorSerial)
            }, decision: decision(c, l), forms: forms, hasSteps: forms.any, repair: repair,
            loans: data.loans.map { loan in
                CaseModel.Loan(
                    loaner: "\(loan.modelCode) \(loan.serialNumber)", due: loan.dueOn.description,
                    overdue: loan.daysOverdue > 0, back: loan.returnedAt.map(l.dateTime), loanerId: loan.loanerId)
            },
            photos: data.photos.map { photo in
                CaseModel.Photo(
                    link: "/returns/photos/\(photo.id)", name: photo.fileName,
                    image: photo.kind.isImage, at: l.dateTime(photo.createdAt))
            }, canAddPhotos: data.canAddPhotos,
            loanerOptions: c.status.isOpen && data.principal.may(.lendLoaners)
                ? data.loaners.map {
                    SelectOption(value: "\($0.id)", label: "\($0.modelCode) \($0.serialNumber)", selected: false)
                } : nil,
            dueOn: data.typed["dueOn"] ?? data.today.adding(days: 14).description,
            timeline: data.timeline.map { step in
                CaseModel.Step(
                    at: l.dateTime(step.at), actor: step.actor, event: l.t("returnCaseEvent.\(step.event)"),
                    note: step.note)
            }, errors: data.errors, typed: Typed(data.typed))
    }
}
