// Runs a py2wasm output under Node's built-in WASI (node:wasi):
//   node examples/node/run.mjs app.wasm [args...]
// The current directory is the program's (mapped at /home, as `wasmer run
// --dir=.` maps it); the program gets Node's environment and exit code.
import { readFile } from "node:fs/promises";
import { WASI } from "node:wasi";
import process from "node:process";

const [path, ...args] = process.argv.slice(2);
if (!path) {
  console.error("usage: node run.mjs app.wasm [args...]");
  process.exit(2);
}
const wasi = new WASI({
  version: "preview1",
  args: [path, ...args],
  env: { ...process.env, PWD: "/home" },
  preopens: { "/home": process.cwd() },
  returnOnExit: true,
});
const module = await WebAssembly.compile(await readFile(path));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
