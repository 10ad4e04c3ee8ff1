// The playground page: the module being edited (WebAssembly text, or a
// binary opened from disk), the kite commands run on it in a worker
// (kite-worker.js), and their output as kite prints it.
import {examples} from './examples/examples.js';

const $ = (id) => document.getElementById(id);
const output = $('output');
const buttons = [ 'run', 'validate', 'disasm', 'ir' ].map($);
let binary = null; // {name, bytes} when a .wasm file is open
let worker = null;
let ready = null;

function startWorker() {
  worker = new Worker('kite-worker.js', {type : 'module'});
  ready = new Promise((resolve) => {
    worker.onmessage = ({data}) => {
      $('status').textContent =
          data.ready ? 'kite.wasm ready' : `kite.wasm failed to load: ${data.error}`;
      if (data.ready)
        for (const b of buttons)
          b.disabled = false;
      resolve(data.ready);
    };
  });
}

function append(text, className) {
  const span = document.createElement('span');
  span.className = className;
  span.textContent = text;
  output.append(span);
  output.scrollTop = output.scrollHeight;
}

// The file kite is given: the open binary, or the text in the editor.
function moduleFile() {
  if (binary) return {name : binary.name, bytes : binary.bytes};
  return {name : 'module.wat', bytes : new TextEncoder().encode($('source').value)};
}

// Runs `kite ARGS...` (FILE stands for the module's path) and shows it.
async function kite(args) {
  if (!(await ready)) return;
  const file = moduleFile();
  args = args.map((a) => (a === FILE ? `/${file.name}` : a));
  output.textContent = '';
  output.dataset.state = 'running';
  append(`$ kite ${args.join(' ')}\n`, 'command');
  for (const b of buttons)
    b.disabled = true;
  $('stop').disabled = false;
  const code = await new Promise((resolve) => {
    worker.onmessage = ({data}) => {
      if (data.done)
        resolve(data.code);
      else if (data.stream)
        append(data.text, data.stream);
    };
    worker.onerror = (e) => {
      append(`kite.wasm stopped: ${e.message}\n`, 'stderr');
      resolve(-1);
    };
    stop = () => {
      worker.terminate();
      append('stopped\n', 'stderr');
      startWorker();
      resolve(-1);
    };
    worker.postMessage({args, files : {[file.name] : file.bytes}});
  });
  append(`[exit status ${code}]\n`, 'status');
  output.dataset.exit = code;
  output.dataset.state = 'done';
  for (const b of buttons)
    b.disabled = false;
  $('stop').disabled = true;
}
const FILE = Symbol('module file');
let stop = () => {};

const words = (text) => text.split(/\s+/).filter((w) => w);
$('run').onclick = () => {
  const invoke = $('invoke').value.trim();
  kite([ 'run', ...(invoke ? [ '--invoke', invoke ] : []), FILE, ...words($('args').value) ]);
};
$('validate').onclick = () => kite([ 'validate', FILE ]);
$('disasm').onclick = () => kite([ 'inspect', '--disasm', FILE ]);
$('ir').onclick = () => kite([ 'inspect', '--ir', $('ir-function').value.trim() || '0', FILE ]);
$('stop').onclick = () => stop();

function openText(name, text) {
  binary = null;
  $('source').value = text;
  $('source').readOnly = false;
  $('module-name').textContent = name;
}

$('file').onchange = async () => {
  const f = $('file').files[0];
  if (!f) return;
  const bytes = new Uint8Array(await f.arrayBuffer());
  const isBinary = bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 &&
                   bytes[3] === 0x6d;
  if (!isBinary) {
    openText(f.name, new TextDecoder().decode(bytes));
    return;
  }
  binary = {name : f.name.replace(/[^\w.-]/g, '_'), bytes};
  $('source').value = `;; ${f.name}: a binary module of ${
      bytes.length} bytes.\n;; Disassemble shows its code; edit here to go back to text.`;
  $('module-name').textContent = f.name;
};
$('source').oninput = () => {
  if (binary) openText('module.wat', '');
};

async function loadExample(index) {
  const ex = examples[index];
  const text = await (await fetch(`examples/${ex.file}`)).text();
  openText(ex.file, text);
  $('invoke').value = ex.invoke;
  $('args').value = ex.args;
  $('ir-function').value = ex.irFunction;
}
for (const [i, ex] of examples.entries())
  $('example').add(new Option(ex.name, i));
$('example').onchange = () => loadExample($('example').value);

startWorker();
loadExample(0);
