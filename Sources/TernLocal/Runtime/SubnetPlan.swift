/// The transparent-mode network: a /24 in 10.213.0.0/16 (the tests use 10.212/16), the root
/// namespace on `.1` of the bridge, workloads from `.2` up. Pure, so allocation is tested
/// without a kernel.
public struct SubnetPlan: Codable, Sendable, Equatable {
    /// The third octet: the subnet is 10.213.`block`.0/24.
    public var block: Int

    public static let firstOctets = "10.213"

    public init(block: Int) { self.block = block }

    /// The first /24 none of `usedAddresses` (the host's IPv4 addresses) falls in, or nil
    /// when all 254 are taken.
    public static func pick(avoiding usedAddresses: [String]) -> SubnetPlan? {
        let taken = Set(usedAddresses.compactMap { address -> Int? in
            let parts = address.split(separator: "/")[0].split(separator: ".")
            guard parts.count == 4, "\(parts[0]).\(parts[1])" == firstOctets else { return nil }
            return Int(parts[2])
        })
        return (1...254).first { !taken.contains($0) }.map(SubnetPlan.init(block:))
    }

    public var prefix: String { "\(Self.firstOctets).\(block)" }
    public var gateway: String { "\(prefix).1" }
    public var cidr: String { "\(prefix).0/24" }

    /// The address of the `index`th workload (0-based), or nil past the subnet's 253 hosts.
    public func address(ofWorkload index: Int) -> String? {
        (0...252).contains(index) ? "\(prefix).\(index + 2)" : nil
    }

    /// The lowest workload address not in `inUse`.
    public func nextAddress(excluding inUse: Set<String>) -> String? {
        (0...252).lazy.compactMap(address(ofWorkload:)).first { !inUse.contains($0) }
    }
}
