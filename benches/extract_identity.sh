#!/bin/sh
# Runs two builds of newswatch over every page of the shared corpora and compares their
# `extract --file` output, plain and `--json` (every field: title, author, dates, language,
# canonical URL, body), with stderr and exit status, byte for byte; reports the CPU each
# build took for all pages (both runs).
#
# Usage: benches/extract_identity.sh OLD_BINARY NEW_BINARY [CORPUS_DIR...]
# (default corpora: ../shared/corpus/readability and ../shared/corpus/fundus)
# Exits 1 and names the pages if any page's output differs.
set -u
old=$1 new=$2
shift 2
root=$(dirname "$0")/..
[ $# -gt 0 ] || set -- "$root/../shared/corpus/readability" "$root/../shared/corpus/fundus"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
count=0
for corpus in "$@"; do
    for page in "$corpus"/*/source.html; do
        [ -f "$page" ] || continue
        count=$((count + 1))
        echo "$count $page" >>"$work/list"
    done
done
for side in old new; do
    eval "bin=\$$side"
    mkdir "$work/$side"
    /usr/bin/time -f "%U user %S sys" -o "$work/$side.time" sh -c '
        while read -r n page; do
            "$0" extract --file "$page" >"$1/$n" 2>&1
            echo "exit $?" >>"$1/$n"
            "$0" extract --json --file "$page" >>"$1/$n" 2>&1
            echo "exit $?" >>"$1/$n"
        done <"$2"' "$bin" "$work/$side" "$work/list"
done
differ=0
while read -r n page; do
    if ! cmp -s "$work/old/$n" "$work/new/$n"; then
        differ=$((differ + 1))
        echo "differs: $page"
    fi
done <"$work/list"
echo "$differ of $count pages differ"
echo "CPU for all pages: old $(cat "$work/old.time"), new $(cat "$work/new.time")"
[ "$differ" -eq 0 ]
