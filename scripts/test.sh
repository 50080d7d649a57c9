#!/bin/sh
# Runs every test file with Node's test runner. Node 20 neither expands globs
# nor finds .ts files by itself, and an empty file list would pass with zero
# tests, so the list is built here and checked.
set -eu
files=$(find test -name '*.test.ts' | sort)
if [ -z "$files" ]; then
  echo "no test files found under test/" >&2
  exit 1
fi
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
# shellcheck disable=SC2086
exec node --import tsx --test --test-reporter=tap "$@" $files
