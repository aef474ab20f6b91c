import TernResources

/// Keeps Istio's first-match order under Gateway API's precedence (exact path, then longest
/// prefix, then method, then most headers, then most query parameters; rule order only breaks
/// ties). When a later rule's match outranks an earlier rule's and both can match a request,
/// Gateway API would hand that request to the later rule; Istio gave it to the earlier one.
/// The fix adds the overlap (the intersection of the two matches, which outranks or ties the
/// later match) to the earlier rule, and drops later matches Istio could never reach.
enum RuleOrdering {
    struct Outcome {
        var rules: [DraftRule] = []
        /// Istio rules dropped because earlier rules take all their requests.
        var droppedRules: [(rule: Int, shadowedBy: Int)] = []
        /// Single matches dropped for the same reason.
        var droppedMatches: [(rule: Int, match: Int, shadowedBy: Int)] = []
        /// Pairs whose order cannot be guaranteed (regular expressions involved).
        var undecidable: [(rule: Int, otherRule: Int)] = []
        /// Earlier rules that received overlap matches from later ones.
        var widened: [(rule: Int, from: Int)] = []
    }

    /// The implicit match of a rule without matches: every request.
    private static let everything = DraftMatch(match: GatewayAPI.HTTPRouteMatch())

    static func apply(_ input: [DraftRule]) -> Outcome {
        var rules = input
        var outcome = Outcome()
        var additions: [[DraftMatch]] = Array(repeating: [], count: rules.count)
        var dropped: Set<Int> = []
        for j in rules.indices {
            var kept: [DraftMatch] = []
            for mj in input[j].matches.isEmpty ? [everything] : input[j].matches {
                var shadowedBy: Int?
                earlier: for i in 0..<j {
                    for mi in input[i].matches.isEmpty ? [everything] : input[i].matches {
                        switch MatchAlgebra.intersect(mi.match, mj.match) {
                        case .disjoint:
                            continue
                        case .unknown:
                            if !outcome.undecidable.contains(where: { $0 == (input[j].source, input[i].source) }) {
                                outcome.undecidable.append((input[j].source, input[i].source))
                            }
                        case .match(let overlap):
                            guard MatchAlgebra.rank(mj.match) > MatchAlgebra.rank(mi.match) else { continue }
                            if MatchAlgebra.normalized(overlap) == MatchAlgebra.normalized(mj.match) {
                                // Istio sends every request of this match to the earlier rule, which
                                // keeps them once the match is dropped here.
                                shadowedBy = i
                                break earlier
                            }
                            addOverlap(DraftMatch(match: overlap, istioPrefix: mi.istioPrefix), to: i, from: j, &additions, &outcome, input)
                        }
                    }
                }
                if let i = shadowedBy {
                    if let k = mj.istioIndex { outcome.droppedMatches.append((input[j].source, k, input[i].source)) }
                    if input[j].matches.isEmpty { outcome.droppedRules.append((input[j].source, input[i].source)) }
                } else {
                    kept.append(mj)
                }
            }
            if kept.isEmpty {
                dropped.insert(j)
                if !input[j].matches.isEmpty, let by = outcome.droppedMatches.last(where: { $0.rule == input[j].source })?.shadowedBy {
                    outcome.droppedMatches.removeAll { $0.rule == input[j].source }
                    outcome.droppedRules.append((input[j].source, by))
                }
            } else if !input[j].matches.isEmpty {
                rules[j].matches = kept
            }
        }
        for i in rules.indices where !additions[i].isEmpty && !input[i].matches.isEmpty {
            rules[i].matches += additions[i]
        }
        outcome.rules = rules.indices.filter { !dropped.contains($0) }.map { rules[$0] }
        return outcome
    }

    private static func addOverlap(_ match: DraftMatch, to i: Int, from j: Int, _ additions: inout [[DraftMatch]], _ outcome: inout Outcome, _ input: [DraftRule]) {
        // A rule without matches takes every request already, and every later match is a
        // subset of it (so dropped): it never needs an overlap.
        guard !input[i].matches.isEmpty, !additions[i].contains(match), !input[i].matches.contains(where: { MatchAlgebra.normalized($0.match) == MatchAlgebra.normalized(match.match) }) else { return }
        additions[i].append(match)
        outcome.widened.append((input[i].source, input[j].source))
    }
}
