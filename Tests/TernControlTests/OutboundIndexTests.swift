import Testing
import TernCore
import TernPolicy
import TernResources
@testable import TernControl

@Suite("Outbound index")
struct OutboundIndexTests {
    static let base = """
    apiVersion: v1
    kind: Service
    metadata:
      name: color
      namespace: faces
      annotations: {retry.linkerd.io/http: 5xx, retry.linkerd.io/limit: "2", timeout.linkerd.io/request: 3s,
                    balancer.linkerd.io/failure-accrual: consecutive, balancer.linkerd.io/failure-accrual-consecutive-max-failures: "5"}
    spec: {clusterIP: 10.96.0.20, ports: [{name: http, port: 80}, {name: db, port: 3306}, {name: grpc, port: 9000, appProtocol: kubernetes.io/h2c}]}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: color2, namespace: faces}
    spec: {ports: [{port: 80}]}
    """

    @Test("a service without routes gets one default route with its annotations")
    func defaultRoute() throws {
        let index = OutboundIndex(state: clusterState(Self.base))
        let policy = try #require(index.policy(for: .service(namespace: "faces", name: "color", port: 80)))
        #expect(policy.appProtocol == .detect)
        #expect(policy.routes.count == 1)
        let route = policy.routes[0]
        #expect(route.kind == "default")
        #expect(route.backends == [Backend(target: .service(name: "color", namespace: "faces", port: 80))])
        #expect(route.retry?.limit == 2)
        #expect(route.retry?.statuses == [StatusRange(min: 500, max: 599)])
        #expect(route.timeouts.request == .seconds(3))
        #expect(policy.failureAccrual?.consecutiveFailures == 5)
        #expect(index.policy(for: .service(namespace: "faces", name: "color", port: 3306))?.appProtocol == .opaque)
        #expect(index.policy(for: .service(namespace: "faces", name: "color", port: 9000))?.appProtocol == .http2)
        #expect(index.policy(for: .address(IPAddress(parsing: "10.96.0.20")!, port: 80))?.parentName == "color")
        #expect(index.policy(for: .service(namespace: "faces", name: "nope", port: 80)) == nil)
    }

    @Test("the seed's GAMMA color split: weights, matches, filters, timeouts, faults")
    func gammaRoute() throws {
        let index = OutboundIndex(state: clusterState(Self.base + """

        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: color-split
          namespace: faces
          annotations: {retry.linkerd.io/limit: "4", fault.tern.io/delay: 5s, fault.tern.io/delay-percent: "50"}
        spec:
          parentRefs: [{name: color, kind: Service, group: core, port: 80}]
          rules:
          - matches: [{path: {type: PathPrefix, value: /api}, headers: [{name: x-user, value: jason}], method: GET}]
            filters:
            - type: RequestHeaderModifier
              requestHeaderModifier: {set: [{name: x-canary, value: "1"}], remove: [x-debug]}
            backendRefs: [{name: color2, port: 80}]
            timeouts: {request: 10s, backendRequest: 2s}
          - backendRefs: [{name: color, port: 80, weight: 50}, {name: color2, port: 80, weight: 50}]
        """))
        let policy = try #require(index.policy(for: .service(namespace: "faces", name: "color", port: 80)))
        #expect(policy.routes.map(\.name) == ["color-split/0", "color-split/1"])
        let first = policy.routes[0]
        #expect(first.matches == [HTTPMatch(path: .prefix("/api"), headers: [.init(name: "x-user", value: .exact("jason"))], method: "GET")])
        #expect(first.filters == [.requestHeaders(HeaderModifier(set: ["x-canary": "1"], remove: ["x-debug"]))])
        #expect(first.timeouts == RouteTimeouts(request: .seconds(10), backendRequest: .seconds(2)))
        #expect(first.retry?.limit == 4, "the route's annotation wins over the service's")
        #expect(first.fault == TernPolicy.FaultInjection(delay: .seconds(5), delayPercent: 50))
        let split = policy.routes[1]
        #expect(split.matches == [HTTPMatch(path: .prefix("/"))])
        #expect(split.backends.map(\.weight) == [50, 50])
        #expect(split.timeouts.request == .seconds(3), "the service's timeout applies where the rule sets none")
        // The route is for port 80 only.
        #expect(index.policy(for: .service(namespace: "faces", name: "color", port: 3306))?.routes.map(\.kind) == ["default"])
    }

