#!/usr/bin/env python3
"""A tiny stand-in LSP server (stdlib only) for checking the editor harnesses
themselves: it answers with one diagnostic, a completion list, a hover and an
offers table shaped like dstack-lsp's, so a harness failure against it is a
harness bug, not a server one. Usage: fake_server.py [serve]; logs to stderr."""
import json
import sys


def read():
    headers = {}
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            return None
        line = line.decode().strip()
        if not line:
            break
        key, _, value = line.partition(':')
        headers[key.lower()] = value.strip()
    return json.loads(sys.stdin.buffer.read(int(headers['content-length'])))


def send(msg):
    body = json.dumps(msg).encode()
    sys.stdout.buffer.write(b'Content-Length: %d\r\n\r\n' % len(body) + body)
    sys.stdout.buffer.flush()


def diagnose(uri, text):
    diags = []
    for n, line in enumerate(text.splitlines()):
        if line.startswith('max_duration:') and not line.split(':', 1)[1].strip()[:1].isdigit():
            start = line.index(':') + 2
            diags.append({'range': {'start': {'line': n, 'character': start}, 'end': {'line': n, 'character': len(line)}},
                          'severity': 1, 'source': 'fake-dstack', 'message': 'max_duration must be a duration, e.g. 2h'})
    send({'jsonrpc': '2.0', 'method': 'textDocument/publishDiagnostics', 'params': {'uri': uri, 'diagnostics': diags}})


def main():
    texts = {}
    while True:
        msg = read()
        if msg is None:
            return
        method, mid, params = msg.get('method'), msg.get('id'), msg.get('params') or {}
        sys.stderr.write('fake <- %s\n' % method)
        if method == 'initialize':
            send({'jsonrpc': '2.0', 'id': mid, 'result': {'capabilities': {
                'textDocumentSync': 1, 'hoverProvider': True, 'completionProvider': {'triggerCharacters': [':']},
                'executeCommandProvider': {'commands': ['dstack.offers']}}}})
        elif method in ('textDocument/didOpen', 'textDocument/didChange'):
            doc = params['textDocument']
            texts[doc['uri']] = doc['text'] if 'text' in doc else params['contentChanges'][-1]['text']
            diagnose(doc['uri'], texts[doc['uri']])
        elif method == 'textDocument/completion':
            items = [{'label': p, 'kind': 10, 'detail': 'resources property'} for p in ('cpu', 'memory', 'shm_size', 'disk')]
            send({'jsonrpc': '2.0', 'id': mid, 'result': {'isIncomplete': False, 'items': items}})
        elif method == 'textDocument/hover':
            send({'jsonrpc': '2.0', 'id': mid, 'result': {'contents': {
                'kind': 'markdown', 'value': '**python** (fake)\n\nThe major version of Python to run with.'}}})
        elif method == 'workspace/executeCommand':
            offers = [{'backend': 'aws', 'region': 'us-east-1', 'instance': 'g5.xlarge',
                       'gpu': {'name': 'A10G', 'memory': '24GB', 'count': 1}, 'price': 1.006, 'spot': False}]
            send({'jsonrpc': '2.0', 'id': mid, 'result': {'offers': offers, 'total': 1}})
        elif method == 'shutdown':
            send({'jsonrpc': '2.0', 'id': mid, 'result': None})
        elif method == 'exit':
            return
        elif mid is not None and method is not None:
            send({'jsonrpc': '2.0', 'id': mid, 'result': None})


if __name__ == '__main__':
    main()
