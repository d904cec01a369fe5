"""Worker fixtures: the queue (SqliteHuey in a file, and RedisHuey against the Redis on 127.0.0.1:6379, a huey name
of its own per test) and `orderworks worker` started as a separate process on the test's database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine

from orderworks.core.settings import Settings
from orderworks.worker import make_queue

REDIS_URL = os.environ.get("ORDERWORKS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parents[2]


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@dataclass
class WorkerEnv:
    """Settings of the worker processes under test, as the environment they are started with."""

    settings: Settings
    tmp: Path
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERWORKS_")}
        env.update({
            "ORDERWORKS_DATABASE_URL": self.settings.database_url,
            "ORDERWORKS_VAR_DIR": str(self.settings.var_dir),
            "ORDERWORKS_HUEY_NAME": self.settings.huey_name,
            "ORDERWORKS_SUBSCRIBERS": "tests.worker.plugin:REGISTRY",
            "ORDERWORKS_RELAY_BATCH_SIZE": str(self.settings.relay_batch_size),
            "ORDERWORKS_RELAY_LEASE_SECONDS": str(self.settings.relay_lease_seconds),
            "ORDERWORKS_TEST_MARKER": str(self.tmp / "paused"),
            "PYTHONPATH": str(ROOT),
            **extra,
        })
        if self.settings.redis_url:
            env["ORDERWORKS_REDIS_URL"] = self.settings.redis_url
        return env

    def start(self, workers: int = 2, **extra: str) -> subprocess.Popen[bytes]:
        log = open(self.tmp / f"worker-{len(self.procs)}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen([sys.executable, "-m", "orderworks.cli", "worker", "--workers", str(workers)],
                                env=self.env(**extra), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.procs.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.tmp.glob("worker-*.log")))


@pytest.fixture(params=["sqlite-queue", "redis-queue"])
def queue_kind(request: pytest.FixtureRequest) -> str:
    if request.param == "redis-queue" and not _redis_up():
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}: CI must run the RedisHuey worker tests")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    return str(request.param)


@pytest.fixture
def worker_env(engine: Engine, tmp_path: Path, queue_kind: str) -> Iterator[WorkerEnv]:
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False), var_dir=tmp_path / "var",
                        huey_name=f"orderworks-test-{uuid.uuid4().hex[:12]}",
                        redis_url=REDIS_URL if queue_kind == "redis-queue" else None,
                        relay_batch_size=10, relay_lease_seconds=3)
    env = WorkerEnv(settings, tmp_path)
    try:
        yield env
    finally:
        env.stop_all()
        if settings.redis_url:
            make_queue(settings).storage.flush_all()


def wait_for(condition: Callable[[], bool], *, seconds: float, what: str, env: WorkerEnv | None = None) -> None:
    """Poll until `condition` holds; fail with the workers' logs after `seconds` (a bound, not a measurement)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}\n" + (env.logs() if env else ""))
