#!/usr/bin/env bash
# Fetches the pinned Debian source packages of targets/stacks/sources.lock into the cache,
# verifies every file's SHA256, and unpacks each with dpkg-source (which applies Debian's
# patches). Falls back to a local directory of the same files when the mirror no longer
# serves the pinned version. Usage: fetch-sources.sh PACKAGE...   Prints nothing when warm.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${FFA_CTS_CACHE:-$HOME/.cache/ffa-cts}
FALLBACK=${FFA_CTS_DEBIAN_SRC:-$ROOT/../shared/debian-src}
LOCK=$ROOT/targets/stacks/sources.lock
DL=$CACHE/dl
step() { printf '[sources] %s\n' "$*"; }
die() { printf '[sources] FAILED: %s\n' "$*" >&2; exit 1; }
mkdir -p "$DL"

verify() { # package -> 0 when every file of it is in $DL with its pinned sha256
	local pkg=$1 ok=0
	while read -r p _v file sum; do
		[ "$p" = "$pkg" ] || continue
		[ -f "$DL/$file" ] && [ "$(sha256sum "$DL/$file" | cut -d' ' -f1)" = "$sum" ] || ok=1
	done < <(grep -v '^#' "$LOCK")
	return $ok
}

for pkg in "$@"; do
	ver=$(awk -v p="$pkg" '$1==p {print $2; exit}' "$LOCK")
	[ -n "$ver" ] || die "$pkg is not pinned in $LOCK"
	dest=$CACHE/src/$pkg-$ver
	[ -f "$dest/.ffa-cts-unpacked" ] && continue
	if ! verify "$pkg"; then
		step "apt-get source $pkg=$ver"
		if ! (cd "$DL" && apt-get source --download-only -q "$pkg=$ver" >"$DL/$pkg.apt.log" 2>&1) || ! verify "$pkg"; then
			step "the mirror did not give $pkg=$ver with the pinned checksums; using $FALLBACK"
			[ -d "$FALLBACK" ] || die "no fallback directory $FALLBACK: set FFA_CTS_DEBIAN_SRC to a folder holding the files of $LOCK"
			while read -r p _v file _sum; do
				[ "$p" = "$pkg" ] && cp -f "$FALLBACK/$file" "$DL/$file" 2>/dev/null || true
			done < <(grep -v '^#' "$LOCK")
			verify "$pkg" || die "$pkg=$ver: files missing or SHA256 mismatch in $FALLBACK (see $LOCK)"
		fi
	fi
	step "unpacking $pkg $ver (dpkg-source -x)"
	rm -rf "$dest"
	mkdir -p "$CACHE/src"
	dsc=$(awk -v p="$pkg" '$1==p && $3 ~ /\.dsc$/ {print $3; exit}' "$LOCK")
	(cd "$DL" && dpkg-source --no-check -x "$dsc" "$dest" >"$DL/$pkg.unpack.log" 2>&1) \
		|| die "dpkg-source -x $dsc (log: $DL/$pkg.unpack.log)"
	touch "$dest/.ffa-cts-unpacked"
done
