// VS Code glue: find the dstack-lsp binary, start it for dstack files, forward
// settings, and offer the "Show matching offers" and "Restart server" commands.
// Everything that can be decided without VS Code lives in the other modules.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  ExecuteCommandSignature,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

import { addRetrigger } from './completion';
import { DOCUMENT_SELECTOR, FILE_GLOB, isDstackFile } from './files';
import { renderOffersHtml } from './offers-html';
import { findServer, INSTALL_GUIDE_URL, ServerSource } from './server-path';
import { configurationItem, needsRestart, ServerSettings, serverSettings } from './settings';
import { ServerState, statusView } from './status';

const SOURCE_LABEL: Record<ServerSource, string> = {
  setting: 'from dstack.server.path',
  bundled: 'bundled with the extension',
  venv: 'from a virtualenv',
  path: 'found on PATH',
};

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let status: vscode.StatusBarItem;
let serverDetail = '';
let offersPanel: vscode.WebviewPanel | undefined;
// Serialises start/stop so that quick restarts do not overlap.
let lifecycle: Promise<void> = Promise.resolve();

function workspaceDir(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (process.platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

function currentSettings(): ServerSettings {
  const config = vscode.workspace.getConfiguration('dstack');
  return serverSettings((key) => config.get(key), {
    homeDir: os.homedir(),
    workspaceDir: workspaceDir(),
    platform: process.platform,
  });
}

function setStatus(state: ServerState, detail = serverDetail): void {
  const view = statusView(state, detail);
  status.text = view.text;
  status.tooltip = view.tooltip;
  status.backgroundColor = view.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  status.show();
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const configured = vscode.workspace.getConfiguration('dstack').get<string>('server.path') ?? '';
  const found = findServer({
    configured,
    extensionDir: context.extensionPath,
    workspaceDir: workspaceDir(),
    platform: process.platform,
    arch: process.arch,
    envPath: process.env.PATH ?? '',
    virtualEnv: process.env.VIRTUAL_ENV,
    homeDir: os.homedir(),
    isExecutable,
  });
  if (found.kind === 'missing') {
    serverDetail = found.message;
    setStatus('missing');
    output.appendLine(found.message);
    // One notification, not a failed start: the server is simply not installed yet.
    const buttons = found.reason === 'none' ? ['Open install guide', 'Open Settings'] : ['Open Settings'];
    const choice = await vscode.window.showErrorMessage(found.message, ...buttons);
    if (choice === 'Open install guide') {
      await vscode.env.openExternal(vscode.Uri.parse(INSTALL_GUIDE_URL));
    } else if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'dstack.server.path');
    }
    return;
  }
  serverDetail = `${found.command} (${SOURCE_LABEL[found.source]})`;
  output.appendLine(`Starting ${serverDetail}`);

  const serverOptions: ServerOptions = {
    command: found.command,
    args: ['serve'],
    options: { cwd: workspaceDir() },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    initializationOptions: currentSettings(),
    middleware: {
      executeCommand: interceptCommand,
      provideCompletionItem: async (document, position, context, token, next) => {
        const result = await next(document, position, context, token);
        if (result) {
          addRetrigger(Array.isArray(result) ? result : result.items);
        }
        return result;
      },
      workspace: {
        // The server pulls settings: answer from the mapped settings, not VS Code's raw section.
        configuration: (params) => params.items.map((item) => configurationItem(currentSettings(), item.section)),
        // Whatever triggers a push (our listener or a server registration), send the mapped settings.
        didChangeConfiguration: () => pushSettings(),
      },
    },
  };
  const next = new LanguageClient('dstack', 'dstack', serverOptions, clientOptions);
  next.onDidChangeState((e) => {
    if (e.newState === State.Running) {
      setStatus('running', `${serverDetail}\nstarted at ${new Date().toLocaleTimeString()}`);
    } else if (e.newState === State.Starting) {
      setStatus('starting');
    } else if (client === next) {
      setStatus('stopped');
    }
  });
  client = next;
  setStatus('starting');
  try {
    await next.start();
    await pushSettings();
  } catch (err) {
    setStatus('failed', `${serverDetail}\n${String(err)}`);
    output.appendLine(`dstack-lsp did not start: ${String(err)}`);
    vscode.window.showErrorMessage(`dstack-lsp did not start (${serverDetail}): ${errorText(err)}`, 'Show Log').then((c) => {
      if (c) {
        output.show();
      }
    });
  }
}

