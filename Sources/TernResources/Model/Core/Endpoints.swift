import TernCore

/// The legacy Endpoints object: addresses behind a Service.
public struct Endpoints: KubeResource {
    public static let group = ""
    public static let kind = "Endpoints"
    public static let versions = ["v1"]

    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var subsets: [Subset]?

    public struct Subset: Codable, Sendable, Hashable {
        public var addresses: [Address]?
        public var notReadyAddresses: [Address]?
        public var ports: [EndpointPort]?
    }

    public struct Address: Codable, Sendable, Hashable {
        public var ip: String?
        public var hostname: String?
        public var nodeName: String?
        public var targetRef: ObjectReference?
    }

    public func validate(_ v: inout Validator) {
        v.each("subsets", subsets) { v, s in
            for key in ["addresses", "notReadyAddresses"] {
                v.each(key, key == "addresses" ? s.addresses : s.notReadyAddresses) { v, a in
                    if let ip = v.required(a.ip, "ip"), IPAddress(parsing: ip) == nil {
                        v.error("expected an IP address, got \"\(ip)\"", at: "ip")
                    }
                }
            }
            v.each("ports", s.ports) { v, p in
                v.required(p.port, "port")
                v.portNumber(p.port, at: "port")
            }
        }
    }
}

/// A port of an endpoint (Endpoints and EndpointSlice).
public struct EndpointPort: Codable, Sendable, Hashable {
    public var name: String?
    public var port: Int?
    public var `protocol`: TransportProtocol?
    public var appProtocol: String?
}

/// A reference to another object (an endpoint's Pod).
public struct ObjectReference: Codable, Sendable, Hashable {
    public var kind: String?
    public var name: String?
    public var namespace: String?
    public var uid: String?
}

/// An EndpointSlice (`discovery.k8s.io`), the scalable replacement for Endpoints.
public struct EndpointSlice: KubeResource {
    public static let group = "discovery.k8s.io"
    public static let kind = "EndpointSlice"
    public static let versions = ["v1", "v1beta1"]

    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var addressType: AddressType?
    public var endpoints: [Endpoint]?
    public var ports: [EndpointPort]?

    public enum AddressType: String, ClosedSetValue {
        case ipv4 = "IPv4"
        case ipv6 = "IPv6"
        case fqdn = "FQDN"
    }

    public struct Endpoint: Codable, Sendable, Hashable {
        public var addresses: [String]?
        public var conditions: Conditions?
        public var hostname: String?
        public var nodeName: String?
        public var zone: String?
        public var targetRef: ObjectReference?
    }

    public struct Conditions: Codable, Sendable, Hashable {
        public var ready: Bool?
        public var serving: Bool?
        public var terminating: Bool?
    }

    /// The Service this slice belongs to (the `kubernetes.io/service-name` label).
    public var serviceName: String? { metadata.label("kubernetes.io/service-name") }

    public func validate(_ v: inout Validator) {
        v.required(addressType, "addressType")
        v.each("endpoints", endpoints) { v, e in
            v.nonEmpty(e.addresses, "addresses")
            if addressType == .ipv4 || addressType == .ipv6 {
                v.each("addresses", e.addresses) { v, a in
                    if IPAddress(parsing: a) == nil { v.error("expected an \(addressType!.rawValue) address, got \"\(a)\"") }
                }
            }
        }
        v.each("ports", ports) { v, p in v.portNumber(p.port, at: "port") }
    }
}
