"""`make bench`: every benchmark module in bench/ with its default arguments, one after another
(side-by-side comparisons happen inside each), then a summary of their last JSON lines."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
import time
from pathlib import Path

import bench
from bench.common import ROOT, table

SKIP = {"common", "run_all"}


def _has_main(name: str) -> bool:
    """A bench is a module with a top-level main(); helpers beside them have none. Read, not
    imported: a bench sets Django up when it runs, not when it is listed."""
    path = Path(bench.__file__).parent / f"{name}.py"
    if not path.is_file():
        return False
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(n, ast.FunctionDef) and n.name == "main" for n in tree.body)


def main() -> None:
    names = sorted(
        m.name
        for m in pkgutil.iter_modules([str(Path(bench.__file__).parent)])
        if m.name not in SKIP and _has_main(m.name)
    )
    results = {}
    for name in names:
        print(f"\n=== bench.{name}", flush=True)
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", f"bench.{name}"], cwd=ROOT, text=True, capture_output=True
        )
        sys.stdout.write(proc.stdout)
        if proc.returncode != 0:
            sys.stdout.write(proc.stderr[-4000:])
            results[name] = {"error": f"exit {proc.returncode}"}
            continue
        last = proc.stdout.strip().splitlines()[-1]
        results[name] = json.loads(last)
        results[name]["wall_s"] = round(time.perf_counter() - started, 1)
    print()
    table(
        [(n, json.dumps(r, ensure_ascii=False)[:150]) for n, r in results.items()],
        ("bench", "result"),
    )
    print(json.dumps(results, ensure_ascii=False))
    if any("error" in r for r in results.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
