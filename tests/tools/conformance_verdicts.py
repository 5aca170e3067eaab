#!/usr/bin/env python3
"""Record dstack 0.22.5's verdict on every conformance case.

Run it with the interpreter of a virtualenv that has `dstack[server]==0.22.5`
(tests/tools/gen_conformance_verdicts.sh sets that up and calls this file):

    VENV/bin/python tests/tools/conformance_verdicts.py [--cases DIR] [--out FILE] [FILE ...]

For each `*.dstack.yml` under the cases directory (or each FILE given) it replays,
with dstack's own functions, what `dstack apply -f FILE` does before its first
request to a server, then the pure part of what the server does with the request:

  client ("ok"/"error"):
    load        YAML loading + `parse_apply_configuration`, through the CLI's own
                `load_apply_configuration`, from the file's directory.
    apply_args  the configurator's `apply_args` with the arguments its argparse parser
                yields for an empty command line (plus `--no-profile`, so no profiles.yml
                on this machine can change the result). Bare `KEY` env entries count as
                set: they get a placeholder value first.
    pre_plan    runs: `working_dir` must be absolute, a `repos[0].url` must parse, then
                `RunSpec(...)` is built; fleets/gateways/volumes: their `*Spec(...)`;
                presets: the four settings `dstack apply` insists on.
                Local files (repo dirs, `files`, SSH keys, prompt files) are not read.
  server ("server_ok"/"server_error"), only when the client side passed:
    runs        `validate_run_spec_and_set_defaults` (name regex, retry, group IP refs,
                mount paths, probes, accelerator/arch vs image, ...).
    fleet       `_validate_fleet_spec_and_set_defaults`; every configured
                `identity_file` stands for a valid private key.
    gateway     `_validate_gateway_configuration`, and
    volume      `_validate_volume_configuration`, both as on a server that has every
                backend installed: which backend supports gateways/volumes is read from
                the class hierarchy in dstack's backend sources, not from what this
                virtualenv happens to be able to import.
    preset      nothing runs server-side before the preset's own runs: always true.

Output: JSON lines sorted by file, `{"file", "ok", "error", "error_class", "stage",
"server_ok", "server_error"}`. `file` is relative to the conformance directory
(the parent of the cases directory). Messages lose pydantic's "For further
information visit ..." lines and are cut to MAX_ERROR_LINES lines.
"""

import argparse
import ast
import contextlib
import io
import json
import logging
import os
import sys
from pathlib import Path
from types import SimpleNamespace

EXPECTED_DSTACK_VERSION = "0.22.5"
MAX_ERROR_LINES = 12
ENV_PLACEHOLDER = "conformance-placeholder"
RUN_TYPES = ("dev-environment", "task", "service")


def short_message(exc: BaseException) -> str:
    text = str(exc)
    if not text:
        text = type(exc).__name__
    lines = [
        line
        for line in text.splitlines()
        if not line.strip().startswith("For further information visit")
    ]
    return "\n".join(lines[:MAX_ERROR_LINES])


# ---------------------------------------------------------------- backend features


def backend_feature_map() -> dict:
    """Map a compute mixin name to the backend types whose compute class has it.

    Reads dstack's backend sources with `ast`, so optional cloud SDKs need not be
    installed: a backend is `class X(Backend)` with `TYPE = BackendType.Y` and
    `COMPUTE_CLASS = Z`; Z's bases are followed through every backends module.
    """
    import dstack._internal.core.backends as backends_pkg
    from dstack._internal.core.models.backends.base import BackendType

    root = Path(backends_pkg.__file__).parent
    class_bases: dict = {}
    backend_compute: dict = {}
    for source in sorted(root.rglob("*.py")):
        try:
            tree = ast.parse(source.read_text(encoding="utf-8"))
        except (OSError, SyntaxError):
            continue
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            bases = [b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases]
            class_bases.setdefault(node.name, bases)
            backend_type = compute_class = None
            for stmt in node.body:
                if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
                    continue
                target = stmt.targets[0]
                if not isinstance(target, ast.Name):
                    continue
                if target.id == "TYPE" and isinstance(stmt.value, ast.Attribute):
                    if isinstance(stmt.value.value, ast.Name) and stmt.value.value.id == "BackendType":
                        backend_type = BackendType[stmt.value.attr]
                if target.id == "COMPUTE_CLASS" and isinstance(stmt.value, ast.Name):
                    compute_class = stmt.value.id
            if backend_type is not None and compute_class is not None:
                backend_compute[backend_type] = compute_class

    def ancestors(name: str, seen: set) -> set:
        if name in seen:
            return set()
        seen.add(name)
        found = set()
        for base in class_bases.get(name, []):
            found.add(base)
            found |= ancestors(base, seen)
        return found

    features: dict = {}
    for backend_type, compute_class in sorted(backend_compute.items(), key=lambda kv: kv[0].value):
        for mixin in ancestors(compute_class, set()):
            features.setdefault(mixin, []).append(backend_type)
    return features


