// Renders the answer of the server's `dstack.offers` command as a static HTML
// page for a webview. Pure and script-free: the page needs no JavaScript.

export const MAX_ROWS = 500;

export interface RenderOptions {
  /** Shown as the heading, usually the configuration's file name. */
  title: string;
  /** The webview's `cspSource`, allowed for styles. */
  cspSource: string;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** One table cell's text. Nested values are flattened to `key: value` pairs. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'boolean') {
    return value ? 'yes' : 'no';
  }
  if (typeof value === 'number') {
    // Sizes like 549.8877 GiB read better as 549.9; small prices keep their cents and below.
    const digits = Math.abs(value) >= 10 ? 1 : 4;
    return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(digits)));
  }
  if (typeof value === 'string') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map(cellText).join(', ');
  }
  if (isRecord(value)) {
    return Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => `${k}: ${cellText(v)}`)
      .join(', ');
  }
  return String(value);
}

/** Splits the server's answer into the rows and everything else about them. */
export function splitOffers(result: unknown): { rows: Record<string, unknown>[]; info: Record<string, unknown> } {
  if (Array.isArray(result)) {
    return { rows: result.filter(isRecord), info: {} };
  }
  if (isRecord(result)) {
    // `offers` by name; otherwise the first list of objects, whatever it is called.
    const key =
      'offers' in result
        ? 'offers'
        : Object.keys(result).find((k) => {
            const v = result[k];
            return Array.isArray(v) && v.length > 0 && v.every(isRecord);
          });
    if (key === undefined) {
      return { rows: [], info: result };
    }
    const { [key]: list, ...info } = result;
    return { rows: Array.isArray(list) ? list.filter(isRecord) : [], info };
  }
  return { rows: [], info: {} };
}

/** Shown first when present, so that where and how much stay on screen in a narrow view. */
export const LEADING_COLUMNS = ['backend', 'region', 'instance', 'price', 'spot'];

/** Column names: the leading ones, then the rest in the order they first appear across the rows. */
export function columns(rows: Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      seen.add(key);
    }
  }
  const leading = LEADING_COLUMNS.filter((c) => seen.has(c));
  return [...leading, ...[...seen].filter((c) => !leading.includes(c))];
}

function header(key: string): string {
  return key.replace(/_/g, ' ');
}

export function renderOffersHtml(result: unknown, opts: RenderOptions): string {
  const { rows, info } = splitOffers(result);
  const cols = columns(rows);
  const shown = rows.slice(0, MAX_ROWS);

  // The server may send fewer rows than match; `count` is then the full number.
  const total = typeof info.count === 'number' && info.count >= rows.length ? info.count : rows.length;
  const infoItems = Object.entries(info)
    .filter(([k, v]) => v !== null && v !== undefined && v !== '' && k !== 'count')
    .map(([k, v]) => `<li><b>${escapeHtml(header(k))}</b>: ${escapeHtml(cellText(v))}</li>`)
    .join('');

  let body: string;
  if (shown.length === 0) {
    body = '<p class="empty">No offers match this configuration.</p>';
  } else {
    const head = cols.map((c) => `<th>${escapeHtml(header(c))}</th>`).join('');
    const lines = shown
      .map((row) => {
        const cells = cols.map((c) => {
          const v = row[c];
          const cls = typeof v === 'number' ? ' class="num"' : '';
          return `<td${cls}>${escapeHtml(cellText(v))}</td>`;
        });
        return `<tr>${cells.join('')}</tr>`;
      })
      .join('\n');
    body = `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${lines}\n</tbody>\n</table>`;
    if (total > shown.length) {
      body += `\n<p class="more">Showing the first ${shown.length} of ${total} offers.</p>`;
    }
  }

  const count = total === 1 ? '1 offer' : `${total} offers`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${escapeHtml(opts.cspSource)} 'unsafe-inline';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(opts.title)}</title>
<style>
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 2px 8px; border-bottom: 1px solid var(--vscode-panel-border, #8884); white-space: nowrap; }
th { position: sticky; top: 0; background: var(--vscode-editor-background); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr:hover td { background: var(--vscode-list-hoverBackground); }
.empty, .more { color: var(--vscode-descriptionForeground); }
</style>
</head>
<body>
<h2>Offers for ${escapeHtml(opts.title)} <small>(${count})</small></h2>
${infoItems ? `<ul class="info">${infoItems}</ul>` : ''}
${body}
</body>
</html>
`;
}
