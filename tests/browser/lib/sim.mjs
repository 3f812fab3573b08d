// Starts the real acurev-sim on a free HTTPS port with a fresh data directory, for one test file.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import readline from 'node:readline';

const BUILD = fileURLToPath(new URL('../../../build', import.meta.url));
export const BIN = process.env.ACUREV_BIN || path.join(BUILD, 'bin');

// The three-phase load the tests measure against: 230 V, channels 1-3 at 10 A, PF 1.
export const DEFAULT_CONFIG = {
  seed: 7,
  wiring: '3LN',
  rated_voltage: 230,
  voltage: { rms: 230 },
  channels: [
    { channel: 1, ct_primary: 100, current: 10, pf: 1 },
    { channel: 2, ct_primary: 100, current: 10, pf: 1 },
    { channel: 3, ct_primary: 100, current: 10, pf: 1 },
  ],
};

function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

// Ports Chromium refuses to open (net::ERR_UNSAFE_PORT) in the ranges used here.
const UNSAFE_PORTS = new Set([2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697]);

// A free port in [lo, hi], starting at a point that differs between processes.
export async function freePort(lo, hi) {
  const span = hi - lo + 1;
  const start = (process.pid * 7919 + Date.now()) % span;
  for (let i = 0; i < span; i += 1) {
    const port = lo + ((start + i) % span);
    if (!UNSAFE_PORTS.has(port) && await portFree(port)) return port;
  }
  throw new Error(`no free port in ${lo}-${hi}`);
}

export class Sim {
  constructor(proc, dir, url, lines) {
    this.proc = proc;
    this.dir = dir;
    this.url = url;
    this.lines = lines;
  }

  // Changes an input channel's load while it runs (a config "channels" entry).
  load(entry) {
    this.proc.stdin.write(`load ${JSON.stringify(entry)}\n`);
  }

  async stop() {
    if (this.proc.exitCode == null && this.proc.signalCode == null) {
      const exited = new Promise((resolve) => this.proc.once('exit', resolve));
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

// Resolves once the simulator has printed "ready" and its endpoint table (up to "seed ...").
export async function startSim({ config = DEFAULT_CONFIG, args = [], timeoutMs = 120000 } = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'acurev-browser-'));
  const configFile = path.join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  const dataDir = path.join(dir, 'data');
  const httpsPort = await freePort(6000, 9999);
  const modbusPort = await freePort(2000, 5999);  // the default 502 (10502) may be taken by another simulator
  const proc = spawn(path.join(BIN, 'acurev-sim'), [
    'run', '--set', `network.https_port=${httpsPort}`, '--modbus-port', String(modbusPort),
    '--config', configFile, '--data-dir', dataDir, ...args,
  ], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = [];
  let stderr = '';
  proc.stderr.on('data', (chunk) => { stderr += chunk; });
  const reader = readline.createInterface({ input: proc.stdout });

  const url = await new Promise((resolve, reject) => {
    let ready = false;
    let found = null;
    const timer = setTimeout(() => fail(new Error(`acurev-sim printed no endpoint table within ${timeoutMs / 1000} s`)), timeoutMs);
    const fail = (error) => {
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(new Error(`${error.message}\nstdout:\n${lines.join('\n')}\nstderr:\n${stderr}`));
    };
    proc.once('exit', (code) => fail(new Error(`acurev-sim exited with ${code} before it was ready`)));
    reader.on('line', (line) => {
      lines.push(line);
      if (line.startsWith('ready')) ready = true;
      const m = line.match(/^\s*https\s.*?(https:\/\/\S+)/);
      if (ready && m) found = m[1].replace(/\/$/, '');
      if (ready && line.trimStart().startsWith('seed')) {
        clearTimeout(timer);
        proc.removeAllListeners('exit');
        if (found) resolve(found);
        else fail(new Error('the endpoint table has no https line'));
      }
    });
  });
  reader.on('line', (line) => lines.push(line));
  return new Sim(proc, dir, url, lines);
}
