import AftercareDomain
import Foundation

@testable import AftercareServer
@testable import AftercareStore

/// Store views of one morning at the East China branch (Shanghai), written out as values: the page models are
/// functions of these, the acting principal and a localizer, with no database and no request.
enum PageFixtures {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    /// 2026-11-30 09:00 in Shanghai.
    static let morning = Date(timeIntervalSince1970: 1_796_000_400)
    static let day = CalendarDate(year: 2026, month: 11, day: 30)!

    static func at(_ hour: Int, _ minute: Int = 0) -> Date {
        day.interval(in: zone).start.addingTimeInterval(Double(hour * 3600 + minute * 60))
    }

    static let catalogue: Catalogue = {
        try! Catalogue.load(from: ResourceDirectory.root().appendingPathComponent("Resources/Locales"))
    }()

    static func localizer(_ language: Language) -> Localizer {
        Localizer(language: language, timeZone: zone, catalogue: catalogue)
    }

    static func principal(_ roles: Set<Role>, name: String = "wang.li", display: String = "王丽") -> Principal {
        Principal(
            userId: 7, username: name, displayName: display, roles: roles, orgUnitId: 2, orgUnitPath: "/1/2",
            customerId: nil, locale: nil, sessionId: nil, csrfToken: nil, tokenId: nil)
    }

    // MARK: Service request

    static let request = ServiceRequestView(
        id: 42, number: "SR-2026-000137", orgUnitId: 2, customerId: 9, customerName: "上海浦江印务有限公司",
        projectId: nil, contactName: "陈建国", contactPhone: "021 6435 2210", channel: .phone, type: .repair,
        faultDescription: "胶印机供纸时频繁卡纸，进纸轮有异响", customerRequest: "希望今天下午上门",
        preferredTime: "下午", priority: .high, emergency: false, category: nil, faultCause: .unknown,
        status: .triaged, allowedEvents: RequestLifecycle(status: .triaged).allowedEvents,
        warrantyStatus: .inWarranty,
        units: [
            RequestUnitView(
                unitId: 31, serialNumber: "HX-5200-0419", modelId: 4, modelCode: "HX-5200", warranty: nil,
                warrantyStatus: .inWarranty, warrantyReason: nil)
        ], createdBy: "zhao.min", version: 3, createdAt: at(8, 12), updatedAt: at(8, 40), archivedAt: nil,
        durations: DurationsView(ageSeconds: 2880, waitingOnCustomerSeconds: 0, secondsInStatus: [:]),
        timeline: [
            TimelineEntry(
                id: 1, at: at(8, 12), actor: "zhao.min", event: "register", from: nil, to: .registered, note: nil),
            TimelineEntry(
                id: 2, at: at(8, 40), actor: "zhao.min", event: "triage", from: .registered, to: .triaged,
                note: "内部：客户上月已报修一次"),
        ])

    static let visit = VisitView(
        id: 55, requestId: 42, requestNumber: "SR-2026-000137", requestStatus: .triaged, customerId: 9,
        customerName: "上海浦江印务有限公司", contactName: "陈建国", contactPhone: "021 6435 2210", orgUnitId: 2,
        sequence: 1, purpose: .repair, status: .scheduled,
        allowedEvents: VisitLifecycle(status: .scheduled).allowedEvents,
        priority: .high, emergency: false, engineerId: 3, engineerName: "孙海涛", windowStart: at(14),
        windowEnd: at(16), plannedArrival: at(14, 20), departureAt: at(13, 50), routeOrder: 1, durationMinutes: 90,
        requiredSkills: [], requiredCertifications: [],
        preparation: VisitPreparation(
            tools: ["扭力扳手"], parts: [.init(partNumber: "FR-200", name: "进纸轮", quantity: 1)], loanerUnit: false,
            notes: nil), address: "上海市徐汇区漕宝路 1200 号", latitude: 31.168, longitude: 121.41, departedAt: nil,
        arrivedAt: nil, finishedAt: nil, nextStep: nil, note: nil, version: 2, createdAt: at(8, 45),
        updatedAt: at(8, 50), timeline: nil)

