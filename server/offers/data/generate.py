#!/usr/bin/env python3
"""Writes the embedded offer catalog (one gpuhunt-layout CSV per provider) from the facts below.

    python3 server/offers/data/generate.py server/offers/data            # embedded catalog
    python3 server/offers/data/generate.py --fixture tests/offers/catalog  # differential-test fixture

Every number here is a public fact written down by hand: instance shapes from the providers'
instance-type pages, regions from their region lists, on-demand prices as approximate public
list prices in USD/hour for the cheapest region (other regions apply a per-region factor).
Spot / preemptible prices are derived: a fixed per-row fraction of the on-demand price
(a deterministic hash picks 30-65 %), because real spot prices move hourly anyway.
Deterministic: the same input always writes the same bytes.
"""

import hashlib
import json
import sys
from pathlib import Path

HEADER = (
    "instance_name,location,price,cpu,memory,gpu_count,gpu_name,gpu_memory,spot,disk_size,"
    "gpu_vendor,flags,cpu_arch,provider_data"
)


def frac(*key) -> float:
    """A stable number in [0, 1) for a key."""
    h = hashlib.sha256("/".join(map(str, key)).encode()).digest()
    return int.from_bytes(h[:8], "big") / 2**64


def spot_price(price, *key):
    return round(price * (0.30 + 0.35 * frac("spot", *key)), 6)


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return repr(round(v, 6))
    return str(v)


def csv_field(s: str) -> str:
    if any(c in s for c in ',"\n\r'):
        return '"' + s.replace('"', '""') + '"'
    return s


class Row:
    __slots__ = ("name", "loc", "price", "cpu", "mem", "gpus", "gpu", "gmem", "spot", "disk",
                 "vendor", "flags", "arch", "data")

    def __init__(self, name, loc, price, cpu, mem, gpus=0, gpu=None, gmem=None, spot=False,
                 disk=None, vendor=None, flags="", arch="x86", data=None):
        self.name, self.loc, self.price, self.cpu, self.mem = name, loc, price, cpu, mem
        self.gpus, self.gpu, self.gmem, self.spot, self.disk = gpus, gpu, gmem, spot, disk
        self.vendor = vendor if vendor else ("nvidia" if gpus else None)
        self.flags, self.arch, self.data = flags, arch, data or {}

    def line(self):
        vals = [self.name, self.loc, fmt(float(self.price)), fmt(self.cpu), fmt(float(self.mem)),
                fmt(self.gpus), fmt(self.gpu), fmt(None if self.gmem is None else float(self.gmem)),
                fmt(self.spot), fmt(None if self.disk is None else float(self.disk)),
                fmt(self.vendor), self.flags, self.arch, json.dumps(self.data)]
        return ",".join(csv_field(v) for v in vals)


def with_spot(rows_od, key_extra=""):
    out = []
    for r in rows_od:
        out.append(r)
        s = Row(r.name, r.loc, spot_price(r.price, r.name, r.loc, key_extra), r.cpu, r.mem,
                r.gpus, r.gpu, r.gmem, True, r.disk, r.vendor, r.flags, r.arch, dict(r.data))
        out.append(s)
    return out


