import TernResources

/// Istio HTTPMatchRequest → Gateway API HTTPRouteMatch. Conditions Gateway API cannot express
/// are reported and left out (the match gets broader, which the finding says).
extension TranslationContext {
    mutating func convert(_ m: Istio.HTTPMatchRequest, index k: Int, at path: FieldPath, _ ref: ObjectRef) -> DraftMatch {
        var out = GatewayAPI.HTTPRouteMatch()
        var istioPrefix: String?
        if let uri = m.uri {
            let p = path.key("uri")
            if let exact = uri.exact {
                out.path = GatewayAPI.HTTPPathMatch(type: .exact, value: exact)
                log.consume(ref, p)
            } else if let prefix = uri.prefix {
                out.path = GatewayAPI.HTTPPathMatch(type: .pathPrefix, value: prefix)
                istioPrefix = prefix
                log.consume(ref, p)
                reportPrefixSemantics(prefix, at: p.key("prefix"), ref)
            } else if let regex = uri.regex {
                out.path = GatewayAPI.HTTPPathMatch(type: .regularExpression, value: regex)
                log.info(ref, p.key("regex"), "Carried over as a RegularExpression path match; Tern evaluates it with full-match semantics like Istio (RE2 syntax).")
            }
        }
        if m.ignoreUriCase == true {
            log.change(ref, path.key("ignoreUriCase"), "Gateway API path matches are case-sensitive.",
                       action: "Add matches for the other spellings, or a RegularExpression match with (?i).")
        } else if m.ignoreUriCase != nil {
            log.consume(ref, path.key("ignoreUriCase"))
        }
        if let method = m.method {
            let p = path.key("method")
            if let exact = method.exact, let value = GatewayAPI.HTTPMethod(rawValue: exact.uppercased()) {
                out.method = value
                log.consume(ref, p)
            } else {
                log.change(ref, p, "Gateway API matches one exact method; this method condition was left out, so the rule matches every method.",
                           action: "Split the rule into one match per method.")
            }
        }
        out.headers = conditions(m.headers, at: path.key("headers"), ref, what: "header").map {
            GatewayAPI.HTTPHeaderMatch(type: $0.type, name: $0.name, value: $0.value)
        }
        out.queryParams = conditions(m.queryParams, at: path.key("queryParams"), ref, what: "query parameter").map {
            GatewayAPI.HTTPQueryParamMatch(type: $0.type, name: $0.name, value: $0.value)
        }
        if out.headers?.isEmpty == true { out.headers = nil }
        if out.queryParams?.isEmpty == true { out.queryParams = nil }
        reportUnmatchable(m, at: path, ref)
        return DraftMatch(match: out, istioPrefix: istioPrefix, istioIndex: k)
    }

    private mutating func reportPrefixSemantics(_ prefix: String, at path: FieldPath, _ ref: ObjectRef) {
        if prefix == "/" { return }
        if prefix.hasSuffix("/") {
            log.info(ref, path, "Gateway API PathPrefix matches whole segments and ignores the trailing slash, so \"\(MatchAlgebra.trimmed(prefix))\" itself now matches too.")
        } else {
            log.change(ref, path, "Istio prefixes match any string prefix; Gateway API PathPrefix matches whole path segments, so \"\(prefix)\" no longer matches e.g. \"\(prefix)x\".",
                       action: "If such paths exist, add a RegularExpression match \"\(prefix).*\".")
        }
    }

    private struct Condition {
        var type: GatewayAPI.StringMatchType
        var name: String
        var value: String
    }

    /// Header or query conditions, sorted by name so output is stable.
    private mutating func conditions(_ map: [String: Istio.StringMatch]?, at path: FieldPath, _ ref: ObjectRef, what: String) -> [Condition] {
        guard let map else { return [] }
        var out: [Condition] = []
        for (name, m) in map.sorted(by: { $0.key < $1.key }) {
            let p = path.key(name)
            if let exact = m.exact {
                out.append(Condition(type: .exact, name: name, value: exact))
                log.consume(ref, p)
            } else if let regex = m.regex {
                out.append(Condition(type: .regularExpression, name: name, value: regex))
                log.consume(ref, p)
            } else if let prefix = m.prefix {
                out.append(Condition(type: .regularExpression, name: name, value: "^" + Self.regexEscaped(prefix) + ".*"))
                log.info(ref, p, "Gateway API has no prefix match for a \(what); it became the equivalent regular expression.")
            } else {
                out.append(Condition(type: .regularExpression, name: name, value: ".*"))
                log.info(ref, p, "An empty matcher means \"present with any value\"; it became the regular expression \".*\".")
            }
        }
        return out
    }

    private mutating func reportUnmatchable(_ m: Istio.HTTPMatchRequest, at path: FieldPath, _ ref: ObjectRef) {
        if m.withoutHeaders != nil {
            log.change(ref, path.key("withoutHeaders"), "Gateway API cannot match on a header being absent; the condition was left out, so the rule matches more requests.",
                       action: "Put a rule for requests that have the header first, so this rule only gets the rest.")
        }
        if m.authority != nil {
            log.change(ref, path.key("authority"), "Gateway API matches the authority through the route's hostnames, not per match; the condition was left out.",
                       action: "Move the rule into a route whose hostnames are that authority.")
        }
        if m.scheme != nil {
            log.change(ref, path.key("scheme"), "Gateway API cannot match on the scheme; the condition was left out.", action: "Split HTTP and HTTPS traffic by listener instead.")
        }
        if m.port != nil {
            log.change(ref, path.key("port"), "Gateway API matches the port through the parent (listener or Service port), not per match; the condition was left out.",
                       action: "Attach the route to that port only (parentRefs[].port or sectionName).")
        }
        if m.sourceLabels != nil || m.sourceNamespace != nil {
            let key = m.sourceLabels != nil ? "sourceLabels" : "sourceNamespace"
            log.change(ref, path.key(key), "Tern's routes apply to every client; Istio applied this match only to some source workloads.",
                       action: "If other clients must not get this routing, give those clients a different Service to call.")
            if key == "sourceLabels", m.sourceNamespace != nil {
                log.change(ref, path.key("sourceNamespace"), "Tern's routes apply to every client namespace.", action: "Review which clients now get this routing.")
            }
        }
        if m.gateways != nil { log.consume(ref, path.key("gateways")) }
        if m.name != nil { log.info(ref, path.key("name"), "Match names only label Istio's stats; Tern labels routes by route and rule.") }
        if m.statPrefix != nil { log.info(ref, path.key("statPrefix"), "Tern's metrics use route labels, not a stat prefix.") }
    }

    static func regexEscaped(_ s: String) -> String {
        var out = ""
        for c in s {
            if "\\^$.|?*+()[]{}".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
