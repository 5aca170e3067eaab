#!/usr/bin/env python3
"""Computes what dstack 0.22.5 + gpuhunt 0.1.34 offer for each spec in tests/offers/specs,
over the fixture catalog in tests/offers/catalog, and writes tests/offers/expected.jsonl.

Run it through gen_expected.sh, which makes the virtualenv. No network is used: sockets are
disabled, gpuhunt reads the fixture from a directory (GPUHUNT_CATALOG_DIR), and each backend
is dstack's own Compute class with only its cloud calls (the ones that list offers with
quotas/availability) replaced by the same catalog query minus those calls.

Spec files may start with comment lines that set the test's environment:

    # backend-config: {"gcp": {"tpu": true}}     per-backend server settings
    # image-arch: arm                             architectures of a custom `image`
    # mode: offer                                 `dstack offer` semantics instead of a run plan

Each output line holds the spec's parsed input (resources, profile, run or fleet fields, as
dstack parsed them, before server defaults), dstack's final requirements, and the offers
(or the error dstack raised). The Rust differential test reads the input, runs our matcher,
and compares.
"""

import asyncio
import json
import logging
import os
import socket
import sys
from pathlib import Path
from types import SimpleNamespace

HERE = Path(__file__).resolve().parent
# Overridable to compare on another catalog / spec set (the defaults are the test's own).
CATALOG = Path(os.environ.get("OFFERS_CATALOG", HERE / "catalog")).resolve()
SPECS = Path(os.environ.get("OFFERS_SPECS", HERE / "specs"))
OUT = Path(os.environ.get("OFFERS_OUT", HERE / "expected.jsonl"))


def _refuse(*args, **kwargs):
    raise RuntimeError("gen_expected: network access is not allowed")


socket.create_connection = _refuse
os.environ["GPUHUNT_CATALOG_DIR"] = str(CATALOG)

import gpuhunt  # noqa: E402
import yaml  # noqa: E402

import dstack._internal.server.services.backends as backend_service  # noqa: E402
import dstack._internal.server.services.offers as offer_service  # noqa: E402
from dstack._internal.core.backends.aws import compute as aws  # noqa: E402
from dstack._internal.core.backends.aws.configurator import DEFAULT_REGIONS as AWS_REGIONS  # noqa: E402
from dstack._internal.core.backends.azure import compute as azure  # noqa: E402
from dstack._internal.core.backends.azure.configurator import DEFAULT_LOCATIONS as AZURE_REGIONS  # noqa: E402
from dstack._internal.core.backends.base.compute import ComputeWithAllOffersCached  # noqa: E402
from dstack._internal.core.backends.base.offers import get_catalog_offers  # noqa: E402
from dstack._internal.core.backends.cloudrift import compute as cloudrift  # noqa: E402
from dstack._internal.core.backends.gcp import compute as gcp  # noqa: E402
from dstack._internal.core.backends.gcp.configurator import DEFAULT_REGIONS as GCP_REGIONS  # noqa: E402
from dstack._internal.core.backends.lambdalabs import compute as lambdalabs  # noqa: E402
from dstack._internal.core.backends.nebius import compute as nebius  # noqa: E402
from dstack._internal.core.backends.oci import compute as oci  # noqa: E402
from dstack._internal.core.backends.runpod import compute as runpod  # noqa: E402
from dstack._internal.core.backends.verda import compute as verda  # noqa: E402
from dstack._internal.core.errors import DstackError  # noqa: E402
from dstack._internal.core.models.backends.base import BackendType  # noqa: E402
from dstack._internal.core.models.configurations import (  # noqa: E402
    TaskConfiguration,
    parse_apply_configuration,
)
from dstack._internal.core.models.resources import ResourcesSpec  # noqa: E402
from dstack._internal.core.models.fleets import FleetSpec  # noqa: E402
from dstack._internal.core.models.instances import InstanceAvailability  # noqa: E402
from dstack._internal.core.models.profiles import Profile  # noqa: E402
from dstack._internal.core.models.runs import RunSpec  # noqa: E402
from dstack._internal.server.services import fleets as fleet_service  # noqa: E402
from dstack._internal.server.services.jobs import is_multinode_job  # noqa: E402
from dstack._internal.server.services.jobs.configurators import base as configurators  # noqa: E402
from dstack._internal.server.services.runs import spec as run_spec_service  # noqa: E402
from dstack._internal.server.services.runs.plan import _get_job_batches_for_planning  # noqa: E402

