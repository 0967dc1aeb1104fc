"""Python clients generated from the checked-in OpenAPI documents (docs/openapi/) by
openapi-python-client, as a partner would generate theirs. The generator runs from a
virtualenv of its own (requirements/client-generator.lock, hashed), made once under
.cache/; the generated packages are imported from a temporary directory."""

import importlib
import subprocess
import sys
import venv
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
GENERATOR_VENV = REPO / ".cache" / "openapi-client-generator"
LOCK = REPO / "requirements" / "client-generator.lock"
SERVICES = ("intake", "matching", "sessions")


def generator() -> Path:
    executable = GENERATOR_VENV / "bin" / "openapi-python-client"
    stamp = GENERATOR_VENV / ".installed-from-lock"
    if not executable.exists() or not stamp.exists() or LOCK.stat().st_mtime > stamp.stat().st_mtime:
        venv.create(GENERATOR_VENV, with_pip=True, clear=True)
        subprocess.run([str(GENERATOR_VENV / "bin" / "python"), "-m", "pip", "install", "-q", "--require-hashes",
                        "-r", str(LOCK)], check=True)
        stamp.touch()
    return executable


def generated_clients(into: Path) -> dict[str, ModuleType]:
    """`{"intake": <module intake_client>, ...}` generated into `into`."""
    executable = generator()
    for service in SERVICES:
        document = REPO / "docs" / "openapi" / f"{service}.json"
        done = subprocess.run([str(executable), "generate", "--path", str(document), "--output-path",
                               str(into / f"{service}_client"), "--meta", "none", "--overwrite"],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"generating the {service} client failed:\n{done.stdout}\n{done.stderr}")
    sys.path.insert(0, str(into))
    return {service: importlib.import_module(f"{service}_client") for service in SERVICES}


def operation(clients: dict[str, ModuleType], service: str, tag_module: str, name: str) -> ModuleType:
    """One generated operation module, e.g. ("matching", "matches", "accept")."""
    return importlib.import_module(f"{clients[service].__name__}.api.{tag_module}.{name}")
