// Parses every Terraform file named on standard input (one path per line) with
// @cdktf/hcl2json, one after another, as the HCL parsing cost of a Node.js scanner.
// Prints the number of files parsed and the number that failed.
"use strict";
const fs = require("fs");
const path = require("path");
const { parse } = require(path.join(__dirname, "..", "node_modules", "@cdktf", "hcl2json"));

async function main() {
  const files = fs.readFileSync(0, "utf8").split("\n").filter(Boolean);
  let failed = 0;
  for (const file of files) {
    try {
      await parse(file, fs.readFileSync(file, "utf8"));
    } catch (error) {
      failed += 1;
    }
  }
  console.log(`hcl2json: ${files.length} files, ${failed} failed`);
}

main();
