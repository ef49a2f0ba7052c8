"""Find and set up the external tools ape-sum needs: the Solidity compiler and Anvil.

Used by `make setup` (through `python -m ape_sum.toolchain install`), by `ape sum doctor`, and for
Anvil's PATH entry by the `ape sum` commands that may start a node and by the test harness. Only the
standard library and the exception base (`ape.exceptions`, no web3) are imported at module level,
so this stays cheap on the CLI's start-up path.
"""

from __future__ import annotations

import os
import platform
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ape_sum.exceptions import SumError

SOLC_VERSION = "0.8.30"
ANVIL_VERSION = "1.7.1"

# The checkout this package runs from, when it runs from one (`make setup` finds the npm compiler
# and Anvil in its node_modules). Installed from a wheel this is just site-packages' parent, which
# holds no node_modules; nothing that deploys depends on it (contracts come from the manifest).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
BRIDGE_SCRIPT = Path(__file__).resolve().parent / "solc_bridge.js"
BRIDGE_MARKER = "# ape-sum solc bridge"

_NPM_PLATFORMS = {
    ("linux", "x86_64"): "linux-amd64",
    ("linux", "amd64"): "linux-amd64",
    ("linux", "aarch64"): "linux-arm64",
    ("linux", "arm64"): "linux-arm64",
    ("darwin", "x86_64"): "darwin-amd64",
    ("darwin", "arm64"): "darwin-arm64",
}


class ToolchainError(SumError, RuntimeError):
    """A tool is missing or broken; the message says how to fix it."""


@dataclass(frozen=True)
class ToolStatus:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def node_modules_roots() -> list[Path]:
    """Folders that may hold the project's `node_modules` (the checkout, then the working dir)."""
    roots = [PROJECT_ROOT, Path.cwd()]
    unique: list[Path] = []
    for root in roots:
        if root not in unique and (root / "node_modules").is_dir():
            unique.append(root)
    return unique


def npm_platform() -> str | None:
    return _NPM_PLATFORMS.get((platform.system().lower(), platform.machine().lower()))


def npm_anvil_binary() -> Path | None:
    """The native anvil shipped by `@foundry-rs/anvil-<platform>`.

    Never the Node wrapper: it hides failures behind exit code 0."""
    suffix = npm_platform()
    if suffix is None:
        return None
    for root in node_modules_roots():
        candidate = root / "node_modules" / "@foundry-rs" / f"anvil-{suffix}" / "bin" / "anvil"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def find_anvil() -> tuple[Path | None, bool]:
    """The anvil ape-sum would use and whether it must be put on PATH first.

    A native anvil already on PATH (foundryup) wins; else the npm-installed native anvil of the
    checkout or working directory. Changes nothing."""
    on_path = shutil.which("anvil")
    if on_path and not _is_node_wrapper(Path(on_path)):
        return Path(on_path), False
    binary = npm_anvil_binary()
    if binary is None:
        return (Path(on_path) if on_path else None), False
    return binary, True


def anvil_path_env(path: str | None = None) -> str:
    """`path` (default: this process's PATH) with the npm anvil's folder in front when needed."""
    path = os.environ.get("PATH", "") if path is None else path
    anvil, needs_path = find_anvil()
    if anvil is None or not needs_path:
        return path
    return f"{anvil.parent}{os.pathsep}{path}"


def ensure_anvil_on_path() -> Path | None:
    """Put the npm-installed native anvil on this process's PATH when no anvil is there; return
    the anvil in use.

    ape-foundry finds anvil with `shutil.which` only and has no setting for its location, so the
    commands that may start a node call this before connecting (the plugin's import does not)."""
    anvil, needs_path = find_anvil()
    if anvil is not None and needs_path:
        os.environ["PATH"] = anvil_path_env()
    return anvil


