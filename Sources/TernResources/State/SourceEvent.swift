/// What a source of cluster state reports. Sources deliver events in batches; a batch is one
/// consistent step (one scan of a directory, one watch event), applied as a whole.
public enum SourceEvent: Sendable {
    /// An object was created or changed.
    case applied(DecodedObject)
    /// An object is gone (its file was deleted, or it was removed from its file).
    case deleted(ObjectKey)
    /// A file failed validation; none of its content was applied and what it held before stays.
    case rejected(file: String, diagnostics: [Diagnostic])
    /// The initial state has been delivered in full.
    case synced
}

extension ClusterState {
    /// Applies a batch of events; returns whether anything changed.
    @discardableResult
    public mutating func apply(_ events: [SourceEvent]) -> Bool {
        var changed = false
        for event in events {
            switch event {
            case .applied(let object): changed = apply(object) != .unchanged || changed
            case .deleted(let key): changed = delete(key) != nil || changed
            case .rejected, .synced: break
            }
        }
        return changed
    }
}
