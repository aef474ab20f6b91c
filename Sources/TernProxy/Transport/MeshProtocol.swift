/// Names the two proxies of the mesh agree on.
public enum MeshProtocol {
    /// The ALPN protocol a client proxy offers on mesh mTLS: it promises a `TransportHeader`
    /// as the first application bytes. The inbound side recognises mesh connections by it and
    /// passes any other TLS through untouched.
    public static let transportALPN = "tern.io/transport.v1"
}
