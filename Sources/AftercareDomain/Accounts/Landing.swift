/// Issue 14: where each person lands after signing in (and on the home link): the page of their daily work.
/// The desk's home serves those whose work is the request list (agents, managers, inspectors, complaint handlers,
/// account managers, technical support), each with the lists and figures of their roles.
public enum Landing: String, CodedEnum {
    case portal, desk, board, myDay, requisitions, billing

    /// The first role in this order decides: a customer the portal; an administrator, manager or agent the desk;
    /// a dispatcher the board; a warehouse keeper the requisitions worklist; accounts staff the fee documents; an engineer My day; anyone else the desk.
    public static func `for`(_ roles: Set<Role>) -> Landing {
        if roles.contains(.customer) { return .portal }
        if !roles.isDisjoint(with: [.administrator, .serviceManager, .hotlineAgent]) { return .desk }
        if roles.contains(.dispatcher) { return .board }
        if roles.contains(.warehouseKeeper) { return .requisitions }
        if roles.contains(.accountant) { return .billing }
        if roles.contains(.fieldEngineer) { return .myDay }
        return .desk
    }

    /// The page's address.
    public var path: String {
        switch self {
        case .portal: "/portal"
        case .desk: "/"
        case .board: "/dispatch"
        case .myDay: "/my-day"
        case .requisitions: "/requisitions"
        case .billing: "/billing"
        }
    }
}