# The catalog used by dstack's get_catalog_offers(); the directory is re-read on each query.
CATALOG_OBJ = gpuhunt.Catalog(balance_resources=False, auto_reload=False)
gpuhunt.default_catalog = lambda: CATALOG_OBJ


def locations(provider):
    with open(CATALOG / f"{provider}.csv", newline="") as f:
        from gpuhunt._internal.storage import load

        return sorted({i.location for i in load(f, provider=provider)})


def catalog_offers(backend, regions, **kw):
    offers = get_catalog_offers(backend=backend, locations=regions, **kw)
    return [o.with_availability(availability=InstanceAvailability.UNKNOWN) for o in offers]


def offline(base, get_offers, setup=None):
    """A subclass of a real Compute class whose cloud-listing call is replaced."""

    class Offline(base):
        def __init__(self, config):
            ComputeWithAllOffersCached.__init__(self)
            self.config = config
            if setup is not None:
                setup(self)

        def get_all_offers_with_availability(self, unallocated_resources):
            return get_offers(self)

    return Offline


def gcp_offers(self):
    zones = {}
    item_filter = gcp._make_catalog_item_filter(self.config.regions, zones, allow_tpu=self.config.tpu)
    out = []
    for o in catalog_offers(BackendType.GCP, None, catalog_item_filter=item_filter):
        region = o.region[:-2]
        gpu = o.instance.resources.gpus[0].name if o.instance.resources.gpus else None
        key = gcp._offer_dedup_key(o.instance.name, o.instance.resources.spot, gpu, region)
        o.availability_zones = zones.get(key, [])
        o.region = region
        out.append(o)
    return out


def experimental(module, self):
    return lambda o: module._supported_instances(o, set(self.config.experimental_instance_types or []))


BACKENDS = {
    "aws": (BackendType.AWS, offline(aws.AWSCompute, lambda self: catalog_offers(
        BackendType.AWS, self.config.regions, extra_filter=experimental(aws, self)),
        setup=lambda self: setattr(self, "_offers_post_filter_cache", aws.ComputeTTLCache(
            cache=aws.TTLCache(maxsize=10, ttl=180))))),
    "azure": (BackendType.AZURE, offline(azure.AzureCompute, lambda self: [
        o for o in catalog_offers(BackendType.AZURE, self.config.regions,
                                  extra_filter=azure._supported_instances)
        if o.region in self.config.regions])),
    "gcp": (BackendType.GCP, offline(gcp.GCPCompute, gcp_offers)),
    "oci": (BackendType.OCI, offline(oci.OCICompute, lambda self: catalog_offers(
        BackendType.OCI, self.config.regions, extra_filter=experimental(oci, self)))),
    "nebius": (BackendType.NEBIUS, offline(nebius.NebiusCompute, lambda self: [
        o.with_availability(availability=o.availability,
                            price=nebius._get_price_adjusted_for_pricing_policy(o))
        for o in catalog_offers(BackendType.NEBIUS, self.config.regions,
                                extra_filter=nebius._supported_instances)])),
    "lambdalabs": (BackendType.LAMBDA, offline(lambdalabs.LambdaCompute, lambda self: catalog_offers(
        BackendType.LAMBDA, self.config.regions or None))),
    "runpod": (BackendType.RUNPOD, offline(runpod.RunpodCompute, lambda self: catalog_offers(
        BackendType.RUNPOD, self.config.regions or None,
        extra_filter=lambda o: runpod._is_secure_cloud(o.region) or self.config.allow_community_cloud))),
    "verda": (BackendType.VERDA, offline(verda.VerdaCompute, lambda self: catalog_offers(
        BackendType.VERDA, self.config.regions))),
    "cloudrift": (BackendType.CLOUDRIFT, offline(cloudrift.CloudRiftCompute, lambda self: catalog_offers(
        BackendType.CLOUDRIFT, self.config.regions or None))),
}


