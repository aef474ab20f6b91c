/// The version every Tern binary reports, so a proxy, a controller and the CLI can be matched up.
public enum TernVersion {
    public static let current = "0.1.0-dev"
}
