import ArgumentParser
import Foundation
import TernCore
import TernMigrate
import TernResources

/// `tern migrate`: off Istio, onto Tern. `istio` translates configuration; `plan` prints the
/// ordered migration steps for what the input uses.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Move a mesh from Istio to Tern.",
        subcommands: [MigrateIstioCommand.self, MigratePlanCommand.self]
    )
}

/// Inputs both migrate subcommands read.
struct MigrateInputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("Istio configuration: a file, a directory (read recursively) or - for standard input.", valueName: "path"),
            completion: .file(extensions: ["yaml", "yml", "json"]))
    var filename: [String] = []

    @Option(name: .customLong("from-kubectl-dump"), help: ArgumentHelp("Output of `kubectl get <kinds> -A -o yaml`; objects the migration does not need may be invalid (they are skipped).", valueName: "path"))
    var dump: [String] = []

    @Option(help: "Namespace of Tern's control plane (part of every workload identity).")
    var controlPlaneNamespace = MeshIdentity.defaultControlPlaneNamespace

    @Option(help: "Trust domain for emitted identities (default: the one in each Istio principal).")
    var trustDomain: String?

    @Option(help: "Kubernetes cluster domain used in service hostnames.")
    var clusterDomain = "cluster.local"

    @Option(help: "Istio's root namespace (mesh-wide policies live there).")
    var istioRootNamespace = "istio-system"

    @Option(help: "gatewayClassName of the emitted Gateways (your ingress controller's class).")
    var gatewayClass: String?

    @Option(name: .customLong("probe-network"), help: ArgumentHelp("A network kubelet probes come from (repeatable; default: all).", valueName: "cidr"))
    var probeNetworks: [String] = []

    func validate() throws {
        if filename.isEmpty && dump.isEmpty {
            throw ValidationError("name the Istio configuration with -f PATH or --from-kubectl-dump PATH")
        }
    }

    var options: MigrationOptions {
        var o = MigrationOptions()
        o.controlPlaneNamespace = controlPlaneNamespace
        o.trustDomain = trustDomain
        o.clusterDomain = clusterDomain
        if !probeNetworks.isEmpty { o.probeNetworks = probeNetworks }
        if let gatewayClass {
            o.gatewayClass = gatewayClass
            o.gatewayClassGiven = true
        }
        return o
    }

    /// Reads every input; prints problems and exits 1 on invalid Istio input, 2 on unreadable files.
    func load() throws -> InputReader.Loaded {
        var files: [InputReader.File] = []
        do {
            files += try ManifestFiles.read(filename).map { InputReader.File(name: $0.name, bytes: $0.bytes, lenient: false) }
            files += try ManifestFiles.read(dump).map { InputReader.File(name: $0.name, bytes: $0.bytes, lenient: true) }
        } catch {
            stderr("error: \(error)")
            throw ExitCode(2)
        }
        var loaded = InputReader.read(files)
        loaded.input.rootNamespace = istioRootNamespace
        for w in loaded.warnings { stderr(w.description) }
        if !loaded.errors.isEmpty {
            for e in loaded.errors { stderr(e.description) }
            stderr("error: \(loaded.errors.count) problem(s) in the input; nothing was translated")
            throw ExitCode(1)
        }
        if loaded.input.isEmpty {
            stderr("error: the input holds no Istio configuration (networking.istio.io or security.istio.io objects)")
            throw ExitCode(1)
        }
        return loaded
    }
}

func stderr(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

struct MigrateIstioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "istio",
        abstract: "Translate Istio configuration into Gateway API and Tern policy manifests.",
        discussion: """
        Manifests go to standard output (pipe them to `kubectl apply -f -`); the findings report \
        (every Istio field not carried over verbatim, with what to do) goes to standard error or \
        --report-file. Exit status: 0 when everything translated, 3 when findings need attention \
        (behaviour-change or security-relevant), 1 for invalid input, 2 for usage errors.
        """
    )

    @OptionGroup var inputs: MigrateInputOptions

    @Option(name: .shortAndLong, help: "Manifest format: yaml or json.")
    var output: ManifestFormat = .yaml

    @Option(help: "Findings report format: text, json or markdown.")
    var report: ReportFormat = .text

    @Option(help: ArgumentHelp("Write the findings report to this file instead of standard error.", valueName: "path"))
    var reportFile: String?

    enum ManifestFormat: String, ExpressibleByArgument, CaseIterable { case yaml, json }
    enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

    func run() throws {
        let loaded = try inputs.load()
        let result = IstioMigrator(options: inputs.options).migrate(loaded.input)
        let manifests: String
        do {
            manifests = try ManifestWriter.write(result.manifests, format: output == .yaml ? .yaml : .json)
        } catch {
            stderr("error: \(error)")
            throw ExitCode(1)
        }
        print(manifests, terminator: "")
        let text = FindingsReport.render(result, format: FindingsReport.Format(rawValue: report.rawValue) ?? .text)
        if let reportFile {
            do { try text.write(toFile: reportFile, atomically: true, encoding: .utf8) } catch {
                stderr("error: cannot write \(reportFile): \(error.localizedDescription)")
                throw ExitCode(2)
            }
        } else {
            FileHandle.standardError.write(Data(text.utf8))
        }
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }
}

struct MigratePlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print the ordered steps to migrate from Istio, tailored to the input.",
        discussion: "Reads the same input as `tern migrate istio`, plus optionally `helm get values <release> -n istio-system -a` output or an IstioOperator, to flag Istio features Tern lacks."
    )

    @OptionGroup var inputs: MigrateInputOptions

    @Option(name: .customLong("values"), help: ArgumentHelp("Helm values of the Istio releases (`helm get values … -a`), or an IstioOperator.", valueName: "path"))
    var values: [String] = []

    func run() throws {
        let loaded = try inputs.load()
        var installation: [InstallationSettings.Source] = []
        do {
            for file in try ManifestFiles.read(values) {
                let docs = ManifestLoader().load(bytes: file.bytes, file: file.name)
                for d in docs.diagnostics { stderr(d.description) }
                installation += docs.documents.map { InstallationSettings.Source(file: file.name, node: $0.node) }
            }
        } catch {
            stderr("error: \(error)")
            throw ExitCode(2)
        }
        installation += loaded.objects.filter { $0.resource.kind == "IstioOperator" }.map { InstallationSettings.Source(file: $0.source.file, node: $0.raw) }
        let result = IstioMigrator(options: inputs.options).migrate(loaded.input)
        let plan = MigrationPlan.build(input: loaded.input, result: result, options: inputs.options, installation: InstallationSettings(installation))
        print(plan.text, terminator: "")
    }
}
