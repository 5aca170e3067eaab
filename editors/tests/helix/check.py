#!/usr/bin/env python3
"""Helix check: installs editors/helix into a throw-away config dir, runs
`hx --health dstack`, then drives hx in tmux on the fixture and checks the
diagnostic, completion menu and hover, as seen on the screen and in Helix's log.

usage: check.py --hx HX --server DSTACK_LSP --expect expect.json --out OUT.json
                [--runtime HELIX_RUNTIME] [--state DIR] [--timeout S]
Exits 0 when every check passed, 1 otherwise."""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EDITORS = HERE.parent.parent


def tmux(*args, check=True):
    return subprocess.run(['tmux', '-L', SOCKET, *args], check=check, capture_output=True, text=True).stdout


def screen():
    return tmux('capture-pane', '-p', '-t', 'hx')


def keys(*k):
    tmux('send-keys', '-t', 'hx', *k)
    time.sleep(0.3)


def wait_for(probe, timeout):
    end = time.time() + timeout
    while time.time() < end:
        value = probe()
        if value:
            return value
        time.sleep(0.25)
    return None


def server_messages(log_path):
    """JSON payloads the server sent, from hx -v's log (`dstack-lsp <- {...}`)."""
    msgs = []
    try:
        text = Path(log_path).read_text(errors='replace')
    except OSError:
        return msgs
    for line in text.splitlines():
        m = re.search(r'dstack-lsp <- (\{.*\})\s*$', line)
        if m:
            try:
                msgs.append(json.loads(m.group(1)))
            except ValueError:
                pass
    return msgs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--hx', required=True)
    ap.add_argument('--server', required=True)
    ap.add_argument('--expect', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--runtime')
    ap.add_argument('--state', default='/tmp/dstack-editors/helix')
    ap.add_argument('--timeout', type=float, default=20)
    a = ap.parse_args()

    expect = json.loads(Path(a.expect).read_text())
    state = Path(a.state)
    shutil.rmtree(state, ignore_errors=True)
    config = state / 'config' / 'helix'
    config.mkdir(parents=True)
    # The shipped files, as the README tells users to install them; only the
    # server command points at the binary under test.
    toml = (EDITORS / 'helix' / 'languages.toml').read_text()
    toml = toml.replace('command = "dstack-lsp"', 'command = %s' % json.dumps(a.server))
    (config / 'languages.toml').write_text(toml)
    shutil.copytree(EDITORS / 'helix' / 'runtime', config / 'runtime')
    (config / 'config.toml').write_text('[editor]\nend-of-line-diagnostics = "hint"\n'
                                        '[editor.lsp]\ndisplay-messages = true\n')
    work = state / 'workspace'
    shutil.copytree(Path(a.expect).parent / Path(expect['file']).parent, work)
    target = work / Path(expect['file']).name

    env = dict(os.environ, HOME=str(state), XDG_CONFIG_HOME=str(state / 'config'),
               XDG_CACHE_HOME=str(state / 'cache'), XDG_DATA_HOME=str(state / 'data'), TERM='xterm-256color')
    if a.runtime:
        env['HELIX_RUNTIME'] = a.runtime

    report = {'editor': None, 'checks': {}, 'seen': {}, 'errors': []}
    check = report['checks'].__setitem__
    report['editor'] = subprocess.run([a.hx, '--version'], capture_output=True, text=True, env=env).stdout.strip()

    health = subprocess.run([a.hx, '--health', 'dstack'], capture_output=True, text=True, env=env, cwd=work)
    health_text = re.sub(r'\x1b\[[0-9;]*m', '', health.stdout)  # drop colours
    report['seen']['health'] = health_text
    check('hx --health dstack finds dstack-lsp',
          health.returncode == 0 and re.search(r'✓ dstack-lsp: ' + re.escape(a.server), health_text) is not None)
    check('hx --health dstack finds the highlight queries', re.search(r'Highlight queries: ✓', health_text) is not None)

    log = state / 'hx.log'
    global SOCKET
    SOCKET = 'dstack-hx-%d' % os.getpid()
    cmd = ' '.join(map(shlex_quote, [a.hx, '-v', '--log', str(log), str(target)]))
    env_args = [x for k in ('HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME', 'TERM', 'HELIX_RUNTIME')
                if k in env for x in ('-e', '%s=%s' % (k, env[k]))]
    tmux('new-session', '-d', '-s', 'hx', '-x', '110', '-y', '28', '-c', str(work), *env_args, cmd)
    try:
        # Diagnostics: published by the server (log) and drawn in the gutter (●).
        line = expect['diagnostic']['line']

        def diag_on_line():
            for m in server_messages(log):
                if m.get('method') == 'textDocument/publishDiagnostics':
                    if any(d['range']['start']['line'] == line - 1 for d in m['params']['diagnostics']):
                        return m['params']['diagnostics']
            return None
        diags = wait_for(diag_on_line, a.timeout)
        report['seen']['diagnostics'] = diags
        check('diagnostic on line %d' % line, diags)
        time.sleep(0.5)
        text = screen()
        report['seen']['diagnostics_screen'] = text
        check('diagnostic shown in the gutter', re.search(r'●\s+%d\b' % line, text) is not None)

        # Hover: go to line:col, space k. The file itself says "python" too, so
        # the popup counts only if the word shows up more often than before.
        keys('Escape')
        keys('%dG' % expect['hover']['line'], 'g', 'h')
        for _ in range(expect['hover']['col'] - 1):
            keys('l')
        want = expect['hover']['contains'].lower()
        before = screen().lower().count(want)
        keys('Space', 'k')

        def hover_shown():
            results = [m['result'] for m in server_messages(log)
                       if isinstance(m.get('result'), dict) and 'contents' in m['result']]
            text = screen()
            return (results, text) if results and text.lower().count(want) > before else None
        hover = wait_for(hover_shown, a.timeout)
        report['seen']['hover'] = hover[0][-1] if hover else None
        report['seen']['hover_screen'] = hover[1] if hover else screen()
        check('hover mentions "%s"' % expect['hover']['contains'],
              hover and want in json.dumps(hover[0][-1]).lower())
        keys('Escape')

        # Completion: end of the line (insert mode), C-x.
        keys('%dG' % expect['completion']['line'], 'A')
        keys('C-x')
        labels = expect['completion']['labels']
        comp_screen = wait_for(lambda: (lambda s: s if all(re.search(r'\b%s\b' % re.escape(l), s) for l in labels) else None)(screen()), a.timeout)
        report['seen']['completion_screen'] = comp_screen or screen()
        check('completion offers %s' % ', '.join(labels), comp_screen)
        keys('Escape')
        keys(':', 'q', '!', 'Enter')
    except Exception as e:  # report, never hang
        report['errors'].append(repr(e))
    finally:
        tmux('kill-server', check=False)
    report['log'] = str(log)
    report['ok'] = not report['errors'] and all(report['checks'].values())
    Path(a.out).write_text(json.dumps(report, indent=2) + '\n')
    print(report['editor'] or 'helix')
    for name, ok in report['checks'].items():
        print('  %s %s' % ('ok  ' if ok else 'FAIL', name))
    for e in report['errors']:
        print('  error: ' + e)
    return 0 if report['ok'] else 1


def shlex_quote(s):
    import shlex
    return shlex.quote(s)


SOCKET = 'dstack-hx'
if __name__ == '__main__':
    sys.exit(main())
