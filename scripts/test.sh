#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Everything CI runs: install the build and test dependencies, build ./build
# with the tests enabled, run every meson test suite, then run the
# conformance suite again under valgrind (leaks and memory errors fail).
# Exits non-zero if anything failed.
#
# usage: sudo bash scripts/test.sh      (works from any directory)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/deps.sh
source scripts/deps.sh

say "installing the build and test dependencies (if missing)"
# tshark's package asks whether users other than root may capture. Answer
# beforehand (no: the tests capture as root), so that the install never
# waits for input, whatever the debconf frontend.
if ! is_installed tshark; then
	echo 'wireshark-common wireshark-common/install-setuid boolean false' |
		as_root debconf-set-selections
fi
ensure_packages meson ninja-build pkg-config gcc libdpdk-dev dpdk-dev libcmocka-dev \
	tshark socat python3-scapy iproute2 iputils-ping valgrind
# Node may come from another source than Debian (nodesource, nvm): the
# Debian package would conflict with it, and any node >= 18 will do.
if command -v node >/dev/null; then
	echo "node present: $(command -v node) $(node --version)"
else
	ensure_packages nodejs
fi

say "building ./build with the tests enabled"
configure_build -Dtests=enabled
run meson compile -C build

failed=()

say "running the test suites"
run meson test -C build --print-errorlogs || failed+=("meson test")

say "running the conformance suite under valgrind"
mapfile -t conf_bins < <(find build/tests/conformance -maxdepth 1 -type f -executable \
	! -name '*.so*' 2>/dev/null | sort)
if [[ ${#conf_bins[@]} -eq 0 ]]; then
	echo "no conformance binary under build/tests/conformance"
	failed+=("conformance binary missing")
fi
for bin in "${conf_bins[@]}"; do
	rc=0
	run valgrind --leak-check=full --error-exitcode=1 \
		--suppressions=tests/port/valgrind.supp \
		--errors-for-leak-kinds=definite,indirect "$bin" || rc=$?
	case $rc in
	0) ;;
	77) echo "skipped: $bin (exit 77: it says why above)" ;;
	*) failed+=("valgrind $bin (exit $rc)") ;;
	esac
done

if [[ ${#failed[@]} -gt 0 ]]; then
	say "FAILED: ${failed[*]}"
	exit 1
fi
say "all tests passed"
