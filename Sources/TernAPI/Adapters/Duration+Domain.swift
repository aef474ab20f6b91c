import SwiftProtobuf
import TernCore

extension Google_Protobuf_Duration {
    init(_ d: GoDuration) {
        self.init(seconds: d.nanoseconds / 1_000_000_000, nanos: Int32(d.nanoseconds % 1_000_000_000))
    }

    func domain() throws(AdapterError) -> GoDuration {
        guard seconds >= 0, nanos >= 0, seconds < Int64.max / 1_000_000_000 else { throw .invalid("duration \(seconds)s \(nanos)ns is negative or too large") }
        return GoDuration(nanoseconds: seconds * 1_000_000_000 + Int64(nanos))
    }
}
