#!/usr/bin/env bash
# Regenerate tests/conformance/verdicts.jsonl: dstack 0.22.5's own verdict on every
# conformance case (see conformance_verdicts.py for exactly which steps run).
#
# Virtualenv, first match wins:
#   $DSTACK_VENV                   if set (created there if missing);
#   /work/venv-dstack              if it exists (the shared one on the dev machine);
#   tests/tools/.venv-dstack       otherwise (created on first run, git-ignored).
# Needs network access to PyPI only when the virtualenv has to be created.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dstack_spec='dstack[server]==0.22.5'

if [[ -n "${DSTACK_VENV:-}" ]]; then
  venv="$DSTACK_VENV"
elif [[ -x /work/venv-dstack/bin/python ]]; then
  venv=/work/venv-dstack
else
  venv="$here/.venv-dstack"
fi

if ! "$venv/bin/python" -c 'import dstack.version as v, sys; sys.exit(v.__version__ != "0.22.5")' 2>/dev/null; then
  echo "setting up $venv with $dstack_spec" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "$dstack_spec"
fi

out="$repo/tests/conformance/verdicts.jsonl"
"$venv/bin/python" "$here/conformance_verdicts.py" --cases "$repo/tests/conformance/cases" --out "$out"
echo "wrote $out ($(wc -l < "$out") cases)" >&2
