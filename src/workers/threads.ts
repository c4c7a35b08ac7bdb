import { availableParallelism } from 'node:os';

/** Threads a stage may work on, this one included: `threads`, else the BROADSHEET_THREADS environment variable, else one a core. */
export function threadCount(threads?: number): number {
  const fromEnv = Number(process.env.BROADSHEET_THREADS);
  return threads ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : availableParallelism());
}
