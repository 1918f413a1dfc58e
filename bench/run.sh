#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md, in one run: prints the tables as Markdown on stdout
# (progress on stderr).
#
#   bench/run.sh                 # everything (downloads the peers and the corpus; about an hour)
#   BENCH_QUICK=1 bench/run.sh   # fewer runs, no peers, no corpus, no release builds
#
# Not part of `cargo test`: this directory is its own cargo workspace, and the peer crates are
# built here only; each small program of bench/programs/ is its own cargo project with its own
# target directory. Compare ratios within one run, not absolute times across runs: the machine
# is shared and noisy. CPU per call is counted in instructions by callgrind (deterministic).
set -euo pipefail
cd "$(dirname "$0")"
bench=$(pwd)
root=$(cd .. && pwd)
export CARGO_TERM_COLOR=never
unset CARGO_TARGET_DIR CARGO_BUILD_TARGET_DIR

quick=${BENCH_QUICK:-}
features="--features peers"
[ -n "$quick" ] && features=""
runs=${BENCH_RUNS:-21}
[ -n "$quick" ] && runs=5
say() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

corpus=${CORPUS_DIR:-$bench/target/corpus}
documents="$corpus/googleapiclient/discovery_cache/documents"
if [ ! -d "$documents" ]; then
    mkdir -p "$corpus"
    python3 -m pip download --quiet --no-deps -d "$corpus" google-api-python-client==2.202.0
    (cd "$corpus" && unzip -q -o google_api_python_client-2.202.0-py3-none-any.whl \
        'googleapiclient/discovery_cache/documents/*')
fi

say "building the benchmarks (release)"
cargo build --quiet --release $features --bins
bin="$bench/target/release"

# Wall-clock seconds of a command, its output discarded (one decimal).
seconds() {
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    awk -v ns=$((end - start)) 'BEGIN { printf "%.1f", ns / 1e9 }'
}
kib() { echo $(( $(stat -c %s "$1") / 1024 )); }

echo "# Results of bench/run.sh"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(rustc --version), $(valgrind --version)."
echo

# ---------------------------------------------------------------------------------------------
say "1. generator speed"
echo "## 1. Generator speed (in process, warm, median of $runs runs; milliseconds)"
echo
"$bin/gen_speed" "$runs" "$root/discovery/networkconnectivity.v1.json"
"$bin/gen_speed" "$(( runs < 5 ? runs : 5 ))" "$documents/compute.v1.json" | tail -n 1
echo
if [ -z "$quick" ]; then
    out="$bench/target/corpus-out"
    rm -rf "$out"
    "$bin/gen_speed" --corpus "$documents" "$out" 2>"$bench/target/corpus-errors.log"
    rm -rf "$out"
    echo
fi

# ---------------------------------------------------------------------------------------------
# The small program (get, list pages, cancel, delete of projects.locations.operations), once per
# crate, each its own cargo project with its own target directory.
programs="ours ours-all apis-rs official"
[ -n "$quick" ] && programs="ours"
binary() { sed -n 's/^name = "\(.*\)"/\1/p' "$bench/programs/$1/Cargo.toml" | head -n 1; }
declare -A debug release size rebuild rebuild_release
build_program() {
    local p=$1 dir="$bench/programs/$1" name
    name=$(binary "$p")
    say "2. the small program: $p"
    (cd "$dir" && cargo fetch --quiet)
    rm -rf "$dir/target"
    # The clean debug build, with a timing report (cargo's own bookkeeping only).
    debug[$p]=$(cd "$dir" && seconds cargo build --timings)
    cp "$dir/target/cargo-timings/cargo-timing.html" "$bench/target/$p-cargo-timing.html"
    touch "$bench/programs/${2:-$p}/src/main.rs"
    rebuild[$p]=$(cd "$dir" && seconds cargo build)
    if [ -z "$quick" ]; then
        (cd "$dir" && cargo clean --quiet)
        release[$p]=$(cd "$dir" && seconds cargo build --release)
        touch "$bench/programs/${2:-$p}/src/main.rs"
        rebuild_release[$p]=$(cd "$dir" && seconds cargo build --release)
        strip -o "$dir/target/$name.stripped" "$dir/target/release/$name"
        size[$p]=$(kib "$dir/target/$name.stripped")
    else
        release[$p]="-"; rebuild_release[$p]="-"; size[$p]="-"
    fi
}
for p in $programs; do
    case $p in ours-*) build_program "$p" ours ;; *) build_program "$p" ;; esac
