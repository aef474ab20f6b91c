import TernCore
print("tern \(TernVersion.current)")
