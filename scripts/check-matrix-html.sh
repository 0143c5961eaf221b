#!/usr/bin/env bash
# Opens an HTML matrix (default results/matrix.html) in headless Chromium and fails unless the
# page's own consistency check (cells per column against results.json's counts) says `ok` and
# its script ran without throwing. Ends with `N passed, N failed` like the other checks. With
# no `chromium` on PATH it says so and passes nothing and fails nothing.
set -uo pipefail
page=${1:-results/matrix.html}
command -v chromium >/dev/null || { echo "matrix page: no chromium, not checked in a browser"; exit 0; }
[ -f "$page" ] || { echo "matrix page: no $page (make matrix)"; echo "0 passed, 1 failed"; exit 1; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# A fresh profile and no background traffic: the page must work offline, alone.
dom=$(timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
	--disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
	--dump-dom "file://$(realpath "$page")" 2>/dev/null)
check=$(grep -o 'data-check="[^"]*"' <<<"$dom" | head -n 1)
if [ "$check" = 'data-check="ok"' ]; then
	echo "matrix page: $page renders, its consistency check says ok"
	echo "1 passed, 0 failed"
else
	echo "matrix page: $page: ${check:-no data-check attribute} (a script error leaves it pending)"
	echo "0 passed, 1 failed"
	exit 1
fi
