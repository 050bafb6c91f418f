import AftercareDomain
import Foundation
import SQLKit

/// R-5: the demo's fault-code catalogue and the service reports of recent finished jobs in the East China branch:
/// signed with photos and a drawn signature, one refused, one waiting for the customer's signature, one reviewed and
/// archived, and a repeat repair sampled for the quality inspector. Written through the same use cases as the pages.
/// Runs once: nothing is added when reports exist.
public enum DemoReports {
    /// Fault codes per product line: code, name, category (what the repeat-repair rule compares), usual cause.
    static let codes: [String: [(String, String, String, FaultCause)]] = [
        "COPIER": [
            ("CP-FU01", "定影器温度异常", "定影系统", .qualityDefect), ("CP-PF02", "进纸轮磨损打滑", "供纸系统", .qualityDefect),
            ("CP-JM03", "异物卡纸", "供纸系统", .misuse),
        ],
        "LED": [
            ("LED-MD01", "模组坏点、暗块", "显示模组", .qualityDefect),
            ("LED-PS02", "电源模块烧毁", "供电系统", .qualityDefect), ("LED-WT03", "进水短路", "供电系统", .forceMajeure),
        ],
        "MACHINERY": [
            ("MC-HY01", "液压泵压力不足", "液压系统", .qualityDefect),
            ("MC-EL02", "控制器报警、线束破损", "电气系统", .manMadeDamage),
            ("MC-EN03", "发动机冷却液温度过高", "动力系统", .misuse),
        ],
        "WINDOW": [
            ("WD-SL01", "密封条老化渗水", "密封系统", .qualityDefect),
            ("WD-HW02", "执手、合页损坏", "五金件", .manMadeDamage),
        ],
        "SCHOOLIT": [
            ("IT-NW01", "交换机端口故障", "网络", .qualityDefect), ("IT-PJ02", "投影灯泡损坏", "多媒体设备", .misuse),
        ],
        "SOFTWARE": [
            ("SW-CF01", "配置错误", "配置", .installation), ("SW-BG02", "程序缺陷", "软件缺陷", .qualityDefect),
        ],
        "APPLIANCE": [
            ("AP-CP01", "压缩机不启动", "制冷系统", .qualityDefect),
            ("AP-BD02", "主板烧毁（电压异常）", "电气系统", .forceMajeure),
        ],
    ]

