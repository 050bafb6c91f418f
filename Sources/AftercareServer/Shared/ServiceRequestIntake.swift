import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// What the API and the pages share about service requests: the list filter read from a query, and
/// registration with its log line.
extension QueryReader {
    /// The list's filters from the query string.
    func requestFilter() throws -> RequestFilter {
        var filter = RequestFilter()
        filter.statuses = try list("status", RequestStatus.self)
        filter.types = try list("type", RequestType.self)
        filter.priorities = try list("priority", Priority.self)
        filter.channels = try list("channel", AftercareDomain.Channel.self)
        filter.faultCauses = try list("faultCause", FaultCause.self)
        filter.customerTiers = try list("customerTier", CustomerTier.self)
        filter.orgUnitId = try int("orgUnitId")
        filter.customerId = try int("customerId")
        filter.unitId = try int("unitId")
        filter.modelId = try int("modelId")
        filter.projectId = try int("projectId")
        filter.createdFrom = try instant("createdFrom", timeZone: req.store.timeZone)
        filter.createdBefore = try instant("createdBefore", timeZone: req.store.timeZone)
        filter.emergency = try bool("emergency")
        filter.includeArchived = try bool("includeArchived") ?? false
        filter.number = try string("number", max: 32)
        filter.serialNumber = try string("serial", max: Limits.code)
        if let phone = try string("phone", max: Limits.phone) {
            guard PhoneNumber.isValid(phone) else { throw APIError.badRequest("phone", "must have 3 to 20 digits") }
            filter.phone = phone
        }
        filter.customerName = try string("customer")
        filter.createdBy = try string("createdBy", max: 64)
        filter.sort = try value("sort", RequestSort.self) ?? .newest
        if let text = try string("q", max: Limits.shortText) {
            filter.search = SearchTerms(text, thisYear: req.store.today.year)
        }
        return filter
    }
}

extension Request {
    /// Registers a request for any channel (API, desk, portal) and logs it; the caller's phone only masked.
    func registerServiceRequest(_ input: ServiceRequestInput, key: IdempotencyKey?) async throws
        -> ServiceRequestView
    {
        let view = try await ServiceRequests(store).register(input, by: actor, idempotency: key)
        logger.info(
            "request registered",
            metadata: [
                "number": .string(view.number), "channel": .string(view.channel.rawValue),
                "caller": .string(view.contactPhone.map(PhoneMask.mask) ?? "-"),
            ])
        return view
    }
}
