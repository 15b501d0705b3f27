// Part (c) of bench/throughput.sh: sharp on the same photos, settings and concurrency as imgbeam.
// Usage: node throughput-sharp.js THREADS MOZJPEG OUTDIR FILE...
// THREADS images are in flight at once, each with one libvips thread (sharp.concurrency(1)), so
// that the work runs on THREADS threads as imgbeam's does. JPEG quality 80, progressive with
// optimised Huffman tables, 4:2:0, no resize, no metadata (sharp strips unless asked to keep).
'use strict';
const fs = require('fs');
const path = require('path');
const sharp = require('sharp');

const [threads, mozjpeg, outDir, ...files] = process.argv.slice(2);
sharp.concurrency(1);
sharp.cache(false);
const options = {
  quality: 80,
  progressive: true,
  optimiseCoding: true,
  chromaSubsampling: '4:2:0',
  mozjpeg: mozjpeg === 'true',
};

async function main() {
  let next = 0;
  let pixels = 0;
  let bytes = 0;
  const start = process.hrtime.bigint();
  async function worker() {
    while (next < files.length) {
      const file = files[next++];
      const input = fs.readFileSync(file);
      const { data, info } = await sharp(input, { limitInputPixels: 100_000_000 })
        .jpeg(options)
        .toBuffer({ resolveWithObject: true });
      fs.writeFileSync(path.join(outDir, path.basename(file)), data);
      pixels += info.width * info.height;
      bytes += data.length;
    }
  }
  await Promise.all(Array.from({ length: Number(threads) }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rssKb = Math.round(process.resourceUsage().maxRSS);
  const label = `sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}, mozjpeg: ${options.mozjpeg})`;
  // The same line format as ThroughputBench prints.
  const cpu = process.cpuUsage(); // microseconds, user and system, all threads (libvips' too)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(`RESULT\tc\t${label}\t${files.length}\t${pixels}\t${seconds.toFixed(3)}\t${rssKb}\t${bytes}\t${cpuSeconds.toFixed(3)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
