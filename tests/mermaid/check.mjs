// Parses every ```mermaid block of the Markdown files given on the command line with
// Mermaid's own parser. Exits 1, naming the file and block, when one does not parse.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

// Mermaid sanitises labels with DOMPurify, which needs a DOM.
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');

let failed = 0;
let checked = 0;
for (const path of process.argv.slice(2)) {
  const text = readFileSync(path, 'utf8');
  const blocks = [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((match) => match[1]);
  for (const [index, block] of blocks.entries()) {
    checked += 1;
    try {
      await mermaid.parse(block);
    } catch (error) {
      failed += 1;
      console.log(`${path}: mermaid block ${index + 1} does not parse: ${String(error.message).split('\n').slice(0, 3).join(' ')}`);
    }
  }
}
console.log(`${checked} mermaid blocks checked, ${failed} failed`);
process.exit(failed || checked === 0 ? 1 : 0);
