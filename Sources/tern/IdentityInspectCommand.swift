import ArgumentParser
import Foundation
import TernCore
import TernTLS
import X509

/// `tern identity inspect FILE|-`: what a certificate (or chain) says, and whether it chains
/// to a given anchor bundle. Private keys in the input are ignored, never printed.
struct IdentityInspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print subject, SANs, Tern identity, issuer and validity of a PEM certificate or chain."
    )

    @Argument(help: "PEM file with a certificate or chain (leaf first), or - for standard input.")
    var file: String

    @Option(help: "Trust-anchor bundle (PEM) to check the chain against.")
    var anchors: String?

    func run() async throws {
        let text: String
        if file == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            text = try PEMFiles.readText(atPath: file)
        }
        let chain = try PEMFiles.certificates(pem: text, source: file == "-" ? "standard input" : file)
        let now = Date()
        for (index, certificate) in chain.enumerated() {
            if chain.count > 1 { print("certificate \(index + 1) of \(chain.count)") }
            print("  subject:   \(certificate.subject)")
            print("  issuer:    \(certificate.issuer)")
            let sans = certificate.subjectAlternativeNameStrings
            print("  SANs:      \(sans.isEmpty ? "(none)" : sans.joined(separator: ", "))")
            let identities = certificate.meshIdentities
            print("  identity:  \(identities.isEmpty ? "(none)" : identities.map(\.dnsName).joined(separator: ", "))")
            print("  not before: \(certificate.notValidBefore)")
            print("  not after:  \(certificate.notValidAfter)\(validityNote(certificate, now: now))")
            if let constraints = try? certificate.extensions.basicConstraints,
                case .isCertificateAuthority = constraints
            {
                print("  CA:        yes")
            }
        }
        if let anchors {
            let bundle = try PEMFiles.certificates(atPath: anchors)
            if let problem = await PeerVerifier(trustAnchors: bundle).chainProblem(chain, now: now) {
                print("chains to \(anchors): no (\(problem))")
                throw ExitCode(1)
            }
            print("chains to \(anchors): yes")
        }
    }

    private func validityNote(_ certificate: Certificate, now: Date) -> String {
        if now > certificate.notValidAfter { return " (EXPIRED)" }
        if now < certificate.notValidBefore { return " (NOT YET VALID)" }
        let hours = certificate.notValidAfter.timeIntervalSince(now) / 3600
        return String(format: " (%.1f h left)", hours)
    }
}
