# The benchmark's network (sourced): two namespaces on one bridge in the root namespace.
#   root   tbench0     10.77.0.1/24  (tern-controller binds here)
#   client tbench-client eth0 10.77.0.2   (wrk, the client proxy)
#   server tbench-server eth0 10.77.0.3   (nginx, the server proxy)
# iptables rules are only ever installed inside the two namespaces, so deleting them removes
# the rules with them.

bridge=tbench0
declare -A ns_ip=([client]=10.77.0.2 [server]=10.77.0.3)
root_ip=10.77.0.1

topology_up() {
    ip link add "$bridge" type bridge
    ip addr add "$root_ip/24" dev "$bridge"
    ip link set "$bridge" up
    local ns
    for ns in client server; do
        ip netns add "tbench-$ns"
        ip link add "tb-$ns" type veth peer name eth0 netns "tbench-$ns"
        ip link set "tb-$ns" master "$bridge" up
        ip -n "tbench-$ns" link set lo up
        ip -n "tbench-$ns" addr add "${ns_ip[$ns]}/24" dev eth0
        ip -n "tbench-$ns" link set eth0 up
        # A default route makes the service VIP (10.96.0.10) routable, so connect() reaches
        # the OUTPUT chain where proxy-init's REDIRECT sends it to the client proxy.
        ip -n "tbench-$ns" route add default via "$root_ip"
    done
}

# Also clears what an earlier run killed with SIGKILL left behind: anything still running in
# our namespaces is ours (nothing else is ever started there).
topology_down() {
    local ns pids
    for ns in client server; do
        ip netns list | grep -qw "tbench-$ns" || continue
        pids=$(ip netns pids "tbench-$ns" 2>/dev/null || true)
        # shellcheck disable=SC2086
        [[ -z $pids ]] || stop_pids $pids
        ip netns del "tbench-$ns"
    done
    ip link show "$bridge" >/dev/null 2>&1 && ip link del "$bridge"
    return 0
}
