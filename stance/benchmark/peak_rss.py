"""Peak resident memory of this process alone.

`ru_maxrss` is no use for a child: Linux carries the parent's high-water mark over fork and exec. The kernel's
VmHWM (/proc/self/status) belongs to the process's own address space, which exec starts afresh.

`python -m stance.benchmark.peak_rss OUT.json SCRIPT [ARGS...]` runs SCRIPT as __main__ and writes its exit code
and peak RSS to OUT.json when it ends.
"""

from __future__ import annotations

import json
import resource
import runpy
import sys
from pathlib import Path


def peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux (no /proc: other Unix)


def main() -> None:
    out, script, *args = sys.argv[1:]
    sys.argv = [script, *args]
    code = 0
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        Path(out).write_text(json.dumps({"exit_code": code, "peak_rss_mb": peak_rss_mb()}))
    sys.exit(code)


if __name__ == "__main__":
    main()