# ---------------------------------------------------------------- client side


def configurator_args_for(configurator_class):
    """The configurator's arguments for a bare `dstack apply -f FILE --no-profile`."""
    parser = configurator_class.get_parser()
    args, unknown = parser.parse_known_args(["--no-profile"])
    if unknown:  # this configurator has no profile options at all
        args, _ = parser.parse_known_args([])
    return args


def fill_bare_env(conf) -> None:
    from dstack._internal.core.models.envs import EnvSentinel

    env = getattr(conf, "env", None)
    if env is None:
        return
    for key, value in list(env.items()):
        if isinstance(value, EnvSentinel):
            env[key] = ENV_PLACEHOLDER


def client_run(conf, configuration_path: str, configurator, args, state: dict):
    from dstack._internal.cli.services.profile import load_profile_from_args
    from dstack._internal.cli.services.repos import get_repo_from_url
    from dstack._internal.core.errors import ConfigurationError
    from dstack._internal.core.models.repos.virtual import VirtualRepo
    from dstack._internal.core.models.runs import RunSpec
    from dstack._internal.utils.path import is_absolute_posix_path

    configurator.apply_args(conf, args)
    state["stage"] = "pre_plan"
    if conf.working_dir is not None and not is_absolute_posix_path(conf.working_dir):
        raise ConfigurationError("working_dir must be absolute")
    repo = VirtualRepo()
    if conf.repos and conf.repos[0].url:
        repo = get_repo_from_url(conf.repos[0].url)
    profile = load_profile_from_args(args=args, repo_dir=Path.cwd())
    return RunSpec(
        run_name=conf.name,
        repo_id=repo.repo_id,
        repo_data=repo.run_repo_data,
        repo_code_hash=None,
        repo_dir=conf.repos[0].path if conf.repos else None,
        file_archives=[],
        configuration_path=configuration_path,
        configuration=conf,
        profile=profile,
        ssh_key_pub=None,
    )


def client_fleet(conf, configuration_path: str, configurator, args, state: dict):
    from dstack._internal.core.models.fleets import FleetSpec
    from dstack._internal.core.models.profiles import Profile

    configurator.apply_args(conf, args)
    state["stage"] = "pre_plan"
    return FleetSpec(
        configuration=conf,
        configuration_path=configuration_path,
        profile=Profile(name="default"),
    )


def client_plain_spec(spec_path: str):
    """Gateways and volumes: `apply_args` (only `--name`), then their `*Spec` model."""

    def step(conf, configuration_path: str, configurator, args, state: dict):
        import importlib

        module_name, class_name = spec_path.rsplit(".", 1)
        spec_class = getattr(importlib.import_module(module_name), class_name)
        configurator.apply_args(conf, args)
        state["stage"] = "pre_plan"
        return spec_class(configuration=conf, configuration_path=configuration_path)

    return step


def client_preset(conf, configuration_path: str, configurator, args, state: dict):
    from dstack._internal.core.errors import ConfigurationError

    conf = configurator.apply_args(conf, args)
    state["stage"] = "pre_plan"
    # PresetConfigurator.apply_configuration refuses to start without these.
    missing = [
        name
        for name in ("trials", "max_ttft", "min_context_length", "concurrency")
        if getattr(conf, name) is None
    ]
    if missing:
        raise ConfigurationError(f"{missing[0]} is required")
    return conf


CLIENT_STEPS = {
    "dev-environment": client_run,
    "task": client_run,
    "service": client_run,
    "fleet": client_fleet,
    "gateway": client_plain_spec("dstack._internal.core.models.gateways.GatewaySpec"),
    "volume": client_plain_spec("dstack._internal.core.models.volumes.VolumeSpec"),
    "preset": client_preset,
}


# ---------------------------------------------------------------- server side


