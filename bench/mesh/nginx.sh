# The upstream every setup reaches (sourced): nginx in the server namespace, one worker,
# answering a fixed 6-byte body from memory on two ports:
#   80  HTTP/1.1 (wrk)
#   81  HTTP/2 cleartext with prior knowledge (h2load)
# Two ports because nginx before 1.25.1 cannot take HTTP/1 and h2c on one plaintext listener.
# Its config, pid, logs and temp paths all live under $work/nginx; /etc/nginx is never read
# (-c, -p and -e are all given).

nginx_h1_port=80 nginx_h2_port=81

# nginx 1.25.1 made HTTP/2 a server-level switch and deprecated the listen parameter.
nginx_h2_listen() {
    local version
    version=$(nginx -v 2>&1 | grep -o '[0-9]*\.[0-9]*\.[0-9]*')
    if printf '%s\n' 1.25.1 "$version" | sort -C -V; then
        printf 'listen %s default_server;\n        http2 on;\n' "$nginx_h2_port"
    else
        printf 'listen %s default_server http2;\n' "$nginx_h2_port"
    fi
}

nginx_up() {
    local dir=$work/nginx
    mkdir -p "$dir/tmp"
    cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    # wrk and h2load hold their connections open for the whole run (since 1.19.7 this also
    # bounds the streams of one HTTP/2 connection).
    keepalive_requests 100000000;
    keepalive_timeout 300s;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    default_type text/plain;
    server {
        listen $nginx_h1_port default_server;
        location / { return 200 "hello\n"; }
    }
    server {
        $(nginx_h2_listen)
        location / { return 200 "hello\n"; }
    }
}
CONF
    nginx_pid=$(spawn server "$dir/stderr.log" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log")
    wait_http server "http://127.0.0.1:$nginx_h1_port/" 10 "$nginx_pid" || die "nginx did not answer: $(cat "$dir/error.log" "$dir/stderr.log")"
    in_ns server curl -fsS -o /dev/null --max-time 2 --http2-prior-knowledge "http://127.0.0.1:$nginx_h2_port/" ||
        die "nginx did not answer h2c on :$nginx_h2_port: $(cat "$dir/error.log")"
}
