import AftercareDomain
import Testing

@Suite("Where each person lands")
struct LandingTests {
    @Test(
        "the first role of the order decides: portal, desk, board, requisitions, billing, My day",
        arguments: [
            ([Role.customer], Landing.portal), ([.fieldEngineer], .myDay), ([.dispatcher], .board),
            ([.warehouseKeeper], .requisitions), ([.serviceManager], .desk), ([.hotlineAgent], .desk),
            ([.administrator, .dispatcher], .desk), ([.dispatcher, .fieldEngineer], .board),
            ([.warehouseKeeper, .fieldEngineer], .requisitions), ([.qualityInspector], .desk),
            ([.complaintHandler], .desk), ([.accountManager], .desk), ([.technicalSupport], .desk),
            ([.accountant], .billing), ([.hotlineAgent, .accountant], .desk),
        ])
    func landing(roles: [Role], expected: Landing) {
        #expect(Landing.for(Set(roles)) == expected)
    }

    @Test("each landing is a page of the product")
    func paths() {
        #expect(Landing.allCases.map(\.path) == ["/portal", "/", "/dispatch", "/my-day", "/requisitions", "/billing"])
    }
}
