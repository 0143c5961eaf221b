#!/usr/bin/env bash
# Fetches pinned sources of targets/stacks/sources.lock into the cache, verifies every file's
# SHA256 and unpacks each into $CACHE/src/<package>-<version>. A Debian source package (one
# with a .dsc) comes from `apt-get source`, falling back to a local directory of the same
# files when the mirror no longer serves the pinned version, and is unpacked with dpkg-source
# (which applies Debian's patches). An upstream tarball (no .dsc: Hafnium's releases, dtc)
# comes from a local directory of tarballs and is unpacked with tar.
# Usage: fetch-sources.sh PACKAGE[=VERSION]...  (without =VERSION: the first pinned version)
# Prints nothing when warm.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${FFA_CTS_CACHE:-$HOME/.cache/ffa-cts}
DEBIAN_FALLBACK=${FFA_CTS_DEBIAN_SRC:-$ROOT/../shared/debian-src}
TARBALLS=${FFA_CTS_HAFNIUM_SRC:-$ROOT/../shared/hafnium-src}
LOCK=$ROOT/targets/stacks/sources.lock
DL=$CACHE/dl
step() { printf '[sources] %s\n' "$*"; }
die() { printf '[sources] FAILED: %s\n' "$*" >&2; exit 1; }
mkdir -p "$DL"

files() { # package version -> its pinned files, one "file sha256" a line
	grep -v '^#' "$LOCK" | awk -v p="$1" -v v="$2" '$1==p && $2==v {print $3, $4}'
}

verify() { # package version -> 0 when every file of it is in $DL with its pinned sha256
	local ok=0 file sum
	while read -r file sum; do
		[ -f "$DL/$file" ] && [ "$(sha256sum "$DL/$file" | cut -d' ' -f1)" = "$sum" ] || ok=1
	done < <(files "$1" "$2")
	return $ok
}

copy_from() { # directory package version: copies the package's files from directory into $DL
	local file _sum
	while read -r file _sum; do
		cp -f "$1/$file" "$DL/$file" 2>/dev/null || true
	done < <(files "$2" "$3")
}

for arg in "$@"; do
	pkg=${arg%%=*}
	if [ "$pkg" = "$arg" ]; then
		ver=$(grep -v '^#' "$LOCK" | awk -v p="$pkg" '$1==p {print $2; exit}')
	else
		ver=${arg#*=}
	fi
	[ -n "$(files "$pkg" "$ver")" ] || die "$pkg${ver:+ $ver} is not pinned in $LOCK"
	dest=$CACHE/src/$pkg-$ver
	[ -f "$dest/.ffa-cts-unpacked" ] && continue
	dsc=$(files "$pkg" "$ver" | awk '$1 ~ /\.dsc$/ {print $1; exit}')
	if [ -n "$dsc" ] && ! verify "$pkg" "$ver"; then
		step "apt-get source $pkg=$ver"
		if ! (cd "$DL" && apt-get source --download-only -q "$pkg=$ver" >"$DL/$pkg.apt.log" 2>&1) || ! verify "$pkg" "$ver"; then
			step "the mirror did not give $pkg=$ver with the pinned checksums; using $DEBIAN_FALLBACK"
			[ -d "$DEBIAN_FALLBACK" ] || die "no fallback directory $DEBIAN_FALLBACK: set FFA_CTS_DEBIAN_SRC to a folder holding the files of $LOCK"
			copy_from "$DEBIAN_FALLBACK" "$pkg" "$ver"
			verify "$pkg" "$ver" || die "$pkg=$ver: files missing or SHA256 mismatch in $DEBIAN_FALLBACK (see $LOCK)"
		fi
	elif [ -z "$dsc" ] && ! verify "$pkg" "$ver"; then
		step "taking the $pkg $ver tarball from $TARBALLS"
		[ -d "$TARBALLS" ] || die "no directory $TARBALLS: set FFA_CTS_HAFNIUM_SRC to a folder holding the tarballs of $LOCK (its comments say which upstream commit each one is)"
		copy_from "$TARBALLS" "$pkg" "$ver"
		verify "$pkg" "$ver" || die "$pkg=$ver: tarball missing or SHA256 mismatch in $TARBALLS (see $LOCK)"
	fi
	rm -rf "$dest"
	mkdir -p "$dest"
	if [ -n "$dsc" ]; then
		step "unpacking $pkg $ver (dpkg-source -x)"
		rmdir "$dest"
		(cd "$DL" && dpkg-source --no-check -x "$dsc" "$dest" >"$DL/$pkg.unpack.log" 2>&1) \
			|| die "dpkg-source -x $dsc (log: $DL/$pkg.unpack.log)"
	else
		step "unpacking $pkg $ver (tar)"
		tarball=$(files "$pkg" "$ver" | awk '{print $1; exit}')
		tar -xf "$DL/$tarball" -C "$dest" --strip-components=1 || die "tar -xf $DL/$tarball"
	fi
	touch "$dest/.ffa-cts-unpacked"
done
