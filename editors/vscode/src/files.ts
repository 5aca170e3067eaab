// Which files the extension serves. They stay in VS Code's `yaml` language, so
// YAML highlighting and other YAML extensions keep working on them.

export const FILE_GLOB = '**/{*.dstack.yml,*.dstack.yaml,.dstack.yml,.dstack.yaml}';

/** The client's document selector: YAML documents on disk (or unsaved) whose name matches. */
export const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'yaml', pattern: FILE_GLOB },
  { scheme: 'untitled', language: 'yaml', pattern: FILE_GLOB },
];

/** Same test as FILE_GLOB, on a path or URI path (`/` or `\` separators). */
export function isDstackFile(fsPath: string): boolean {
  const base = fsPath.split(/[\\/]/).pop() ?? '';
  // `.dstack.yml` itself and `<anything>.dstack.yml`; a plain `dstack.yml` is not ours.
  return /\.dstack\.ya?ml$/.test(base);
}
