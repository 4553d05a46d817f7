"""Load the verifier of an earlier commit, for a same-run comparison (never kept in src/).

``old_verifier("ef231e8")`` reads ``src/dailypapers/verify.py`` at that commit with
``git show`` into a temporary file and imports it as ``dailypapers._baseline_verify`` (so its
relative imports resolve against today's package).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
# The last commit before the verifier became a package (issue 10).
BASELINE = "ef231e8"


def old_verifier(rev: str = BASELINE) -> ModuleType:
    code = subprocess.run(["git", "show", f"{rev}:src/dailypapers/verify.py"], cwd=ROOT,
                          check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp(prefix="dp-baseline-")) / "verify_baseline.py"
    path.write_text(code, "utf-8")
    name = "dailypapers._baseline_verify"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
