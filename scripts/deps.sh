# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# Sourced by quickstart.sh and test.sh: messages, root/sudo, apt packages,
# and configuring ./build. Expects the repository root as the cwd.

say() {
	printf '\n==> %s\n' "$*"
}

die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# run CMD...: print a command, then run it.
run() {
	printf '+ %s\n' "$*"
	"$@"
}

# as_root CMD...: run as root, through sudo when not root already.
as_root() {
	if [[ $(id -u) -eq 0 ]]; then
		run "$@"
	elif command -v sudo >/dev/null; then
		run sudo "$@"
	else
		die "need root (or sudo) for: $*"
	fi
}

is_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# ensure_packages PKG...: apt-get install the missing ones; nothing (and no
# apt-get update) when all are there, so a second run is fast.
ensure_packages() {
	local p missing=()
	for p in "$@"; do
		is_installed "$p" || missing+=("$p")
	done
	if [[ ${#missing[@]} -eq 0 ]]; then
		echo "all present: $*"
		return 0
	fi
	command -v apt-get >/dev/null ||
		die "missing packages (${missing[*]}) and no apt-get: this script is for Debian 12"
	as_root apt-get update
	# noninteractive: tshark's debconf question would otherwise wait for
	# an answer that CI can't give.
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
}

# configure_build [MESON_OPTION...]: set up ./build, or apply the options to
# an existing one.
configure_build() {
	if [[ -f build/meson-private/coredata.dat ]]; then
		if [[ $# -gt 0 ]]; then
			run meson configure build "$@"
		fi
	else
		run meson setup build "$@"
	fi
}