    @Test("consumer routes in the caller's namespace replace producer routes for that caller")
    func consumerRoutes() throws {
        let index = OutboundIndex(state: clusterState(Self.base + """

        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: producer, namespace: faces}
        spec:
          parentRefs: [{name: color, kind: Service, group: core}]
          rules: [{backendRefs: [{name: color2, port: 80}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: consumer, namespace: client}
        spec:
          parentRefs: [{name: color, namespace: faces, kind: Service, group: core}]
          rules: [{backendRefs: [{name: color, namespace: faces, port: 80}]}]
        """))
        #expect(index.policy(for: .service(namespace: "faces", name: "color", port: 80), callerNamespace: "client")?.routes.map(\.name) == ["consumer"])
        #expect(index.policy(for: .service(namespace: "faces", name: "color", port: 80), callerNamespace: "other")?.routes.map(\.name) == ["producer"])
        #expect(index.policy(for: .service(namespace: "faces", name: "color", port: 80))?.routes.map(\.name) == ["producer"])
    }

    @Test("GRPCRoute methods become POST paths")
    func grpcRoute() throws {
        let index = OutboundIndex(state: clusterState(Self.base + """

        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc, namespace: faces}
        spec:
          parentRefs: [{name: color, kind: Service, group: core, port: 9000}]
          rules:
          - matches: [{method: {service: faces.Color, method: Get}}]
            backendRefs: [{name: color2, port: 80}]
        """))
        let policy = try #require(index.policy(for: .service(namespace: "faces", name: "color", port: 9000)))
        #expect(policy.routes.first?.matches == [HTTPMatch(path: .exact("/faces.Color/Get"))])
    }
}

@Suite("Outbound index: profiles and splits")
struct OutboundProfileTests {
    @Test("a ServiceProfile's routes carry timeouts, retries with budgets and failure classes")
    func serviceProfile() throws {
        let index = OutboundIndex(state: clusterState(OutboundIndexTests.base + """

        ---
        apiVersion: linkerd.io/v1alpha2
        kind: ServiceProfile
        metadata: {name: color.faces.svc.cluster.local, namespace: faces}
        spec:
          retryBudget: {retryRatio: 0.3, minRetriesPerSecond: 5, ttl: 20s}
          routes:
          - name: GET /api/users/{id}
            condition: {method: GET, pathRegex: "/api/users/[^/]+"}
            isRetryable: true
            timeout: 5s
            responseClasses:
            - condition: {status: {min: 500, max: 504}}
              isFailure: true
          - name: anything but GET
            condition: {not: {method: GET}}
          dstOverrides:
          - {authority: color.faces.svc.cluster.local:80, weight: 900m}
          - {authority: color2.faces.svc.cluster.local:80, weight: 100m}
        """))
        let policy = try #require(index.policy(for: .service(namespace: "faces", name: "color", port: 80)))
        #expect(policy.routes.map(\.name) == ["GET /api/users/{id}", "default"], "the `not` route is left out")
        let route = policy.routes[0]
        #expect(route.kind == "ServiceProfile")
        #expect(route.matches == [HTTPMatch(path: .regex("/api/users/[^/]+"), method: "GET")])
        #expect(route.timeouts.request == .seconds(5))
        #expect(route.failureStatuses == [StatusRange(min: 500, max: 504)])
        #expect(route.retry?.budget == RetryBudget(ratio: 0.3, minPerSecond: 5, ttl: .seconds(20)))
        #expect(route.backends.map(\.weight) == [900, 100])
    }

    @Test("an SMI TrafficSplit weights the default route (seed 002's canary)")
    func trafficSplit() throws {
        let index = OutboundIndex(state: clusterState("""
        apiVersion: v1
        kind: Service
        metadata: {name: my-app, namespace: my-app}
        spec: {ports: [{port: 80}]}
        ---
        apiVersion: split.smi-spec.io/v1alpha2
        kind: TrafficSplit
        metadata: {name: my-app-canary, namespace: my-app}
        spec:
          service: my-app
          backends: [{service: my-app-v1, weight: 90}, {service: my-app-v2, weight: 10}]
        """))
        let route = try #require(index.policy(for: .service(namespace: "my-app", name: "my-app", port: 80))?.routes.first)
        #expect(route.backends == [Backend(target: .service(name: "my-app-v1", namespace: "my-app", port: 80), weight: 90_000),
                                   Backend(target: .service(name: "my-app-v2", namespace: "my-app", port: 80), weight: 10_000)])
    }

    @Test("policy.linkerd.io HTTPRoutes attach like Gateway API ones")
    func linkerdHTTPRoute() throws {
        let index = OutboundIndex(state: clusterState(OutboundIndexTests.base + """

        ---
        apiVersion: policy.linkerd.io/v1beta3
        kind: HTTPRoute
        metadata: {name: linkerd-route, namespace: faces}
        spec:
          parentRefs: [{name: color, kind: Service, group: core, port: 80}]
          rules: [{backendRefs: [{name: color2, port: 80}]}]
        """))
        #expect(index.policy(for: .service(namespace: "faces", name: "color", port: 80))?.routes.map(\.name) == ["linkerd-route"])
    }
}
