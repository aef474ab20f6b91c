import Foundation
import X509

/// The pure judgements `tern check` makes about certificates and clocks.
public enum CertificateChecks {
    public static let warningWindow: TimeInterval = 7 * 24 * 3600
    /// Leaf certificates live 24 hours (DESIGN.md §2).
    public static let leafLifetime: TimeInterval = 24 * 3600
    public static let allowedSkew: TimeInterval = 60

    /// The issuer is inside its validity window, signed by one of the anchors, and not
    /// expiring within a week (a warning).
    public static func issuer(_ issuer: Certificate, anchors: [Certificate], now: Date) -> CheckOutcome {
        if now < issuer.notValidBefore { return .failure("not valid before \(issuer.notValidBefore); is this clock behind?") }
        if now > issuer.notValidAfter { return .failure("expired \(issuer.notValidAfter)") }
        let chains = anchors.contains { anchor in
            anchor.subject == issuer.issuer && anchor.publicKey.isValidSignature(issuer.signature, for: issuer)
        }
        guard chains else { return .failure("not signed by any certificate in the trust anchors") }
        if issuer.notValidAfter.timeIntervalSince(now) < warningWindow {
            return .warning("expires \(issuer.notValidAfter), within 7 days")
        }
        return .ok("valid until \(issuer.notValidAfter)")
    }

    /// A proxy holds a current certificate: its `control_identity_cert_expiration_timestamp_seconds`
    /// lies in the future.
    public static func proxyCertificate(expiry: Double?, now: Date) -> CheckOutcome {
        guard let expiry else { return .failure("no control_identity_cert_expiration_timestamp_seconds: no certificate yet") }
        let remaining = expiry - now.timeIntervalSince1970
        guard remaining > 0 else { return .failure("its certificate expired \(Int(-remaining))s ago") }
        return .ok(nil)
    }

    /// The clock that issued a leaf and this one agree: a fresh leaf cannot expire later than
    /// 24 hours from now unless the issuing clock runs ahead; an expiry in the past means
    /// this clock runs ahead of it (or the proxy stopped renewing).
    public static func clockSkew(leafExpiries: [Double], now: Date) -> CheckOutcome {
        let latest = now.timeIntervalSince1970 + leafLifetime + allowedSkew
        if let ahead = leafExpiries.first(where: { $0 > latest }) {
            return .failure("a leaf expires \(Int(ahead - latest + allowedSkew))s later than 24 h from now: the controller's clock runs ahead")
        }
        return .ok(nil)
    }
}
