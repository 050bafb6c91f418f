import AftercareDomain
import AftercareStore
import Foundation

extension SurveyPages {
    /// NPS and CSAT by month as a small SVG line chart on one scale (−100 to 100; CSAT runs 0 to 100). The
    /// chart is drawn from numbers the page computes (no script, no inline style: CSS classes colour it); it carries
    /// a `<title>` and a description, every point its own `<title>`, and the table beside it has the same figures. A
    /// month without answers has no point and breaks its line.
    struct TrendChart: Encodable {
        struct Point: Encodable {
            var x: String
            var y: String
            var title: String
        }

        struct Gridline: Encodable {
            var y: String
            var labelY: String
            var label: String
            var zero: Bool
        }

        struct Tick: Encodable {
            var x: String
            var label: String
        }

        var width: Int
        var height: Int
        var left: String
        var right: String
        var title: String
        var description: String
        var gridlines: [Gridline]
        var ticks: [Tick]
        var tickY: String
        /// Runs of months with a value, each as the `points` of a polyline.
        var npsLines: [String]
        var csatLines: [String]
        var npsPoints: [Point]
        var csatPoints: [Point]
    }

    static let chartWidth = 640
    static let chartHeight = 240
    static let chartPadding = (left: 40.0, right: 12.0, top: 12.0, bottom: 30.0)

    /// The vertical position of `value` (−100…100) in the plot.
    static func chartY(_ value: Double) -> Double {
        let plot = Double(chartHeight) - chartPadding.top - chartPadding.bottom
        return chartPadding.top + (100 - min(100, max(-100, value))) / 200 * plot
    }

    /// The horizontal position of the `index`-th of `count` months (the middle of its slot).
    static func chartX(_ index: Int, of count: Int) -> Double {
        let plot = Double(chartWidth) - chartPadding.left - chartPadding.right
        return chartPadding.left + (Double(index) + 0.5) * plot / Double(max(count, 1))
    }

    /// The runs of consecutive points (a month without a value ends a run); runs of one point have no line.
    static func runs(_ values: [Double?], count: Int) -> [String] {
        var runs: [[String]] = [[]]
        for (index, value) in values.enumerated() {
            if let value {
                runs[runs.count - 1].append("\(svgNumber(chartX(index, of: count))),\(svgNumber(chartY(value)))")
            } else if !runs[runs.count - 1].isEmpty {
                runs.append([])
            }
        }
        return runs.filter { $0.count > 1 }.map { $0.joined(separator: " ") }
    }

    static func trendChart(_ months: [SurveyResults.Month], _ l: Localizer) -> TrendChart {
        let count = months.count
        let nps = months.map { $0.score.nps.map(Double.init) }
        let csat = months.map { $0.score.csatPercent.map(Double.init) }
        func points(_ values: [Double?], _ name: String, _ text: (Int) -> String) -> [TrendChart.Point] {
            values.enumerated().compactMap { (index, value) -> TrendChart.Point? in
                guard let value else { return nil }
                return TrendChart.Point(
                    x: svgNumber(chartX(index, of: count)), y: svgNumber(chartY(value)),
                    title: "\(monthCode(months[index].month)) · \(name) \(text(Int(value)))")
            }
        }
        // Every month labelled by its number; the first month and each January with its year. Long periods label
        // every other month.
        let step = count > 14 ? 2 : 1
        let ticks = months.enumerated().compactMap { (index, month) -> TrendChart.Tick? in
            guard index % step == 0 else { return nil }
            let m = month.month
            let label = index == 0 || m.month == 1 ? monthCode(m) : String(format: "%02d", m.month)
            return TrendChart.Tick(x: svgNumber(chartX(index, of: count)), label: label)
        }
        return TrendChart(
            width: chartWidth, height: chartHeight, left: svgNumber(chartPadding.left),
            right: svgNumber(Double(chartWidth) - chartPadding.right), title: l.t("surveyResults.chartTitle"),
            description: l.t("surveyResults.chartDescription"),
            gridlines: [100, 50, 0, -50, -100].map { value in
                TrendChart.Gridline(
                    y: svgNumber(chartY(Double(value))), labelY: svgNumber(chartY(Double(value)) + 4),
                    label: l.number(value), zero: value == 0)
            },
            ticks: ticks, tickY: svgNumber(Double(chartHeight) - 10), npsLines: runs(nps, count: count),
            csatLines: runs(csat, count: count),
            npsPoints: points(nps, l.t("surveyResults.nps"), { npsText($0, l) }),
            csatPoints: points(csat, l.t("surveyResults.csat"), { csatText($0, l) }))
    }
}
