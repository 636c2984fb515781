// Turns the Go benchmark output and encode.mjs's JSON line into the one markdown table that
// bench/run.sh prints (ratios first); --details adds the detail tables after it.
// Usage: node table.mjs [--details] go-bench.txt peer.json
// Machine facts come from the environment: BENCH_DATE, BENCH_CPU, BENCH_NPROC, BENCH_GO,
// BENCH_LOAD, BENCH_COUNT, BENCH_PURCHASES. Each Go figure is the median of the -count runs.
import fs from 'node:fs';

const args = process.argv.slice(2);
const details = args[0] === '--details';
if (details) args.shift();
const [goFile, peerFile] = args;
const env = process.env;

// name -> unit -> [values]
const runs = new Map();
for (const line of fs.readFileSync(goFile, 'utf8').split('\n')) {
  const m = /^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+(.*)$/.exec(line);
  if (!m) continue;
  const f = m[2].trim().split(/\s+/);
  if (!runs.has(m[1])) runs.set(m[1], new Map());
  const units = runs.get(m[1]);
  for (let i = 0; i + 1 < f.length; i += 2) {
    const v = Number(f[i]);
    if (Number.isNaN(v)) continue;
    if (!units.has(f[i + 1])) units.set(f[i + 1], []);
    units.get(f[i + 1]).push(v);
  }
}
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
function get(name, unit) {
  const u = runs.get(name);
  if (!u || !u.has(unit)) return NaN;
  return median(u.get(unit));
}
const peer = JSON.parse(fs.readFileSync(peerFile, 'utf8').trim().split('\n').pop());

const num = (x, d = 0) => Number.isFinite(x)
  ? x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : 'n/a';
const ms = (ns) => Number.isFinite(ns) ? `${num(ns / 1e6, ns < 1e7 ? 3 : 1)} ms` : 'n/a';
const us = (ns) => Number.isFinite(ns) ? `${num(ns / 1e3, 1)} µs` : 'n/a';
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0) ? num(a / b, a / b < 10 ? 2 : 0) : 'n/a';
const wire = (bytes, baud) => Number.isFinite(bytes) ? `${num(bytes * 10 / baud, 2)} s` : 'n/a'; // 8N1: 10 bits a byte

const encIn = get('EncodeReference/inline-logo', 'ns/op');
const encNV = get('EncodeReference/nv-logo', 'ns/op');
const bytesIn = get('EncodeReference/inline-logo', 'bytes/receipt');
const bytesNV = get('EncodeReference/nv-logo', 'bytes/receipt');
const logo = get('LogoRasterEncode', 'ns/op');
const logoDither = get('LogoRaster/floyd-steinberg', 'ns/op');
const peerEnc = peer.receipt_ms * 1e6;
const peerLogo = peer.logo_ms * 1e6;
const protos = ['privatjson', 'bposlight', 'bpos1-wire', 'posapi'];
const n = get('Scale', 'terminals');
const scale = get('Scale', 'ns/op');

const out = [];
const p = (s = '') => out.push(s);
p(`## Benchmarks (${env.BENCH_DATE || new Date().toISOString()})`);
p();
p(`Machine: ${env.BENCH_NPROC || '?'} × ${env.BENCH_CPU || '?'}; ${env.BENCH_GO || 'go ?'}; node ${peer.node}; ` +
  `peer ${peer.encoder}. Load average at start: ${env.BENCH_LOAD || '?'}. ` +
  `Go figures are medians of ${env.BENCH_COUNT || '?'} runs (\`go test -bench -benchmem -count\`); ` +
  `terminal figures over ${env.BENCH_PURCHASES || '?'} purchases per run.`);
p();
p('| Measure | uapos | compared with | ratio |');
p('|---|---:|---:|---:|');
p(`| ESC/POS: encode the reference receipt, logo inline | ${ms(encIn)} | ${ms(peerEnc)} (peer) | ${ratio(peerEnc, encIn)}× faster |`);
p(`| ESC/POS: raster the 576-dot logo (dither + GS v 0) | ${ms(logo)} | ${ms(peerLogo)} (peer) | ${ratio(peerLogo, logo)}× faster |`);
p(`| ESC/POS: receipt bytes, logo inline / in NV memory | ${num(bytesIn)} / ${num(bytesNV)} | ${num(peer.bytes)} (peer, inline) | ${ratio(bytesIn, peer.bytes)} / ${ratio(bytesNV, peer.bytes)} |`);
p(`| ESC/POS: wire time at 9600 baud, inline / NV | ${wire(bytesIn, 9600)} / ${wire(bytesNV, 9600)} | ${wire(peer.bytes, 9600)} (peer) | ${ratio(bytesIn, peer.bytes)} / ${ratio(bytesNV, peer.bytes)} |`);
p(`| ESC/POS: wire time at 115200 baud, inline / NV | ${wire(bytesIn, 115200)} / ${wire(bytesNV, 115200)} | ${wire(peer.bytes, 115200)} (peer) | ${ratio(bytesIn, peer.bytes)} / ${ratio(bytesNV, peer.bytes)} |`);
for (const pr of protos) {
  const rt = get(`PurchaseRoundTrip/${pr}`, 'ns/op');
  const bare = get(`BareLoop/${pr}`, 'ns/op');
  const floor = pr === 'posapi' ? 'same library calls, direct' : 'bare write/read loop';
  p(`| Terminal ${pr}: purchase round trip | ${us(rt)} | ${us(bare)} (${floor}) | ${ratio(rt, bare)}× the floor |`);
}
p(`| Scale: ${num(n)} simulated terminals all answer a ping | ${ms(scale)} | ${us(scale / n)} per terminal | |`);
p(`| Scale: memory per simulated terminal with its client | ${num(get('Scale', 'warm-B/terminal') / 1024, 1)} KiB | ` +
  `simulator ${num(get('Scale', 'sim-B/terminal') / 1024, 1)} KiB + client ${num(get('Scale', 'client-B/terminal') / 1024, 1)} KiB before the first ping | |`);