# ----------------------------------------------------------------------------------------
# AWS: (instance, vCPU, GiB, gpus, gpu, GiB/GPU as AWS reports it, us-east-1 $/h, family group)
AWS = [
    ("t2.small", 1, 2, 0, None, None, 0.023, "cpu"),
    ("t3.medium", 2, 4, 0, None, None, 0.0416, "cpu"),
    ("t3.large", 2, 8, 0, None, None, 0.0832, "cpu"),
    ("t3.xlarge", 4, 16, 0, None, None, 0.1664, "cpu"),
    ("t3.2xlarge", 8, 32, 0, None, None, 0.3328, "cpu"),
    ("m5.large", 2, 8, 0, None, None, 0.096, "cpu"),
    ("m5.xlarge", 4, 16, 0, None, None, 0.192, "cpu"),
    ("m5.2xlarge", 8, 32, 0, None, None, 0.384, "cpu"),
    ("m5.4xlarge", 16, 64, 0, None, None, 0.768, "cpu"),
    ("c5.xlarge", 4, 8, 0, None, None, 0.17, "cpu"),
    ("c5.2xlarge", 8, 16, 0, None, None, 0.34, "cpu"),
    ("c5.4xlarge", 16, 32, 0, None, None, 0.68, "cpu"),
    ("m7i.large", 2, 8, 0, None, None, 0.1008, "cpu"),
    ("m7i.xlarge", 4, 16, 0, None, None, 0.2016, "cpu"),
    ("m7i.2xlarge", 8, 32, 0, None, None, 0.4032, "cpu"),
    ("m7i.4xlarge", 16, 64, 0, None, None, 0.8064, "cpu"),
    ("c7i.2xlarge", 8, 16, 0, None, None, 0.357, "cpu"),
    ("r7i.xlarge", 4, 32, 0, None, None, 0.2646, "cpu"),
    ("r7i.2xlarge", 8, 64, 0, None, None, 0.5292, "cpu"),
    ("m6i.xlarge", 4, 16, 0, None, None, 0.192, "cpu"),  # not a family dstack uses
    ("g4dn.xlarge", 4, 16, 1, "T4", 16, 0.526, "gpu"),
    ("g4dn.2xlarge", 8, 32, 1, "T4", 16, 0.752, "gpu"),
    ("g4dn.12xlarge", 48, 192, 4, "T4", 16, 3.912, "gpu"),
    ("g5.xlarge", 4, 16, 1, "A10G", 24, 1.006, "gpu"),
    ("g5.2xlarge", 8, 32, 1, "A10G", 24, 1.212, "gpu"),
    ("g5.12xlarge", 48, 192, 4, "A10G", 24, 5.672, "gpu"),
    ("g5.48xlarge", 192, 768, 8, "A10G", 24, 16.288, "gpu"),
    ("g6.xlarge", 4, 16, 1, "L4", 24, 0.8048, "gpu"),
    ("g6.12xlarge", 48, 192, 4, "L4", 24, 4.6016, "gpu"),
    ("g6e.xlarge", 4, 32, 1, "L40S", 44.703125, 1.861, "gpu"),
    ("g6e.12xlarge", 48, 384, 4, "L40S", 44.703125, 10.493, "gpu"),
    ("g5g.xlarge", 4, 8, 1, "T4G", 16, 0.42, "arm"),  # Graviton, not supported by dstack
    ("p4d.24xlarge", 96, 1152, 8, "A100", 40, 21.9576, "big"),
    ("p4de.24xlarge", 96, 1152, 8, "A100", 80, 27.4471, "big"),
    ("p5.48xlarge", 192, 2048, 8, "H100", 80, 55.04, "big"),
    ("p5e.48xlarge", 192, 2048, 8, "H200", 141, 60.54, "big"),
    ("p5en.48xlarge", 192, 2048, 8, "H200", 141, 63.296, "big"),
    ("p6-b200.48xlarge", 192, 2048, 8, "B200", 179.0625, 113.9328, "big"),
]
AWS_REGIONS = {
    "us-east-1": 1.0, "us-east-2": 1.0, "us-west-2": 1.0, "us-west-1": 1.12, "ca-central-1": 1.06,
    "eu-west-1": 1.1, "eu-west-2": 1.14, "eu-west-3": 1.15, "eu-central-1": 1.16,
    "eu-north-1": 1.05, "ap-southeast-1": 1.22, "ap-northeast-1": 1.27, "sa-east-1": 1.55,
}
AWS_BIG_REGIONS = {"us-east-1", "us-east-2", "us-west-2", "eu-north-1", "ap-northeast-1"}


def aws(regions):
    rows = []
    for name, cpu, mem, g, gpu, gm, price, group in AWS:
        for loc, f in regions.items():
            if group == "big" and loc not in AWS_BIG_REGIONS:
                continue
            arch = "arm" if group == "arm" else "x86"
            rows.append(Row(name, loc, round(price * f, 6), cpu, mem, g, gpu, gm, arch=arch))
    return with_spot(rows)


