// Encodes raw 8-bit pixels with sharp's mozjpeg at each given quality, as sharp users do
// (jpeg({ quality, mozjpeg: true })): progressive, trellis, overshoot deringing, scan optimisation,
// 4:2:0 chroma, quantisation table 3. Writes PREFIX-Q.jpg and prints "Q MILLISECONDS" per quality
// (best of RUNS encodes, one thread).
//   node jpeg-sharp.js SHARP_DIR RAW WIDTH HEIGHT CHANNELS PREFIX RUNS Q1,Q2,...
const [sharpDir, raw, width, height, channels, prefix, runs, qualities] = process.argv.slice(2);
const sharp = require(require('path').resolve(sharpDir, 'node_modules', 'sharp'));
const fs = require('fs');
sharp.concurrency(1);
sharp.cache(false);
const pixels = fs.readFileSync(raw);
const input = { raw: { width: +width, height: +height, channels: +channels } };
(async () => {
  for (const q of qualities.split(',').map(Number)) {
    let best = Infinity;
    let out;
    for (let r = 0; r < +runs; r++) {
      const t0 = process.hrtime.bigint();
      out = await sharp(pixels, input).jpeg({ quality: q, mozjpeg: true }).toBuffer();
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
    }
    fs.writeFileSync(`${prefix}-${q}.jpg`, out);
    console.log(`${q} ${best.toFixed(2)}`);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