p();
if (!details) {
  console.log(out.join('\n'));
  process.exit(0);
}
p('### Details');
p();
p('Issue 3 targets for the ESC/POS encoder (set against the peer\'s 63.8 ms, 4.8 ms and 14,134 bytes):');
p();
p('| Target | measured | met |');
p('|---|---:|:---:|');
const met = (x, limit) => Number.isFinite(x) ? (x <= limit ? 'yes' : 'no') : 'n/a';
p(`| encode ≤ 2 ms | ${ms(encIn)} | ${met(encIn, 2e6)} |`);
p(`| logo raster ≤ 0.5 ms | ${ms(logo)} (dither + bands), ${ms(logoDither)} (dither only) | ${met(logo, 0.5e6)} |`);
p(`| inline bytes ≤ 14,134 | ${num(bytesIn)} | ${met(bytesIn, 14134)} |`);
p(`| NV-logo bytes ≤ 1,600 (≤ 1.7 s at 9600 baud) | ${num(bytesNV)} (${wire(bytesNV, 9600)}) | ${met(bytesNV, 1600)} |`);
p();
p('Wire time of the reference receipt (8N1: bytes × 10 / baud):');
p();
p('| Encoding | bytes | 9600 baud | 115200 baud |');
p('|---|---:|---:|---:|');
p(`| uapos, logo inline | ${num(bytesIn)} | ${wire(bytesIn, 9600)} | ${wire(bytesIn, 115200)} |`);
p(`| uapos, logo in NV memory | ${num(bytesNV)} | ${wire(bytesNV, 9600)} | ${wire(bytesNV, 115200)} |`);
p(`| peer (receipt-printer-encoder 4.0.1) | ${num(peer.bytes)} | ${wire(peer.bytes, 9600)} | ${wire(peer.bytes, 115200)} |`);
p();
p('ESC/POS details:');
p();
p('| Benchmark | time | B/op | allocs/op |');
p('|---|---:|---:|---:|');
for (const [name, label] of [['EncodeReference/inline-logo', 'encode, logo inline'], ['EncodeReference/nv-logo', 'encode, logo in NV memory'],
  ['LogoRasterEncode', 'logo: dither + GS v 0 bands'], ['LogoRaster/floyd-steinberg', 'logo: dither only (Floyd–Steinberg)'],
  ['LogoRaster/threshold', 'logo: threshold only']]) {
  p(`| ${label} | ${ms(get(name, 'ns/op'))} | ${num(get(name, 'B/op'))} | ${num(get(name, 'allocs/op'))} |`);
}
p(`| peer: encode / logo | ${ms(peerEnc)} / ${ms(peerLogo)} | | |`);
p();
p('Terminals (payment.Terminal adapter with an in-memory journal, simulator with zero delays, TCP on 127.0.0.1; ' +
  'the bare loop replays the recorded bytes of one purchase with no parsing; the round trip includes the simulator\'s own work):');
p();
p('| Protocol | purchase | bare | ratio | turns | bytes out / in | B/op | allocs/op |');
p('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const pr of protos) {
  const name = `PurchaseRoundTrip/${pr}`;
  const rt = get(name, 'ns/op');
  const bare = get(`BareLoop/${pr}`, 'ns/op');
  const turns = pr === 'posapi' ? `${num(get(name, 'calls/op'))} calls` : num(get(name, 'turns/op'));
  const bytes = pr === 'posapi' ? 'no wire' : `${num(get(name, 'wbytes/op'))} / ${num(get(name, 'rbytes/op'))}`;
  p(`| ${pr} | ${us(rt)} | ${us(bare)} | ${ratio(rt, bare)}× | ${turns} | ${bytes} | ${num(get(name, 'B/op'))} | ${num(get(name, 'allocs/op'))} |`);
}
p();
p(`Scale (${num(n)} privatsim terminals, each on an in-memory link with a privatjson client, one process):`);
p();
p('| all answer a ping | first ping of all | simulator | client | total after first ping |');
p('|---:|---:|---:|---:|---:|');
p(`| ${ms(scale)} | ${num(get('Scale', 'first-ping-all-ms'), 1)} ms | ${num(get('Scale', 'sim-B/terminal') / 1024, 1)} KiB | ` +
  `${num(get('Scale', 'client-B/terminal') / 1024, 1)} KiB | ${num(get('Scale', 'warm-B/terminal') / 1024, 1)} KiB per terminal |`);
console.log(out.join('\n'));
