// The playground (web/) in a real browser: Debian's chromium, headless,
// driven over the Chrome DevTools Protocol (Node's WebSocket; no npm
// packages), loading the page from a static server in this process. Each
// bundled example is run and its output on the page checked; then validate,
// disassemble and IR on one of them; then a screenshot.
//
//   node playground-test.mjs WEB_DIR CHROMIUM [SCREENSHOT.png]
//
// WEB_DIR is the built playground (web/ with kite.wasm: the wasm preset's
// build/wasm/web).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const [webDir, chromium, screenshot] = process.argv.slice(2);

// What each example must print (the page's output panel, in order).
const expectations = [
  { example: 'Hello, WASI', action: 'run', want: ['Hello from kite.wasm, in your browser!', '[exit status 0]'] },
  { example: 'Factorial', action: 'run', want: ['2432902008176640000', '[exit status 0]'] },
  { example: 'Primes (sieve)', action: 'run', want: ['78498', '[exit status 0]'] },
  { example: 'A trap', action: 'run', want: ['integer divide by zero', '[exit status 134]'] },
  { example: 'Invalid module', action: 'validate', want: ['type mismatch', '[exit status 1]'] },
  { example: 'Factorial', action: 'validate', want: ['[exit status 0]'] },
  { example: 'Factorial', action: 'disasm', want: ['i64.mul', '[exit status 0]'] },
  { example: 'Factorial', action: 'ir', want: ['fac_iter', '[exit status 0]'] },
];

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };
function serve(dir) {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.join(dir, rel);
    if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'text/plain' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// Starts chromium with a DevTools endpoint; resolves with it and the process.
function launch(profile) {
  const browser = spawn(chromium, [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-extensions',
    '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    browser.stderr.on('data', (d) => {
      err += d;
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) resolve({ browser, endpoint: m[1] });
    });
    browser.on('exit', (code) => reject(new Error(`chromium exited (${code}): ${err.slice(-2000)}`)));
  });
}

// A DevTools Protocol connection: send(method, params, session) -> result;
// waitFor(method) -> the next event of that name.
function connect(endpoint) {
  const ws = new WebSocket(endpoint);
  let nextId = 1;
  const pending = new Map();
  const waiters = [];
  ws.onmessage = ({ data }) => {
    const msg = JSON.parse(data);
    if (msg.id && pending.has(msg.id)) {
      const { resolve, reject } = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) reject(new Error(`${msg.error.message} (${msg.error.code})`));
      else resolve(msg.result);
    } else if (msg.method) {
      const i = waiters.findIndex((w) => w.method === msg.method);
      if (i >= 0) waiters.splice(i, 1)[0].resolve(msg.params);
    }
  };
  return new Promise((resolve, reject) => {
    ws.onerror = () => reject(new Error(`cannot connect to ${endpoint}`));
    ws.onopen = () =>
      resolve({
        send: (method, params = {}, sessionId) =>
          new Promise((res, rej) => {
            const id = nextId++;
            pending.set(id, { resolve: res, reject: rej });
            ws.send(JSON.stringify({ id, method, params, sessionId }));
          }),
        waitFor: (method) => new Promise((res) => waiters.push({ method, resolve: res })),
        close: () => ws.close(),
      });
  });
}

// In the page: picks the example, presses the action's button, waits for the
// command to finish and returns the output panel's text.
const inPage = async (example, action) => {
  const $ = (id) => document.getElementById(id);
  const select = $('example');
  const index = [...select.options].findIndex((o) => o.text === example);
  if (index < 0) throw new Error(`no example named ${example}`);
  select.value = String(index);
  select.dispatchEvent(new Event('change'));
  await new Promise((r) => setTimeout(r, 200)); // the example's text loads
  for (let t = 0; $(action).disabled; t += 50) {
    if (t > 60000) throw new Error(`${action} stays disabled: ${$('status').textContent}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const output = $('output');
  output.dataset.state = '';
  $(action).click();
  for (let t = 0; output.dataset.state !== 'done'; t += 50) {
    if (t > 60000) throw new Error(`${action} did not finish: ${output.textContent}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return output.textContent;
};

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'kite-playground-'));
  const server = await serve(path.resolve(webDir));
  const { browser, endpoint } = await launch(profile);
  let failures = 0;
  try {
    const cdp = await connect(endpoint);
    const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
    const page = (method, params) => cdp.send(method, params, sessionId);
    await page('Page.enable');
    await page('Runtime.enable');
    await page('Emulation.setDeviceMetricsOverride', { width: 1280, height: 760, deviceScaleFactor: 1, mobile: false });
    const loaded = cdp.waitFor('Page.loadEventFired');
    await page('Page.navigate', { url: `http://127.0.0.1:${server.address().port}/index.html` });
    await loaded;
    for (const { example, action, want } of expectations) {
      const { result, exceptionDetails } = await page('Runtime.evaluate', {
        expression: `(${inPage})(${JSON.stringify(example)}, ${JSON.stringify(action)})`,
        awaitPromise: true,
        returnByValue: true,
      });
      const text = exceptionDetails ? `page error: ${exceptionDetails.exception?.description}` : result.value;
      const missing = want.filter((w) => !text.includes(w));
      console.log(`${missing.length ? 'FAIL' : 'ok  '} ${example}: ${action}`);
      if (missing.length) {
        ++failures;
        console.log(`  missing ${JSON.stringify(missing)} in:\n${text}`);
      }
    }
    if (screenshot) {
      // The factorial example run, as the README shows it.
      await page('Runtime.evaluate', {
        expression: `(${inPage})('Factorial', 'run')`,
        awaitPromise: true,
      });
      const { data } = await page('Page.captureScreenshot', { format: 'png' });
      fs.writeFileSync(screenshot, Buffer.from(data, 'base64'));
      console.log(`screenshot: ${screenshot}`);
    }
    cdp.close();
  } finally {
    const exited = new Promise((resolve) => browser.once('exit', resolve));
    browser.kill();
    await exited; // before its profile directory is removed
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(failures ? `${failures} playground checks failed` : 'all playground checks passed');
  process.exitCode = failures ? 1 : 0;
}

if (typeof WebSocket === 'undefined') {
  // Node 20 has WebSocket behind a flag (on by default from Node 22).
  const child = spawn(process.execPath, ['--experimental-websocket', ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  await main();
}
