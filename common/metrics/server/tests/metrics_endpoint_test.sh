#!/bin/bash
# The /metrics endpoint over real TCP with curl: 200 + body for GET, headers only for HEAD,
# 404 for another path, 405 for another method, 400 for garbage, 431 for an oversized
# request. Usage: metrics_endpoint_test.sh PATH/TO/metrics-endpoint-demo
set -u
demo=$1
fail=0
coproc DEMO { exec "$demo"; }
demo_pid=$DEMO_PID
trap 'kill "$demo_pid" 2>/dev/null; wait "$demo_pid" 2>/dev/null' EXIT
if ! read -t 10 -r word port <&"${DEMO[0]}" || [ "$word" != listening ]; then
  echo "FAIL: the demo did not start"
  exit 1
fi
base="http://127.0.0.1:$port"

check() {  # NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then echo "ok: $1"; else echo "FAIL: $1: expected '$2', got '$3'"; fail=1; fi
}

body=$(curl -sS -m 5 -D /dev/stderr "$base/metrics" 2>"${TMPDIR:-/tmp}/metrics_headers.$$")
headers=$(tr -d '\r' <"${TMPDIR:-/tmp}/metrics_headers.$$"); rm -f "${TMPDIR:-/tmp}/metrics_headers.$$"
check "GET status" "HTTP/1.1 200 OK" "$(head -n1 <<<"$headers")"
check "GET content type" "Content-Type: text/plain; version=0.0.4; charset=utf-8" "$(grep -i '^content-type:' <<<"$headers")"
check "GET connection close" "Connection: close" "$(grep -i '^connection:' <<<"$headers")"
check "GET body" "# HELP demo_scrapes_total Scrapes answered by this demo.
# TYPE demo_scrapes_total counter
demo_scrapes_total 1" "$body"
head_out=$(curl -sS -m 5 -I "$base/metrics" | tr -d '\r')
check "HEAD status" "HTTP/1.1 200 OK" "$(head -n1 <<<"$head_out")"
check "HEAD length is the GET body's" "Content-Length: $(( ${#body} + 1 ))" \
  "$(grep -i "^content-length:" <<<"$head_out")"
check "404 for another path" 404 "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$base/")"
check "405 for POST" 405 "$(curl -s -m 5 -o /dev/null -w '%{http_code}' -X POST "$base/metrics")"
check "405 names what is allowed" "Allow: GET, HEAD" \
  "$(curl -s -m 5 -D - -o /dev/null -X DELETE "$base/metrics" | tr -d '\r' | grep -i '^allow:')"
check "400 for garbage" 400 \
  "$(curl -s -m 5 -o /dev/null -w '%{http_code}' -X 'GET /metrics HTTP/1.1 junk' "$base/metrics")"
raw=$(exec 3<>"/dev/tcp/127.0.0.1/$port"; printf 'hello there\r\n\r\n' >&3; head -n1 <&3 | tr -d '\r')
check "400 for a raw garbage line" "HTTP/1.1 400 Bad Request" "$raw"
big=$(head -c 9000 /dev/zero | tr '\0' a)
check "431 for an oversized request" 431 \
  "$(curl -s -m 5 -o /dev/null -w '%{http_code}' -H "X-Big: $big" "$base/metrics")"
check "still serving after all that" 200 "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$base/metrics")"
exit $fail