done
label() {
    case $1 in
        ours) echo "networkconnectivity-v1, \`operations\` only" ;;
        ours-all) echo "networkconnectivity-v1, all features" ;;
        ours-gzip) echo "networkconnectivity-v1, \`operations\` + reqwest \`gzip\`" ;;
        ours-http2) echo "networkconnectivity-v1, \`operations\` + reqwest \`http2\`" ;;
        apis-rs) echo "google-networkconnectivity1 7.0.0 (google-apis-rs)" ;;
        official) echo "google-cloud-networkconnectivity-v1 1.15.0 (official SDK)" ;;
    esac
}
echo "## 2. The small program: get, list pages, cancel, delete (each its own cargo project)"
echo
echo "| program | clean debug build | clean release build | stripped release binary | rebuild after touching main.rs, debug | same, release |"
echo "|---|---:|---:|---:|---:|---:|"
for p in $programs; do
    printf '| %s | %s s | %s s | %s KiB | %s s | %s s |\n' "$(label "$p")" "${debug[$p]}" \
        "${release[$p]}" "${size[$p]}" "${rebuild[$p]}" "${rebuild_release[$p]}"
done
echo
if [ -z "$quick" ]; then
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'; }
    echo "Ratios to google-apis-rs (targets: debug ≤ 0.6×, release ≤ 0.75×, binary ≤ 1×, rebuild ≤ 1×):"
    echo
    echo "| program | clean debug | clean release | binary | rebuild, debug | rebuild, release |"
    echo "|---|---:|---:|---:|---:|---:|"
    for p in ours ours-all official; do
        printf '| %s | %s | %s | %s | %s | %s |\n' "$(label "$p")" \
            "$(ratio "${debug[$p]}" "${debug[apis-rs]}")" "$(ratio "${release[$p]}" "${release[apis-rs]}")" \
            "$(ratio "${size[$p]}" "${size[apis-rs]}")" "$(ratio "${rebuild[$p]}" "${rebuild[apis-rs]}")" \
            "$(ratio "${rebuild_release[$p]}" "${rebuild_release[apis-rs]}")"
    done
    echo
fi
echo "Where the clean debug build of \`ours\` goes (\`cargo build --timings\`; the ten longest units; they overlap on 2 cores):"
echo
python3 "$bench/timings.py" "$bench/target/ours-cargo-timing.html" 12
echo

# ---------------------------------------------------------------------------------------------
if [ -z "$quick" ]; then
    for p in ours-gzip ours-http2; do build_program "$p" ours; done
    echo "## 3. What gzip responses and HTTP/2 add to the small program (issue 13)"
    echo
    echo "| program | clean debug build | added | clean release build | added | stripped release binary | added |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for p in ours ours-gzip ours-http2; do
        add() { awk -v a="$1" -v b="$2" -v u="$3" 'BEGIN { printf "%+.1f%s", a - b, u }'; }
        printf '| %s | %s s | %s | %s s | %s | %s KiB | %s |\n' "$(label "$p")" \
            "${debug[$p]}" "$(add "${debug[$p]}" "${debug[ours]}" " s")" \
            "${release[$p]}" "$(add "${release[$p]}" "${release[ours]}" " s")" \
            "${size[$p]}" "$(awk -v a="${size[$p]}" -v b="${size[ours]}" 'BEGIN { printf "%+d KiB", a - b }')"
    done
    echo
    echo "Compile work the feature adds to the clean debug build (\`cargo build --timings\`, unit time summed over units, less noisy than the wall clock of two builds minutes apart):"
    echo
    for p in ours-gzip ours-http2; do
        printf -- '- %s: %s\n' "$(label "$p")" \
            "$(python3 "$bench/timings.py" --added "$bench/target/ours-cargo-timing.html" "$bench/target/$p-cargo-timing.html")"
    done
    echo
fi

