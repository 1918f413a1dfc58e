"""Prints the longest units of a `cargo build --timings` report as a Markdown table.

python3 timings.py target/cargo-timings/cargo-timing.html [COUNT]
"""
import json
import re
import sys

html = open(sys.argv[1], encoding="utf-8").read()
count = int(sys.argv[2]) if len(sys.argv) > 2 else 10
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
total = re.search(r"<td>Total time:</td><td>([^<]*)</td>", html)
print("| unit | seconds | of which codegen (after metadata) |")
print("|---|---:|---:|")
for unit in sorted(units, key=lambda u: -u["duration"])[:count]:
    target = unit.get("target", "").strip()
    name = f'{unit["name"]} {unit["version"]}{(" " + target) if target else ""}'
    rmeta = unit.get("rmeta_time")
    codegen = f'{unit["duration"] - rmeta:.1f}' if rmeta is not None else ""
    print(f'| {name} | {unit["duration"]:.1f} | {codegen} |')
build_scripts = sum(u["duration"] for u in units if "build script" in u.get("target", ""))
print()
print(
    f"{len(units)} units, {sum(u['duration'] for u in units):.1f} s of unit time in all "
    f"({build_scripts:.1f} s of build scripts), "
    f"total wall time {total.group(1) if total else '?'}."
)
