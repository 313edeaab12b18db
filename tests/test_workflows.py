"""The GitHub workflows run in Debian (whose Chromium is a real browser; Ubuntu's is a snap
stub that does not run headless in CI) and through .ci/run, the one entry point."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.yml"))


def jobs_that_run_make() -> list[tuple[str, dict]]:
    found = []
    for path in WORKFLOWS:
        for name, job in yaml.safe_load(path.read_text())["jobs"].items():
            runs = " ".join(step.get("run", "") for step in job.get("steps", []))
            if "make" in runs or ".ci/run" in runs:
                found.append((f"{path.name}:{name}", job))
    return found


@pytest.mark.parametrize(("name", "job"), jobs_that_run_make(), ids=lambda value: str(value))
def test_every_building_job_runs_in_debian_through_ci_run(name: str, job: dict) -> None:
    container = job.get("container")
    image = container if isinstance(container, str) else (container or {}).get("image", "")
    assert "bookworm" in image or image.startswith("debian"), f"{name} runs on {job['runs-on']}"
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs and all(run.startswith(".ci/run") for run in runs), runs
    assert not any("apt-get" in run for run in runs)  # .ci/run installs what it needs


def test_both_workflows_are_covered() -> None:
    names = {name.split(":")[0] for name, _ in jobs_that_run_make()}
    assert names == {"deploy.yml", "pull-request.yml"}