# GCP: machine types (vCPU, GiB, gpus, gpu, GiB/GPU, us-central1 $/h)
GCP = [
    ("e2-medium", 2, 4, 0, None, None, 0.0335),
    ("e2-standard-2", 2, 8, 0, None, None, 0.067),
    ("e2-standard-4", 4, 16, 0, None, None, 0.134),
    ("e2-standard-8", 8, 32, 0, None, None, 0.268),
    ("e2-highmem-4", 4, 32, 0, None, None, 0.1808),
    ("n2-standard-2", 2, 8, 0, None, None, 0.0971),
    ("n2-standard-4", 4, 16, 0, None, None, 0.1942),
    ("n2-standard-8", 8, 32, 0, None, None, 0.3885),
    ("n2-standard-16", 16, 64, 0, None, None, 0.7769),
    ("c4-standard-4", 4, 15, 0, None, None, 0.1963),
    ("n1-standard-4", 4, 15, 0, None, None, 0.19),  # CPU-only n1 is not a dstack family
    ("n1-standard-4", 4, 15, 1, "T4", 16, 0.54),
    ("n1-standard-8", 8, 30, 2, "T4", 16, 1.08),
    ("n1-standard-8", 8, 30, 1, "V100", 16, 2.86),
    ("n1-standard-4", 4, 15, 1, "P100", 16, 1.65),  # P100 is excluded by dstack
    ("g2-standard-4", 4, 16, 1, "L4", 24, 0.7068),
    ("g2-standard-8", 8, 32, 1, "L4", 24, 0.8536),
    ("g2-standard-48", 48, 192, 4, "L4", 24, 3.9996),
    ("a2-highgpu-1g", 12, 85, 1, "A100", 40, 3.6734),
    ("a2-highgpu-2g", 24, 170, 2, "A100", 40, 7.3469),
    ("a2-highgpu-8g", 96, 680, 8, "A100", 40, 29.3876),
    ("a2-ultragpu-1g", 12, 170, 1, "A100", 80, 5.0688),
    ("a2-ultragpu-8g", 96, 1360, 8, "A100", 80, 40.5504),
    ("a3-highgpu-8g", 208, 1872, 8, "H100", 80, 88.49),
]
# TPU slices: (name, host vCPU, host GiB, $/chip/h, chips)
TPUS = [
    ("v2-8", 96, 334, 0.5625, 8),
    ("v5litepod-1", 24, 48, 1.2, 1),
    ("v5litepod-4", 112, 192, 1.2, 4),
    ("v5litepod-8", 224, 384, 1.2, 8),
    ("v5litepod-16", 224, 384, 1.2, 16),  # multi-host: dstack skips it
    ("v6e-1", 44, 176, 2.7, 1),
    ("v6e-8", 180, 1440, 2.7, 8),
    ("v4-8", 240, 407, 3.22, 4),  # v4 is not supported by dstack
]
GCP_ZONES = {
    "us-central1": (["a", "b", "c", "f"], 1.0),
    "us-east1": (["b", "c", "d"], 1.0),
    "us-east4": (["a", "b", "c"], 1.13),
    "us-west1": (["a", "b"], 1.0),
    "us-west4": (["a", "b"], 1.12),
    "europe-west1": (["b", "c"], 1.1),
    "europe-west4": (["a", "b", "c"], 1.1),
    "asia-southeast1": (["a", "b"], 1.23),
    "asia-northeast1": (["a"], 1.28),
    "me-central1": (["a"], 1.35),  # not in dstack's default region list
}
GCP_TPU_ZONES = {"us-central1-a", "us-east1-d", "us-west4-a", "europe-west4-a", "asia-northeast1-a"}
GCP_GPU_ZONES = {"a2-": {"a", "b", "c"}, "a3-": {"a", "c"}}


def gcp(zones):
    rows = []
    base = {"is_dws_calendar_mode": False}
    for name, cpu, mem, g, gpu, gm, price in GCP:
        for region, (letters, f) in zones.items():
            for z in letters:
                prefix = name[:3]
                if prefix in GCP_GPU_ZONES and z not in GCP_GPU_ZONES[prefix]:
                    continue
                rows.append(Row(name, f"{region}-{z}", round(price * f, 6), cpu, mem, g, gpu, gm,
                                data=dict(base)))
    for name, cpu, mem, per_chip, chips in TPUS:
        for region, (letters, f) in zones.items():
            for z in letters:
                zone = f"{region}-{z}"
                if zone not in GCP_TPU_ZONES:
                    continue
                rows.append(Row(name, zone, round(per_chip * chips * f, 6), cpu, mem, 1, name,
                                16.0 * chips, vendor="google", data=dict(base)))
    return with_spot(rows)


