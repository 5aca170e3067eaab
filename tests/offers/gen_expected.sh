#!/usr/bin/env bash
# Regenerates tests/offers/expected.jsonl with dstack's own offer code (dstack 0.22.5, which
# pins gpuhunt 0.1.34). Creates a virtualenv on first use; no network is used by the run itself.
#   OFFERS_VENV=/path/to/venv tests/offers/gen_expected.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${OFFERS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/dstack-lsp/venv-offers}"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
# The cloud extras are needed only so that each backend's Compute module imports.
if ! "$venv/bin/python" -c "import dstack, gpuhunt, azure.identity, oci, nebius, verda" 2>/dev/null; then
    "$venv/bin/pip" install --quiet "dstack[server,aws,azure,gcp,oci,nebius,lambda,verda]==0.22.5"
fi
"$venv/bin/python" -c "import gpuhunt.version as v; assert v.__version__ == '0.1.34', v.__version__" 2>/dev/null \
    || "$venv/bin/python" -c "import importlib.metadata as m; assert m.version('gpuhunt') == '0.1.34', m.version('gpuhunt')"
cd "$here/../.." && "$venv/bin/python" "$here/gen_expected.py"
