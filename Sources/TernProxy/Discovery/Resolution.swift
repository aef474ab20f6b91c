/// What the outbound side does with a destination, as the control plane describes it now.
public enum Resolution: Sendable {
    /// The control plane does not know the destination, or cannot be reached and nothing is
    /// known about it yet: forward to the original address as is (a name cannot be forwarded,
    /// so for names the caller fails the connection).
    case unknown
    /// A service the control plane knows, with nothing ready behind it: refuse the connection.
    case noEndpoints
    /// Balance over these endpoints. The pool is live: later updates change it in place.
    case pool(EndpointPool)
}
