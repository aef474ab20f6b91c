import TernCore

/// Why a proxy-init configuration was rejected; each message names the field and what to do.
public enum ProxyInitConfigError: Error, Equatable, CustomStringConvertible {
    case badPort(field: String, value: Int)
    case samePorts(Int)
    case noProxyIdentity
    case badID(field: String, value: Int)
    case emptyRedirectPorts
    case badPortList(field: String, PortSetError)
    case badSubnet(String, CIDR.ParseError)
    case ipv6Subnet(String)

    public var description: String {
        switch self {
        case .badPort(let field, let value):
            return "\(field): \(value) is not a port; expected 1-65535"
        case .samePorts(let port):
            return "inbound and outbound ports are both \(port); the proxy listens on two different ports"
        case .noProxyIdentity:
            return "give the proxy's UID or GID: without one the proxy's own connections would be redirected back to it"
        case .badID(let field, let value):
            return "\(field): \(value) is not a user or group id; expected 0-4294967294"
        case .emptyRedirectPorts:
            return "inbound redirect ports: the list is empty; omit it to redirect every inbound port"
        case .badPortList(let field, let error):
            return "\(field): \(error)"
        case .badSubnet(let text, let error):
            return "outbound skip subnets: \"\(text)\": \(error); expected a CIDR such as 10.0.0.0/8"
        case .ipv6Subnet(let text):
            return "outbound skip subnets: \(text) is IPv6; proxy-init programs IPv4 iptables only"
        }
    }
}

extension ProxyInitConfig {
    /// Parses a comma-separated port list as flags and annotations write it (`4190,4191`, `5000-5010`).
    public static func parsePorts(_ text: String, field: String) throws(ProxyInitConfigError) -> PortSet {
        switch PortSet.parse(text) {
        case .success(let ports): return ports
        case .failure(let error): throw .badPortList(field: field, error)
        }
    }

    /// Parses a comma-separated CIDR list (`10.0.0.0/8,192.168.1.1`); a bare address is one host.
    public static func parseSubnets(_ text: String) throws(ProxyInitConfigError) -> [CIDR] {
        var subnets: [CIDR] = []
        for raw in text.split(separator: ",") {
            let part = String(raw.withoutSurroundingSpaces)
            if part.isEmpty { continue }
            do { subnets.append(try CIDR(parsing: part)) } catch { throw .badSubnet(part, error) }
        }
        return subnets
    }
}