    public static func load(into store: Store, vault: FileVault) async throws {
        let db = store.sql
        guard try await db.raw("SELECT id FROM service_reports").first() == nil,
            try await db.raw("SELECT id FROM fault_codes").first() == nil
        else { return }
        let system = Actor(name: "demo")
        var byLine: [Int: [FaultCodeRecord.View]] = [:]
        for row in try await db.raw("SELECT id, code FROM product_lines").all() {
            let line = try row.decode(column: "id", as: Int.self)
            for (code, name, category, cause) in codes[try row.decode(column: "code", as: String.self)] ?? [] {
                byLine[line, default: []].append(
                    try await Records<FaultCodeRecord>(store).create(
                        .init(productLineId: line, code: code, name: name, category: category, cause: cause), by: system
                    ))
            }
        }
        if let hq = try await db.raw("SELECT id FROM org_units WHERE code = 'HQ'").first(
            decodingColumn: "id", as: Int.self)
        {
            _ = try await Records<QualitySettingsRecord>(store).create(
                .init(orgUnitId: hq, repeatWindowDays: 90, spotCheckShare: 2000), by: system)
        }
        guard
            let engineer = try await db.raw(
                """
                SELECT e.id, u.id AS user_id, u.display_name, u.org_unit_id, ou.path FROM engineers e \
                JOIN users u ON u.id = e.user_id JOIN org_units ou ON ou.id = u.org_unit_id \
                WHERE u.username = 'engineer.sh'
                """
            ).first(),
            let branch = try await db.raw("SELECT path FROM org_units WHERE code = 'BR-EC'").first(
                decodingColumn: "path", as: String.self)
        else { return }
        let principal = Principal(
            userId: try engineer.decode(column: "user_id", as: Int.self), username: "engineer.sh",
            displayName: try engineer.decode(column: "display_name", as: String.self), roles: [.fieldEngineer],
            orgUnitId: try engineer.decode(column: "org_unit_id", as: Int.self),
            orgUnitPath: try engineer.decode(column: "path", as: String.self), customerId: nil, locale: nil)
        let engineerId = try engineer.decode(column: "id", as: Int.self)
        // Resolved one-unit requests of the branch registered at least half a day ago (their visit is over), newest
        // first; a unit repaired twice first of all (the repeat).
        typealias Job = (request: Int, orgUnit: Int, created: Date, contact: String, unit: Int, line: Int)
        let jobs: [Job] = try await db.raw(
            """
            SELECT sr.id, sr.org_unit_id, sr.created_at, sr.contact_name, sru.unit_id, pm.product_line_id \
            FROM service_requests sr JOIN service_request_units sru ON sru.request_id = sr.id \
            JOIN units un ON un.id = sru.unit_id JOIN product_models pm ON pm.id = un.model_id \
            WHERE sr.status IN ('resolved', 'closed') AND sr.org_unit_id IN (SELECT id FROM org_units WHERE path LIKE \
            \(bind: branch + "%")) AND (SELECT COUNT(*) FROM service_request_units x WHERE x.request_id = sr.id) = 1 \
            AND sr.created_at < \(bind: store.now.addingTimeInterval(-12 * 3600)) \
            ORDER BY sr.id DESC LIMIT 400
            """
        ).all().map { row in
            (
                request: try row.decode(column: "id", as: Int.self),
                orgUnit: try row.decode(column: "org_unit_id", as: Int.self),
                created: try row.decode(column: "created_at", as: Date.self),
                contact: try row.decode(column: "contact_name", as: String?.self) ?? "客户",
                unit: try row.decode(column: "unit_id", as: Int.self),
                line: try row.decode(column: "product_line_id", as: Int.self)
            )
        }
        // Two jobs on one unit a few weeks apart: the second repeats the first.
        let twice =
            Dictionary(grouping: jobs, by: \.unit).values.sorted { $0[0].request > $1[0].request }.lazy.compactMap {
                unit -> [Job]? in
                let ordered = unit.sorted { $0.created < $1.created }
                return zip(ordered, ordered.dropFirst()).first { pair in
                    let gap = pair.1.created.timeIntervalSince(pair.0.created)
                    return gap > 86_400 && gap < 60 * 86_400
                }.map { [$0.0, $0.1] }
            }.first ?? []
        let others = jobs.filter { job in !twice.contains { $0.request == job.request } }.prefix(8).reversed()
        let chosen = twice + others
        for (index, job) in chosen.enumerated() {
            guard let code = (byLine[job.line] ?? []).first else { continue }
            let repeated = index < twice.count
            let arrived = job.created.addingTimeInterval(4 * 3600)
            let finished = arrived.addingTimeInterval(Double(60 + index % 3 * 25) * 60)
            guard finished < store.now else { continue }
            let visit = try await finishedVisit(
                request: job.request, orgUnit: job.orgUnit, engineer: engineerId, arrived: arrived, finished: finished,
                on: db)
            let reports = ServiceReports(store.withClock { finished.addingTimeInterval(600) }, vault: vault)
            let report = try await reports.open(visitId: visit, unitId: job.unit, by: principal)
            let content = ServiceReportContent(
                faultFound: code.name + "，" + (repeated ? "与上次故障现象相同" : "现场确认故障"),
                cause: code.cause ?? .qualityDefect, faultCodeId: code.id,
                actions: ["更换故障部件并清洁", "调整参数后试运行", "紧固线束，更换损坏件"][index % 3],
                tests: "试运行 30 分钟，工作正常", result: .fixed, engineerRemarks: index % 4 == 0 ? "建议三个月后回访" : nil,
                labourMinutes: Int(finished.timeIntervalSince(arrived) / 60), difficulty: [.a, .b, .c][index % 3],
                travelKm: 8 + index * 3)
            _ = try await reports.update(report.id, content: content, expectedVersion: nil, by: principal)
            _ = try await reports.addPhotos(
                (0..<(1 + index % 2)).map {
                    NewAttachment(fileName: "现场照片-\($0 + 1).png", bytes: DemoImages.photo(seed: index * 7 + $0))
                }, to: report.id, by: principal)
            // The latest job waits for the customer's signature; the one before is still a draft.
            if index == chosen.count - 2 { continue }
            _ = try await reports.post(ReportEventInput(.submit), to: report.id, by: principal)
            if index == chosen.count - 1 { continue }
            let signOff =
                index == 3
                ? ReportSignOff(signerName: nil, signature: nil, noSignatureReason: "客户临时外出，由门卫确认完工")
                : ReportSignOff(
                    signerName: job.contact, signature: DemoImages.signature(of: job.contact),
                    ratings: ServiceRatings(attitude: 5, quality: 4 + index % 2, timeliness: 3 + index % 3),
                    customerRemarks: index % 2 == 0 ? "工程师很专业，处理及时" : nil)
            _ = try await reports.post(ReportEventInput(signOff.event, signOff: signOff), to: report.id, by: principal)
            if index == 0 {
                let head = Principal(
                    userId: 0, username: "manager", displayName: "service manager", roles: [.serviceManager],
                    orgUnitId: principal.orgUnitId, orgUnitPath: principal.orgUnitPath, customerId: nil, locale: nil)
                _ = try await reports.post(ReportEventInput(.review), to: report.id, by: head)
            }
        }
    }

    /// A visit of the request by the engineer, finished in the past (written as it ended: the demo's history).
    static func finishedVisit(
        request: Int, orgUnit: Int, engineer: Int, arrived: Date, finished: Date, on db: any SQLDatabase
    ) async throws -> Int {
        try await db.insert(into: "visits")
            .columns(
                "request_id", "org_unit_id", "sequence", "purpose", "status", "emergency", "engineer_id",
                "window_start", "window_end", "duration_minutes", "required_skills", "required_certifications",
                "preparation", "departed_at", "arrived_at", "finished_at", "version", "created_at", "updated_at"
            )
            .values(
                SQLBind(request), SQLBind(orgUnit), SQLBind(1), SQLBind(VisitPurpose.repair.rawValue),
                SQLBind(VisitStatus.completed.rawValue), SQLBind(false), SQLBind(engineer),
                SQLBind(arrived.addingTimeInterval(-1800)), SQLBind(arrived.addingTimeInterval(5400)), SQLBind(90),
                SQLBind("[]"), SQLBind("[]"), SQLBind(try JSONText.encode(VisitPreparation(tools: ["万用表"]))),
                SQLBind(arrived.addingTimeInterval(-2400)), SQLBind(arrived), SQLBind(finished), SQLBind(4),
                SQLBind(arrived.addingTimeInterval(-86_400)), SQLBind(finished)
            )
            .returning("id").first(decodingColumn: "id", as: Int.self)!
    }
}
