"""Reads `cargo build --timings` reports (target/cargo-timings/cargo-timing.html).

python3 timings.py REPORT [COUNT]          the COUNT longest units, as a Markdown table
python3 timings.py --added BASE VARIANT    the units VARIANT builds that BASE does not (by
                                           name, version and target), and their compile time
"""
import json
import re
import sys


def units(path):
    html = open(path, encoding="utf-8").read()
    data = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
    total = re.search(r"<td>Total time:</td><td>([^<]*)</td>", html)
    return data, (total.group(1) if total else "?")


def label(unit):
    target = unit.get("target", "").strip()
    return f'{unit["name"]} {unit["version"]}{(" " + target) if target else ""}'


def is_build_script(unit):
    return "build-script" in unit.get("target", "") or "build script" in unit.get("target", "")


if sys.argv[1] == "--added":
    base, _ = units(sys.argv[2])
    variant, _ = units(sys.argv[3])
    known = {label(u) for u in base}
    added = sorted((u for u in variant if label(u) not in known), key=lambda u: -u["duration"])
    names = ", ".join(f'{label(u)} {u["duration"]:.1f} s' for u in added[:6])
    more = f", {len(added) - 6} more" if len(added) > 6 else ""
    difference = sum(u["duration"] for u in variant) - sum(u["duration"] for u in base)
    print(
        f'{difference:+.1f} s of unit time in all; new units {sum(u["duration"] for u in added):.1f} s '
        f"({names}{more})"
    )
    sys.exit(0)

data, total = units(sys.argv[1])
count = int(sys.argv[2]) if len(sys.argv) > 2 else 10
def codegen(unit):
    for name, span in unit.get("sections") or []:
        if name == "codegen":
            return f'{span["end"] - span["start"]:.1f}'
    return ""


print("| unit | seconds | of which codegen |")
print("|---|---:|---:|")
for unit in sorted(data, key=lambda u: -u["duration"])[:count]:
    print(f'| {label(unit)} | {unit["duration"]:.1f} | {codegen(unit)} |')
print()
print(
    f"{len(data)} units, {sum(u['duration'] for u in data):.1f} s of unit time in all "
    f"({sum(u['duration'] for u in data if is_build_script(u)):.1f} s of build scripts, "
    f"compiling and running them), total wall time {total}."
)