def _is_node_wrapper(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError:
        return False
    return head.startswith(b"#!") and b"node" in head


def solcx_folder() -> Path:
    """Where py-solc-x (and so ape-solidity) looks for `solc-v<version>`."""
    if env_path := os.environ.get("SOLCX_BINARY_PATH"):
        return Path(env_path)
    return Path.home() / ".solcx"


def solc_executable(version: str = SOLC_VERSION) -> Path:
    return solcx_folder() / f"solc-v{version}"


def npm_solc_module() -> Path | None:
    for root in node_modules_roots():
        candidate = root / "node_modules" / "solc"
        if (candidate / "package.json").is_file():
            return candidate
    return None


def is_bridge(executable: Path) -> bool:
    try:
        return BRIDGE_MARKER in executable.read_text(errors="ignore")[:200]
    except OSError:
        return False


def bridge_text(solc_module: Path) -> str:
    """The `solc-v<version>` shell script. It runs the checkout that registered it, unless the
    working directory is an ape-sum checkout with its own npm solc: several checkouts on one
    machine share `~/.solcx`, and the last `make setup` would otherwise win for all of them."""
    return f"""#!/bin/sh
{BRIDGE_MARKER} (written by `python -m ape_sum.toolchain install`; see ape_sum/toolchain)
if ! command -v node >/dev/null 2>&1; then
  echo "solc bridge: Node.js is not on PATH; install Node.js 20+ (e.g. 'apt-get install nodejs') \
or a native solc {SOLC_VERSION} as {solc_executable()}" >&2
  exit 127
fi
SOLC_MODULE='{solc_module}'
BRIDGE='{BRIDGE_SCRIPT}'
if [ -f "$PWD/ape_sum/toolchain/solc_bridge.js" ] \\
  && [ -f "$PWD/node_modules/solc/package.json" ]; then
  SOLC_MODULE="$PWD/node_modules/solc"
  BRIDGE="$PWD/ape_sum/toolchain/solc_bridge.js"
fi
if [ ! -f "$BRIDGE" ] || [ ! -f "$SOLC_MODULE/package.json" ]; then
  echo "solc bridge: $BRIDGE or $SOLC_MODULE is gone (its checkout moved?); run 'make setup' \
in an ape-sum checkout" >&2
  exit 127
fi
APE_SUM_SOLC_MODULE="$SOLC_MODULE" exec node "$BRIDGE" "$@"
"""


def solc_version_of(executable: Path) -> str:
    """Ask a compiler executable for its version line, as py-solc-x does."""
    try:
        completed = subprocess.run(
            [str(executable), "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError as err:
        raise ToolchainError(f"{executable} cannot run: {err}") from err
    if completed.returncode != 0:
        raise ToolchainError(
            f"{executable} --version failed ({completed.returncode}): {completed.stderr.strip()}"
        )
    for line in completed.stdout.splitlines():
        if line.startswith("Version:"):
            return line.split(":", 1)[1].strip()
    raise ToolchainError(f"{executable} printed no version line")


def install_native_solc(version: str = SOLC_VERSION) -> bool:
    """Let py-solc-x download a native solc; False (quickly) when its host cannot be reached."""
    try:
        import solcx

        solcx.install_solc(version, show_progress=False)
    except Exception:
        return False
    executable = solc_executable(version)
    return executable.is_file() and not is_bridge(executable)


def install_solc_bridge(version: str = SOLC_VERSION) -> Path:
    """Register the npm `solc` package as py-solc-x's `solc-v<version>`."""
    if shutil.which("node") is None:
        raise ToolchainError(
            "Node.js is needed to run the npm solc compiler but is not on PATH: "
            "install Node.js 20+ (e.g. 'apt-get install nodejs npm'), then run `make setup` again."
        )
    solc_module = npm_solc_module()
    if solc_module is None:
        raise ToolchainError(
            "the npm 'solc' package is not installed: run `npm ci` in the project."
        )
    executable = solc_executable(version)
    executable.parent.mkdir(parents=True, exist_ok=True)
    executable.write_text(bridge_text(solc_module))
    executable.chmod(executable.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    reported = solc_version_of(executable)
    if not reported.startswith(f"{version}+"):
        raise ToolchainError(f"the npm solc reports {reported}, expected {version}")
    return executable


def install_solc(version: str = SOLC_VERSION) -> tuple[Path, str]:
    """Make `solc-v<version>` available to ape-solidity.

    Returns the executable and its kind, 'native' or 'npm bridge'."""
    executable = solc_executable(version)
    if executable.is_file() and not is_bridge(executable):
        return executable, "native"
    if install_native_solc(version):
        return executable, "native"
    return install_solc_bridge(version), "npm bridge"


def solc_status(version: str = SOLC_VERSION) -> ToolStatus:
    executable = solc_executable(version)
    fix = "run `make setup` (installs the npm solc package and registers the bridge)"
    if not executable.is_file():
        return ToolStatus("solc", False, f"{executable} is missing", fix)
    kind = "npm bridge" if is_bridge(executable) else "native"
    try:
        reported = solc_version_of(executable)
    except ToolchainError as err:
        return ToolStatus("solc", False, f"{kind} at {executable}: {err}", fix)
    return ToolStatus("solc", True, f"{reported} ({kind}, {executable})")


def anvil_status() -> ToolStatus:
    anvil, needs_path = find_anvil()
    fix = "run `make setup` (npm installs @foundry-rs/anvil) or put Foundry's anvil on PATH"
    if anvil is None:
        return ToolStatus("anvil", False, "not found on PATH nor in node_modules", fix)
    try:
        completed = subprocess.run(
            [str(anvil), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError as err:
        return ToolStatus("anvil", False, f"{anvil} cannot run: {err}", fix)
    if completed.returncode != 0:
        return ToolStatus("anvil", False, f"{anvil} --version failed", fix)
    version = completed.stdout.splitlines()[0].removeprefix("anvil Version:").strip()
    where = "node_modules; `ape sum` commands put it on PATH" if needs_path else "on PATH"
    return ToolStatus("anvil", True, f"{version} ({anvil}, {where})")


def node_status() -> ToolStatus:
    node = shutil.which("node")
    if node is None:
        return ToolStatus(
            "node", False, "not on PATH", "install Node.js 20+ (needed for the npm compiler)"
        )
    completed = subprocess.run([node, "--version"], capture_output=True, text=True, check=False)
    return ToolStatus("node", True, f"{completed.stdout.strip()} ({node})")
