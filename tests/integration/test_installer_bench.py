"""The benchmark runner (shipped table in docs/benchmarks.md): every bench_*.py becomes rows of one table; a
broken benchmark is a row saying so, and the others still run."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _runner():
    spec = importlib.util.spec_from_file_location("bench_run_under_test", ROOT / "tests" / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_runner_tables_every_benchmark_and_survives_a_broken_one(tmp_path, monkeypatch, capsys):
    run = _runner()
    bench = tmp_path / "bench"
    bench.mkdir()
    (bench / "bench_good.py").write_text(
        "def run(quick):\n"
        "    return [{'figure': 'open the journal', 'value': 0.5 if quick else 0.4, 'unit': 's', 'baseline': 0.25,\n"
        "             'baseline_label': 'bare SQL', 'ratio': 2.0, 'target': '≤ 3×'}]\n", encoding="utf-8")
    (bench / "bench_broken.py").write_text("def run(quick):\n    raise RuntimeError('database missing')\n",
                                           encoding="utf-8")
    monkeypatch.setattr(run, "HERE", bench)
    monkeypatch.setattr(run, "RESULTS", tmp_path / "out" / "latest.md")
    monkeypatch.setattr(run, "RESULTS_JSON", tmp_path / "saved" / "latest.json")  # a folder not there yet, as in CI
    monkeypatch.setattr(run, "DOCS", tmp_path / "docs" / "benchmarks.md")
    readme = tmp_path / "README.md"
    readme.write_text("intro\n<!-- bench:start -->\nold\n<!-- bench:end -->\nend\n", encoding="utf-8")
    monkeypatch.setattr(run, "README", readme)

    assert run.main(["--quick", "--write-docs"]) == 0  # not fatal…
    assert run.main(["--quick", "--strict"]) == 1  # …unless asked
    table = (tmp_path / "out" / "latest.md").read_text(encoding="utf-8")
    assert "| figure | dxdesk | baseline (same run) | ratio | target |" in table
    assert "| open the journal | 500 ms | 250 ms (bare SQL) | 2.00× | ≤ 3× |" in table
    assert "| bench_broken: **failed** | — | — | — | RuntimeError: database missing |" in table
    assert "Machine: CPU " in table and "SQLite " in table and "Python " in table
    docs = (tmp_path / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert "| open the journal |" in docs
    new_readme = readme.read_text(encoding="utf-8")
    assert "old" not in new_readme and "| open the journal |" in new_readme and new_readme.endswith("end\n")


def test_only_selects_areas(tmp_path, monkeypatch):
    run = _runner()
    for name in ("bench_a.py", "bench_b.py"):
        (tmp_path / name).write_text("def run(quick):\n    return []\n", encoding="utf-8")
    monkeypatch.setattr(run, "HERE", tmp_path)
    assert [p.name for p in run.discover({"b"})] == ["bench_b.py"]
    rows, error, _seconds = run.run_one(tmp_path / "bench_a.py", True)
    assert rows == [] and error == "TypeError: run() returned no rows"


def test_one_area_re_run_keeps_the_others_rows_and_says_so(tmp_path, monkeypatch):
    run = _runner()
    bench = tmp_path / "bench"
    bench.mkdir()

    def area(name: str, figure: str, value: float) -> None:
        (bench / f"bench_{name}.py").write_text(
            f"def run(quick):\n    return [{{'figure': '{figure}', 'value': {value}, 'unit': 's'}}]\n", encoding="utf-8")

    area("counter", "commit", 0.002)
    area("exchange", "export", 9.0)
    monkeypatch.setattr(run, "HERE", bench)
    monkeypatch.setattr(run, "RESULTS", tmp_path / "out" / "latest.md")
    monkeypatch.setattr(run, "RESULTS_JSON", tmp_path / "out" / "latest.json")
    assert run.main(["--only", "exchange", "--keep-others"]) == 2  # nothing saved yet: refused
    assert run.main([]) == 0
    area("exchange", "export", 5.0)
    assert run.main(["--quick", "--only", "exchange", "--keep-others"]) == 2  # the saved run is a full one
    assert run.main(["--only", "exchange", "--keep-others"]) == 0
    table = (tmp_path / "out" / "latest.md").read_text(encoding="utf-8")
    assert "| commit | 2 ms |" in table and "| export | 5 s |" in table and "| export | 9 s |" not in table
    assert table.index("| commit |") < table.index("| export |")  # the areas' usual order
    assert "Areas re-run " in table and ": exchange; the rows of the others are kept from an earlier run: counter " in table
