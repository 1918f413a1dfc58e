#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md, in one run: prints the tables as Markdown.
#
#   bench/run.sh                 # everything (downloads the peers and the corpus; ~30 minutes)
#   BENCH_QUICK=1 bench/run.sh   # fewer runs and no peers, to try the tooling
#
# Not part of `cargo test`: this directory is its own cargo workspace, and the peer crates are
# built here only. Compare ratios within one run, not absolute times across runs: the machine is
# shared and noisy.
set -euo pipefail
cd "$(dirname "$0")"
bench=$(pwd)
root=$(cd .. && pwd)
export CARGO_TERM_COLOR=never

quick=${BENCH_QUICK:-}
features="--features peers"
[ -n "$quick" ] && features=""
runs=${BENCH_RUNS:-21}
[ -n "$quick" ] && runs=5

corpus=${CORPUS_DIR:-$bench/target/corpus}
documents="$corpus/googleapiclient/discovery_cache/documents"
if [ ! -d "$documents" ]; then
    mkdir -p "$corpus"
    python3 -m pip download --quiet --no-deps -d "$corpus" google-api-python-client==2.202.0
    (cd "$corpus" && unzip -q -o google_api_python_client-2.202.0-py3-none-any.whl \
        'googleapiclient/discovery_cache/documents/*')
fi

echo "Building the benchmarks (release)..." >&2
cargo build --quiet --release $features --bins
bin="$bench/target/release"

echo "# Results of bench/run.sh"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(rustc --version)."
echo

echo "## 1. Generator speed (in process, warm, median of $runs runs; milliseconds)"
echo
"$bin/gen_speed" "$runs" "$root/discovery/networkconnectivity.v1.json"
"$bin/gen_speed" "$(( runs < 5 ? runs : 5 ))" "$documents/compute.v1.json" | tail -n 1
echo
out="$bench/target/corpus-out"
rm -rf "$out"
"$bin/gen_speed" --corpus "$documents" "$out" 2>"$bench/target/corpus-errors.log"
echo

echo "## 2. Build cost of the generated crate and of the peers (debug, dependencies prebuilt)"
echo
build_target="$bench/target/build-cost"
seconds() {
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    awk -v ns=$((end - start)) 'BEGIN { printf "%.1f", ns / 1e9 }'
}
echo "| crate | own compile time | lines of Rust | .rlib size |"
echo "|---|---:|---:|---:|"
lines=$(cat "$root"/generated/src/*.rs "$root"/generated/src/*/*.rs "$root"/generated/src/*/*/*.rs \
    "$root"/generated/src/*/*/*/*.rs "$root"/generated/src/*/*/*/*/*.rs 2>/dev/null | wc -l)
for selection in "" "--no-default-features --features operations"; do
    (cd "$root" && CARGO_TARGET_DIR="$build_target" cargo build --quiet -p networkconnectivity-v1 $selection)
    (cd "$root" && CARGO_TARGET_DIR="$build_target" cargo clean --quiet -p networkconnectivity-v1)
    took=$(cd "$root" && seconds env CARGO_TARGET_DIR="$build_target" cargo build -p networkconnectivity-v1 $selection)
    rlib=$(ls -S "$build_target"/debug/deps/libnetworkconnectivity_v1-*.rlib | head -n 1)
    label="networkconnectivity-v1, all features"
    [ -n "$selection" ] && label="networkconnectivity-v1, \`operations\` only"
    printf '| %s | %s s | %s | %s KiB |\n' "$label" "$took" "$lines" "$(( $(stat -c %s "$rlib") / 1024 ))"
done
if [ -z "$quick" ]; then
    # A peer is a dependency of this package: rebuild it alone (cargo rebuilds what depends
    # on it, here only this package's small library, well under a second).
    CARGO_TARGET_DIR="$build_target" cargo build --quiet $features --lib
    for peer in google-networkconnectivity1 google-cloud-networkconnectivity-v1; do
        CARGO_TARGET_DIR="$build_target" cargo clean --quiet -p "$peer"
        took=$(seconds env CARGO_TARGET_DIR="$build_target" cargo build $features --lib)
        src=$(ls -d ~/.cargo/registry/src/*/"$peer"-* | head -n 1)
        peer_lines=$(find "$src/src" -name '*.rs' -exec cat {} + | wc -l)
        lib=$(echo "$peer" | tr '-' '_')
        rlib=$(ls -S "$build_target"/debug/deps/lib"$lib"-*.rlib | head -n 1)
        printf '| %s | %s s | %s | %s KiB |\n' "$peer" "$took" "$peer_lines" "$(( $(stat -c %s "$rlib") / 1024 ))"
    done
fi
echo

port=18800
"$bin/server" "$port" 10000 >/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
sleep 1
calls=${BENCH_CALLS:-5000}
[ -n "$quick" ] && calls=1000
echo "## 3. Client cost per call (server in its own process; $calls calls each)"
echo
echo "| client | CPU per get | CPU per page of 100 | gets/s, 1 task | gets/s, 16 tasks |"
echo "|---|---:|---:|---:|---:|"
clients="hand generated apis-rs official"
[ -n "$quick" ] && clients="hand generated"
for client in $clients; do
    "$bin/client_cost" "http://127.0.0.1:$port/" "$calls" "$client"
done
echo
echo "## 4. Decoding a ListOperationsResponse of 1,000 operations"
echo
"$bin/decode" "$(( runs * 10 ))"
echo
kill $server
echo "## 5. Peak memory streaming operations through the item stream (page size 1,000)"
echo
echo "| operations | RSS before | peak RSS |"
echo "|---:|---:|---:|"
for count in 10000 100000; do
    "$bin/server" $((port + 1)) "$count" >/dev/null &
    server=$!
    sleep 2
    "$bin/memory" "http://127.0.0.1:$((port + 1))/" "$count"
    kill $server
    sleep 0.5
done
