// Runs oxipng from npm packages on one PNG, for bench/png.sh (Debian bookworm packages no oxipng):
//   node bench/oxipng.mjs CACHE 10 IN OUT   oxipng 10.2.1 inside @napi-rs/image 1.15.0 (level-2
//                                          settings, libdeflate 11; the package tries filters 0-4)
//   node bench/oxipng.mjs CACHE 9 IN OUT    oxipng 9.1.1 -o 2 exactly (Squoosh's build, WebAssembly,
//                                          in @jsquash/oxipng 2.3.0)
// CACHE is the folder both packages were installed into with `npm install --prefix CACHE`.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [cache, engine, input, output] = process.argv.slice(2);
const data = readFileSync(input);
let out;
if (engine === '10') {
  const require = createRequire(`${cache}/node_modules/`);
  const { losslessCompressPngSync } = require('@napi-rs/image');
  out = losslessCompressPngSync(data, { strip: true, force: true });
} else if (engine === '9') {
  const dir = `${cache}/node_modules/@jsquash/oxipng/codec/pkg`;
  const codec = await import(pathToFileURL(`${dir}/squoosh_oxipng.js`).href);
  codec.initSync(readFileSync(`${dir}/squoosh_oxipng_bg.wasm`));
  out = codec.optimise(new Uint8Array(data), 2, false, false);
} else {
  throw new Error(`expected 9 or 10 for the engine, got ${engine}`);
}
writeFileSync(output, out);
