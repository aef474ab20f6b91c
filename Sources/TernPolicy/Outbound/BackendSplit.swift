/// The weighted split between a route's backends (Gateway API `backendRefs[].weight`, SMI
/// TrafficSplit): each request goes to one backend with probability weight / total.
public enum BackendSplit {
    /// A backend drawn by weight, or nil when there is none to send to: the list is empty or
    /// every weight is 0. The caller then answers **500** without forwarding, as Gateway API
    /// requires for a rule with no usable backend (and Linkerd does); a 503 would tell clients
    /// to retry a configuration that cannot succeed.
    ///
    /// A backend of weight 0 is never chosen. Weights are summed in 64 bits, so any number of
    /// `UInt32.max` weights cannot overflow. One usable backend costs no random draw.
    public static func pick<G: RandomNumberGenerator>(from backends: [Backend], using generator: inout G) -> Backend? {
        var total: UInt64 = 0
        var only: Int? = nil
        var usable = 0
        for (index, backend) in backends.enumerated() where backend.weight > 0 {
            total += UInt64(backend.weight)
            usable += 1
            only = index
        }
        guard let only else { return nil }
        if usable == 1 { return backends[only] }
        // Multiply-shift maps one draw onto 0..<total without the rejection loop of
        // `random(in:)`, so a generator stuck on one value cannot stall an event loop; its bias
        // is below total / 2^64, far under anything a weight can express.
        var ticket = generator.next().multipliedFullWidth(by: total).high
        for backend in backends where backend.weight > 0 {
            if ticket < UInt64(backend.weight) { return backend }
            ticket -= UInt64(backend.weight)
        }
        // Unreachable: the tickets cover exactly the summed weights.
        return backends[only]
    }
}
