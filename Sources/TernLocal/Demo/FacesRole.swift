import Foundation

/// The Faces demo's workloads (seed 000): a GUI, the `face` service that asks `smiley` and
/// `color`, two color backends for the split, and a steady load generator. Each knows its
/// peers only by service URL; whether the mesh is transparent or explicit is the runtime's
/// business (the environment carries `HTTP_PROXY` in explicit mode).
public enum FacesRole: String, CaseIterable, Sendable {
    case gui, face, smiley, color, load

    /// The settings every role reads from its environment.
    public struct Settings: Sendable {
        public var port: Int
        public var faceURL: HTTPURL
        public var smileyURL: HTTPURL
        public var colorURL: HTTPURL
        /// What `color` answers (blue for `color`, green for `color2`).
        public var color: String
        public var smiley: String
        public var requestsPerSecond: Double
        public var client: MiniHTTPClient

        public init(environment: [String: String]) throws {
            func url(_ key: String, _ fallback: String) throws -> HTTPURL {
                let text = environment[key] ?? fallback
                guard let url = HTTPURL(parsing: text) else { throw FacesError("\(key): expected http://host[:port]/path, got \"\(text)\"") }
                return url
            }
            guard let port = Int(environment["PORT"] ?? "8000"), (1...65535).contains(port) else {
                throw FacesError("PORT: expected a port number, got \"\(environment["PORT"] ?? "")\"")
            }
            self.port = port
            faceURL = try url("FACES_FACE_URL", "http://face.faces.svc.cluster.local/")
            smileyURL = try url("FACES_SMILEY_URL", "http://smiley.faces.svc.cluster.local/")
            colorURL = try url("FACES_COLOR_URL", "http://color.faces.svc.cluster.local/")
            color = environment["FACES_COLOR"] ?? "blue"
            smiley = environment["FACES_SMILEY"] ?? "😃"
            guard let rate = Double(environment["FACES_RPS"] ?? "5"), rate > 0, rate <= 1000 else {
                throw FacesError("FACES_RPS: expected requests per second from 0 to 1000")
            }
            requestsPerSecond = rate
            client = MiniHTTPClient.fromEnvironment(environment)
        }
    }

    /// Serves the role until the task is cancelled.
    public func run(_ settings: Settings) async throws {
        switch self {
        case .smiley:
            try await FacesServers.constant(port: settings.port, json: ["smiley": settings.smiley])
        case .color:
            try await FacesServers.constant(port: settings.port, json: ["color": settings.color])
        case .face:
            try await FacesServers.face(settings)
        case .gui:
            try await FacesServers.gui(settings)
        case .load:
            try await LoadGenerator(settings: settings).run()
        }
    }
}

public struct FacesError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

enum FacesJSON {
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
