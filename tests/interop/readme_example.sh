#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The C example of README.md and docs/getting-started.md (the fenced block
# after the line "<!-- example: echo.c -->") must be identical in both,
# compile with -Wall -Wextra -Werror, and echo a datagram.
#
# usage: readme_example.sh README.md getting-started.md INCLUDE_DIR LIBDPGRAM_SO CC...
set -euo pipefail

README=$1 GUIDE=$2 INC=$3 LIB=$4
shift 4
CC=("$@")
[[ ${#CC[@]} -gt 0 ]] || CC=(cc)
TMP=$(mktemp -d)
pid=
cleanup() {
	[[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# extract FILE: the fenced block following the marker line.
extract() {
	awk '/^<!-- example: echo.c -->$/ { m = 1; next }
	     m == 1 && /^```c$/ { m = 2; next }
	     m == 2 && /^```$/ { exit }
	     m == 2 { print }' "$1"
}

extract "$README" >"$TMP/readme.c"
extract "$GUIDE" >"$TMP/guide.c"
[[ -s $TMP/readme.c ]] || fail "no example block in $README"
diff -u "$TMP/readme.c" "$TMP/guide.c" ||
	fail "the examples in README.md and getting-started.md differ"
echo "ok: README.md and getting-started.md show the same example ($(wc -l <"$TMP/readme.c") lines)"

"${CC[@]}" -std=gnu11 -Wall -Wextra -Werror -I"$INC" -o "$TMP/echo" \
	"$TMP/readme.c" "$LIB" -Wl,-rpath,"$(dirname "$LIB")"
echo "ok: compiles with -Wall -Wextra -Werror"

# A free port from the kernel (the example takes the port as argv[1]).
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$TMP/echo" "$port" &
pid=$!
/usr/bin/python3 - "$port" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.2)
for _ in range(50):  # the example may still be starting
    s.sendto(b"hello dpgram", ("127.0.0.1", port))
    try:
        data, _ = s.recvfrom(100)
    except (socket.timeout, ConnectionRefusedError):
        continue
    if data != b"hello dpgram":
        sys.exit(f"FAIL: echoed {data!r}")
    print("ok: the example echoes")
    sys.exit(0)
sys.exit("FAIL: the example did not echo within 10 s")
PY
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
pid=
[[ $rc -eq 0 ]] || fail "the example exited $rc after SIGINT"
echo "PASS: readme_example"