# ---------------------------------------------------------------------------------------------
say "4. build cost of the crates"
echo "## 4. The crate alone (debug, dependencies prebuilt)"
echo
build_target="$bench/target/build-cost"
echo "| crate | own compile time | lines of Rust | .rlib size |"
echo "|---|---:|---:|---:|"
lines=$(find "$root/generated/src" -name '*.rs' -exec cat {} + | wc -l)
for selection in "" "--no-default-features --features operations"; do
    (cd "$root" && CARGO_TARGET_DIR="$build_target" cargo build --quiet -p networkconnectivity-v1 $selection)
    (cd "$root" && CARGO_TARGET_DIR="$build_target" cargo clean --quiet -p networkconnectivity-v1)
    took=$(cd "$root" && seconds env CARGO_TARGET_DIR="$build_target" cargo build -p networkconnectivity-v1 $selection)
    rlib=$(ls -t "$build_target"/debug/deps/libnetworkconnectivity_v1-*.rlib | head -n 1)
    label="networkconnectivity-v1, all features"
    [ -n "$selection" ] && label="networkconnectivity-v1, \`operations\` only"
    printf '| %s | %s s | %s | %s KiB |\n' "$label" "$took" "$lines" "$(kib "$rlib")"
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
        printf '| %s | %s s | %s | %s KiB |\n' "$peer" "$took" "$peer_lines" "$(kib "$rlib")"
    done
fi
echo

