#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fail if C code calls a function banned by docs/CONVENTIONS (curl checksrc).
# Output is TAP: one test.
cd "$(dirname "$0")/../.." || exit 1
echo "1..1"
hits=$(grep -rnE '\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|atoll|gets)[[:space:]]*\(' \
    --include='*.c' --include='*.h' src tests fuzz bench)
if [ -n "$hits" ]; then
	echo "not ok 1 - no banned functions (strcpy, sprintf, strtok, atoi, gets, ...)"
	echo "$hits" | sed 's/^/# /'
	exit 1
fi
echo "ok 1 - no banned functions (strcpy, sprintf, strtok, atoi, gets, ...)"
