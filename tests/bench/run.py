"""Run every benchmark of the project and print one table (figure | dxdesk | baseline (same run) | ratio | target).

    .venv/bin/python tests/bench/run.py              # full run (a few minutes)
    .venv/bin/python tests/bench/run.py --quick      # CI smoke: small sizes, well under a minute
    .venv/bin/python tests/bench/run.py --write-docs # also update docs/benchmarks.md (and README.md's block)
    .venv/bin/python tests/bench/run.py --only startup,tally
    .venv/bin/python tests/bench/run.py --only exchange --keep-others --write-docs  # re-run one area

Each `tests/bench/bench_<area>.py` exposes `run(quick: bool) -> list[dict]` (keys in docs/DEVELOPING.md). The
modules are imported by path; one that fails is reported as a row of the table, and the run goes on. The table
is written to bench-results/latest.md (git-ignored) with the machine it ran on, and each area's rows to
bench-results/latest.json; `--only AREAS --keep-others` re-runs those areas and keeps the other areas' rows of
the last run of the same mode, the table saying which rows come from which run. Exit status 0 even when a
benchmark failed (it is a row of the table); with --strict, 1 when one failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import re
import sqlite3
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RESULTS = ROOT / "bench-results" / "latest.md"
RESULTS_JSON = ROOT / "bench-results" / "latest.json"
DOCS = ROOT / "docs" / "benchmarks.md"
README = ROOT / "README.md"
BLOCK_START, BLOCK_END = "<!-- bench:start -->", "<!-- bench:end -->"
KEYS = ("figure", "value", "unit", "baseline", "baseline_label", "ratio", "target")


def discover(only: set[str] | None = None) -> list[Path]:
    found = sorted(HERE.glob("bench_*.py"))
    if only:
        found = [p for p in found if p.stem.removeprefix("bench_") in only]
    return found


def load(path: Path):
    name = f"dxdesk_bench_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def run_one(path: Path, quick: bool) -> tuple[list[dict], str | None, float]:
    """(rows, error, seconds) for one benchmark module; never raises."""
    start = time.perf_counter()
    try:
        rows = load(path).run(quick)
        if not isinstance(rows, list) or not rows:
            raise TypeError("run() returned no rows")
        for row in rows:
            missing = [k for k in ("figure", "value", "unit") if k not in row]
            if missing:
                raise TypeError(f"row without {missing}: {row!r}")
        return rows, None, time.perf_counter() - start
    except Exception as exc:  # noqa: BLE001 - a failing benchmark is a row of the table, not the end of the run
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip().splitlines()[-1]
        traceback.print_exc(file=sys.stderr)
        return [], detail, time.perf_counter() - start


def fmt_value(value, unit: str | None) -> str:
    if value is None:
        return "—"
    if unit == "s" and abs(value) < 1:
        value, unit = value * 1000, "ms"
    if isinstance(value, float) and abs(value) < 10:
        text = f"{value:.3g}" if abs(value) >= 0.01 else f"{value:.2g}"
    else:
        text = f"{value:,.0f}".replace(",", ".")  # thousands as the rest of the table writes them (1.243.288)
    return f"{text} {unit}".strip() if unit else text


def fmt_ratio(ratio) -> str:
    return "—" if ratio is None else f"{ratio:.2f}×"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(results: list[tuple[Path, list[dict], str | None, float]]) -> str:
    lines = ["| figure | dxdesk | baseline (same run) | ratio | target |", "|---|---:|---:|---:|---|"]
    for path, rows, error, _seconds in results:
        if error:
            lines.append(f"| {_cell(path.stem)}: **failed** | — | — | — | {_cell(error)} |")
            continue
        for row in rows:
            base = row.get("baseline")
            base_text = "—" if base is None else f"{fmt_value(base, row.get('unit'))} ({row.get('baseline_label', '')})"
            lines.append(
                f"| {_cell(row['figure'])} | {fmt_value(row['value'], row.get('unit'))} | {_cell(base_text)} "
                f"| {fmt_ratio(row.get('ratio'))} | {_cell(row.get('target', ''))} |"
            )
    return "\n".join(lines)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    try:
        return f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 1024**3:.1f} GB"
    except (ValueError, OSError, AttributeError):
        return "unknown"


def machine() -> dict[str, str]:
    try:
        import PySide6

        qt = PySide6.__version__
    except ImportError:
        qt = "not installed"
    load_avg = ""
    if hasattr(os, "getloadavg"):
        load_avg = f" (load average at start: {os.getloadavg()[0]:.1f})"
    return {
        "CPU": _cpu_model(),
        "cores": f"{os.cpu_count()} logical{load_avg}",
        "RAM": _ram_gb(),
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "PySide6": qt,
    }


def report(results, quick: bool, started: dt.datetime, seconds: float, kept: dict[str, str] | None = None) -> str:
    """The table with its header and machine. KEPT: area -> when its rows were measured, for the areas whose rows
    were kept from an earlier run (`--keep-others`)."""
    mode = "quick (CI smoke: small sizes, not for comparison)" if quick else "full"
    header = (f"Benchmarks run {started:%Y-%m-%d %H:%M} UTC, mode: {mode}, {seconds:.0f} s in all, "
              "by `tests/bench/run.py`. Medians of repeated runs; each baseline was measured in the same run.")
    if kept:
        rerun = [p.stem.removeprefix("bench_") for p, *_rest in results if p.stem.removeprefix("bench_") not in kept]
        header = (f"Benchmarks run by `tests/bench/run.py`, mode: {mode}. Areas re-run {started:%Y-%m-%d %H:%M} UTC "
                  f"({seconds:.0f} s): {', '.join(rerun)}; the rows of the others are kept from an earlier run: "
                  + "; ".join(f"{area} {when}" for area, when in kept.items())
                  + ". Medians of repeated runs; each baseline was measured in the same run as its figure.")
    lines = [
        header,
        "",
        table(results),
        "",
        "Machine: " + "; ".join(f"{k} {v}" for k, v in machine().items()) + ".",
    ]
    return "\n".join(lines) + "\n"


def write_docs(text: str) -> None:
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    head = (
        "# Benchmarks\n\n"
        "The latest table from `tests/bench/run.py --write-docs` (do not edit by hand). Each figure has a\n"
        "baseline measured in the same run on the same machine, so the ratio is the number to compare across\n"
        "machines; the absolute values depend on the machine named under the table.\n\n"
        "How to run: `.venv/bin/python tests/bench/run.py` (full) or `--quick` (CI smoke). A benchmark is\n"
        "`tests/bench/bench_<area>.py` exposing `run(quick) -> list[dict]` (see docs/DEVELOPING.md).\n\n"
    )
    DOCS.write_text(head + BLOCK_START + "\n" + text + BLOCK_END + "\n", encoding="utf-8")
    if README.exists():
        readme = README.read_text(encoding="utf-8")
        pattern = re.compile(re.escape(BLOCK_START) + ".*?" + re.escape(BLOCK_END), re.S)
        if pattern.search(readme):
            README.write_text(pattern.sub(lambda _m: BLOCK_START + "\n" + text + BLOCK_END, readme), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run every dxdesk benchmark and print one table.")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke test for CI")
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md (and README's block)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a benchmark failed")
    parser.add_argument("--only", help="comma-separated areas, e.g. startup,tally")
    parser.add_argument("--keep-others", action="store_true",
                        help="with --only: keep the other areas' rows from the last run of the same mode")
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    mode = "quick" if args.quick else "full"
    previous = _saved(mode) if args.keep_others else {}
    if args.keep_others and not (only and previous):
        print(f"bench: --keep-others needs --only and an earlier {mode} run in {RESULTS_JSON}", file=sys.stderr)
        return 2
    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    results = []
    for path in discover(only):
        print(f"bench: {path.stem} …", file=sys.stderr, flush=True)
        rows, error, seconds = run_one(path, args.quick)
        print(f"bench: {path.stem} {'FAILED: ' + error if error else 'done'} in {seconds:.1f} s", file=sys.stderr)
        results.append((path, rows, error, seconds))
    areas = {path.stem: {"rows": rows, "error": error, "seconds": seconds, "at": f"{started:%Y-%m-%d %H:%M} UTC"}
             for path, rows, error, seconds in results}
    kept: dict[str, str] = {}
    if args.keep_others:
        for path in discover(None):
            if path.stem not in areas and path.stem in previous:
                areas[path.stem] = previous[path.stem]
                kept[path.stem.removeprefix("bench_")] = previous[path.stem]["at"]
        order = [p.stem for p in discover(None)]
        results = [(HERE / f"{stem}.py", a["rows"], a["error"], a["seconds"])
                   for stem, a in sorted(areas.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)]
    text = report(results, args.quick, started, time.perf_counter() - t0, kept)
    print(text)
    for path in (RESULTS, RESULTS_JSON):
        path.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    RESULTS_JSON.write_text(json.dumps({"mode": mode, "areas": areas}, ensure_ascii=False, default=str, indent=1),
                            encoding="utf-8")
    if args.write_docs:
        write_docs(text)
    failed = [p.stem for p, _r, error, _s in results if error]
    if failed:
        print(f"bench: failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed and args.strict else 0


def _saved(mode: str) -> dict:
    """The areas of the last run saved in RESULTS_JSON, when it was of MODE (quick or full)."""
    try:
        saved = json.loads(RESULTS_JSON.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return saved.get("areas", {}) if saved.get("mode") == mode else {}


if __name__ == "__main__":
    sys.exit(main())