# Azure: (size, vCPU, GiB, gpus, gpu, GiB/GPU, eastus $/h)
AZURE = [
    ("Standard_D2s_v6", 2, 8, 0, None, None, 0.101),
    ("Standard_D4s_v6", 4, 16, 0, None, None, 0.202),
    ("Standard_D8s_v6", 8, 32, 0, None, None, 0.404),
    ("Standard_E4s_v6", 4, 32, 0, None, None, 0.265),
    ("Standard_F4s_v2", 4, 8, 0, None, None, 0.169),
    ("Standard_F16s_v2", 16, 32, 0, None, None, 0.677),
    ("Standard_D4s_v3", 4, 16, 0, None, None, 0.192),  # older series dstack does not use
    ("Standard_NC4as_T4_v3", 4, 28, 1, "T4", 16, 0.526),
    ("Standard_NC64as_T4_v3", 64, 440, 4, "T4", 16, 4.352),
    ("Standard_NC6s_v3", 6, 112, 1, "V100", 16, 3.06),
    ("Standard_NV6ads_A10_v5", 6, 55, 1, "A10", 4, 0.454),  # a sixth of an A10
    ("Standard_NV36ads_A10_v5", 36, 440, 1, "A10", 24, 3.2),
    ("Standard_NC24ads_A100_v4", 24, 220, 1, "A100", 80, 3.673),
    ("Standard_NC48ads_A100_v4", 48, 440, 2, "A100", 80, 7.346),
    ("Standard_NC96ads_A100_v4", 96, 880, 4, "A100", 80, 14.692),
    ("Standard_ND96asr_v4", 96, 900, 8, "A100", 40, 27.197),
    ("Standard_ND96amsr_A100_v4", 96, 1900, 8, "A100", 80, 32.77),
    ("Standard_NC40ads_H100_v5", 40, 320, 1, "H100NVL", 94, 6.98),
    ("Standard_ND96isr_H200_v5", 96, 1850, 8, "H200", 141, 84.8),
]
AZURE_REGIONS = {
    "eastus": 1.0, "eastus2": 1.0, "westus2": 1.0, "westus3": 1.0, "southcentralus": 1.02,
    "northeurope": 1.08, "westeurope": 1.12, "uksouth": 1.12, "swedencentral": 1.05,
    "southeastasia": 1.2, "japaneast": 1.27, "centralindia": 1.1,
}


def azure(regions):
    rows = [Row(n, loc, round(p * f, 6), c, m, g, gpu, gm)
            for n, c, m, g, gpu, gm, p in AZURE for loc, f in regions.items()]
    return with_spot(rows)


# Lambda: (type, vCPU, RAM as gpuhunt stores it, gpus, gpu, GiB/GPU, $/h, disk GB, arch)
LAMBDA = [
    ("gpu_1x_rtx6000", 14, 49.404, 1, "RTX6000", 24, 0.5, 549.888, "x86"),
    ("gpu_1x_a10", 30, 214.8, 1, "A10", 24, 0.75, 1503.6, "x86"),
    ("gpu_1x_a100_sxm4", 30, 214.8, 1, "A100", 40, 1.29, 549.888, "x86"),
    ("gpu_8x_a100_80gb_sxm4", 240, 1933.2, 8, "A100", 80, 14.32, 21037.6, "x86"),
    ("gpu_1x_h100_pcie", 26, 214.8, 1, "H100", 80, 2.49, 1099.776, "x86"),
    ("gpu_8x_h100_sxm5", 208, 1933.2, 8, "H100", 80, 23.92, 26207.4, "x86"),
    ("gpu_8x_v100", 88, 481.152, 8, "V100", 16, 4.4, 6442.0, "x86"),
    ("gpu_1x_gh200", 64, 463.92, 1, "GH200", 96, 1.49, 4187.0, "arm"),
    ("gpu_8x_b200_sxm6", 208, 2900.0, 8, "B200", 180, 39.92, 23622.0, "x86"),
]
LAMBDA_REGIONS = ["us-east-1", "us-west-1", "us-west-2", "us-south-1", "us-midwest-1",
                  "europe-central-1", "asia-northeast-1", "asia-south-1", "me-west-1"]


