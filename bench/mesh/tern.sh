# The Tern pair (sourced), run the way a sidecar runs: tern-controller in the root namespace,
# a tern-proxy in each namespace as its own UID, and `tern proxy-init` redirecting the
# namespace's traffic to it. The load generators call the service VIP; nothing in the path is
# configured with the proxies' addresses.
#   client ns: wrk -> 10.96.0.10:P -(REDIRECT)-> :4140 client proxy
#     -> destination API: nginx.bench = 10.77.0.3:P, identity nginx.bench…
#     -> mTLS -> 10.77.0.3:4143 server proxy -> 127.0.0.1:P (nginx)
# for P in 80 (HTTP/1) and 81 (h2c). With --l7 http the proxies detect the protocol (and, once
# the proxy speaks HTTP, carry requests over one HTTP/2 mTLS connection); with --l7 tcp both
# ports are opaque, declared the way a user would (the opaque-ports annotation on the Service
# and the workload, TERN_PROXY_OPAQUE_PORTS on the proxies), so the pair splices bytes.
# tern_up returns non-zero with $tern_reason set when the pair cannot be measured.

tern_vip=10.96.0.10
proxy_uid=2102
id_suffix=serviceaccount.identity.tern.cluster.local

# tern_opaque_annotation INDENT: the opaque-ports annotation in tcp mode, nothing in http mode.
tern_opaque_annotation() {
    [[ $l7 == tcp ]] || return 0
    echo "$1annotations: {config.linkerd.io/opaque-ports: \"$nginx_h1_port,$nginx_h2_port\"}"
}

tern_manifests() {
    cat <<YAML
apiVersion: v1
kind: Namespace
metadata: {name: bench}
---
apiVersion: v1
kind: Service
metadata:
  name: nginx
  namespace: bench
$(tern_opaque_annotation '  ')
spec:
  clusterIP: $tern_vip
  selector: {app: nginx}
  ports:
  - {name: http, port: $nginx_h1_port, targetPort: $nginx_h1_port}
  - {name: h2c, port: $nginx_h2_port, targetPort: $nginx_h2_port}
---
apiVersion: workload.linkerd.io/v1beta1
kind: ExternalWorkload
metadata:
  name: nginx
  namespace: bench
  labels: {app: nginx}
$(tern_opaque_annotation '  ')
spec:
  meshTLS: {identity: nginx.bench.$id_suffix, serverName: nginx.bench.$id_suffix}
  workloadIPs: [{ip: ${ns_ip[server]}}]
  ports: [{name: http, port: $nginx_h1_port}, {name: h2c, port: $nginx_h2_port}]
YAML
}

# tern_proxy SIDE SERVICE_ACCOUNT: start one proxy in the side's namespace, as $proxy_uid, with
# only the environment docs/proxy-configuration.md describes.
tern_proxy() {
    local side=$1 sa=$2 dir=$work/tern/proxy opaque=''
    [[ $l7 == tcp ]] && opaque=$nginx_h1_port,$nginx_h2_port
    spawn "$side" "$work/tern/$side.log" env -i \
        TERN_PROXY_IDENTITY_LOCAL_NAME="$sa.bench.$id_suffix" \
        TERN_PROXY_IDENTITY_SVC_ADDR="$root_ip:8080" \
        TERN_PROXY_IDENTITY_SVC_NAME="tern-identity.tern.$id_suffix" \
        TERN_PROXY_IDENTITY_TOKEN_FILE="$dir/$sa.token" \
        TERN_PROXY_IDENTITY_TRUST_ANCHORS_FILE="$dir/ca.crt" \
        TERN_PROXY_DESTINATION_SVC_ADDR="$root_ip:8086" \
        TERN_PROXY_DESTINATION_SVC_NAME="tern-destination.tern.$id_suffix" \
        TERN_PROXY_POLICY_SVC_ADDR="$root_ip:8090" \
        TERN_PROXY_ADMIN_PORT=4191 \
        TERN_PROXY_EVENT_LOOP_THREADS=1 \
        TERN_PROXY_LOG_LEVEL=warn \
        ${opaque:+TERN_PROXY_OPAQUE_PORTS="$opaque"} \
        setpriv --reuid "$proxy_uid" --regid "$proxy_uid" --clear-groups "$bin/tern-proxy"
}

