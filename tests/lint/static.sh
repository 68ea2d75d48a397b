#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# cppcheck and clang-tidy over src/ (checks in .clang-tidy); TAP, two tests.
# $1: a build directory holding compile_commands.json.
cd "$(dirname "$0")/../.." || exit 1
build=$1
echo "1..2"
fail=0
if out=$(cppcheck --enable=warning,style,portability,performance --std=c11 \
    --error-exitcode=1 --inline-suppr --suppress=variableScope --quiet \
    -I src src 2>&1); then
	echo "ok 1 - cppcheck clean"
else
	echo "not ok 1 - cppcheck clean"
	echo "$out" | sed 's/^/# /'
	fail=1
fi
if out=$(clang-tidy --quiet -p "$build" src/*/*.c 2>&1); then
	echo "ok 2 - clang-tidy clean"
else
	echo "not ok 2 - clang-tidy clean"
	echo "$out" | grep -E 'error|warning' | sed 's/^/# /'
	fail=1
fi
exit $fail
