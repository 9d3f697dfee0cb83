#!/usr/bin/env python3
"""Runs a command and checks its exit status: `expect-exit.py N cmd args...`.

Output passes through unchanged so FileCheck can read it. Exits 0 when the
status is exactly N, 1 otherwise, and reports a crash (death by signal) as
such: bad input must give a clean error and status 1, never a crash.
"""
import subprocess
import sys


def main() -> int:
    if len(sys.argv) < 3:
        print("usage: expect-exit.py STATUS COMMAND [ARGS...]", file=sys.stderr)
        return 2
    expected = int(sys.argv[1])
    result = subprocess.run(sys.argv[2:])
    if result.returncode < 0:
        print(f"expect-exit: '{sys.argv[2]}' crashed (signal {-result.returncode})",
              file=sys.stderr)
        return 1
    if result.returncode != expected:
        print(f"expect-exit: '{sys.argv[2]}' exited with {result.returncode}, "
              f"expected {expected}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
