// Encodes testdata/bench/reference-receipt.json with @point-of-sale/receipt-printer-encoder and
// prints one JSON line: ms per receipt, ms per logo raster, encoded bytes. Used by bench/run.sh.
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';

const dir = process.argv[2];
const iterations = Number(process.argv[3] || 50);
const doc = JSON.parse(fs.readFileSync(path.join(dir, 'reference-receipt.json'), 'utf8'));
const columns = doc.columns || 48;

function loadImage(file) {
  const png = PNG.sync.read(fs.readFileSync(path.join(dir, file)));
  return { width: png.width, height: png.height, data: new Uint8ClampedArray(png.data) };
}
const images = {};
for (const b of doc.blocks) if (b.type === 'image') images[b.file] = loadImage(b.file);

function encode() {
  const e = new ReceiptPrinterEncoder({ printerModel: 'epson-tm-t20iii', columns, imageMode: 'raster' });
  e.initialize().codepage('auto');
  for (const b of doc.blocks) {
    switch (b.type) {
      case 'image': {
        const img = images[b.file];
        const w = Math.floor(Math.min(img.width, doc.paper_dots || 576) / 8) * 8;
        const h = Math.floor(img.height / 8) * 8;
        e.align('center').image(img, w, h, 'floydsteinberg').align('left');
        break;
      }
      case 'text':
        e.align(b.align || 'left').bold(!!b.bold).size(b.width || 1, b.height || 1).line(b.text)
          .size(1, 1).bold(false).align('left');
        break;
      case 'columns': {
        const right = b.right || '';
        e.table([{ width: columns - right.length - 1, align: 'left' }, { width: right.length + 1, align: 'right' }],
          [[b.left || '', right]]);
        break;
      }
      case 'rule':
        e.rule({ style: 'single' });
        break;
      case 'qr': {
        const ec = (b.ec || 'M').toLowerCase();
        e.align('center').qrcode(b.data, 2, b.size || 6, ec).align('left');
        break;
      }
      case 'ean13':
        e.align('center').barcode(b.data, 'ean13', 80).align('left');
        break;
      case 'code128':
        e.align('center').barcode(b.data, 'code128', 80).align('left');
        break;
      case 'feed':
        e.newline(b.lines || 1);
        break;
      case 'cut':
        e.cut(b.partial ? 'partial' : 'full');
        break;
    }
  }
  return e.encode();
}

function rasterLogo() {
  const img = Object.values(images)[0];
  const e = new ReceiptPrinterEncoder({ printerModel: 'epson-tm-t20iii', imageMode: 'raster' });
  const w = Math.floor(img.width / 8) * 8, h = Math.floor(img.height / 8) * 8;
  return e.image(img, w, h, 'floydsteinberg').encode();
}

function timeit(fn, n) {
  for (let i = 0; i < 3; i++) fn(); // warm up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e6 / n;
}

const bytes = encode().length;
const receiptMs = timeit(encode, iterations);
const logoMs = timeit(rasterLogo, iterations);
console.log(JSON.stringify({ encoder: '@point-of-sale/receipt-printer-encoder@4.0.1', bytes, receipt_ms: receiptMs, logo_ms: logoMs, node: process.version }));
