import TernResources

/// Istio server protocol and TLS settings → Gateway API listener protocol and TLS config.
extension TranslationContext {
    /// Returns nil as the protocol when the server cannot be expressed (it is reported).
    mutating func listenerTLS(_ server: Istio.Gateway.Server, istioProtocol: String, gatewayNamespace: String, at path: FieldPath, _ ref: ObjectRef) -> (String?, GatewayAPI.GatewayTLSConfig?) {
        let tlsPath = path.key("tls")
        var proto: String
        switch istioProtocol {
        case "HTTP", "HTTPS", "TCP", "TLS": proto = istioProtocol
        case "HTTP2", "GRPC", "GRPC-WEB":
            proto = "HTTP"
            log.info(ref, path.key("port").key("protocol"), "Gateway API HTTP listeners carry HTTP/2 and gRPC; \(istioProtocol) became HTTP.")
        case "MONGO":
            proto = "TCP"
            log.info(ref, path.key("port").key("protocol"), "Tern treats MongoDB as opaque TCP.")
        default:
            log.change(ref, path.key("port").key("protocol"), "Protocol \(istioProtocol) has no Gateway API listener.", action: "Expose this port with your ingress controller's own configuration.")
            return (nil, nil)
        }
        guard let tls = server.tls else { return (proto, nil) }
        if tls.httpsRedirect != nil && tls.mode == nil {
            // A plain HTTP server that only redirects: handled by the caller.
            return (proto, nil)
        }
        let mode = tls.mode ?? .passthrough // PASSTHROUGH is the proto default.
        if tls.mode != nil { log.consume(ref, tlsPath.key("mode")) }
        for key in ["minProtocolVersion", "maxProtocolVersion", "cipherSuites"] {
            let set = key == "cipherSuites" ? tls.cipherSuites != nil : (key == "minProtocolVersion" ? tls.minProtocolVersion : tls.maxProtocolVersion) != nil
            if set {
                log.change(ref, tlsPath.key(key), "Gateway API has no portable TLS version or cipher setting.",
                           action: "Set it through your ingress controller's listener tls.options or its own configuration.")
            }
        }
        if tls.serverCertificate != nil || tls.privateKey != nil || tls.caCertificates != nil {
            for key in ["serverCertificate", "privateKey", "caCertificates"] {
                let set = key == "serverCertificate" ? tls.serverCertificate : (key == "privateKey" ? tls.privateKey : tls.caCertificates)
                if set != nil {
                    log.change(ref, tlsPath.key(key), "Gateway API reads certificates from Secrets, not from files mounted into the gateway pods.",
                               action: "Create a kubernetes.io/tls Secret from the files and name it in the listener's certificateRefs.")
                }
            }
        }
        switch mode {
        case .passthrough:
            if istioProtocol != "TLS" { log.info(ref, path.key("port").key("protocol"), "A passthrough server is a TLS listener in Gateway API.") }
            return ("TLS", GatewayAPI.GatewayTLSConfig(mode: .passthrough))
        case .simple, .mutual, .optionalMutual:
            if mode != .simple {
                log.security(ref, tlsPath.key("mode"), "Gateway API listeners do not verify client certificates (Istio \(mode.rawValue) did); clients without a certificate will be accepted.",
                             action: "Enforce client certificates in your ingress controller (frontend TLS validation) before switching traffic.")
                for key in ["subjectAltNames", "verifyCertificateSpki", "verifyCertificateHash"] {
                    let set = key == "subjectAltNames" ? tls.subjectAltNames : (key == "verifyCertificateSpki" ? tls.verifyCertificateSpki : tls.verifyCertificateHash)
                    if set != nil {
                        log.security(ref, tlsPath.key(key), "Client certificate checks are not carried over.", action: "Configure them in your ingress controller.")
                    }
                }
            }
            guard let secret = tls.credentialName else {
                log.change(ref, tlsPath, "The server has no credentialName, so the listener has no certificate.", action: "Add the Secret to the listener's certificateRefs.")
                return (proto == "TCP" ? "TLS" : (proto == "HTTP" ? "HTTPS" : proto), GatewayAPI.GatewayTLSConfig(mode: .terminate))
            }
            log.consume(ref, tlsPath.key("credentialName"))
            let certificate = certificateRef(secret, gatewayNamespace: gatewayNamespace, at: tlsPath.key("credentialName"), ref)
            let terminated = proto == "TCP" || proto == "TLS" ? "TLS" : "HTTPS"
            return (terminated, GatewayAPI.GatewayTLSConfig(mode: .terminate, certificateRefs: [certificate]))
        case .autoPassthrough:
            log.change(ref, tlsPath.key("mode"), "AUTO_PASSTHROUGH routes by SNI to mesh services for Istio multi-cluster; Gateway API has no equivalent.",
                       action: "Use Tern multi-cluster gateways for cross-cluster traffic.")
            return (nil, nil)
        case .istioMutual:
            log.change(ref, tlsPath.key("mode"), "ISTIO_MUTUAL gateways accept Istio mesh mTLS; a Gateway API listener cannot.",
                       action: "Mesh the ingress controller with Tern instead; its traffic to workloads is then mutually authenticated.")
            return (nil, nil)
        }
    }

    /// The Secret named by credentialName. Istio reads it from the ingress gateway pods'
    /// namespace; Gateway API from the Gateway's, unless a ReferenceGrant allows another.
    private mutating func certificateRef(_ name: String, gatewayNamespace: String, at path: FieldPath, _ ref: ObjectRef) -> GatewayAPI.SecretObjectReference {
        let secrets = input.others.filter { $0.resource.kind == "Secret" && $0.resource.name == name }.map(\.resource.namespace)
        if secrets.contains(gatewayNamespace) || secrets.isEmpty {
            if secrets.isEmpty {
                log.info(ref, path, "The listener reads Secret \(gatewayNamespace)/\(name); Istio may have read it from the ingress gateway's namespace.",
                         action: "Make sure Secret \(name) exists in namespace \(gatewayNamespace).")
            }
            return GatewayAPI.SecretObjectReference(group: "", kind: "Secret", name: name)
        }
        let secretNamespace = secrets.sorted()[0]
        let grantName = names.allocate(kind: "ReferenceGrant", namespace: secretNamespace, base: "\(gatewayNamespace)-\(ref.name)-certificates")
        emit(GatewayAPI.ReferenceGrant(metadata: metadata(grantName, secretNamespace, from: ref),
                                       spec: GatewayAPI.ReferenceGrantSpec(from: [GatewayAPI.ReferenceGrantFrom(group: GatewayAPI.group, kind: "Gateway", namespace: gatewayNamespace)],
                                                                            to: [GatewayAPI.ReferenceGrantTo(group: "", kind: "Secret", name: name)])))
        return GatewayAPI.SecretObjectReference(group: "", kind: "Secret", name: name, namespace: secretNamespace)
    }
}
