import TernCore

extension Istio {
    /// A TLS passthrough rule, matched on SNI.
    public struct TLSRoute: Codable, Sendable, Hashable {
        public var match: [TLSMatchAttributes]?
        public var route: [RouteDestination]?

        public init(match: [TLSMatchAttributes]? = nil, route: [RouteDestination]) {
            self.match = match
            self.route = route
        }

        func validate(_ v: inout Validator) {
            v.nonEmpty(match, "match")
            v.each("match", match) { v, m in
                v.nonEmpty(m.sniHosts, "sniHosts")
                v.portNumber(m.port, at: "port")
                v.each("destinationSubnets", m.destinationSubnets) { v, s in v.istioSubnet(s) }
            }
            v.nonEmpty(route, "route")
            v.each("route", route) { v, r in
                let destination = v.required(r.destination, "destination")
                v.at("destination", destination) { v, d in d.validate(&v) }
            }
            v.istioWeights((route ?? []).map(\.weight), at: "route")
        }
    }

    public struct TLSMatchAttributes: Codable, Sendable, Hashable {
        public var sniHosts: [String]?
        public var destinationSubnets: [String]?
        public var port: Int?
        public var sourceLabels: [String: String]?
        public var gateways: [String]?
        public var sourceNamespace: String?

        public init(sniHosts: [String], port: Int? = nil) {
            self.sniHosts = sniHosts
            self.port = port
        }
    }

    /// An opaque TCP rule, matched on port or destination subnet.
    public struct TCPRoute: Codable, Sendable, Hashable {
        public var match: [L4MatchAttributes]?
        public var route: [RouteDestination]?

        public init(match: [L4MatchAttributes]? = nil, route: [RouteDestination]) {
            self.match = match
            self.route = route
        }

        func validate(_ v: inout Validator) {
            v.each("match", match) { v, m in
                v.portNumber(m.port, at: "port")
                v.each("destinationSubnets", m.destinationSubnets) { v, s in v.istioSubnet(s) }
            }
            v.nonEmpty(route, "route")
            v.each("route", route) { v, r in
                let destination = v.required(r.destination, "destination")
                v.at("destination", destination) { v, d in d.validate(&v) }
            }
            v.istioWeights((route ?? []).map(\.weight), at: "route")
        }
    }

    public struct L4MatchAttributes: Codable, Sendable, Hashable {
        public var destinationSubnets: [String]?
        public var port: Int?
        public var sourceLabels: [String: String]?
        public var gateways: [String]?
        public var sourceNamespace: String?

        public init(port: Int? = nil) { self.port = port }
    }
}

extension Validator {
    /// Istio accepts a bare IP or a CIDR in subnet lists.
    mutating func istioSubnet(_ value: String) {
        let text = value.contains("/") ? value : (value.contains(":") ? value + "/128" : value + "/32")
        do { _ = try CIDR(parsing: text) } catch {
            self.error("expected an IP address or a CIDR such as 10.0.0.0/8, got \"\(value)\"")
        }
    }
}
