"""`omniclaude simulate` as a user runs it (a subprocess), on small scenarios: the totals reconcile
with the ledger every day, a fixed seed gives byte-identical JSON, an inflating policy fails the
imbalance target, an escape hatch shows in the policy history and changes the trajectory, sweeps
write their grid; bad scenarios are refused naming the field."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from simulator.scenario import ScenarioError, parse

ROOT = Path(__file__).resolve().parent.parent

MIXED = {
    "name": "small-mixed", "seed": 7, "days": 12, "warmup_days": 3,
    "policy": {"starterGrant": 150, "stfBaseMaxTokens": 200, "tokensPerUsd": 2000, "dailyEarningCap": 600,
               "expiryMode": "ACTIVITY", "expiryMonths": 1},
    "market": {"words_per_chunk": [20, 60]},
    "populations": [
        {"name": "writers", "behaviour": "heavy_contributor", "initial": 3, "adoptions_per_day": 0.5},
        {"name": "users", "behaviour": "heavy_consumer", "initial": 3},
        {"name": "ring", "behaviour": "gaming", "initial": 2},
        {"name": "new", "behaviour": "newcomer", "arrivals_per_day": 0.6},
    ],
}
HATCH = {**MIXED, "name": "small-mixed-hatch", "changes": [
    {"day": 6, "reason": "escape hatch: compute costs five times as much",
     "set": {"tokensPerUsd": 10000, "starterGrant": 20}}]}
IDLE = {  # agents who only arrive and hold their grant: nothing is ever spent
    "name": "inflating", "seed": 1, "days": 8, "warmup_days": 2,
    "policy": {"starterGrant": 5000, "expiryMode": "NONE"},
    "populations": [{"name": "holders", "behaviour": "balanced", "initial": 2, "arrivals_per_day": 2,
                     "chunks": 0, "stfs_per_week": 0, "adoptions_per_day": 0, "verifications_per_day": 0,
                     "llm_sessions_per_day": 0, "queries_per_day": 0, "chunks_per_week": 0}],
}


def _command(scenario: Path, out: Path, *extra: str) -> list[str]:
    command = [sys.executable, "-m", "api.cli", "simulate", str(scenario), "--out", str(out), *extra]
    if url := os.environ.get("TEST_DATABASE_URL"):
        command += ["--database-url", url]
    return command


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Four runs at once (each its own process and databases): the mixed scenario twice, the same
    with an escape hatch, and a sweep of the inflating one over the starter grant."""
    folder = tmp_path_factory.mktemp("simulate")
    jobs = {}
    for name, scenario, extra in (("a", MIXED, ()), ("again", MIXED, ()), ("hatch", HATCH, ()),
                                  ("sweep", IDLE, ("--sweep", "starterGrant=0,5000"))):
        path = folder / f"{name}.yaml"
        path.write_text(yaml.safe_dump(scenario))
        jobs[name] = subprocess.Popen(_command(path, folder / name, *extra), cwd=ROOT, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True)
    for name, job in jobs.items():
        out, err = job.communicate(timeout=600)
        assert job.returncode == 0, f"{name}: {err[-3000:]}"
        assert "Traceback" not in err and "INTERNAL" not in err, err[-3000:]
        (folder / name / "stdout.txt").write_text(out)
    return {name: folder / name for name in jobs}


def _report(folder: Path) -> dict:
    return json.loads((folder / "report.json").read_text())


def test_totals_reconcile_with_the_ledger_every_day(runs: dict[str, Path]) -> None:
    report = _report(runs["a"])
    assert len(report["days"]) == 12
    minted = burned = 0
    for day in report["days"]:
        assert day["ledgerSum"] == 0, day["day"]  # system accounts and users add up to nothing
        minted += day["minted"]
        burned += day["burned"]
        assert day["circulating"] == minted - burned, day["day"]  # the flows explain the stock
    actions = {}
    for day in report["days"]:
        for name, count in day["actions"].items():
            actions[name] = actions.get(name, 0) + count
    # every service the run is meant to drive did work, so the reconciliation is not vacuous
    for name in ("joined", "stfs", "adoptionRewards", "verificationRewards", "sessions", "retrievals", "chunks"):
        assert actions.get(name, 0) > 0, (name, actions)
    assert burned > 0 and sum(d["spentByKind"].get("CONTEXT_PURCHASE", 0) for d in report["days"]) > 0
    assert report["totals"]["minted"] == minted and report["totals"]["burned"] == burned


def test_report_files(runs: dict[str, Path]) -> None:
    page = (runs["a"] / "report.html").read_text()
    assert page.count("<svg") >= 8 and "first day failed" in page and "Policy history" in page
    assert "<script" not in page and "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert (runs["a"] / "charts" / "velocity.svg").read_text().startswith("<svg")
    stdout = (runs["a"] / "stdout.txt").read_text()
    assert "velocity:" in stdout and "newcomer drop-off:" in stdout


def test_same_scenario_and_seed_give_the_same_bytes(runs: dict[str, Path]) -> None:
    first = (runs["a"] / "report.json").read_bytes()
    assert first == (runs["again"] / "report.json").read_bytes()
    assert (runs["a"] / "report.html").read_bytes() == (runs["again"] / "report.html").read_bytes()


