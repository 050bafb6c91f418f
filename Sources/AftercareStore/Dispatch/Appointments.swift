import AftercareDomain
import Foundation
import SQLKit

/// a visit as the customer may see it: who comes, when, and where the visit stands; nothing of the
/// dispatcher's notes, the preparation list or the engineer's other work.
public struct CustomerAppointment: Codable, Sendable, Equatable {
    public var sequence: Int
    public var purpose: VisitPurpose
    public var status: VisitStatus
    /// The engineer's display name once one is assigned.
    public var engineerName: String?
    public var windowStart: Date?
    public var windowEnd: Date?
    /// When the engineer is expected, from an accepted route.
    public var plannedArrival: Date?
    /// the engineer's level and the certifications valid on the visit's day, shown to the customer.
    public var engineerLevel: Int? = nil
    public var certifications: [Certification] = []
}

extension Visits {
    /// The request's visits that are not cancelled, first planned first, for anyone who may see the request
    /// (a customer account included): the request is looked up within the store's scope first, and a request
    /// out of scope has none.
    public func appointments(ofRequest requestId: Int) async throws -> [CustomerAppointment] {
        var visible: SQLQueryString = "SELECT id FROM service_requests sr WHERE sr.id = \(bind: requestId)"
        if let condition = ServiceRequests.visible(to: store.scope) { visible = visible + " AND " + condition }
        guard try await store.sql.raw(visible).first() != nil else { return [] }
        let rows = try await store.sql.raw(
            """
            SELECT v.sequence, v.purpose, v.status, v.window_start, v.window_end, v.planned_arrival, \
            u.display_name AS engineer_name, e.level AS engineer_level, e.certifications FROM visits v \
            LEFT JOIN engineers e ON e.id = v.engineer_id \
            LEFT JOIN users u ON u.id = e.user_id WHERE v.request_id = \(bind: requestId) \
            AND v.status <> \(bind: VisitStatus.cancelled.rawValue) ORDER BY v.sequence, v.id
            """
        ).all()
        let today = store.today
        let zone = store.timeZone
        return try rows.map { row in
            let windowStart = try row.decode(column: "window_start", as: Date?.self)
            let plannedArrival = try row.decode(column: "planned_arrival", as: Date?.self)
            let day = (plannedArrival ?? windowStart).map { CalendarDate($0, in: zone) } ?? today
            let certifications = try row.decode(column: "certifications", as: String?.self).map {
                try JSONText.decode([Certification].self, from: $0)
            }
            return CustomerAppointment(
                sequence: try row.decode(column: "sequence", as: Int.self),
                purpose: try row.decodeStored("purpose", as: VisitPurpose.self),
                status: try row.decodeStored("status", as: VisitStatus.self),
                engineerName: try row.decode(column: "engineer_name", as: String?.self),
                windowStart: windowStart, windowEnd: try row.decode(column: "window_end", as: Date?.self),
                plannedArrival: plannedArrival, engineerLevel: try row.decode(column: "engineer_level", as: Int?.self),
                certifications: (certifications ?? []).filter { $0.isValid(on: day) })
        }
    }
}
