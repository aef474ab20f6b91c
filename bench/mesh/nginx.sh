# The upstream every setup reaches (sourced): nginx in the server namespace on 0.0.0.0:80,
# one worker, answering a fixed 6-byte body from memory. Its config, pid, logs and temp paths
# all live under $work/nginx; /etc/nginx is never read (-c, -p and -e are all given).

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
    # wrk holds its connections open for the whole run.
    keepalive_requests 100000000;
    keepalive_timeout 300s;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    default_type text/plain;
    server {
        listen 80 default_server;
        location / { return 200 "hello\n"; }
    }
}
CONF
    nginx_pid=$(spawn server "$dir/stderr.log" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log")
    wait_http server "http://127.0.0.1:80/" 10 "$nginx_pid" || die "nginx did not answer: $(cat "$dir/error.log" "$dir/stderr.log")"
}