say "4. compute.v1"
"$bin/gen_speed" --write "$documents/compute.v1.json" "$bench/target/compute-v1"
compute="$bench/programs/compute"
compute_features=""
[ -z "$quick" ] && compute_features="--features peer"
echo "compute.v1 (\`compute.v1.json\` of google-api-python-client 2.202.0):"
echo
echo "| crate | own compile time | lines of Rust | .rlib size |"
echo "|---|---:|---:|---:|"
(cd "$compute" && cargo build --quiet $compute_features)
crates="compute-v1"
[ -z "$quick" ] && crates="compute-v1 google-compute1"
for crate in $crates; do
    (cd "$compute" && cargo clean --quiet -p "$crate")
    took=$(cd "$compute" && seconds cargo build $compute_features)
    if [ "$crate" = compute-v1 ]; then
        src="$bench/target/compute-v1"
        name="compute-v1 (discogen), all features"
    else
        src=$(ls -d ~/.cargo/registry/src/*/google-compute1-6.0.0* | head -n 1)
        name="google-compute1 6.0.0 (google-apis-rs)"
    fi
    crate_lines=$(find "$src/src" -name '*.rs' -exec cat {} + | wc -l)
    rlib=$(ls -S "$compute"/target/debug/deps/lib"$(echo "$crate" | tr '-' '_')"-*.rlib | head -n 1)
    printf '| %s | %s s | %s | %s KiB |\n' "$name" "$took" "$crate_lines" "$(kib "$rlib")"
done
echo

# ---------------------------------------------------------------------------------------------
port=18800
"$bin/server" "$port" 10000 >/dev/null 2>"$bench/target/server-shapes.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
sleep 1
base="http://127.0.0.1:$port/"

say "5. the small programs against the bench server"
echo "Each small program run against the bench server (a check that they do the same calls; the"
echo "google-apis-rs program is built as its documentation shows, HTTP/2 only, which the plain-HTTP/1.1"
echo "bench server does not speak: its calls are checked by the client benchmark below instead):"
echo
for p in $programs; do
    [ "$p" = apis-rs ] && continue
    profile=release
    [ -n "$quick" ] && profile=debug
    printf -- '- %s: %s\n' "$(label "$p")" \
        "$(BENCH_BASE_URL="$base" ACCESS_TOKEN=token "$bench/programs/$p/target/$profile/$(binary "$p")" | tr '\n' ';' | sed 's/;$//; s/;/; /g')"
done
echo

say "5. CPU per call (callgrind)"
clients="hand hyper generated apis-rs official"
[ -n "$quick" ] && clients="hand hyper generated"
gets=${BENCH_GETS:-2000}
pages=${BENCH_PAGES:-200}
[ -n "$quick" ] && gets=200 && pages=20
cg="$bench/target/callgrind"
mkdir -p "$cg"
instructions() { # client what n: total instructions of one counting run of the client process
    local file="$cg/$1-$2-$3.out"
    valgrind --tool=callgrind --callgrind-out-file="$file" \
        "$bin/client_cost" "$base" "$1" count "$2" "$3" >/dev/null 2>"$cg/$1-$2-$3.log"
    sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$file"
}
echo "## 5. CPU per call: instructions of the client process (callgrind; server in its own process)"
echo
echo "Each client process: $((200)) gets and 10 pages of warm-up, then $gets gets, or $pages list pages of 100 operations; per call = (that run − a warm-up-only run) / calls."
echo
echo "| client | instructions per get | × floor | instructions per page of 100 | × floor |"
echo "|---|---:|---:|---:|---:|"
floor_get=""; floor_page=""
for client in $clients; do
    say "  callgrind: $client"
    warm=$(instructions "$client" gets 0)
    per_get=$(( ($(instructions "$client" gets "$gets") - warm) / gets ))
    per_page=$(( ($(instructions "$client" pages "$pages") - warm) / pages ))
    [ -z "$floor_get" ] && floor_get=$per_get && floor_page=$per_page
    label=$("$bin/client_cost" "$base" "$client" count gets 0 | cut -d: -f1)
    printf '| %s | %s | %s | %s | %s |\n' "$label" "$per_get" \
        "$(awk -v a="$per_get" -v b="$floor_get" 'BEGIN { printf "%.2f", a / b }')" "$per_page" \
        "$(awk -v a="$per_page" -v b="$floor_page" 'BEGIN { printf "%.2f", a / b }')"
done
echo
echo "Where the generated client's instructions per get go: (run of $gets gets − warm-up-only run) / $gets, by function (\`callgrind_annotate\`), own instructions:"
echo
python3 "$bench/callgrind_diff.py" "$cg/generated-gets-$gets.out" "$cg/generated-gets-0.out" "$gets" 20
echo
echo "and inclusive, for the runtime's functions and what it asks of reqwest:"
echo
python3 "$bench/callgrind_diff.py" "$cg/generated-gets-$gets.out" "$cg/generated-gets-0.out" "$gets" 14 \
    --inclusive '--filter=discogen_runtime|tracing::instrument|RequestBuilder::(timeout|headers)|Sleep as|url::ParseOptions::parse|Client::execute_request'
echo
echo "Request shapes the server saw (method, path without digits, query names, header names):"
echo
echo '```'
sort -u "$bench/target/server-shapes.log" | sed 's/^request shape: //'
echo '```'
echo

calls=${BENCH_CALLS:-5000}
[ -n "$quick" ] && calls=1000
say "5. rates"
echo "Wall clock and getrusage, for scale only (noisy; $calls calls each, 2 worker threads):"
echo
echo "| client | CPU per get | CPU per page of 100 | gets/s, 1 task | gets/s, 16 tasks |"
echo "|---|---:|---:|---:|---:|"
for client in $clients; do
    "$bin/client_cost" "$base" "$client" rate "$calls"
done
echo

# ---------------------------------------------------------------------------------------------
say "6. decoding"
echo "## 6. Decoding a ListOperationsResponse of 1,000 operations"
echo
"$bin/decode" "$(( runs * 10 ))"
echo
kill $server
wait $server 2>/dev/null || true

say "7. memory at scale"
echo "## 7. Peak memory streaming operations through the item stream (page size 1,000)"
echo
echo "| operations | RSS before | peak RSS |"
echo "|---:|---:|---:|"
for count in 10000 100000; do
    "$bin/server" $((port + 1)) "$count" >/dev/null 2>&1 &
    server=$!
    sleep 2
    "$bin/memory" "http://127.0.0.1:$((port + 1))/" "$count"
    kill $server
    wait $server 2>/dev/null || true
done
echo

say "8. upload memory"
echo "## 8. Peak memory of a resumable upload (issue 15; \`generator/runtime/examples/upload_memory.rs\`, release)"
echo
echo "| file | chunk size | RSS before the upload | peak RSS | peak − before | time |"
echo "|---:|---:|---:|---:|---:|---:|"
uploads="64:8 512:8 512:16 512:32 1024:8"
[ -n "$quick" ] && uploads="64:8"
(cd "$root" && CARGO_TARGET_DIR="$bench/target/runtime" cargo build --quiet --release \
    -p discogen-runtime --features fs --example upload_memory)
for u in $uploads; do
    "$bench/target/runtime/release/examples/upload_memory" "${u%%:*}" "${u##*:}"
done
say "done"