def backend_config(provider, settings):
    """The server's defaults for each setting the spec does not give."""
    s = settings.get(provider, {})
    regions = s.get("regions")
    if regions is None:
        regions = {"aws": list(AWS_REGIONS), "azure": list(AZURE_REGIONS),
                   "gcp": list(GCP_REGIONS)}.get(provider)
    if regions is None and provider in ("oci", "nebius"):
        regions = locations(provider)  # really: the account's regions
    return SimpleNamespace(
        regions=regions,
        tpu=s.get("tpu", False),
        allow_community_cloud=s.get("community_cloud", False),
        experimental_instance_types=s.get("experimental_instance_types"),
    )


class Backend:
    def __init__(self, kind, compute):
        self.TYPE = kind
        self._compute = compute

    def compute(self):
        return self._compute


def install_backends(settings):
    backends = []
    for provider in sorted(BACKENDS):
        if not (CATALOG / f"{provider}.csv").exists():
            continue
        kind, cls = BACKENDS[provider]
        backends.append(Backend(kind, cls(backend_config(provider, settings))))

    async def project_backends(project=None):
        return backends

    backend_service.get_project_backends = project_backends


def install_image_arch(arches):
    cpu_arches = {gpuhunt.CPUArchitecture.cast(a) for a in arches}

    async def image_config(self):
        from dstack._internal.server.services.docker import ImageConfig

        return ImageConfig(), cpu_arches

    configurators.JobConfigurator._get_image_config_and_cpu_architectures = image_config


def rng(r):
    return None if r is None else {"min": r.min, "max": r.max}


def resources_input(res):
    if res is None:
        return None
    gpu = res.gpu
    return {
        "cpu_arch": res.cpu.arch.value if res.cpu.arch else None,
        "cpu": rng(res.cpu.count),
        "memory": rng(res.memory),
        "disk": None if res.disk is None else rng(res.disk.size),
        "gpu": None if gpu is None else {
            "vendor": gpu.vendor.value if gpu.vendor else None,
            "name": gpu.name,
            "count": rng(gpu.count),
            "memory": rng(gpu.memory),
            "total_memory": rng(gpu.total_memory),
            "compute_capability": list(gpu.compute_capability) if gpu.compute_capability else None,
        },
    }


def profile_input(conf):
    sp = conf.spot_policy
    return {
        "spot_policy": sp.value if sp else None,
        "backends": [b.value for b in conf.backends] if conf.backends else None,
        "regions": conf.regions,
        "instance_types": conf.instance_types,
        "max_price": conf.max_price,
        "reservation": conf.reservation,
    }


def requirements_output(req, multinode):
    r = req.resources
    q = req.model_dump(mode="json")
    return {"resources": resources_input(r), "spot": req.spot, "max_price": req.max_price,
            "multinode": multinode, "reservation": q.get("reservation")}


def offer_json(o):
    r = o.instance.resources
    g = r.gpus[0] if r.gpus else None
    return {
        "backend": o.backend.value, "region": o.region, "instance": o.instance.name,
        "price": o.price, "spot": r.spot, "cpus": r.cpus, "memory_gib": r.memory_mib / 1024,
        "gpu_count": len(r.gpus), "gpu_name": g.name if g else None,
        "gpu_memory_gib": g.memory_mib / 1024 if g else None,
        "disk_gib": r.disk.size_mib / 1024,
        "blocks": o.total_blocks if o.total_blocks != 1 else None,
    }


