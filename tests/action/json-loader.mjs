// Node.js module hook that loads .json modules as JSON. @actions/workflow-parser and
// @actions/languageservice 0.3.61 import JSON without `with { type: "json" }`, which
// Node.js 20 rejects (checked with 20.20).
export async function load(url, context, nextLoad) {
  if (url.endsWith(".json")) {
    return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: "json" } });
  }
  return nextLoad(url, context);
}
