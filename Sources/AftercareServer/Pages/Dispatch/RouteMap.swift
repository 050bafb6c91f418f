import AftercareDispatch
import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DispatchPages {
    // MARK: Map

    /// One engineer's way on the map: from home through the stops and back.
    struct Track {
        var name: String
        var home: (latitude: Double, longitude: Double)?
        var stops: [(latitude: Double, longitude: Double, title: String)]
    }

    struct MapModel: Encodable {
        struct Stop: Encodable {
            var x: String
            var y: String
            var number: Int
            var title: String
        }

        struct Route: Encodable {
            var name: String
            var colour: String
            var points: String
            var homeX: String?
            var homeY: String?
            var stops: [Stop]
        }

        var width: Int
        var height: Int
        var routes: [Route]
    }

    /// an inline map: coordinates projected into the view box with padding (longitudes shrunk by the
    /// cosine of the middle latitude), one polyline per engineer, numbered stops and homes.
    static func map(_ tracks: [Track], width: Double = 640, height: Double = 420, padding: Double = 28) -> MapModel? {
        let points = tracks.flatMap { track in
            (track.home.map { [$0] } ?? []) + track.stops.map { ($0.latitude, $0.longitude) }
        }
        guard !points.isEmpty, tracks.contains(where: { !$0.stops.isEmpty }) else { return nil }
        let latitudes = points.map(\.0)
        let longitudes = points.map(\.1)
        let minLat = latitudes.min()!
        let maxLat = latitudes.max()!
        let minLon = longitudes.min()!
        let maxLon = longitudes.max()!
        let shrink = cos((minLat + maxLat) / 2 * Double.pi / 180)
        let spanX = max((maxLon - minLon) * shrink, 0.005)
        let spanY = max(maxLat - minLat, 0.005)
        let innerW = width - 2 * padding
        let innerH = height - 2 * padding
        let scale = min(innerW / spanX, innerH / spanY)
        let offsetX = padding + (innerW - spanX * scale) / 2
        let offsetY = padding + (innerH - spanY * scale) / 2
        func x(_ lon: Double) -> String { String(format: "%.1f", offsetX + (lon - minLon) * shrink * scale) }
        func y(_ lat: Double) -> String { String(format: "%.1f", height - offsetY - (lat - minLat) * scale) }
        let routes = tracks.enumerated().map { index, track -> MapModel.Route in
            var line = track.stops.map { "\(x($0.longitude)),\(y($0.latitude))" }
            if let home = track.home {
                let at = "\(x(home.longitude)),\(y(home.latitude))"
                line = [at] + line + [at]
            }
            return MapModel.Route(
                name: track.name, colour: colours[index % colours.count], points: line.joined(separator: " "),
                homeX: track.home.map { x($0.longitude) }, homeY: track.home.map { y($0.latitude) },
                stops: track.stops.enumerated().map { number, stop in
                    .init(x: x(stop.longitude), y: y(stop.latitude), number: number + 1, title: stop.title)
                })
        }
        return MapModel(width: Int(width), height: Int(height), routes: routes)
    }
}
