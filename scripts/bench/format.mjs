// Printing for the benchmark: the machine it ran on, figures, and aligned tables.
import { statfsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

const FILE_SYSTEMS = { 0xef53: 'ext4', 0x01021994: 'tmpfs', 0x58465342: 'xfs', 0x9123683e: 'btrfs', 0x794c7630: 'overlayfs', 0x6969: 'nfs' };

export function fileSystem(path) {
  const type = statfsSync(path).type;
  return FILE_SYSTEMS[type] ?? `file system 0x${type.toString(16)}`;
}

export function machine() {
  const cores = cpus();
  const load = loadavg().map((n) => n.toFixed(1)).join(', ');
  return `${cores.length} cores (${cores[0]?.model.trim() ?? 'unknown model'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}; load average at start ${load}`;
}

export const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export const count = (n) => Math.round(n).toLocaleString('en');
export const time = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
export const ratio = (a, b) => `${(a / b).toFixed(2)}×`;

export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 2 ** 20) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 2 ** 30) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  return `${(n / 2 ** 30).toFixed(2)} GiB`;
}

/** Rows of cells, columns padded to fit; the first column left-aligned, the rest right-aligned. */
export function table(rows, indent = '  ') {
  const widths = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, String(cell).length)));
  return rows
    .map((row) => indent + row.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('   ').trimEnd())
    .join('\n');
}