class ServerChecks:
    def __init__(self):
        # Importing the fleets service first hits a circular import inside dstack;
        # importing the runs spec module first avoids it.
        import dstack._internal.server.services.runs.spec  # noqa: F401
        import dstack._internal.server.services.fleets  # noqa: F401
        import dstack._internal.server.services.gateways  # noqa: F401
        import dstack._internal.server.services.volumes  # noqa: F401
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        key = Ed25519PrivateKey.generate()
        self.private_key = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        ).decode()
        self.public_key = (
            key.public_key()
            .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
            .decode()
        )
        features = backend_feature_map()
        self.gateway_backends = features.get("ComputeWithGatewaySupport", [])
        self.private_gateway_backends = features.get("ComputeWithPrivateGatewaySupport", [])
        self.volume_backends = features.get("ComputeWithVolumeSupport", [])

    def run(self, spec) -> None:
        from dstack._internal.server.services.runs.spec import validate_run_spec_and_set_defaults

        user = SimpleNamespace(ssh_public_key=self.public_key)
        validate_run_spec_and_set_defaults(user, spec)

    def fleet(self, spec) -> None:
        from dstack._internal.core.models.instances import SSHKey
        from dstack._internal.server.services import fleets

        ssh = spec.configuration.ssh_config
        if ssh is not None:
            key = SSHKey(public=self.public_key, private=self.private_key)
            holders = [ssh, ssh.proxy_jump]
            for host in ssh.hosts:
                if not isinstance(host, str):
                    holders += [host, host.proxy_jump]
            for holder in holders:
                if holder is not None and holder.identity_file is not None:
                    holder.ssh_key = key
        fleets._validate_fleet_spec_and_set_defaults(spec)

    def gateway(self, spec) -> None:
        from dstack._internal.server.services import gateways

        with patched(
            gateways,
            check_backend_type_available=lambda backend_type: None,
            BACKENDS_WITH_GATEWAY_SUPPORT=self.gateway_backends,
            BACKENDS_WITH_PRIVATE_GATEWAY_SUPPORT=self.private_gateway_backends,
        ):
            gateways._validate_gateway_configuration(spec.configuration)

    def volume(self, spec) -> None:
        from dstack._internal.server.services import backends as backend_services
        from dstack._internal.server.services import volumes

        with patched(
            backend_services, check_backend_type_available=lambda backend_type: None
        ), patched(volumes, BACKENDS_WITH_VOLUMES_SUPPORT=self.volume_backends):
            volumes._validate_volume_configuration(spec.configuration)

    def preset(self, spec) -> None:
        return None

    def check(self, conf_type: str, spec) -> None:
        method = {
            "dev-environment": self.run,
            "task": self.run,
            "service": self.run,
            "fleet": self.fleet,
            "gateway": self.gateway,
            "volume": self.volume,
            "preset": self.preset,
        }[conf_type]
        method(spec)


@contextlib.contextmanager
def patched(module, **replacements):
    saved = {name: getattr(module, name) for name in replacements}
    for name, value in replacements.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(module, name, value)


# ---------------------------------------------------------------- driver


def judge(case: Path, server: ServerChecks) -> dict:
    from dstack._internal.cli.services import configurators

    verdict = {
        "ok": False,
        "error": None,
        "error_class": None,
        "stage": "load",
        "server_ok": None,
        "server_error": None,
    }
    state = {"stage": "load"}
    home = os.getcwd()
    try:
        os.chdir(case.parent)
        configuration_path, conf = configurators.load_apply_configuration(case.name)
        state["stage"] = "apply_args"
        conf_type = conf.type if isinstance(conf.type, str) else conf.type.value
        configurator_class = configurators.get_apply_configurator_class(conf_type)
        args = configurator_args_for(configurator_class)
        fill_bare_env(conf)
        spec = CLIENT_STEPS[conf_type](
            conf, configuration_path, configurator_class(api_client=None), args, state
        )
    except Exception as exc:  # noqa: BLE001 - a crash is a verdict too
        verdict["stage"] = state["stage"]
        verdict["error"] = short_message(exc)
        verdict["error_class"] = type(exc).__name__
        os.chdir(home)
        return verdict
    verdict.update(ok=True, stage=None, server_ok=True)
    try:
        server.check(conf_type, spec)
    except Exception as exc:  # noqa: BLE001
        verdict["server_ok"] = False
        verdict["server_error"] = short_message(exc)
    finally:
        os.chdir(home)
    return verdict


def main(argv=None) -> int:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--cases", type=Path, default=here.parent / "conformance" / "cases")
    parser.add_argument("--out", type=Path, default=None, help="default: stdout")
    opts = parser.parse_args(argv)

    from dstack import version

    if version.__version__ != EXPECTED_DSTACK_VERSION:
        print(
            f"expected dstack {EXPECTED_DSTACK_VERSION}, found {version.__version__}",
            file=sys.stderr,
        )
        return 2

    cases_dir = opts.cases.resolve()
    base = cases_dir.parent
    files = [f.resolve() for f in opts.files] or sorted(cases_dir.rglob("*.dstack.yml"))
    logging.disable(logging.CRITICAL)
    # For IDE dev environments `dstack apply` runs `code --version` & co. to print hints;
    # that never changes the verdict, so skip the subprocesses.
    from dstack._internal.cli.services.configurators import run as run_configurator

    for name in ("_detect_vscode_version", "_detect_cursor_version", "_detect_windsurf_version"):
        setattr(run_configurator, name, lambda *a, **k: None)
    results = []
    # dstack's rich console prints hints on stdout; keep them out of the verdicts.
    with contextlib.redirect_stdout(io.StringIO()):
        server = ServerChecks()
        for case in files:
            try:
                rel = case.relative_to(base).as_posix()
            except ValueError:
                rel = case.as_posix()
            results.append({"file": rel, **judge(case, server)})
    results.sort(key=lambda r: r["file"])
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results)
    if opts.out is None:
        sys.stdout.write(text)
    else:
        opts.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