def offer_command_configuration(data):
    """What `dstack offer` sends: a placeholder task on the `scratch` image with unconstrained
    resources, then only the resource fields and profile options the user gave."""
    conf = TaskConfiguration(commands=[":"], image="scratch", user="root",
                             resources=ResourcesSpec.unconstrained())
    given = data.get("resources") or {}
    parsed = ResourcesSpec.model_validate(given)
    for field in ("cpu", "gpu", "memory", "disk"):
        if field in given:
            setattr(conf.resources, field, getattr(parsed, field))
    for key in ("spot_policy", "backends", "regions", "instance_types", "max_price"):
        if key in data:
            one = TaskConfiguration.model_validate({"type": "task", "commands": [":"], key: data[key]})
            setattr(conf, key, getattr(one, key))
    return conf


async def run_offers(data, record, mode="apply"):
    conf = offer_command_configuration(data) if mode == "offer" else parse_apply_configuration(data)
    record.update({"kind": "run", "type": conf.type,
                   "resources": resources_input(conf.resources), "profile": profile_input(conf)})
    if conf.type == "fleet":
        record["kind"] = "fleet"
        nodes = conf.nodes
        record["fleet"] = {
            "cluster": conf.placement is not None and conf.placement.value == "cluster",
            "zero_nodes": nodes is not None and nodes.target == 0,
            "blocks": conf.blocks,
        }
        spec = FleetSpec(configuration=conf, profile=Profile(name="default"))
        spec = FleetSpec.model_validate(json.loads(spec.model_dump_json()))
        fleet_service._validate_fleet_spec_and_set_defaults(spec)
        req = fleet_service.get_fleet_requirements(spec)
        offers = await fleet_service.get_fleet_offers(
            project=None, profile=spec.merged_profile, requirements=req, fleet_spec=spec,
            blocks=spec.configuration.blocks,
            include_only_create_instance_supported_backends=(nodes is None or nodes.target != 0))
        record["requirements"] = requirements_output(req, req.multinode)
        return record, [o for _, o in offers]
    if mode == "offer":
        record["kind"] = "offer"
    record["run"] = {"image": conf.image, "docker": bool(conf.docker),
                     "privileged": bool(conf.privileged),
                     "nodes": getattr(conf, "nodes", 1) or 1}
    run_spec = RunSpec(run_name="offers-test", configuration=conf, profile=Profile(name="default"))
    run_spec = RunSpec.model_validate(run_spec.model_dump())
    user = SimpleNamespace(name="test", ssh_public_key="ssh-ed25519 AAAAtest test")
    run_spec_service.validate_run_spec_and_set_defaults(user=user, run_spec=run_spec)
    jobs = (await _get_job_batches_for_planning(run_spec=run_spec, secrets={}))[0]
    job = jobs[0]
    req = job.job_spec.requirements
    offers = await offer_service.get_offers_by_requirements(
        project=None, profile=run_spec.merged_profile, requirements=req,
        multinode=is_multinode_job(job), privileged=job.job_spec.privileged,
        instance_mounts=run_spec_service.check_run_spec_requires_instance_mounts(run_spec))
    record["requirements"] = requirements_output(req, is_multinode_job(job))
    return record, [o for _, o in offers]


def directives(text):
    out = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line[1:].strip().partition(":")
        out[key.strip()] = value.strip()
    return out


def main():
    logging.disable(logging.WARNING)  # gpuhunt warns about the fixture's malformed rows
    specs = sorted(SPECS.glob("*.dstack.yml"))
    lines = []
    for path in specs:
        text = path.read_text()
        d = directives(text)
        settings = json.loads(d.get("backend-config", "{}"))
        arches = d.get("image-arch", "x86").split(",")
        install_backends(settings)
        install_image_arch(arches)
        record = {"spec": path.name, "backend_config": settings, "image_arch": arches}
        try:
            mode = d.get("mode", "apply")
            _, offers = asyncio.run(run_offers(yaml.safe_load(text), record, mode))
            record["offers"] = [offer_json(o) for o in offers]
            record["count"] = len(offers)
        except (DstackError, ValueError) as e:
            record["error"] = str(e).splitlines()[0] if str(e) else type(e).__name__
        lines.append(json.dumps(record, sort_keys=True))
        print(f"{path.name}: {record.get('count', record.get('error'))}", file=sys.stderr)
    OUT.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