def lambdalabs(regions):
    rows = []
    for n, c, m, g, gpu, gm, p, disk, arch in LAMBDA:
        for loc in regions:
            flags = "lambda-arm" if arch == "arm" else ""
            rows.append(Row(n, loc, p, c, m, g, gpu, gm, disk=disk, arch=arch, flags=flags))
    return rows


# Nebius: (platform preset, vCPU, GiB, gpus, gpu, GiB/GPU, on-demand $/h, preemptible $/h)
NEBIUS = [
    ("cpu-e2 2vcpu-8gb", 2, 8, 0, None, None, 0.0532, 0.0211),
    ("cpu-e2 4vcpu-16gb", 4, 16, 0, None, None, 0.1064, 0.0422),
    ("cpu-d3 4vcpu-16gb", 4, 16, 0, None, None, 0.1188, 0.0473),
    ("cpu-d3 16vcpu-64gb", 16, 64, 0, None, None, 0.4752, 0.18967),
    ("gpu-l40s-a 1gpu-8vcpu-32gb", 8, 32, 1, "L40S", 48, 1.5516, 0.70043),
    ("gpu-h100-sxm 1gpu-16vcpu-200gb", 16, 200, 1, "H100", 80, 2.95, 1.25001),
    ("gpu-h100-sxm 8gpu-128vcpu-1600gb", 128, 1600, 8, "H100", 80, 23.6, 10.00011),
    ("gpu-h200-sxm 1gpu-16vcpu-200gb", 16, 200, 1, "H200", 141, 3.5, 1.45),
    ("gpu-h200-sxm 8gpu-128vcpu-1600gb", 128, 1600, 8, "H200", 141, 28.0, 11.6027),
    ("gpu-b200-sxm 8gpu-160vcpu-1792gb", 160, 1792, 8, "B200", 180, 44.0, 20.12345),
    ("gpu-v100-sxm 1gpu-8vcpu-32gb", 8, 32, 1, "V100", 32, 0.9, 0.4),  # unsupported platform
]
NEBIUS_REGIONS = {"eu-north1": ["fabric-2", "fabric-3"], "eu-west1": ["fabric-5"],
                  "us-central1": ["us-central1-a"]}


def nebius(regions):
    rows = []
    for n, c, m, g, gpu, gm, p, sp in NEBIUS:
        for loc, fabrics in regions.items():
            fab = fabrics if n.endswith(("8gpu-128vcpu-1600gb", "8gpu-160vcpu-1792gb")) else []
            data = {"fabrics": fab, "is_preemptible_flat_rate": False}
            rows.append(Row(n, loc, p, c, m, g, gpu, gm, data=data))
            rows.append(Row(n, loc, sp, c, m, g, gpu, gm, spot=True, data=dict(data)))
    return rows


# OCI: (shape, vCPU, GiB, gpus, gpu, GiB/GPU, $/h, vendor)
OCI = [
    ("VM.Standard2.1", 2, 15, 0, None, None, 0.0638, None),
    ("VM.Standard2.4", 8, 60, 0, None, None, 0.2552, None),
    ("VM.Standard2.8", 16, 120, 0, None, None, 0.5104, None),
    ("VM.Standard.E4.Flex", 2, 16, 0, None, None, 0.05, None),  # flexible shapes are skipped
    ("BM.Standard.E4.128", 256, 2048, 0, None, None, 3.2, None),
    ("VM.GPU3.1", 12, 90, 1, "V100", 16, 2.95, None),
    ("VM.GPU.A10.1", 30, 240, 1, "A10", 24, 2.0, None),
    ("VM.GPU.A10.2", 60, 480, 2, "A10", 24, 4.0, None),
    ("BM.GPU4.8", 128, 2048, 8, "A100", 40, 24.4, None),
    ("BM.GPU.H100.8", 224, 2048, 8, "H100", 80, 80.0, None),  # needs experimental_instance_types
    ("BM.GPU.MI300X.8", 224, 2048, 8, "MI300X", 192, 48.0, "amd"),
]
OCI_REGIONS = ["us-ashburn-1", "us-phoenix-1", "eu-frankfurt-1", "uk-london-1", "ap-tokyo-1"]