def test_an_escape_hatch_shows_in_the_policy_history_and_changes_the_trajectory(runs: dict[str, Path]) -> None:
    plain, hatch = _report(runs["a"]), _report(runs["hatch"])
    [change] = [v for v in hatch["policyHistory"] if v["reason"].startswith("escape hatch")]
    assert change["day"] == 7 and change["changes"] == {"starterGrant": 20, "tokensPerUsd": 10000}
    assert change["version"] == plain["policyHistory"][-1]["version"] + 1
    assert [d["policyVersion"] for d in hatch["days"]][5:7] == [change["version"] - 1, change["version"]]
    strip = ("policyVersion",)

    def same(a: dict, b: dict) -> bool:
        return {k: v for k, v in a.items() if k not in strip} == {k: v for k, v in b.items() if k not in strip}

    assert all(same(a, b) for a, b in zip(plain["days"][:6], hatch["days"][:6]))  # identical until the change
    after = list(zip(plain["days"][6:], hatch["days"][6:]))
    assert any(a["burned"] != b["burned"] for a, b in after)
    assert sum(b["unmetComputeTokens"] for _, b in after) > sum(a["unmetComputeTokens"] for a, _ in after)


def test_an_inflating_policy_fails_the_imbalance_target(runs: dict[str, Path]) -> None:
    sweep = json.loads((runs["sweep"] / "sweep.json").read_text())
    cells = {c["values"]["starterGrant"]: c for c in sweep["cells"]}
    inflating = cells["5000"]["verdicts"]["imbalancePercent"]
    assert inflating["verdict"] == "FAIL" and inflating["firstFailedDay"] == 3  # the first day after the warm-up
    assert cells["0"]["verdicts"]["imbalancePercent"]["verdict"] == "NO_DATA"  # nothing minted, nothing burned
    detail = json.loads((runs["sweep"] / "runs" / "starterGrant-5000" / "report.json").read_text())
    assert all(d["burned"] == 0 for d in detail["days"]) and detail["days"][-1]["circulating"] > 0
    assert (runs["sweep"] / "sweep-heatmap.svg").read_text().startswith("<svg")
    assert "starterGrant=5000 | FAIL (day 3)" in (runs["sweep"] / "stdout.txt").read_text()


@pytest.mark.parametrize("change, field", [
    ({"populations": [{"name": "x", "behaviour": "lurker", "initial": 1}]}, "populations[0].behaviour"),
    ({"policy": {"starterGrnt": 5}}, "policy.starterGrnt"),
    ({"changes": [{"week": 1, "reason": "r", "set": {"tokensPerUsd": 0}}]}, "changes[0].set.tokensPerUsd"),
    ({"policy": {"expiryMode": "ROLLING"}}, "policy.expiryMonths"),
    ({"populations": [{"name": "x", "behaviour": "balanced", "initial": 1, "stf_quality": [2, 0.1]}]},
     "populations[0].stf_quality"),
    ({"populations": [{"name": "x", "behaviour": "balanced", "initial": 1, "rate_share": 3}]},
     "populations[0].rate_share"),
    ({"days": 0}, "days"),
    ({"changes": [{"day": 10, "reason": "too late", "set": {"starterGrant": 1}}]}, "changes[0].day"),
    ({"populations": []}, "populations"),
])
def test_a_bad_scenario_is_refused_naming_the_field(change: dict, field: str) -> None:
    with pytest.raises(ScenarioError) as refused:
        parse({**IDLE, "days": 10, **change})
    assert refused.value.field == field


def test_the_cli_refuses_a_bad_scenario(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('name = "t"\nseed = 1\ndays = 2\n[[populations]]\nname = "a"\nbehaviour = "lurker"\n')
    done = subprocess.run(_command(path, tmp_path / "out"), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "simulate: populations[0].behaviour: one of heavy_contributor" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "out").exists()


def test_a_bad_sweep_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(IDLE))
    done = subprocess.run(_command(path, tmp_path / "out", "--sweep", "grantStarter=1,2"), cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "simulate: --sweep grantStarter: not a policy coefficient" in done.stderr


def test_sigterm_stops_a_run_and_its_embedded_postgresql(tmp_path: Path) -> None:
    """A run stopped with SIGTERM (a process manager, `kill`) cleans up as Ctrl-C does: the embedded
    PostgreSQL it started is stopped and its temporary folder removed."""
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump({**MIXED, "name": "long", "days": 200}))
    scratch = Path(tempfile.mkdtemp(prefix="sim-", dir="/tmp"))  # short: PostgreSQL's socket path has a limit
    command = [sys.executable, "-m", "api.cli", "simulate", str(path), "--out", str(tmp_path / "out")]
    job = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env=os.environ | {"TMPDIR": str(scratch)})
    try:
        seen = []
        for line in job.stderr:  # the first progress line: the server is up and days are running
            seen.append(line)
            if line.startswith("long day "):
                break
        else:
            raise AssertionError(f"no progress line; exit {job.wait(60)}: {''.join(seen)[-2000:]}")
        postmaster = next(scratch.glob("omniclaude-sim-*/pgdata/postmaster.pid"))
        pid = int(postmaster.read_text().split()[0])
        job.terminate()
        _, err = job.communicate(timeout=120)
        leftovers = list(scratch.glob("omniclaude-sim-*"))
    finally:
        if job.poll() is None:
            job.kill()
        shutil.rmtree(scratch, ignore_errors=True)
    assert job.returncode == 143 and "simulate: stopped" in err, err[-2000:]
    assert "Traceback" not in err, err[-2000:]
    assert not leftovers, leftovers
    assert not _running(pid), f"the embedded PostgreSQL (pid {pid}) is still running"


def _running(pid: int) -> bool:
    """Whether a process runs (a zombie, ended but not yet reaped by its parent, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
