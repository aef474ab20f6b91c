import Logging

/// Wraps another handler and takes its level from a shared `LogLevelControl`, so one
/// `PUT /proxy-log-level` changes what every logger in the process emits. Setting `logLevel`
/// on any logger therefore changes the process-wide level too, as Linkerd's proxy behaves.
public struct LevelControlledLogHandler: LogHandler {
    private var inner: any LogHandler
    public let control: LogLevelControl

    public init(wrapping inner: any LogHandler, control: LogLevelControl) {
        self.inner = inner
        self.control = control
    }

    public var logLevel: Logger.Level {
        get { control.level }
        set { control.level = newValue }
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    public func log(event: LogEvent) {
        inner.log(event: event)
    }
}