def oci(regions):
    rows = []
    for n, c, m, g, gpu, gm, p, vendor in OCI:
        for loc in regions:
            rows.append(Row(n, loc, p, c, m, g, gpu, gm, vendor=vendor))
            rows.append(Row(n, loc, round(p / 2, 6), c, m, g, gpu, gm, spot=True, vendor=vendor,
                            flags="oci-spot"))
    return rows


# Runpod: (GPU type id, gpu, GiB/GPU, vendor, secure $/GPU/h, community $/GPU/h, counts)
RUNPOD_GPUS = [
    ("NVIDIA GeForce RTX 4090", "RTX4090", 24, "nvidia", 0.69, 0.34, [1, 2, 4, 8]),
    ("NVIDIA RTX A6000", "A6000", 48, "nvidia", 0.49, 0.33, [1, 2, 4, 8]),
    ("NVIDIA L40S", "L40S", 48, "nvidia", 0.86, 0.79, [1, 2, 4, 8]),
    ("NVIDIA A100 80GB PCIe", "A100", 80, "nvidia", 1.64, 1.19, [1, 2, 4, 8]),
    ("NVIDIA H100 80GB HBM3", "H100", 80, "nvidia", 2.99, 2.69, [1, 2, 4, 8]),
    ("NVIDIA H100 NVL", "H100NVL", 94, "nvidia", 2.79, 2.59, [1, 2]),
    ("AMD Instinct MI300X OAM", "MI300X", 192, "amd", 2.49, None, [1, 2, 4, 8]),
]
RUNPOD_CPU = [("cpu3c-2-4", 2, 4, 0.06, 20), ("cpu3c-8-16", 8, 16, 0.24, 80),
              ("cpu5c-4-8", 4, 8, 0.14, 40)]
RUNPOD_SECURE = ["US-TX-3", "US-GA-1", "EU-RO-1", "EU-SE-1", "CA-MTL-1"]
RUNPOD_COMMUNITY = ["US", "CA", "SE", "RO"]


def runpod(secure, community):
    rows = []
    for tid, gpu, gm, vendor, sp, cp, counts in RUNPOD_GPUS:
        for loc in secure + community:
            per = sp if "-" in loc else cp
            if per is None or frac("runpod-avail", tid, loc) < 0.25:
                continue
            for n in counts:
                rows.append(Row(tid, loc, round(per * n, 6), 8 * n, 31 * n, n, gpu, gm,
                                vendor=vendor))
                if vendor == "nvidia":
                    rows.append(Row(tid, loc, round(per * n * 0.6, 6), 8 * n, 31 * n, n, gpu, gm,
                                    spot=True))
        if gpu == "H100":  # instant clusters: 8-GPU pods in groups
            for loc in secure[:2]:
                rows.append(Row(tid, loc, 8 * 2.99, 128, 1024, 8, gpu, gm, flags="runpod-cluster",
                                data={"pod_counts": [2, 4]}))
    for name, c, m, p, disk in RUNPOD_CPU:
        for loc in secure:
            rows.append(Row(name, loc, p, c, m, disk=disk, flags="runpod-cpu"))
    return rows


# Verda (formerly DataCrunch): (type, vCPU, GiB, gpus, gpu, GiB/GPU, $/h)
VERDA = [
    ("CPU.4V.16G", 4, 16, 0, None, None, 0.035),
    ("CPU.16V.64G", 16, 64, 0, None, None, 0.14),
    ("1V100.6V", 6, 23, 1, "V100", 16, 0.39),
    ("1A100.22V", 22, 120, 1, "A100", 80, 1.29),
    ("8A100.176V", 176, 960, 8, "A100", 80, 10.32),
    ("1H100.80S.30V", 30, 120, 1, "H100", 80, 2.19),
    ("8H100.80S.176V", 176, 1480, 8, "H100", 80, 17.52),
    ("1H200.141S.44V", 44, 185, 1, "H200", 141, 3.59),
]
VERDA_REGIONS = ["FIN-01", "FIN-02", "ICE-01"]


def verda(regions):
    rows = [Row(n, loc, p, c, m, g, gpu, gm) for n, c, m, g, gpu, gm, p in VERDA for loc in regions]
    return with_spot(rows)