    /// a signed service report of the visit: a repeat repair with a part, a photo, ratings and a spot check.
    static let serviceReport = ServiceReportView(
        id: 81, visitId: 55, visitSequence: 1, requestId: 42, requestNumber: "SR-2026-000137", customerId: 9,
        customerName: "上海浦江印务有限公司", orgUnitId: 2, unitId: 31, unitSerial: "HX-5200-0419",
        modelName: "海新 HX-5200 胶印机", productLineId: 4, address: "上海市徐汇区漕宝路 1200 号", engineerId: 3,
        engineerName: "孙海涛", engineerLevel: 3,
        certifications: [Certification(name: "电工特种作业操作证", expiresOn: CalendarDate(year: 2027, month: 5, day: 1))],
        status: .signed, allowedEvents: ServiceReportLifecycle(status: .signed).allowedEvents,
        content: ServiceReportContent(
            faultFound: "进纸轮磨损，供纸时打滑卡纸", cause: .qualityDefect, faultCodeId: 5, actions: "更换进纸轮，调整分纸压力",
            tests: "连续走纸 500 张无卡纸", result: .fixed, labourMinutes: 75, difficulty: .b, travelKm: 18),
        faultCode: nil, faultCategory: "供纸系统",
        parts: [
            ReportPart(
                entryId: 301, partId: 12, partNumber: "FR-200", name: "进纸轮", quantity: 1, serial: nil,
                removedSerial: nil, unitCostMinor: 8_500)
        ], arrivedAt: at(14, 20), finishedAt: at(15, 35), submittedAt: at(15, 40), signerName: "陈建国",
        signed: true, signedAt: at(15, 45), noSignatureReason: nil,
        ratings: ServiceRatings(attitude: 5, quality: 4, timeliness: 5), customerRemarks: "处理及时",
        repeatOf: RepeatLink(reportId: 64, requestId: 31, requestNumber: "SR-2026-000098", finishedAt: at(10)),
        reviewedBy: nil, reviewedAt: nil, archivedBy: nil, archivedAt: nil, createdBy: "sun.ht", version: 4,
        createdAt: at(15, 36), updatedAt: at(15, 45),
        photos: [AttachmentView(id: 701, fileName: "进纸轮.jpg", kind: .jpeg, size: 182_004, createdAt: at(15, 30))],
        timeline: [], spotCheck: nil)

    static let waiting = VisitView(
        id: 56, requestId: 43, requestNumber: "SR-2026-000138", requestStatus: .triaged, customerId: 10,
        customerName: "苏州吴中包装材料厂", contactName: "刘芳", contactPhone: "0512 6558 3301", orgUnitId: 2,
        sequence: 1, purpose: .diagnosis, status: .planned,
        allowedEvents: VisitLifecycle(status: .planned).allowedEvents, priority: .emergency, emergency: true,
        engineerId: nil, engineerName: nil, windowStart: nil, windowEnd: nil, plannedArrival: nil, departureAt: nil,
        routeOrder: nil, durationMinutes: 60, requiredSkills: [], requiredCertifications: [],
        preparation: VisitPreparation(tools: [], parts: [], loanerUnit: false, notes: nil),
        address: "苏州市吴中区东方大道 88 号", latitude: 31.27, longitude: 120.63, departedAt: nil, arrivedAt: nil,
        finishedAt: nil, nextStep: nil, note: nil, version: 1, createdAt: at(8, 55), updatedAt: at(8, 55),
        timeline: nil)

    static let engineer = EngineerRecord.View(
        id: 3, userId: 12, name: "孙海涛", username: "sun.haitao", orgUnitId: 2, external: false, level: 3,
        skills: [], certifications: [], absences: [], maxVisitsPerDay: 6, homeLatitude: 31.2, homeLongitude: 121.45,
        calendarId: nil, version: 1, createdAt: at(0), updatedAt: at(0), archivedAt: nil)

    static let branch = OrgUnitRecord.View(
        id: 2, code: "EC", name: "华东分公司", kind: .branch, parentId: 1, path: [1, 2], timeZone: "Asia/Shanghai",
        latitude: 31.23, longitude: 121.47, currency: .cny, version: 1, createdAt: at(0), updatedAt: at(0),
        archivedAt: nil)

    /// The East China branch's schedule in effect since January, two difficulties and an open travel band.
    static let feeSchedule = FeeScheduleRecord.View(
        id: 4, orgUnitId: 2, orgUnitName: "华东分公司", currency: .cny,
        validFrom: CalendarDate(year: 2026, month: 1, day: 1)!,
        validTo: nil,
        labour: [
            LabourRate(level: 1, difficulty: .a, basis: .perHour, amountMinor: 10_000),
            LabourRate(level: 3, difficulty: .a, basis: .perHour, amountMinor: 14_000),
            LabourRate(level: 3, difficulty: .d, basis: .perJob, amountMinor: 100_000),
        ],
        travel: [TravelBand(upToKm: 10, amountMinor: 5_000), TravelBand(upToKm: nil, amountMinor: 20_000)],
        training: [TrainingRate(content: "操作培训", method: .onSite, perHourMinor: 30_000)],
        note: "工时费按上海市场价调整。", version: 1, createdAt: at(0), updatedAt: at(0), archivedAt: nil)

    static let board = DispatchPages.BoardData(
        unitId: 2, date: day, units: [branch], subtree: [2], day: [visit], queue: [waiting], engineers: [engineer],
        plan: nil)

    /// The printing press of the request, accepted in March 2025 with 24 months of warranty.
    static let unit = UnitRecord.View(
        id: 31, serialNumber: "HX-5200-0419", modelId: 4, modelCode: "HX-5200", customerId: 9, orgUnitId: 2,
        projectId: nil, siteAddress: "上海市徐汇区漕宝路 1200 号", latitude: 31.168, longitude: 121.41,
        saleDate: CalendarDate(year: 2025, month: 2, day: 10), deliveryDate: nil, installationDate: nil,
        acceptanceDate: CalendarDate(year: 2025, month: 3, day: 18), warrantyOverrideMonths: nil,
        warrantyOverrideEnd: nil, status: .inService,
        warranty: WarrantyPeriod.of(
            UnitDates(
                sale: CalendarDate(year: 2025, month: 2, day: 10),
                acceptance: CalendarDate(year: 2025, month: 3, day: 18)),
            terms: WarrantyTerms(months: 24, startsFrom: .acceptance)), version: 1, createdAt: at(0), updatedAt: at(0),
        archivedAt: nil)

