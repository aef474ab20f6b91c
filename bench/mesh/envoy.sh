# The Envoy pair (sourced): tcp_proxy on both sides, mutual TLS 1.3 between them, each side
# checking the other's SPIFFE URI SAN. One worker each (--concurrency 1).
#   client ns: 127.0.0.1:10000 --TLS--> server ns: 10.77.0.3:10001 --> 127.0.0.1:80 (nginx)

spiffe_client=spiffe://cluster.local/ns/bench/sa/client
spiffe_server=spiffe://cluster.local/ns/bench/sa/nginx

# A throwaway CA and two ECDSA P-256 leaves carrying the SPIFFE IDs (plus the Tern DNS names,
# as a mesh certificate would).
envoy_certs() {
    local dir=$1 name uri serial=1
    openssl ecparam -name prime256v1 -genkey -noout -out "$dir/ca.key"
    openssl req -x509 -new -key "$dir/ca.key" -subj /CN=tbench-ca -days 2 -out "$dir/ca.crt" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
    for name in client nginx; do
        uri=spiffe://cluster.local/ns/bench/sa/$name
        openssl ecparam -name prime256v1 -genkey -noout -out "$dir/$name.key"
        openssl req -new -key "$dir/$name.key" -subj "/CN=$name" -out "$dir/$name.csr"
        printf '%s\n' "subjectAltName=critical,URI:$uri,DNS:$name.bench.serviceaccount.identity.tern.cluster.local" \
            basicConstraints=critical,CA:FALSE keyUsage=critical,digitalSignature \
            extendedKeyUsage=serverAuth,clientAuth >"$dir/$name.ext"
        openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -days 2 \
            -set_serial $((serial++)) -extfile "$dir/$name.ext" -out "$dir/$name.crt" 2>/dev/null
    done
}

# envoy_tls DIR NAME PEER_URI INDENT: the common_tls_context both sides share: our leaf, TLS
# 1.3 only, the peer's chain checked against the CA and its URI SAN matched exactly.
envoy_tls() {
    sed "s/^/$4/" <<YAML
common_tls_context:
  tls_params: {tls_minimum_protocol_version: TLSv1_3, tls_maximum_protocol_version: TLSv1_3}
  tls_certificates:
  - certificate_chain: {filename: $1/$2.crt}
    private_key: {filename: $1/$2.key}
  validation_context:
    trusted_ca: {filename: $1/ca.crt}
    match_typed_subject_alt_names:
    - san_type: URI
      matcher: {exact: "$3"}
YAML
}

# envoy_config DIR SIDE: the whole bootstrap of one side. Both are a static tcp_proxy listener
# and one static cluster; the client side's cluster speaks TLS upstream, the server side's
# listener requires it from downstream.
envoy_config() {
    local dir=$1 side=$2 listen upstream downstream_tls='' upstream_tls=''
    if [[ $side == client ]]; then
        listen="127.0.0.1, port_value: 10000" upstream="${ns_ip[server]}, port_value: 10001"
        upstream_tls="    transport_socket:
      name: envoy.transport_sockets.tls
      typed_config:
        \"@type\": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
        sni: nginx.bench.serviceaccount.identity.tern.cluster.local
$(envoy_tls "$dir" client "$spiffe_server" '        ')"
    else
        listen="${ns_ip[server]}, port_value: 10001" upstream="127.0.0.1, port_value: 80"
        downstream_tls="      transport_socket:
        name: envoy.transport_sockets.tls
        typed_config:
          \"@type\": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
          require_client_certificate: true
$(envoy_tls "$dir" nginx "$spiffe_client" '          ')"
    fi
    cat <<YAML
admin:
  address: {socket_address: {address: 127.0.0.1, port_value: 9901}}
static_resources:
  listeners:
  - name: ingress
    address: {socket_address: {address: $listen}}
    filter_chains:
    - filters:
      - name: envoy.filters.network.tcp_proxy
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
          stat_prefix: bench
          cluster: upstream
$downstream_tls
  clusters:
  - name: upstream
    type: STATIC
    connect_timeout: 2s
    load_assignment:
      cluster_name: upstream
      endpoints:
      - lb_endpoints:
        - endpoint: {address: {socket_address: {address: $upstream}}}
$upstream_tls
YAML
}

envoy_up() {
    local dir=$work/envoy side
    mkdir -p "$dir"
    envoy_certs "$dir" || return 1
    for side in client server; do
        envoy_config "$dir" "$side" >"$dir/$side.yaml"
        # --disable-hot-restart: no shared-memory region, so two Envoys never collide.
        declare -g "envoy_${side}_pid=$(spawn "$side" "$dir/$side.log" "$envoy_bin" -c "$dir/$side.yaml" \
            --concurrency 1 --log-level warn --disable-hot-restart)"
    done
    for side in server client; do
        wait_http "$side" http://127.0.0.1:9901/ready 20 "$(envoy_pid "$side")" || { log "envoy-$side: $(tail -5 "$dir/$side.log")"; return 1; }
    done
}

envoy_pid() { local v="envoy_${1}_pid"; echo "${!v}"; }

envoy_down() { stop_pids ${envoy_client_pid:-} ${envoy_server_pid:-}; envoy_client_pid='' envoy_server_pid=''; }
