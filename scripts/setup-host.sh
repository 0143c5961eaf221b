#!/usr/bin/env bash
# Installs what the build and the QEMU runs need on a Debian 12 host: apt sources for the
# pinned source packages and QEMU 10 (bookworm-backports), the cross toolchain, dtc, the
# Python modules OP-TEE's build uses, clang/LLVM 19, gn and ninja for Hafnium (bookworm's
# default clang 14 cannot build it), LAVA's job schema and dispatcher (to check lava/),
# headless Chromium (to check the HTML matrix), and the Rust bare-metal targets. Idempotent:
# it only touches apt when something is missing, and never upgrades what is installed.
set -euo pipefail
step() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] FAILED: %s\n' "$*" >&2; exit 1; }

# What a full check found in place is remembered with the state it checked (the dpkg database,
# the Rust toolchains' component lists, QEMU, the unpacked LAVA dispatcher, this script): while
# none of them changed nothing can be missing, and a warm `make run` skips the checks (0.1-0.2 s).
CACHE=${FFA_CTS_CACHE:-$HOME/.cache/ffa-cts}
READY=$CACHE/host-ready
host_state() {
	stat -c '%n %Y %s' /var/lib/dpkg/status "$0" /etc/apt/sources.list.d/ffa-cts.sources \
		"$(command -v qemu-system-aarch64 || echo /no-qemu)" "$CACHE/lava-dispatcher/usr/bin/lava-run" \
		"${RUSTUP_HOME:-$HOME/.rustup}"/toolchains/*/lib/rustlib/components 2>&1 || true
}
if [ -f "$READY" ] && [ "$(cat "$READY")" = "$(host_state)" ]; then
	exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || die "not root and no sudo: run 'make setup' as root"
	SUDO=sudo
fi

# Binary packages from bookworm, and qemu-system-arm (10.x) from bookworm-backports.
PKGS=(gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu device-tree-compiler
      python3-pyelftools python3-cryptography libssl-dev make bc dpkg-dev xz-utils
      ca-certificates gettext-base clang-19 lld-19 llvm-19 generate-ninja ninja-build
      # LAVA: lava-common has the job schema lava/check.py validates against; the rest is what
      # the unpacked lava-dispatcher (below) imports.
      lava-common python3-pexpect python3-jinja2 python3-requests python3-setproctitle
      python3-netifaces python3-configobj python3-magic python3-tz python3-pyudev
      # The HTML matrix is checked in a real browser (scripts/check-matrix-html.sh).
      chromium)
# One dpkg-query for all of them (one per package costs a quarter of a second on every make).
missing=()
have=" $(dpkg-query -W -f='${Package} ${Status}\n' "${PKGS[@]}" 2>/dev/null | awk '/install ok installed$/ {printf "%s ", $1}')"
for p in "${PKGS[@]}"; do
	[[ $have == *" $p "* ]] || missing+=("$p")
done
need_qemu=0
if ! command -v qemu-system-aarch64 >/dev/null; then
	need_qemu=1
elif ! qemu-system-aarch64 --version | grep -Eq 'version (9|[1-9][0-9])\.'; then
	need_qemu=1
fi

SRC_LIST=/etc/apt/sources.list.d/ffa-cts.sources
need_sources=0
[ -f "$SRC_LIST" ] || need_sources=1

if [ "$need_sources" = 1 ]; then
	step "adding apt sources ($SRC_LIST): bookworm-backports, deb-src trixie and sid"
	$SUDO tee "$SRC_LIST" >/dev/null <<'SRC'
# Added by ffa-cts scripts/setup-host.sh: QEMU 10 from bookworm-backports, and the
# source packages of TF-A (trixie) and OP-TEE (sid) that the suite builds its stacks from.
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

if [ "$need_sources" = 1 ] || [ ${#missing[@]} -gt 0 ] || [ "$need_qemu" = 1 ]; then
	step "apt-get update"
	$SUDO apt-get update -q -o Dpkg::Progress-Fancy=0 >/dev/null || die "apt-get update (check network access to the Debian mirror)"
fi
if [ ${#missing[@]} -gt 0 ]; then
	step "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
		|| die "apt-get install ${missing[*]}"
fi
if [ "$need_qemu" = 1 ]; then
	step "installing qemu-system-arm from bookworm-backports"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends -t bookworm-backports \
		qemu-system-arm >/dev/null || die "apt-get install -t bookworm-backports qemu-system-arm"
fi

# lava-dispatcher itself is unpacked, not installed: Debian 12's package depends on
# qemu-system-x86 7.2, which conflicts with the QEMU 10 from backports that runs the suite, and
# its other dependencies would upgrade systemd. lava/run-qemu.sh runs lava-run from here.
LAVA_DIR=${FFA_CTS_CACHE:-$HOME/.cache/ffa-cts}/lava-dispatcher
if [ ! -x "$LAVA_DIR/usr/bin/lava-run" ]; then
	step "unpacking lava-dispatcher and lava-dispatcher-host into $LAVA_DIR"
	tmp=$(mktemp -d)
	(cd "$tmp" && chmod 777 . && apt-get download lava-dispatcher lava-dispatcher-host >/dev/null 2>&1) \
		|| die "apt-get download lava-dispatcher lava-dispatcher-host"
	mkdir -p "$LAVA_DIR.tmp"
	for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$LAVA_DIR.tmp"; done
	rm -rf "$tmp" "$LAVA_DIR" && mv "$LAVA_DIR.tmp" "$LAVA_DIR"
fi

if command -v rustup >/dev/null; then
	installed=$(rustup target list --installed)
	for t in aarch64-unknown-none aarch64-unknown-none-softfloat; do
		if ! grep -qx "$t" <<<"$installed"; then
			step "rustup target add $t"
			rustup target add "$t" >/dev/null || die "rustup target add $t"
		fi
	done
	rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt >/dev/null 2>&1 || true
else
	die "rustup not found: install Rust with rustup (https://rustup.rs) first"
fi
if [ "$need_sources" = 1 ] || [ ${#missing[@]} -gt 0 ] || [ "$need_qemu" = 1 ]; then
	step "host ready: $(qemu-system-aarch64 --version | head -1), $(aarch64-linux-gnu-gcc --version | head -1)"
fi
mkdir -p "$CACHE" && host_state > "$READY"
