import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing

/// A PNG as the checks see it: the signature, something, and the `IEND` chunk at the end.
func pngBytes(_ marker: UInt8 = 1) -> [UInt8] {
    [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: marker, count: 40)
        + [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]
}

/// Someone signed in, as the store's use cases see them.
func signedIn(_ userId: Int, _ name: String, _ roles: Set<Role>, customerId: Int? = nil) -> Principal {
    Principal(
        userId: userId, username: name, displayName: name, roles: roles, orgUnitId: 1, orgUnitPath: "/1/",
        customerId: customerId, locale: nil, sessionId: nil, csrfToken: nil, tokenId: nil)
}

/// A repair visit of the fixture's unit done by `li`: scheduled, on site from `start` for an hour, completed.
func finishedVisit(_ fixture: Fixture, _ store: Store, by li: EngineerRecord.View, start: Date) async throws
    -> VisitView
{
    let visit = try await triagedVisit(fixture, store)
    _ = try await Visits(at(store, monday9)).post(
        .init(event: .schedule, engineerId: li.id, windowStart: start, windowEnd: start.addingTimeInterval(7200)),
        to: visit.id, by: tester)
    _ = try await Visits(at(store, start)).post(.init(event: .arrive), to: visit.id, by: tester)
    return try await Visits(at(store, start.addingTimeInterval(3600))).post(
        .init(event: .complete), to: visit.id, by: tester
    ).visit
}

/// What a finished report says.
func written(_ codeId: Int?) -> ServiceReportContent {
    ServiceReportContent(
        faultFound: "定影器温度异常，复印件有黑色条纹", cause: .qualityDefect, faultCodeId: codeId,
        actions: "更换定影组件并清洁电晕丝", tests: "连续复印 50 张，无条纹", result: .fixed, labourMinutes: 60,
        difficulty: .b, travelKm: 12)
}

