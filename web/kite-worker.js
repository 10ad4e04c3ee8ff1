// Runs kite.wasm commands off the page's thread (a guest that loops forever
// is stopped by terminating this worker). Message in: {args, files}; out:
// {stream, text} for each write, then {done, code}.
import {Wasi} from './wasi.js';

const kite = fetch('kite.wasm')
                 .then((response) => {
                   if (!response.ok) throw new Error(`kite.wasm: HTTP ${response.status}`);
                   return response.arrayBuffer();
                 })
                 .then((bytes) => WebAssembly.compile(bytes));
kite.then(() => postMessage({ready : true}),
          (e) => postMessage({ready : false, error : String(e)}));

onmessage = async ({data : {args, files}}) => {
  const wasi = new Wasi({
    args : [ 'kite', ...args ],
    files,
    onStdout : (text) => postMessage({stream : 'stdout', text}),
    onStderr : (text) => postMessage({stream : 'stderr', text}),
  });
  let code;
  try {
    code = wasi.start(await WebAssembly.instantiate(await kite, wasi.imports));
  } catch (e) {
    postMessage({stream : 'stderr', text : `kite.wasm stopped: ${e}\n`});
    code = -1;
  }
  postMessage({done : true, code});
};
