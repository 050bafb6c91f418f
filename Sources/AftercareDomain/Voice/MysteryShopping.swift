import Foundation

/// what a mystery shopper (暗访) scores, each 1 to 5.
public enum MysteryCriterion: String, CodedEnum {
    case greeting, professionalism, timeliness, resolution, pricing, environment
}

/// the scores of one inspection.
public enum MysteryScores {
    /// Problems of a set of scores: every criterion scored 1 to 5, no other keys.
    public static func problems(_ scores: [String: Int]) -> ValidationError {
        var v = Validator()
        let known = Set(MysteryCriterion.allCases.map(\.rawValue))
        for key in scores.keys.sorted() where !known.contains(key) { v.add("scores.\(key)", .unknownField) }
        for criterion in MysteryCriterion.allCases {
            guard let score = scores[criterion.rawValue] else {
                v.add("scores.\(criterion.rawValue)", .required)
                continue
            }
            v.range("scores.\(criterion.rawValue)", score, 1...5)
        }
        return v.error
    }

    /// The total out of 100: the scores' sum over the most they could be.
    public static func total(_ scores: [String: Int]) -> Int {
        let most = MysteryCriterion.allCases.count * 5
        let sum = MysteryCriterion.allCases.reduce(0) { $0 + (scores[$1.rawValue] ?? 0) }
        return Int((Double(sum) * 100 / Double(most)).rounded())
    }
}

/// mystery-shopping records are seen only by management, never by the unit inspected: a viewer sees an
/// inspection of a unit strictly below their own (headquarters sees its branches and outlets, a branch its outlets),
/// never one of their own unit. `path`s are the org units' paths (`/1/4/`).
public enum MysteryVisibility {
    public static func sees(viewerPath: String, inspectedPath: String) -> Bool {
        inspectedPath.hasPrefix(viewerPath) && inspectedPath != viewerPath
    }
}
