"""The locked dependency sets (scripts/lock.sh) agree with pyproject.toml's pins: a pin
changed without re-locking fails here, not in a Docker build or on a fresh machine."""

import re
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
SETS = {"services": [], "matching": ["matching"], "dev": ["matching", "test"]}
SOLVER = {"numpy", "ortools", "scipy"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(extras: list[str]) -> dict[str, str]:
    wanted = [*PROJECT["dependencies"], *(pin for extra in extras for pin in PROJECT["optional-dependencies"][extra])]
    found = {}
    for pin in wanted:
        name, version = pin.split("==")
        found[canonical(name.split("[")[0])] = version
    return found


def locked(name: str) -> dict[str, str]:
    text = (REPO / "requirements" / f"{name}.lock").read_text()
    return {canonical(m.group(1)): m.group(2) for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M)}


@pytest.mark.parametrize("lock_name", sorted(SETS))
def test_every_direct_pin_is_locked_at_its_version(lock_name):
    lock = locked(lock_name)
    for name, version in pins(SETS[lock_name]).items():
        assert lock.get(name) == version, f"{name}=={version} in pyproject.toml, {lock.get(name)} in {lock_name}.lock"


def test_every_locked_package_carries_hashes():
    for lock_name in SETS:
        text = (REPO / "requirements" / f"{lock_name}.lock").read_text()
        assert text.count("==") <= text.count("--hash=sha256:"), lock_name


def test_only_matchings_set_carries_the_solver_and_no_service_carries_the_test_tools():
    assert not SOLVER & set(locked("services"))
    assert {"numpy", "ortools"} <= set(locked("matching"))
    for lock_name in ("services", "matching"):
        assert not {"pytest", "scipy", "schemathesis", "hypothesis"} & set(locked(lock_name)), lock_name
