import TernCore

// The data plane arrives with the proxy issues; until then the binary reports its version so
// packaging and version checks can be wired up.
print("tern-proxy \(TernVersion.current)")
