// SchemaStore's checks on dstack.schema.json, run with ajv the way SchemaStore's
// cli.js does: draft-07, strict mode, only the non-standard keywords SchemaStore
// allows for editors, then every positive test file must pass and every negative
// one must fail.
//
//   node schemas/check_schemastore.mjs [--ajv DIR]   (DIR holds node_modules/ajv, ajv-formats, js-yaml)
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const argAjv = process.argv.indexOf('--ajv');
const ajvDir = argAjv > 0 ? process.argv[argAjv + 1] : process.env.AJV_DIR || here;
const require = createRequire(path.join(path.resolve(ajvDir), 'package.json'));
const Ajv = require('ajv').default;
const addFormats = require('ajv-formats').default;
const jsYaml = require('js-yaml');

// SchemaStore cli.js: the editor keywords it tolerates under strict mode.
const EDITOR_KEYWORDS = [
  'allowTrailingCommas', 'defaultSnippets', 'markdownDescription', 'enumDescriptions',
  'markdownEnumDescriptions', 'x-taplo', 'x-taplo-info', 'x-intellij-language-injection',
  'x-intellij-html-description', 'x-intellij-enum-metadata',
];

const store = path.join(here, 'schemastore', 'src');
const schemaFile = path.join(store, 'schemas', 'json', 'dstack.json');
const failures = [];
const fail = (m) => failures.push(m);

// The SchemaStore copy is the generated schema with SchemaStore's $id: nothing else may differ.
const ours = JSON.parse(fs.readFileSync(path.join(here, 'dstack.schema.json'), 'utf8'));
const theirs = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
if (theirs.$id !== 'https://json.schemastore.org/dstack.json') fail(`${schemaFile}: $id must be https://json.schemastore.org/dstack.json`);
if (JSON.stringify({ ...ours, $id: theirs.$id }) !== JSON.stringify(theirs)) {
  fail(`${schemaFile} differs from schemas/dstack.schema.json beyond $id: cargo run -p dstack-model --example gen_schema -- --schemastore > schemas/schemastore/src/schemas/json/dstack.json`);
}
if (theirs.$schema !== 'http://json-schema.org/draft-07/schema#') fail('$schema must be draft-07');
for (const k of ['title', 'description']) if (typeof theirs[k] !== 'string' || theirs[k] === '') fail(`top-level ${k} missing`);

const ajv = new Ajv({ strict: true, allErrors: true });
addFormats(ajv);
for (const k of EDITOR_KEYWORDS) ajv.addKeyword(k);
let validate;
try {
  validate = ajv.compile(theirs);
} catch (e) {
  fail(`strict ajv rejects the schema: ${e.message}`);
}

// YAML test files: parsed with js-yaml (YAML 1.2), as SchemaStore's CLI and
// yaml-language-server read them (PyYAML's 1.1 booleans such as `off` differ).
const loadYaml = (file) => jsYaml.load(fs.readFileSync(file, 'utf8'));

let counted = 0;
if (validate) {
  for (const [dir, want] of [['test', true], ['negative_test', false]]) {
    const d = path.join(store, dir, 'dstack');
    const files = fs.readdirSync(d).filter((f) => /\.ya?ml$/.test(f)).sort();
    if (files.length === 0) fail(`no test files in ${d}`);
    for (const f of files) {
      counted++;
      const ok = validate(loadYaml(path.join(d, f)));
      if (ok !== want) {
        fail(`${dir}/dstack/${f}: expected ${want ? 'valid' : 'invalid'}` +
          (ok ? '' : `: ${ajv.errorsText(validate.errors, { separator: '; ' }).slice(0, 400)}`));
      }
    }
  }
}

// The catalog entry: SchemaStore's fields, our four file names.
const entry = JSON.parse(fs.readFileSync(path.join(here, 'schemastore', 'catalog-entry.json'), 'utf8'));
const wantMatch = ['*.dstack.yml', '*.dstack.yaml', '.dstack.yml', '.dstack.yaml'];
if (JSON.stringify(Object.keys(entry).sort()) !== JSON.stringify(['description', 'fileMatch', 'name', 'url'])) fail('catalog entry: name, description, fileMatch, url only');
if (JSON.stringify(entry.fileMatch) !== JSON.stringify(wantMatch)) fail(`catalog fileMatch must be ${wantMatch.join(', ')}`);
if (entry.url !== theirs.$id) fail('catalog url must equal the schema $id');

if (failures.length) {
  for (const m of failures) console.error(`FAIL ${m}`);
  process.exit(1);
}
console.log(`schemastore: strict ajv accepts dstack.json; ${counted} test files as expected; catalog entry ok`);
