#!/usr/bin/env bash
# The baseline a run of STACK at FF-A VERSION is gated against: results/baselines/<stack>.json
# for the default v1.1, results/baselines/<stack>-ffa<version>.json for every other version.
# The one place that naming rule is written (the Makefile and scripts/test.sh both ask here).
set -eu
[ $# = 2 ] || { echo "usage: $0 STACK VERSION" >&2; exit 2; }
if [ "$2" = 1.1 ]; then
	echo "results/baselines/$1.json"
else
	echo "results/baselines/$1-ffa$2.json"
fi
