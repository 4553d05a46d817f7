"""Finding 1: one run per working directory; delivery claims make double sends impossible."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from faultkit import (
    CHAT,
    DATE,
    TOKEN,
    ChatServer,
    cli,
    hf_item,
    popen,
    telegram_dir,
)

from dailypapers.errors import BusyError
from dailypapers.runlock import DirLock, is_alive, process_id
from dailypapers.store import Store
from dailypapers.store.claims import claim, mark_crashed_runs, release, set_run_owner


def dead_owner() -> str:
    """The process id of a process that has certainly ended."""
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    host = process_id().rsplit(":", 2)[0]
    return f"{host}:{int(proc.stdout)}:-"


# ------------------------------------------------------------------------ the directory lock


def test_second_holder_is_refused_with_the_holder_named(tmp_path: Path) -> None:
    with DirLock(tmp_path, "run"), pytest.raises(BusyError) as err:
        DirLock(tmp_path, "publish").acquire()
    assert "'run'" in str(err.value) and f"pid {os.getpid()}" in str(err.value)
    assert "--wait" in (err.value.hint or "")
    with DirLock(tmp_path, "publish"):  # released: free again
        pass


def test_wait_queues_behind_the_holder(tmp_path: Path) -> None:
    first = DirLock(tmp_path, "run")
    first.acquire()
    threading.Timer(0.3, first.release).start()
    started = time.monotonic()
    with DirLock(tmp_path, "run", wait=10):
        waited = time.monotonic() - started
    assert waited >= 0.25


def test_a_killed_holder_releases_the_lock(tmp_path: Path) -> None:
    code = (
        "import sys, time; from dailypapers.runlock import DirLock;"
        f"DirLock({str(tmp_path)!r}, 'run').acquire(); print('held', flush=True); time.sleep(60)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    with pytest.raises(BusyError):
        DirLock(tmp_path, "run").acquire()
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    with DirLock(tmp_path, "run"):
        pass


def test_process_ids_tell_the_living_from_the_dead() -> None:
    assert is_alive(process_id()) is True
    assert is_alive(dead_owner()) is False
    assert is_alive("another-host:1:1") is None
    assert is_alive("garbage") is None


# ------------------------------------------------------------------------------ claims


def test_one_claim_wins_and_a_sent_item_is_never_claimed_again(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as a, Store(tmp_path / "db") as b:
        assert claim(a, "telegram", CHAT, "paper:x", "h:1:1").state == "claimed"
        # A claimant on another host, claimed just now: not ours to take.
        got = claim(b, "telegram", CHAT, "paper:x", process_id())
        assert got.state == "busy" and got.previous == "h:1:1"
        other = claim(b, "telegram", CHAT, "paper:y", process_id())
        assert other.state == "claimed"
        assert claim(a, "telegram", CHAT, "paper:y", "elsewhere:2:2").state == "busy"
        b.record_delivery("telegram", CHAT, "paper:y", status="sent", message_id="7")
        assert claim(a, "telegram", CHAT, "paper:y", "elsewhere:2:2").state == "sent"
        row = b.deliveries()[-1]
        assert row["status"] == "sent" and row["claimant"] == process_id()


def test_a_dead_claimant_is_taken_over_and_reported(tmp_path: Path) -> None:
    dead = dead_owner()
    with Store(tmp_path / "db") as store:
        assert claim(store, "telegram", CHAT, "paper:z", dead).state == "claimed"
        got = claim(store, "telegram", CHAT, "paper:z", process_id())
        assert got.state == "taken_over" and got.previous == dead


def test_a_claim_from_another_host_goes_stale_after_its_age(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        claim(store, "t", CHAT, "i", "far-away:5:5")
        assert claim(store, "t", CHAT, "i", process_id(), stale_after=3600).state == "busy"
        assert claim(store, "t", CHAT, "i", process_id(), stale_after=0).state == "taken_over"


def test_released_claim_leaves_the_item_pending(tmp_path: Path) -> None:
    me = process_id()
    with Store(tmp_path / "db") as store:
        claim(store, "t", CHAT, "i", me)
        release(store, "t", CHAT, "i", me)
        assert store.delivery_status("t", CHAT, "i") is None


def test_runs_left_running_by_dead_processes_become_crashed(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        dead_run = store.start_run(DATE, "run")
        set_run_owner(store, dead_run, dead_owner())
        live_run = store.start_run(DATE, "run")
        set_run_owner(store, live_run, process_id())
        assert mark_crashed_runs(store, "me:0:0") == [dead_run]
        statuses = {r["id"]: r["status"] for r in store.runs()}
        assert statuses == {dead_run: "crashed", live_run: "running"}


# --------------------------------------------------------------- two runs of one directory


def test_a_second_run_exits_busy_with_its_own_status(tmp_path: Path) -> None:
    with DirLock(tmp_path / "w", "run"):
        done = cli(tmp_path / "w", "run", "--date", DATE)
    assert done.returncode == 6, done.stderr
    assert "another dailypapers command holds" in done.stderr
    assert "Traceback" not in done.stderr


def _pair(root: Path, chat: ChatServer, wait: bool) -> tuple[int, int]:
    args = ["run", "--date", DATE, "--input", str(root / "day.json")]
    extra = ["--wait", "60"] if wait else []
    procs = [popen(root, *args, *extra) for _ in range(2)]
    codes = []
    for proc in procs:
        _out, err = proc.communicate(timeout=180)
        codes.append(proc.returncode)
        assert "Traceback" not in err, err
    return codes[0], codes[1]


@pytest.mark.parametrize("repetition", range(10))
def test_two_concurrent_runs_deliver_every_item_exactly_once(
    tmp_path: Path, repetition: int
) -> None:
    items = [hf_item(n) for n in range(4)]
    with ChatServer(delay=0.05) as chat:
        root = telegram_dir(tmp_path / "w", chat.url, items)
        wait = repetition % 2 == 1  # half the pairs queue with --wait, half refuse
        codes = _pair(root, chat, wait)
        counts = Counter(chat.texts())
    assert len(counts) == 5  # a header and four papers
    assert set(counts.values()) == {1}, counts
    if wait:
        assert codes == (0, 0)
    else:
        assert sorted(codes) in ([0, 6], [0, 0]), codes
    with Store(root / "dailypapers.db") as store:
        rows = store.deliveries()
        assert len(rows) == 5 and {r["status"] for r in rows} == {"sent"}


def _deliver_bypassing_the_lock(root: str, url: str, start: float) -> None:
    from dailypapers.config import load_settings
    from dailypapers.deliver import deliver_day

    os.environ["TELEGRAM_BOT_TOKEN"] = TOKEN
    settings = load_settings(root)
    while time.time() < start:
        time.sleep(0.001)
    with Store(settings.db_path) as store:
        deliver_day(store, settings, DATE)


def test_claims_stop_double_sends_even_without_the_lock(tmp_path: Path) -> None:
    items = [hf_item(n) for n in range(6)]
    with ChatServer(delay=0.02) as chat:
        root = telegram_dir(tmp_path / "w", chat.url, items)
        first = cli(root, "run", "--date", DATE, "--input", str(root / "day.json"))
        assert first.returncode == 0, first.stderr
        with Store(root / "dailypapers.db") as store:
            store.conn.execute("DELETE FROM deliveries")
        chat.received.clear()
        ctx = mp.get_context("spawn")
        start = time.time() + 1.5
        procs = [ctx.Process(target=_deliver_bypassing_the_lock, args=(str(root), chat.url, start))
                 for _ in range(3)]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join(60)
            assert proc.exitcode == 0
        counts = Counter(chat.texts())
    assert len(counts) == 7 and set(counts.values()) == {1}, counts
