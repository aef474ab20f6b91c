import TernCore

// The control plane arrives with the control-plane issue; until then the binary reports its
// version so packaging and version checks can be wired up.
print("tern-controller \(TernVersion.current)")
