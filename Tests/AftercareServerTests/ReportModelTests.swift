import AftercareDomain
import Foundation
import Testing

@testable import AftercareServer
@testable import AftercareStore

/// the service report page as a value: what each reader may do, and what the customer never sees.
@Suite("Page models: service reports")
struct ReportModelTests {
    typealias F = PageFixtures

    static func report(_ status: ServiceReportStatus) -> ServiceReportView {
        var report = F.serviceReport
        report.status = status
        report.allowedEvents = ServiceReportLifecycle(status: status).allowedEvents
        report.spotCheck = SpotCheckView(
            id: 4, reportId: report.id, orgUnitId: 2, engineerId: 3, status: .pending, allowedEvents: [.pass, .fail],
            repeatRepair: true, selectedAt: F.at(16), requestId: 42, requestNumber: report.requestNumber,
            customerName: report.customerName)
        return report
    }

    static func model(_ report: ServiceReportView, _ principal: Principal, engineerId: Int? = nil, portal: Bool = false)
        -> ServiceReportPage.Model
    {
        ServiceReportPage.model(
            .init(report: report, engineerId: engineerId, codes: [], consumption: [], schedule: nil),
            paths: portal ? .portal(report) : .staff(report), principal: principal, F.localizer(.zhHans))
    }

    @Test("the visit's engineer edits and hands in a draft; another engineer only reads it")
    func draft() {
        let own = Self.model(Self.report(.draft), F.principal([.fieldEngineer]), engineerId: 3)
        #expect(own.canEdit && own.canUpload && own.canSubmit && !own.canSign)
        let other = Self.model(Self.report(.draft), F.principal([.fieldEngineer]), engineerId: 8)
        #expect(!other.canEdit && !other.canUpload && !other.canSubmit)
    }

    @Test("a handed-in report is signed on the engineer's phone or by its customer, never by the office")
    func signing() {
        #expect(Self.model(Self.report(.submitted), F.principal([.fieldEngineer]), engineerId: 3).canSign)
        let office = Self.model(Self.report(.submitted), F.principal([.dispatcher]))
        #expect(!office.canSign && office.canRecordNoSignature && office.canReopen)
        var customer = F.principal([.customer])
        customer.customerId = F.serviceReport.customerId
        let theirs = Self.model(Self.report(.submitted), customer, portal: true)
        #expect(theirs.canSign && !theirs.canReopen && !theirs.canRecordNoSignature)
        #expect(theirs.signAction == "/portal/reports/81/sign" && theirs.paths.visit == nil)
    }

    @Test("the head reviews a signed report; the customer never sees the spot check")
    func review() {
        let head = Self.model(Self.report(.signed), F.principal([.serviceManager]))
        #expect(head.canReview && !head.canSign && head.canAddAddendum)
        #expect(head.spotCheck == "待抽查" && head.repeatOf?.contains("SR-2026-000098") == true)
        var customer = F.principal([.customer])
        customer.customerId = F.serviceReport.customerId
        let theirs = Self.model(Self.report(.signed), customer, portal: true)
        #expect(theirs.spotCheck == nil && theirs.reworkLink == nil && !theirs.canReview && !theirs.canAddAddendum)
        #expect(theirs.photos.map(\.url) == ["/portal/reports/files/701"])
    }
}