tern_up() {
    local dir=$work/tern side sa
    tern_reason=''
    mkdir -p "$dir/manifests" "$dir/proxy"
    "$bin/tern" identity init --trust-domain cluster.local --out "$dir/identity" >"$dir/init.log" 2>&1 ||
        { tern_reason="tern identity init failed: $(tail -1 "$dir/init.log")"; return 1; }
    # What the proxies may read (they are not root): the anchors and each its own token.
    chmod 755 "$dir" "$dir/proxy"
    cp "$dir/identity/ca.crt" "$dir/proxy/ca.crt"
    for sa in client nginx; do
        "$bin/tern" identity token --identity-dir "$dir/identity" --namespace bench --service-account "$sa" \
            --out "$dir/proxy/$sa.token" || { tern_reason="tern identity token failed"; return 1; }
        chown "$proxy_uid:$proxy_uid" "$dir/proxy/$sa.token"
    done
    tern_manifests >"$dir/manifests/bench.yaml"

    # Bound to the bridge address only, so it never competes for ports with anything on the host.
    tern_controller_pid=$(spawn root "$dir/controller.log" "$bin/tern-controller" \
        --identity-dir "$dir/identity" --identity-host "$root_ip" --source "dir:$dir/manifests" \
        --api-host "$root_ip" --admin-host "$root_ip" --admin-port 9990)
    wait_http root "http://$root_ip:9990/ready" 30 "$tern_controller_pid" ||
        { tern_reason="tern-controller not ready: $(tail -1 "$dir/controller.log")"; return 1; }

    # The init step first, as in a pod: rules in place before the proxy takes traffic.
    for side in client server; do
        "$bin/tern" proxy-init --netns "tbench-$side" --proxy-uid "$proxy_uid" >"$dir/init-$side.log" 2>&1 ||
            { tern_reason="tern proxy-init ($side) failed: $(tail -1 "$dir/init-$side.log")"; return 1; }
    done
    tern_client_pid=$(tern_proxy client client)
    tern_server_pid=$(tern_proxy server nginx)
    for side in server client; do
        wait_http "$side" http://127.0.0.1:4191/ready 30 "$(tern_pid "$side")" && continue
        tern_reason="$side proxy: no /ready on :4191 in 30 s"
        alive "$(tern_pid "$side")" || tern_reason="$side proxy exited: $(tail -1 "$dir/$side.log")"
        return 1
    done
}

# tern_url PORT: where the client namespace reaches nginx's PORT through the pair.
tern_url() { echo "http://$tern_vip:$1/"; }

# tern_path_facts: what the proxies say they did, for the report: the mTLS connections the
# server proxy accepted from its peer (the client proxy counts its own only when it splices)
# and the HTTP requests the client proxy counted (none while it splices bytes).
tern_path_facts() {
    local inbound outbound
    inbound=$(in_ns server curl -fsS --max-time 5 http://127.0.0.1:4191/metrics) || return 0
    outbound=$(in_ns client curl -fsS --max-time 5 http://127.0.0.1:4191/metrics) || return 0
    fact path.peer_connections "$(sum_samples tcp_open_total 'direction="inbound"' 'peer="src"' 'tls="true"' <<<"$inbound")"
    fact path.http_requests "$(sum_samples request_total 'direction="outbound"' <<<"$outbound")"
}

tern_pid() { local v="tern_${1}_pid"; echo "${!v}"; }

tern_down() {
    local side
    stop_pids ${tern_client_pid:-} ${tern_server_pid:-} ${tern_controller_pid:-}
    tern_client_pid='' tern_server_pid='' tern_controller_pid=''
    # The other setups must not be redirected through a proxy that is gone.
    for side in client server; do
        ip netns list | grep -qw "tbench-$side" || continue
        "$bin/tern" proxy-init --netns "tbench-$side" --proxy-uid "$proxy_uid" --remove >/dev/null 2>&1 || true
    done
}