    // MARK: Requisition

    static let requisition = RequisitionView(
        id: 8, number: "RQ-2026-000021", orgUnitId: 2, engineerId: 3, engineerName: "孙海涛", warehouseId: 4,
        warehouseCode: "EC-MAIN", visitId: 55, requestNumber: "SR-2026-000137", status: .issued,
        allowedEvents: RequisitionLifecycle(status: .issued).allowedEvents, value: 128_000,
        approverRole: .warehouseKeeper, requestedBy: "sun.haitao", note: nil,
        lines: [
            RequisitionLineView(
                id: 1, partId: 11, partNumber: "FR-200", partName: "进纸轮", unit: .piece, quantity: 2, issued: 2,
                consumed: 1, returned: 0, writtenOff: 0, outstanding: 1, serials: [], unitPrice: 64_000)
        ],
        timeline: [
            RequisitionTimelineEntry(
                id: 1, at: at(9, 5), actor: "sun.haitao", event: .request, from: .requested, to: .requested),
            RequisitionTimelineEntry(
                id: 2, at: at(9, 20), actor: "qian.wei", event: .approve, from: .requested, to: .approved),
            RequisitionTimelineEntry(
                id: 3, at: at(9, 40), actor: "qian.wei", event: .issue, from: .approved, to: .issued),
        ], version: 4, createdAt: at(9, 5), updatedAt: at(9, 40))

    // MARK: Stocktake

    static let stocktake = VarianceReport(
        stocktake: StocktakeView(
            id: 5, warehouseId: 4, warehouseCode: "EC-MAIN", orgUnitId: 2, status: .counting, startedBy: "qian.wei",
            startedAt: at(8), decidedBy: nil, decidedAt: nil, note: "年终盘点", counted: 2),
        lines: [
            VarianceLine(
                partId: 11, partNumber: "FR-200", partName: "进纸轮", unit: .piece, bin: "A-03", book: 12, counted: 11,
                variance: -1, varianceValue: -64_000, countedBy: "qian.wei", countedAt: at(8, 30)),
            VarianceLine(
                partId: 12, partNumber: "INK-K1", partName: "黑色油墨", unit: .kilogram, bin: "C-11", book: 20.5,
                counted: 21, variance: 0.5, varianceValue: 4_500, countedBy: "qian.wei", countedAt: at(8, 35)),
            VarianceLine(
                partId: 13, partNumber: "BLT-90", partName: "传动皮带", unit: .piece, bin: nil, book: 4, counted: nil,
                variance: nil, varianceValue: nil, countedBy: nil, countedAt: nil),
        ], countedLines: 2, uncountedLines: 1, linesWithVariance: 2, netValue: -59_500, grossValue: 68_500)
}

extension PageFixtures {
    /// a copier sent back, inspected at the headquarters' depot and decided as an exchange above the limit.
    static let returnCase = ReturnCaseView(
        id: 41, number: "RMA-2026-000041", requestId: 137, requestNumber: "SR-2026-000137", orgUnitId: 2,
        depotUnitId: 1, depotUnitName: "总部返修中心", customerId: 5, customerName: "上海浦江印务有限公司", status: .decided,
        allowedEvents: [.approve, .sendBack], wish: .exchange, reason: "卡纸后主板烧毁，无法开机", contactName: "陈建国",
        contactPhone: "13917654321", shipping: .customerSends, shipFrom: "上海市黄浦区福州路 318 号", carrier: "顺丰速运",
        trackingNumber: "SF1402873365", resolution: .exchange, proposal: .exchange, currency: .cny,
        costs: ReturnCosts(repairMinor: 420_000, newUnitMinor: 680_000), decisionNote: "主板与电源板同时损坏，维修不经济",
        approvalReason: .aboveLimit, decidedBy: "zhou.gong", approvedBy: nil, creditDocumentId: nil,
        creditDocumentNumber: nil, returnCarrier: nil, returnTrackingNumber: nil, receivedAt: at(10, 5),
        shippedBackAt: nil, deliveredAt: nil, closedReason: nil,
        units: [
            ReturnCaseUnitView(
                unitId: 9, serialNumber: "AC2K-2403-0117", modelId: 3, modelCode: "AC-200", modelName: "数码复印机 AC-200",
                receivedSerial: "AC2K-2403-0117",
                checklist: InspectionAnswers(
                    Dictionary(uniqueKeysWithValues: InspectionItem.allCases.map { ($0, $0.expected) })),
                findings: "主板 U7 烧毁，电源板击穿", responsibility: .manufacturingDefect, usable: false,
                inspectedBy: "zhou.gong", inspectedAt: at(11), successorUnitId: nil, successorSerial: nil)
        ], createdBy: "lin.xiao", version: 6, createdAt: at(9), updatedAt: at(11, 30))
}