@Suite("Service reports, repeat repairs and spot checks in the store (R-5)")
struct ReportStoreTests {
    @Test(
        "a report goes from draft to archived: written, photographed, signed, flagged as a repeat, reviewed, amended",
        arguments: TestDatabase.all)
    func lifecycle(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: Li finished a visit on the fixture's unit; the copier line has a fault code; nothing is sampled
            let fixture = try await Fixture.make(store)
            let vault = FileVault(
                directory: FileManager.default.temporaryDirectory.appendingPathComponent("reports-\(UUID())"))
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            let engineerLi = signedIn(li.userId, "li", [.fieldEngineer])
            let manager = signedIn(999, "head", [.serviceManager])
            let code = try await Records<FaultCodeRecord>(store).create(
                .init(productLineId: fixture.model.productLineId, code: "FU-01", name: "定影器故障", category: "定影系统"),
                by: tester)
            _ = try await Records<QualitySettingsRecord>(store).create(
                .init(orgUnitId: fixture.headquarters.id, repeatWindowDays: 90, spotCheckShare: 0), by: tester)
            let visit = try await finishedVisit(fixture, store, by: li, start: hour(10))
            let reports = ServiceReports(at(store, hour(11.5)), vault: vault)
            // when: Li opens the report
            let draft = try await reports.open(visitId: visit.id, unitId: fixture.unit.id, by: engineerLi)
            // then: it is filled from the visit
            #expect(draft.status == .draft)
            #expect(draft.content.result == .fixed)
            #expect(draft.content.labourMinutes == 60)
            #expect(draft.arrivedAt == hour(10))
            #expect(draft.finishedAt == hour(11))
            #expect(draft.engineerLevel == 3)
            // and opening again gives the same report
            #expect(try await reports.open(visitId: visit.id, unitId: fixture.unit.id, by: engineerLi).id == draft.id)
            // when: handed in without the fault found, it is refused and stays a draft
            await #expect(throws: ValidationError.self) {
                try await reports.post(ReportEventInput(.submit), to: draft.id, by: engineerLi)
            }
            #expect(try await reports.get(draft.id).status == .draft)
            // when: written, photographed and handed in
            let saved = try await reports.update(
                draft.id, content: written(code.id), expectedVersion: draft.version, by: engineerLi)
            #expect(saved.faultCategory == "定影系统")
            _ = try await reports.addPhotos(
                [NewAttachment(fileName: "DCIM/fuser.png", bytes: pngBytes())], to: draft.id, by: engineerLi)
            let submitted = try await reports.post(ReportEventInput(.submit), to: draft.id, by: engineerLi)
            #expect(submitted.status == .submitted)
            #expect(submitted.photos?.map(\.fileName) == ["fuser.png"])
            // when: the customer signs on Li's phone and rates the service
            let signOff = ReportSignOff(
                signerName: "王先生", signature: pngBytes(7),
                ratings: ServiceRatings(attitude: 5, quality: 4, timeliness: 5), customerRemarks: "师傅很专业")
            let signed = try await reports.post(ReportEventInput(.sign, signOff: signOff), to: draft.id, by: engineerLi)
            // then
            #expect(signed.status == .signed)
            #expect(signed.signed)
            #expect(signed.signerName == "王先生")
            #expect(signed.ratings == ServiceRatings(attitude: 5, quality: 4, timeliness: 5))
            #expect(signed.repeatOf == nil)
            #expect(signed.spotCheck == nil)
            #expect(try await reports.signature(of: draft.id) == Data(pngBytes(7)))
            // and a second signature, an edit and a photo are refused, changing nothing
            await #expect(throws: ReportStepNotAllowed.self) {
                try await reports.post(ReportEventInput(.sign, signOff: signOff), to: draft.id, by: engineerLi)
            }
            await #expect(throws: ReportFrozen.self) {
                try await reports.update(draft.id, content: written(nil), expectedVersion: nil, by: engineerLi)
            }
            await #expect(throws: ReportFrozen.self) {
                try await reports.addPhotos(
                    [NewAttachment(fileName: "b.png", bytes: pngBytes(2))], to: draft.id, by: engineerLi)
            }
            #expect(try await reports.get(draft.id).content == written(code.id))
            // when: the same fault comes back three weeks later and is fixed again
            let later = try await finishedVisit(fixture, store, by: li, start: hour(10 + 24 * 21))
            let again = ServiceReports(at(store, hour(11.5 + 24 * 21)), vault: vault)
            let second = try await again.open(visitId: later.id, unitId: fixture.unit.id, by: engineerLi)
            _ = try await again.update(second.id, content: written(code.id), expectedVersion: nil, by: engineerLi)
            _ = try await again.post(ReportEventInput(.submit), to: second.id, by: engineerLi)
            let repeated = try await again.post(
                ReportEventInput(
                    .recordNoSignature,
                    signOff: ReportSignOff(signerName: nil, signature: nil, noSignatureReason: "客户不在现场")),
                to: second.id, by: engineerLi)
            // then: it is flagged with the earlier case and sampled for the spot check although the share is 0
            #expect(repeated.repeatOf?.reportId == draft.id)
            #expect(repeated.repeatOf?.requestNumber == signed.requestNumber)
            #expect(repeated.noSignatureReason == "客户不在现场")
            #expect(repeated.spotCheck?.status == .pending)
            #expect(repeated.spotCheck?.repeatRepair == true)
            var filter = ReportFilter()
            filter.repeatOnly = true
            #expect(try await again.list(filter, page: PageRequest()).items.map(\.id) == [second.id])
            // when: the head reviews, archives and adds an addendum; an engineer may not review
            await #expect(throws: ReportNotYours.self) {
                try await again.post(ReportEventInput(.review), to: draft.id, by: engineerLi)
            }
            _ = try await again.post(ReportEventInput(.review), to: draft.id, by: manager)
            _ = try await again.post(ReportEventInput(.archive), to: draft.id, by: manager)
            let amended = try await again.post(
                ReportEventInput(.addAddendum, text: "定影组件批次 F2611 已通知质量部"), to: draft.id, by: manager)
            // then
            #expect(amended.status == .archived)
            #expect(amended.reviewedBy == "head")
            #expect(amended.addenda.map(\.text) == ["定影组件批次 F2611 已通知质量部"])
            #expect(amended.timeline?.map(\.event) == [.submit, .sign, .review, .archive, .addAddendum])
            #expect(amended.content == written(code.id))
            let quality = try await again.quality(ofEngineer: li.id)
            #expect(quality.reports == 2)
            #expect(quality.repeatRepairs == 1)
            #expect(quality.attitude == 500)
            let audited = try await store.sql.raw(
                "SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'serviceReport' AND entity_id = \(bind: draft.id)"
            ).first(decodingColumn: "n", as: Int.self)
            #expect(audited == 8)
        }
    }

    @Test(
        "who may open, write and sign: the visit's engineer, the office, the customer; a visit under way has none",
        arguments: TestDatabase.all)
    func permissions(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            let wang = try await engineer("wang", level: 3, home: (31.3, 121.5), fixture, store)
            let engineerLi = signedIn(li.userId, "li", [.fieldEngineer])
            let engineerWang = signedIn(wang.userId, "wang", [.fieldEngineer])
            let dispatcher = signedIn(998, "zhao", [.dispatcher])
            let reports = ServiceReports(at(store, hour(12)))
            // when: the visit is still open
            let open = try await triagedVisit(fixture, store)
            await #expect(throws: VisitNotFinished.self) {
                try await reports.open(visitId: open.id, unitId: fixture.unit.id, by: dispatcher)
            }
            #expect(try await count("service_reports", store) == 0)
            // when: the visit is done; another engineer, a unit not on the request, or none, are refused
            let visit = try await finishedVisit(fixture, store, by: li, start: hour(10))
            await #expect(throws: ReportNotYours.self) {
                try await reports.open(visitId: visit.id, unitId: fixture.unit.id, by: engineerWang)
            }
            await #expect(throws: ValidationError(["unitId": .required])) {
                try await reports.open(visitId: visit.id, unitId: nil, by: engineerLi)
            }
            await #expect(throws: ValidationError(["unitId": .notFound])) {
                try await reports.open(visitId: visit.id, unitId: fixture.unit.id + 99, by: engineerLi)
            }
            #expect(try await count("service_reports", store) == 0)
            // when: the office types in a paper report
            let report = try await reports.open(visitId: visit.id, unitId: fixture.unit.id, by: dispatcher)
            _ = try await reports.update(report.id, content: written(nil), expectedVersion: nil, by: dispatcher)
            // then: the customer does not see the draft
            let customer = signedIn(997, "renji", [.customer], customerId: fixture.customer.id)
            let theirs = ServiceReports(at(store, hour(12)).seen(within: .customer(id: fixture.customer.id)))
            await #expect(throws: RecordNotFound.self) { try await theirs.get(report.id) }
            _ = try await reports.post(ReportEventInput(.submit), to: report.id, by: dispatcher)
            // and the office may not take the signature, nor another engineer
            let signOff = ReportSignOff(
                signerName: "王先生", signature: pngBytes(),
                ratings: ServiceRatings(attitude: 4, quality: 4, timeliness: 3))
            for someone in [dispatcher, engineerWang] {
                await #expect(throws: ReportNotYours.self) {
                    try await reports.post(ReportEventInput(.sign, signOff: signOff), to: report.id, by: someone)
                }
            }
            // and another customer does not find it
            let stranger = ServiceReports(store.seen(within: .customer(id: fixture.customer.id + 1000)))
            await #expect(throws: RecordNotFound.self) {
                try await stranger.post(
                    ReportEventInput(.sign, signOff: signOff), to: report.id,
                    by: signedIn(996, "other", [.customer], customerId: fixture.customer.id + 1000))
            }
            // when: the customer signs in the portal
            let signed = try await theirs.post(ReportEventInput(.sign, signOff: signOff), to: report.id, by: customer)
            // then
            #expect(signed.status == .signed)
            #expect(signed.ratings?.timeliness == 3)
            // and a signature that is not a PNG, or without the signer's name, is refused naming the field
            #expect(
                ReportSignOff(signerName: nil, signature: Array("<svg/>".utf8)).problems()
                    == ["signerName": .required, "signature": .mediaTypeNotAllowed])
        }
    }

    @Test(
        "uploads: markup named .jpg, a cut-off PNG, too many files are refused with nothing kept; orphans are swept",
        arguments: TestDatabase.all)
    func uploads(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("uploads-\(UUID())")
            let vault = FileVault(directory: directory)
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            let engineerLi = signedIn(li.userId, "li", [.fieldEngineer])
            let visit = try await finishedVisit(fixture, store, by: li, start: hour(10))
            let reports = ServiceReports(at(store, hour(12)), vault: vault)
            let report = try await reports.open(visitId: visit.id, unitId: fixture.unit.id, by: engineerLi)
            // when / then
            let svg = Array("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".utf8)
            await #expect(throws: ValidationError(["files.0": .mediaTypeNotAllowed])) {
                try await reports.addPhotos(
                    [NewAttachment(fileName: "fault.jpg", bytes: svg)], to: report.id, by: engineerLi)
            }
            await #expect(throws: ValidationError(["files.1": .fileIncomplete])) {
                try await reports.addPhotos(
                    [
                        NewAttachment(fileName: "a.png", bytes: pngBytes()),
                        NewAttachment(fileName: "b.png", bytes: Array(pngBytes().dropLast(5))),
                    ], to: report.id, by: engineerLi)
            }
            let many = (0..<(ReportMedia.maxPerUpload + 1)).map {
                NewAttachment(fileName: "p\($0).png", bytes: pngBytes(UInt8($0)))
            }
            await #expect(throws: ValidationError(["files": .tooMany(max: ReportMedia.maxPerUpload)])) {
                try await reports.addPhotos(many, to: report.id, by: engineerLi)
            }
            #expect(try await count("attachments", store) == 0)
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("attachments").path))
            // when: a file was kept but its row never written (a crash between the two)
            let orphan = try vault.keep(pngBytes(42))
            let kept = try await reports.addPhotos(
                [NewAttachment(fileName: "../../etc/fault.png", bytes: pngBytes(43))], to: report.id, by: engineerLi)
            #expect(kept.photos?.map(\.fileName) == ["fault.png"])
            // then: the sweep removes the orphan an hour later and keeps the photo
            let sweep = Conversations(at(store, Date().addingTimeInterval(7200)), vault: vault)
            #expect(try await sweep.removeOrphans() == 1)
            #expect((try? vault.read(orphan)) == nil)
            let photo = try #require(kept.photos?.first)
            #expect(try await reports.file(photo.id).data == Data(pngBytes(43)))
        }
    }

    @Test(
        "a failed spot check opens rework under the reopened request and counts against the engineer",
        arguments: TestDatabase.all)
    func spotCheck(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: every fixed job is sampled
            let fixture = try await Fixture.make(store)
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            let engineerLi = signedIn(li.userId, "li", [.fieldEngineer])
            _ = try await Records<QualitySettingsRecord>(store).create(
                .init(orgUnitId: fixture.branch.id, repeatWindowDays: 30, spotCheckShare: 10_000), by: tester)
            let visit = try await finishedVisit(fixture, store, by: li, start: hour(10))
            #expect(visit.requestStatus == .resolved)
            let reports = ServiceReports(at(store, hour(12)))
            let report = try await reports.open(visitId: visit.id, unitId: fixture.unit.id, by: engineerLi)
            _ = try await reports.update(report.id, content: written(nil), expectedVersion: nil, by: engineerLi)
            _ = try await reports.post(ReportEventInput(.submit), to: report.id, by: engineerLi)
            let signed = try await reports.post(
                ReportEventInput(.sign, signOff: ReportSignOff(signerName: "王先生", signature: pngBytes())),
                to: report.id, by: engineerLi)
            let check = try #require(signed.spotCheck)
            #expect(check.status == .pending)
            #expect(check.repeatRepair == false)
            let checks = SpotChecks(at(store, hour(30)))
            var pending = SpotCheckFilter()
            pending.statuses = [.pending]
            #expect(try await checks.list(pending, page: PageRequest()).items.map(\.id) == [check.id])
            // when: failed without a reason, it is refused
            await #expect(throws: ValidationError(["reason": .required])) {
                try await checks.post(SpotCheckEvent(.fail), to: check.id, by: tester)
            }
            // when: failed with the reason
            let failed = try await checks.post(SpotCheckEvent(.fail, reason: "回访发现仍有条纹"), to: check.id, by: tester)
            // then: rework is planned under the request, which is open again
            #expect(failed.status == .failed)
            let rework = try await Visits(store).get(try #require(failed.reworkVisitId))
            #expect(rework.requestId == visit.requestId)
            #expect(rework.status == .planned)
            #expect(rework.preparation.notes?.contains("回访发现仍有条纹") == true)
            #expect(try await ServiceRequests(store).get(visit.requestId).status == .inService)
            #expect(try await reports.quality(ofEngineer: li.id).spotChecksFailed == 1)
            // and a second verdict is refused
            await #expect(throws: SpotCheckClosed.self) {
                try await checks.post(SpotCheckEvent(.pass), to: check.id, by: tester)
            }
        }
    }
}
