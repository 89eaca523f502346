"""Rendering on every core: the same results, in order, whatever the workers do."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator.site import forked

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")


def run_script(body: str) -> str:
    """Run a script in a fresh interpreter: the test process itself has threads (xdist)."""
    script = "from generator.site import forked\nforked.MIN_TASKS_PER_WORKER = 2\n"
    result = subprocess.run(
        [sys.executable, "-c", script + textwrap.dedent(body)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two cores to fork workers")
def test_tasks_are_shared_between_processes_and_come_back_in_order() -> None:
    out = run_script(
        """
        import os
        tasks = [lambda n=n: f"{n}:{os.getpid()}" for n in range(40)]
        texts = forked.run_all(tasks)
        print(forked.worker_count(len(tasks)))
        print(len({t.split(":")[1] for t in texts}))
        print(",".join(t.split(":")[0] for t in texts))
        """
    )
    workers, pids, order = out.split()
    assert int(workers) >= 2 and int(pids) == int(workers)
    assert order == ",".join(str(n) for n in range(40))


def test_a_failing_worker_is_redone_here_and_errors_raise_here() -> None:
    out = run_script(
        """
        import os
        parent = os.getpid()

        def task(n):
            if os.getpid() != parent:
                raise RuntimeError("only in a worker")
            return str(n)

        print(",".join(forked.run_all([lambda n=n: task(n) for n in range(40)])))

        def broken(n):
            if n == 7:
                raise ValueError("task 7 is broken")
            return str(n)

        try:
            forked.run_all([lambda n=n: broken(n) for n in range(40)])
        except ValueError as error:
            print(error)
        """
    )
    assert out.splitlines() == [",".join(str(n) for n in range(40)), "task 7 is broken"]


def test_threads_or_little_work_keep_everything_in_this_process() -> None:
    assert forked.worker_count(forked.MIN_TASKS_PER_WORKER - 1) == 1
    out = run_script(
        """
        import threading, time
        threading.Thread(target=time.sleep, args=(1,)).start()
        print(forked.worker_count(1000))
        """
    )
    assert out.strip() == "1"


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two cores to fork workers")
def test_the_bundled_playbook_renders_the_same_on_every_core() -> None:
    out = run_script(
        """
        import hashlib, json
        from pathlib import Path
        from generator.config import load_config
        from generator.pipeline import validate_playbook
        from generator.model import History
        from generator.site.render import render_site
        from generator.site.settings import read_mkdocs_yml, site_settings

        config = load_config(Path("."))
        validation = validate_playbook(config)
        settings = site_settings(config, read_mkdocs_yml(config.root))

        def digest():
            files = render_site(validation, History(), settings)
            return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()

        forked.MIN_TASKS_PER_WORKER = 20
        print(forked.worker_count(len(validation.playbook)), digest())
        forked.MAX_WORKERS = 1
        print(forked.worker_count(len(validation.playbook)), digest())
        """
    )
    (workers, parallel), (single, sequential) = (line.split() for line in out.splitlines())
    assert int(workers) >= 2 and single == "1"
    assert parallel == sequential
