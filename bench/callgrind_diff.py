"""Per-call instructions by function: (run with N calls - warm-up-only run) / N, from two
callgrind outputs, as a Markdown table of the top functions (own instructions, or inclusive
with --inclusive).

python3 callgrind_diff.py RUN_N RUN_0 N [COUNT] [--inclusive] [--filter=REGEX]
"""
import collections
import re
import subprocess
import sys


def table(path, inclusive):
    args = ["callgrind_annotate", "--threshold=100"]
    if inclusive:
        args.append("--inclusive=yes")
    out = subprocess.run(args + [path], capture_output=True, text=True, check=True).stdout
    costs = collections.Counter()
    started = False
    for line in out.splitlines():
        if line.startswith("Ir"):
            started = True
            continue
        match = re.match(r"^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(.*)$", line)
        if not started or not match or "PROGRAM TOTALS" in line:
            continue
        name = re.sub(r"\s*\[[^\]]*\]$", "", match.group(2))
        name = name.split(":", 1)[1] if re.match(r"^(\?\?\?|\.?/[^:]*):", name) else name
        costs[name] = max(costs[name], int(match.group(1).replace(",", "")))
    return costs


args = [a for a in sys.argv[1:] if not a.startswith("--")]
inclusive = "--inclusive" in sys.argv
pattern = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--filter=")), "")
run, warm, calls = table(args[0], inclusive), table(args[1], inclusive), int(args[2])
count = int(args[3]) if len(args) > 3 else 20
per_call = {
    name: (run[name] - warm.get(name, 0)) / calls for name in run if re.search(pattern, name)
}
print(f"| instructions per call | function |")
print("|---:|---|")
for name, cost in sorted(per_call.items(), key=lambda kv: -kv[1])[:count]:
    print(f"| {cost:,.0f} | `{name[:110]}` |")
