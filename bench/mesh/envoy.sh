# The Envoy pair (sourced): one worker each (--concurrency 1), mutual TLS 1.3 between them, each
# side checking the other's SPIFFE URI SAN. The bootstraps come from envoy-config.py:
#   --l7 http  http_connection_manager both sides, HTTP/2 between them, HTTP/1 or h2c to nginx
#   --l7 tcp   tcp_proxy both sides
# One listener per nginx port (a sidecar's listener per service port):
#   client ns: 127.0.0.1:(10000+P) --mTLS--> server ns: 10.77.0.3:(10000+P) --> 127.0.0.1:P

spiffe_client=spiffe://cluster.local/ns/bench/sa/client
spiffe_server=spiffe://cluster.local/ns/bench/sa/nginx
envoy_port_base=10000

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

envoy_up() {
    local dir=$work/envoy side
    mkdir -p "$dir"
    envoy_certs "$dir" || return 1
    for side in client server; do
        python3 "$here/envoy-config.py" --side "$side" --l7 "$l7" --certs "$dir" --server-ip "${ns_ip[server]}" \
            --ports "$nginx_h1_port,$nginx_h2_port" --h2-ports "$nginx_h2_port" \
            --client-id "$spiffe_client" --server-id "$spiffe_server" \
            --sni nginx.bench.serviceaccount.identity.tern.cluster.local >"$dir/$side.json" || return 1
        # --disable-hot-restart: no shared-memory region, so two Envoys never collide.
        declare -g "envoy_${side}_pid=$(spawn "$side" "$dir/$side.log" "$envoy_bin" -c "$dir/$side.json" \
            --concurrency 1 --log-level warn --disable-hot-restart)"
    done
    for side in server client; do
        wait_http "$side" http://127.0.0.1:9901/ready 20 "$(envoy_pid "$side")" || { log "envoy-$side: $(tail -5 "$dir/$side.log")"; return 1; }
    done
}

# envoy_url PORT: where the client namespace reaches nginx's PORT through the pair.
envoy_url() { echo "http://127.0.0.1:$((envoy_port_base + $1))/"; }

# envoy_path_facts: what the client Envoy says it did, for the report: the mTLS connections it
# opened to the server Envoy, how many of them spoke HTTP/2, and the requests it routed.
envoy_path_facts() {
    local stats
    stats=$(in_ns client curl -fsS --max-time 5 http://127.0.0.1:9901/stats) || return 0
    fact path.peer_connections "$(sum_samples 'cluster[.]outbound_[0-9]+[.]upstream_cx_total' <<<"$stats")"
    fact path.peer_http2_connections "$(sum_samples 'cluster[.]outbound_[0-9]+[.]upstream_cx_http2_total' <<<"$stats")"
    # The HTTP connection manager's count: tcp_proxy has none (its upstream_rq_total counts connections).
    fact path.http_requests "$(sum_samples 'http[.]outbound_[0-9]+[.]downstream_rq_total' <<<"$stats")"
}

envoy_pid() { local v="envoy_${1}_pid"; echo "${!v}"; }

envoy_down() { stop_pids ${envoy_client_pid:-} ${envoy_server_pid:-}; envoy_client_pid='' envoy_server_pid=''; }