async function pushSettings(): Promise<void> {
  if (client?.isRunning()) {
    await client.sendNotification(DidChangeConfigurationNotification.type, { settings: currentSettings() });
  }
}

async function stopClient(): Promise<void> {
  const old = client;
  client = undefined;
  if (old) {
    try {
      await old.stop(2000);
    } catch (err) {
      output.appendLine(`stopping dstack-lsp: ${String(err)}`);
    }
  }
}

function queue(step: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(step, step);
  return lifecycle;
}

function restart(context: vscode.ExtensionContext): Promise<void> {
  return queue(async () => {
    await stopClient();
    await startClient(context);
  });
}

function showOffersPanel(result: unknown, uri: vscode.Uri): void {
  const title = path.basename(uri.path);
  if (!offersPanel) {
    offersPanel = vscode.window.createWebviewPanel('dstack.offers', `Offers: ${title}`, vscode.ViewColumn.Beside, {
      enableScripts: false,
    });
    offersPanel.onDidDispose(() => (offersPanel = undefined));
  }
  offersPanel.title = `Offers: ${title}`;
  offersPanel.webview.html = renderOffersHtml(result, { title, cspSource: offersPanel.webview.cspSource });
  offersPanel.reveal(vscode.ViewColumn.Beside, true);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function showOffers(context: vscode.ExtensionContext): Promise<void> {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || !isDstackFile(doc.uri.path)) {
    vscode.window.showWarningMessage('Open a dstack configuration (*.dstack.yml or .dstack.yml) to see its offers.');
    return;
  }
  if (!client) {
    await restart(context);
  }
  await lifecycle;
  const running = client;
  if (!running?.isRunning()) {
    vscode.window.showErrorMessage('dstack-lsp is not running. Run "dstack: Restart server" and check the dstack output.');
    return;
  }
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'dstack: finding offers' },
      () =>
        running.sendRequest(ExecuteCommandRequest.type, {
          command: 'dstack.offers',
          arguments: [doc.uri.toString()],
        }),
    );
    showOffersPanel(result, doc.uri);
  } catch (err) {
    vscode.window.showErrorMessage(`dstack: could not get offers: ${errorText(err)}`);
  }
}

/**
 * The server's code lenses run `dstack.offers` through the command the client
 * registers for it; show their answer in the same table instead of dropping it.
 */
async function interceptCommand(command: string, args: unknown[], next: ExecuteCommandSignature): Promise<unknown> {
  const result: unknown = await next(command, args);
  if (command === 'dstack.offers' && typeof args[0] === 'string') {
    showOffersPanel(result, vscode.Uri.parse(args[0]));
  }
  return result;
}

function hasOpenDstackFile(): boolean {
  return vscode.workspace.textDocuments.some((d) => isDstackFile(d.uri.path));
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('dstack');
  status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  status.name = 'dstack language server';
  status.command = 'dstack.showLog';
  context.subscriptions.push(output, status);

  context.subscriptions.push(
    vscode.commands.registerCommand('dstack.restartServer', () => restart(context)),
    vscode.commands.registerCommand('dstack.showOffers', () => showOffers(context)),
    vscode.commands.registerCommand('dstack.showLog', () => output.show()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('dstack') || (!client && !needsRestart((s) => e.affectsConfiguration(s)))) {
        return;
      }
      if (needsRestart((s) => e.affectsConfiguration(s))) {
        void restart(context);
      } else {
        void pushSettings();
      }
    }),
  );

  // Start lazily: `onLanguage:yaml` wakes us for every YAML file, but only dstack files need the server.
  // Once requested, the server is (re)started only by the restart command or a setting change.
  let requested = false;
  const startIfNeeded = (doc: vscode.TextDocument) => {
    if (!requested && isDstackFile(doc.uri.path)) {
      requested = true;
      void restart(context);
    }
  };
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(startIfNeeded));
  if (hasOpenDstackFile() || (await vscode.workspace.findFiles(FILE_GLOB, '**/node_modules/**', 1)).length > 0) {
    requested = true;
    await restart(context);
  }
}

export async function deactivate(): Promise<void> {
  await queue(stopClient);
}
