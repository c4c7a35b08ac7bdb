import { availableParallelism } from 'node:os';

/**
 * Threads a stage may work on, this one included: one a core, or fewer when the
 * BROADSHEET_THREADS environment variable says so. Never more than the cores: each
 * thread holds its own pipeline and share of the site, so more threads than cores only
 * cost memory (BROADSHEET_THREADS=64 on 2 cores used 2.6–3 GB against 210 MB) and
 * finish no sooner.
 */
export function threadCount(): number {
  const cores = availableParallelism();
  const fromEnv = Number(process.env.BROADSHEET_THREADS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? Math.min(fromEnv, cores) : cores;
}
