// node build.mjs OUTDIR: the web pages as flat files for the firmware to embed
// (index.html, app.js, app.css); nothing is fetched at run time.
import { build } from 'esbuild';
import { mkdir, readFile, writeFile, copyFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node build.mjs OUTDIR');
  process.exit(2);
}

const OUTPUTS = ['app.css', 'app.js', 'index.html'];

// The firmware embeds every file of OUTDIR, so it must hold these files only.
await mkdir(outDir, { recursive: true });
const strangers = (await readdir(outDir)).filter((name) => !OUTPUTS.includes(name));
if (strangers.length) {
  console.error(`${outDir} holds ${strangers.join(', ')}; the firmware embeds every file there: give an empty directory`);
  process.exit(1);
}

await build({
  entryPoints: [path.join(here, 'src', 'app.js')],
  outfile: path.join(outDir, 'app.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2019',
  legalComments: 'none',
  logLevel: 'warning',
});

const require = createRequire(import.meta.url);
const uplotCss = require.resolve('uplot/dist/uPlot.min.css');
const css = [await readFile(path.join(here, 'src', 'app.css'), 'utf8'), await readFile(uplotCss, 'utf8')];
await writeFile(path.join(outDir, 'app.css'), css.join('\n'));
await copyFile(path.join(here, 'src', 'index.html'), path.join(outDir, 'index.html'));

console.log(`web UI built in ${outDir}: ${(await readdir(outDir)).sort().join(', ')}`);
