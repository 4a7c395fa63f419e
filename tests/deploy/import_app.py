"""Import every module of lib/ and check that the Streamlit entry and pages compile and find their imports.

Run by tests/test_deploy.py with the project venv, where `--absent` names the top-level modules that only
requirements-dev.txt brings (they are made unimportable, as in the image), and by `make docker-check` in a
clean venv that has only requirements.txt. Optional imports (`try: import rich`) still degrade gracefully.
Pages are compiled, not run: running them needs a Streamlit session. Prints the lib modules as JSON.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import importlib.abc
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class Absent(importlib.abc.MetaPathFinder):
    """Makes the given top-level modules (and their submodules) fail to import, as if not installed."""

    def __init__(self, names: set[str]) -> None:
        self.names = names

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {fullname!r} (not in the image)", name=fullname)
        return None


def lib_module_names() -> list[str]:
    """Every module file under lib/, namespace packages (no __init__.py) included."""
    names = set()
    for path in (ROOT / "lib").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return sorted(names)


def top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def findable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--absent", default="", help="comma-separated top-level modules to hide")
    absent = {name for name in parser.parse_args().absent.split(",") if name}
    sys.meta_path.insert(0, Absent(absent))
    sys.path.insert(0, str(ROOT))

    modules = lib_module_names()
    for name in modules:
        importlib.import_module(name)

    scripts = [ROOT / "streamlit_app.py", *sorted((ROOT / "app_pages").glob("*.py"))]
    imports = set().union(*(top_level_imports(path) for path in scripts))
    missing = sorted(name for name in imports if not findable(name))
    if missing:
        print(f"streamlit_app.py or app_pages/ import modules the image does not have: {missing}", file=sys.stderr)
        return 1
    print(json.dumps({"lib_modules": modules, "script_imports": sorted(imports)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
