#!/usr/bin/env python3
"""Prints the bootstrap (JSON) of one side of bench/mesh.sh's Envoy pair.

One listener and one cluster per application port, the way a sidecar gets one per service
port, so each port's traffic reaches nginx on that same port:

    client ns  127.0.0.1:(10000+P) --mTLS--> server ns  SERVER_IP:(10000+P) --> 127.0.0.1:P

--l7 http: http_connection_manager on both sides (codec AUTO: HTTP/1 and h2c clients both
work), HTTP/2 over mTLS between the proxies (ALPN h2, one multiplexed connection), the server
side to nginx in HTTP/1 on the HTTP/1 port and in h2c on the --h2-ports.
--l7 tcp: tcp_proxy on both sides; the bytes between the proxies are whatever the client sent.

Both: TLS 1.3 only, each side presents its own leaf, checks the peer's chain against the CA
and matches the peer's SPIFFE URI SAN exactly; the server side requires a client certificate.

    envoy-config.py --side client|server --l7 http|tcp --certs DIR --server-ip IP
                    --ports 80,81 --h2-ports 81 --client-id URI --server-id URI --sni NAME
"""
import argparse
import json

LISTENER_PORT_BASE = 10000


def any_config(type_name, **fields):
    return {"@type": f"type.googleapis.com/{type_name}", **fields}


def socket_address(address, port):
    return {"socket_address": {"address": address, "port_value": port}}


def common_tls(args, own, peer_id):
    context = {
        "tls_params": {"tls_minimum_protocol_version": "TLSv1_3", "tls_maximum_protocol_version": "TLSv1_3"},
        "tls_certificates": [{
            "certificate_chain": {"filename": f"{args.certs}/{own}.crt"},
            "private_key": {"filename": f"{args.certs}/{own}.key"},
        }],
        "validation_context": {
            "trusted_ca": {"filename": f"{args.certs}/ca.crt"},
            "match_typed_subject_alt_names": [{"san_type": "URI", "matcher": {"exact": peer_id}}],
        },
    }
    if args.l7 == "http":
        context["alpn_protocols"] = ["h2"]
    return context


def upstream_tls(args):
    return {"name": "envoy.transport_sockets.tls", "typed_config": any_config(
        "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
        sni=args.sni, common_tls_context=common_tls(args, "client", args.server_id))}


def downstream_tls(args):
    return {"name": "envoy.transport_sockets.tls", "typed_config": any_config(
        "envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
        require_client_certificate=True, common_tls_context=common_tls(args, "nginx", args.client_id))}


def network_filter(args, name, cluster):
    if args.l7 == "tcp":
        return {"name": "envoy.filters.network.tcp_proxy", "typed_config": any_config(
            "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy", stat_prefix=name, cluster=cluster)}
    route = {"name": name, "virtual_hosts": [{
        "name": "all", "domains": ["*"], "routes": [{"match": {"prefix": "/"}, "route": {"cluster": cluster}}]}]}
    router = {"name": "envoy.filters.http.router",
              "typed_config": any_config("envoy.extensions.filters.http.router.v3.Router")}
    return {"name": "envoy.filters.network.http_connection_manager", "typed_config": any_config(
        "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
        stat_prefix=name, codec_type="AUTO", route_config=route, http_filters=[router])}


def http2_upstream():
    """Cluster option: speak HTTP/2 (prior knowledge, or ALPN h2 under TLS) to the upstream."""
    return {"envoy.extensions.upstreams.http.v3.HttpProtocolOptions": any_config(
        "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
        explicit_http_config={"http2_protocol_options": {}})}


def cluster(name, address, port, h2=False, tls=None):
    c = {"name": name, "type": "STATIC", "connect_timeout": "2s",
         "load_assignment": {"cluster_name": name, "endpoints": [{"lb_endpoints": [
             {"endpoint": {"address": socket_address(address, port)}}]}]}}
    if h2:
        c["typed_extension_protocol_options"] = http2_upstream()
    if tls:
        c["transport_socket"] = tls
    return c


def side_config(args):
    listeners, clusters = [], []
    for port in args.ports:
        proxy_port = LISTENER_PORT_BASE + port
        if args.side == "client":
            name = f"outbound_{port}"
            listener = {"name": name, "address": socket_address("127.0.0.1", proxy_port),
                        "filter_chains": [{"filters": [network_filter(args, name, name)]}]}
            clusters.append(cluster(name, args.server_ip, proxy_port, h2=args.l7 == "http", tls=upstream_tls(args)))
        else:
            name = f"inbound_{port}"
            listener = {"name": name, "address": socket_address(args.server_ip, proxy_port),
                        "filter_chains": [{"filters": [network_filter(args, name, name)],
                                           "transport_socket": downstream_tls(args)}]}
            clusters.append(cluster(name, "127.0.0.1", port, h2=args.l7 == "http" and port in args.h2_ports))
        listeners.append(listener)
    return {
        "admin": {"address": socket_address("127.0.0.1", 9901)},
        "static_resources": {"listeners": listeners, "clusters": clusters},
    }


def ports(text):
    return [int(p) for p in text.split(",") if p]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--side", choices=("client", "server"), required=True)
    ap.add_argument("--l7", choices=("http", "tcp"), required=True)
    ap.add_argument("--certs", required=True)
    ap.add_argument("--server-ip", required=True)
    ap.add_argument("--ports", type=ports, required=True)
    ap.add_argument("--h2-ports", type=ports, default=[])
    ap.add_argument("--client-id", required=True)
    ap.add_argument("--server-id", required=True)
    ap.add_argument("--sni", required=True)
    print(json.dumps(side_config(ap.parse_args()), indent=2))


if __name__ == "__main__":
    main()
