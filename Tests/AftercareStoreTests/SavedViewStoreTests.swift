import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing

/// Issue 14: saved views of the request list: personal or shared with the owner's unit, a name once per owner,
/// removed by archiving (only by the owner), each change in the audit trail.
@Suite("Store: saved views of the request list")
struct SavedViewStoreTests {
    /// Two people of the east branch and one of the south branch.
    struct People {
        var fixture: Fixture
        var south: OrgUnitRecord.View
        var wang: UserRecord.View
        var li: UserRecord.View
        var chen: UserRecord.View

        static func make(_ store: Store) async throws -> People {
            let fixture = try await Fixture.make(store)
            let south = try await Records<OrgUnitRecord>(store).create(
                .init(code: "BR-SC", name: "华南分公司", kind: .branch, parentId: fixture.headquarters.id), by: .system)
            func user(_ username: String, _ display: String, unit: Int) async throws -> UserRecord.View {
                try await Records<UserRecord>(store).create(
                    .init(username: username, displayName: display, roles: [.hotlineAgent], orgUnitId: unit),
                    by: .system)
            }
            return People(
                fixture: fixture, south: south,
                wang: try await user("sv.wang", "王芳", unit: fixture.branch.id),
                li: try await user("sv.li", "李强", unit: fixture.branch.id),
                chen: try await user("sv.chen", "陈明", unit: south.id))
        }
    }

    static func count(_ store: Store, _ table: String) async throws -> Int {
        try await store.sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first(
            decodingColumn: "n", as: Int.self)!
    }

    static func audit(_ store: Store, _ id: Int) async throws -> [AuditEntry] {
        try await AuditLog.entries(of: SavedViews.entity, id: id, page: PageRequest(), on: store.sql).items
    }

    @Test("a view keeps only the list's filters, in one order")
    func normalizedQuery() {
        #expect(
            SavedViews.normalized("?sort=oldest&cursor=abc&limit=100&status=open,triaged&q=%E5%8D%B0+%E6%9C%BA&x=1")
                == "q=%E5%8D%B0%20%E6%9C%BA&status=open,triaged&sort=oldest")
        #expect(SavedViews.normalized("/requests?emergency=true&priority=&q=%20") == "emergency=true")
        #expect(SavedViews.normalized("/requests") == "")
        #expect(SavedViews.normalized("customer=a%26b&customer=second") == "customer=a%26b")
    }

    @Test("own views and views shared in the unit are listed, own first, by name", arguments: TestDatabase.all)
    func createAndList(_ database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let people = try await People.make(store)
            let views = SavedViews(store)
            // when
            let open = try await views.create(
                name: " 待派工 ", query: "status=open&cursor=xyz", shared: false, by: people.wang.id)
            let urgent = try await views.create(
                name: "Emergencies", query: "emergency=true&sort=oldest", shared: true, by: people.wang.id)
            let mine = try await views.create(name: "Mine", query: "createdBy=sv.li", shared: false, by: people.li.id)
            let team = try await views.create(
                name: "Key accounts", query: "customerTier=key", shared: true, by: people.li.id)
            let south = try await views.create(name: "South", query: "priority=high", shared: true, by: people.chen.id)
            // then
            #expect(open.name == "待派工" && open.query == "status=open" && !open.shared)
            #expect(open.ownerId == people.wang.id && open.orgUnitId == people.fixture.branch.id)
            #expect(open.ownerName == "王芳" && open.version == 1 && open.archivedAt == nil)
            #expect(urgent.query == "emergency=true&sort=oldest" && urgent.shared)
            #expect(south.orgUnitId == people.south.id)
            let wangSees = try await views.list(for: people.wang.id, orgUnitId: people.fixture.branch.id)
            #expect(wangSees.map(\.id) == [urgent.id, open.id, team.id], "own by name, then the unit's shared")
            #expect(!wangSees.contains { $0.id == mine.id }, "another's personal view is not listed")
            #expect(!wangSees.contains { $0.id == south.id }, "another unit's shared view is not listed")
            #expect(wangSees.last?.ownerName == "李强")
            let chenSees = try await views.list(for: people.chen.id, orgUnitId: people.south.id)
            #expect(chenSees.map(\.id) == [south.id])
        }
    }

    @Test("a blank, too long or repeated name is refused and nothing is written", arguments: TestDatabase.all)
    func refusedNames(_ database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let people = try await People.make(store)
            let views = SavedViews(store)
            _ = try await views.create(name: "Open", query: "status=open", shared: false, by: people.wang.id)
            let rows = try await Self.count(store, "saved_views")
            let entries = try await Self.count(store, "audit_log")
            // when / then
            await #expect(throws: ValidationError(["name": .duplicate])) {
                try await views.create(name: "Open ", query: "priority=high", shared: true, by: people.wang.id)
            }
            await #expect(throws: ValidationError(["name": .required])) {
                try await views.create(name: "   ", query: "status=open", shared: false, by: people.wang.id)
            }
            await #expect(throws: ValidationError(["name": .tooLong(max: 60)])) {
                try await views.create(
                    name: String(repeating: "视", count: 61), query: "status=open", shared: false, by: people.wang.id)
            }
            #expect(try await Self.count(store, "saved_views") == rows)
            #expect(try await Self.count(store, "audit_log") == entries)
            // and another person may use the same name
            let other = try await views.create(name: "Open", query: "status=open", shared: false, by: people.li.id)
            #expect(other.name == "Open")
        }
    }

    @Test("the owner archives a view; anyone else gets not found; both steps are audited", arguments: TestDatabase.all)
    func archive(_ database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let people = try await People.make(store)
            let views = SavedViews(store)
            let shared = try await views.create(name: "Team", query: "status=open", shared: true, by: people.wang.id)
            // when another person of the unit, or of another unit, tries to remove it
            await #expect(throws: RecordNotFound(entity: SavedViews.entity, id: shared.id)) {
                try await views.archive(shared.id, by: people.li.id)
            }
            await #expect(throws: RecordNotFound(entity: SavedViews.entity, id: shared.id)) {
                try await views.archive(shared.id, by: people.chen.id)
            }
            // then it is still there for both
            #expect(
                try await views.list(for: people.li.id, orgUnitId: people.fixture.branch.id).map(\.id) == [shared.id])
            // when the owner removes it
            let archived = try await views.archive(shared.id, by: people.wang.id)
            // then it is archived, not deleted, and no longer listed
            #expect(archived.archivedAt != nil && archived.version == 2)
            #expect(try await Self.count(store, "saved_views") == 1)
            #expect(try await views.list(for: people.wang.id, orgUnitId: people.fixture.branch.id).isEmpty)
            #expect(try await views.list(for: people.li.id, orgUnitId: people.fixture.branch.id).isEmpty)
            await #expect(throws: RecordNotFound(entity: SavedViews.entity, id: shared.id)) {
                try await views.archive(shared.id, by: people.wang.id)
            }
            // and the name is free again
            let again = try await views.create(name: "Team", query: "status=triaged", shared: false, by: people.wang.id)
            #expect(again.id != shared.id)
            // and the audit trail has the creation and the archiving, by the owner
            let trail = try await Self.audit(store, shared.id)
            #expect(trail.map(\.action) == [.archive, .create])
            #expect(trail.allSatisfy { $0.actor == "sv.wang" })
            #expect(
                trail.last?.after.flatMap { if case .object(let o) = $0 { o["name"] } else { nil } } == .string("Team"))
        }
    }
}