def cloudrift():
    return [
        Row("rtx49-8c-nr.1", "us-east-nc-nr-1", 0.39, 8, 48, 1, "RTX4090", 24, disk=500),
        Row("rtx49-16c-nr.2", "us-east-nc-nr-1", 0.78, 16, 96, 2, "RTX4090", 24, disk=1000),
        Row("rtx59-16c-nr.1", "us-central-tx-1", 0.65, 16, 64, 1, "RTX5090", 32, disk=800),
    ]


def fixture_extras():
    """Edge rows for the differential test (all are real shapes of gpuhunt data)."""
    gcp_rows = [
        # reservation-only calendar-mode rows are hidden unless a reservation is set
        Row("a3-highgpu-8g", "us-central1-b", 70.0, 208, 1872, 8, "H100", 80,
            flags="gcp-dws-calendar-mode", data={"is_dws_calendar_mode": True}),
        # rows behind a flag dstack does not ask for are invisible to it
        Row("g4-standard-48", "us-central1-a", 4.5, 48, 180, 1, "RTXPRO6000", 96,
            flags="gcp-g4-preview", data={"is_dws_calendar_mode": False}),
    ]
    return {"gcp": gcp_rows}


def write(out: Path, provider: str, rows, extra_lines=()):
    rows = sorted(rows, key=lambda r: r.price)  # published files are sorted by price
    lines = [HEADER] + [r.line() for r in rows] + list(extra_lines)
    (out / f"{provider}.csv").write_text("\n".join(lines) + "\n")
    return len(rows)


def main(argv):
    fixture = "--fixture" in argv
    args = [a for a in argv if not a.startswith("--")]
    out = Path(args[0] if args else Path(__file__).parent)
    out.mkdir(parents=True, exist_ok=True)
    if not fixture:
        counts = {
            "aws": write(out, "aws", aws(AWS_REGIONS)),
            "gcp": write(out, "gcp", gcp(GCP_ZONES)),
            "azure": write(out, "azure", azure(AZURE_REGIONS)),
            "lambdalabs": write(out, "lambdalabs", lambdalabs(LAMBDA_REGIONS)),
            "nebius": write(out, "nebius", nebius(NEBIUS_REGIONS)),
            "oci": write(out, "oci", oci(OCI_REGIONS)),
            "runpod": write(out, "runpod", runpod(RUNPOD_SECURE, RUNPOD_COMMUNITY)),
            "verda": write(out, "verda", verda(VERDA_REGIONS)),
        }
    else:
        extras = fixture_extras()
        aws_regions = {k: AWS_REGIONS[k] for k in ["us-east-1", "eu-west-1", "ap-northeast-1"]}
        gcp_zones = {k: GCP_ZONES[k] for k in ["us-central1", "europe-west4", "me-central1"]}
        az = {k: AZURE_REGIONS[k] for k in ["eastus", "japaneast"]}
        counts = {
            "aws": write(out, "aws", aws(aws_regions)),
            "gcp": write(out, "gcp", gcp(gcp_zones) + extras["gcp"]),
            "azure": write(out, "azure", azure(az)),
            "lambdalabs": write(out, "lambdalabs", lambdalabs(["us-east-1", "europe-central-1"])),
            "nebius": write(out, "nebius", nebius({"eu-north1": ["fabric-3"]})),
            "oci": write(out, "oci", oci(["us-ashburn-1"])),
            "runpod": write(out, "runpod", runpod(["US-TX-3", "EU-RO-1"], ["US"])),
            "verda": write(out, "verda", verda(["FIN-01"])),
            # malformed rows gpuhunt skips: bad number, bad vendor, missing field;
            # plus a legacy TPU-less vendor-less GPU row that becomes NVIDIA
            "cloudrift": write(out, "cloudrift", cloudrift(), [
                "broken-1,us-east-nc-nr-1,abc,8,48,1,RTX4090,24,False,500,nvidia,,x86,{}",
                "broken-2,us-east-nc-nr-1,0.5,8,48,1,RTX4090,24,False,500,acme,,x86,{}",
                "broken-3,us-east-nc-nr-1,0.5,8",
                "legacy-1,us-east-nc-nr-1,0.45,8,48,1,RTX3090,24,false,400,,,,",
            ]),
        }
    total = sum(counts.values())
    print(f"{out}: {total} rows " + " ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main(sys.argv[1:])
