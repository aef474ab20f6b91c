import Foundation
import NIOHTTP1

/// The HTTP servers of the Faces roles.
enum FacesServers {
    /// `smiley` and `color`: the same small JSON document for every request.
    static func constant(port: Int, json: [String: String]) async throws {
        let body = FacesJSON.encode(json)
        try await MiniHTTPServer(host: "0.0.0.0", port: port) { head in
            head.uri == "/ready" || head.uri == "/live" ? MiniHTTPResponse(contentType: "text/plain", body: "ok")
                : MiniHTTPResponse(body: body)
        }.run()
    }

    /// What `face` answers: the smiley and the color it got, or which call failed.
    struct Face: Codable, Sendable {
        var smiley: String?
        var color: String?
        var error: String?
    }

    /// `face`: asks `smiley` and `color` at once and combines their answers. Either failing
    /// makes the whole answer a 502, so the load generator counts it.
    static func face(_ settings: FacesRole.Settings) async throws {
        try await MiniHTTPServer(host: "0.0.0.0", port: settings.port) { head in
            if head.uri == "/ready" || head.uri == "/live" { return MiniHTTPResponse(contentType: "text/plain", body: "ok") }
            async let smiley = field("smiley", from: settings.smileyURL, client: settings.client)
            async let color = field("color", from: settings.colorURL, client: settings.client)
            let (s, c) = await (smiley, color)
            switch (s, c) {
            case (.success(let s), .success(let c)):
                return MiniHTTPResponse(body: FacesJSON.encode(Face(smiley: s, color: c)))
            case (.failure(let e), _), (_, .failure(let e)):
                return MiniHTTPResponse(status: .badGateway, body: FacesJSON.encode(Face(error: e.description)))
            }
        }.run()
    }

    private static func field(_ name: String, from url: HTTPURL, client: MiniHTTPClient) async -> Result<String, FacesError> {
        do {
            let response = try await client.get(url)
            guard response.status == 200 else { return .failure(FacesError("\(name) answered \(response.status)")) }
            guard let object = try? JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any],
                  let value = object[name] as? String else { return .failure(FacesError("\(name) answered without a \(name)")) }
            return .success(value)
        } catch {
            return .failure(FacesError("\(name): \(error)"))
        }
    }

    /// `faces-gui`: the page, and `/face/` relayed to the face service so the browser needs
    /// only the GUI's address.
    static func gui(_ settings: FacesRole.Settings) async throws {
        try await MiniHTTPServer(host: "0.0.0.0", port: settings.port) { head in
            if head.uri.hasPrefix("/face/") {
                do {
                    let response = try await settings.client.get(settings.faceURL)
                    return MiniHTTPResponse(status: HTTPResponseStatus(statusCode: response.status), body: response.body)
                } catch {
                    return MiniHTTPResponse(status: .badGateway, body: FacesJSON.encode(Face(error: "face: \(error)")))
                }
            }
            if head.uri == "/ready" || head.uri == "/live" { return MiniHTTPResponse(contentType: "text/plain", body: "ok") }
            return MiniHTTPResponse(contentType: "text/html; charset=utf-8", body: FacesPage.html)
        }.run()
    }
}
