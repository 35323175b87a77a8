"""The processes `mons start` runs (server, worker, cron, mail sink), which
must never outlive it.

Each child runs in its own process group (trytond-worker forks a pool,
and a Ctrl+C in the terminal must reach `mons start` only, which then
stops them in order). A group is stopped by `mons start` itself on
SIGTERM/SIGINT or when a child ends; if `mons start` is killed outright
(SIGKILL, a crash), two guards stop them anyway:

- Linux sends each direct child SIGTERM when its parent dies
  (``prctl(PR_SET_PDEATHSIG)``);
- a watchdog (``python -m mons_cli.processes``), in a session of its
  own, reads the groups to watch on a pipe from `mons start`: the end of
  the pipe without a "done" line means its parent is gone, and it stops
  every group it was given, grandchildren included.
"""
import ctypes
import os
import signal
import subprocess
import sys
import time

PR_SET_PDEATHSIG = 1
DONE = 'done'


def _die_with_parent(parent):
    "In the child, before exec: SIGTERM when the parent dies"
    def preexec():
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            return  # not Linux: the watchdog alone guards
        if os.getppid() != parent:
            # The parent died between fork and prctl
            os._exit(1)
    return preexec


def group_alive(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_groups(pgids, timeout=10, reap=lambda: None):
    """SIGTERM every group, then SIGKILL the ones still there after timeout;
    reap() collects our own ended children (a zombie still counts in its
    group)"""
    for pgid in pgids:
        try:
            os.killpg(pgid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reap()
        if not any(group_alive(pgid) for pgid in pgids):
            return
        time.sleep(0.1)
    for pgid in pgids:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class Children:
    "The children of `mons start`, each in its own process group"

    def __init__(self, env):
        self.env = env
        self.processes = []
        # The watchdog must not get the terminal's Ctrl+C nor a signal sent
        # to our group: it acts only when its pipe closes
        self.watchdog = subprocess.Popen(
            [sys.executable, '-m', 'mons_cli.processes'],
            stdin=subprocess.PIPE, text=True, start_new_session=True,
            env=env)

    def start(self, command):
        process = subprocess.Popen(command, env=self.env,
            start_new_session=True, preexec_fn=_die_with_parent(os.getpid()))
        self.processes.append((process, command))
        self._tell(str(process.pid))
        return process

    def _tell(self, line):
        try:
            self.watchdog.stdin.write(line + '\n')
            self.watchdog.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass

    def ended(self):
        "(command, exit code) of a child that ended, or None"
        for process, command in self.processes:
            if process.poll() is not None:
                return command, process.returncode
        return None

    def stop(self, timeout=10):
        def reap():
            for process, _ in self.processes:
                process.poll()
        stop_groups([p.pid for p, _ in self.processes], timeout, reap)
        reap()
        self._tell(DONE)
        try:
            self.watchdog.stdin.close()
        except BrokenPipeError:
            pass
        try:
            self.watchdog.wait(5)
        except subprocess.TimeoutExpired:
            self.watchdog.kill()


def watch(stream=sys.stdin):
    "The watchdog: stop the groups read on stream when it ends unannounced"
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    pgids = []
    for line in stream:
        line = line.strip()
        if line == DONE:
            return 0
        if line.isdigit():
            pgids.append(int(line))
    stop_groups(pgids)
    return 0


if __name__ == '__main__':
    sys.exit(watch())
