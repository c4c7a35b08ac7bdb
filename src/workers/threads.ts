import { availableParallelism } from 'node:os';

/** Threads a stage may work on, this one included: the BROADSHEET_THREADS environment variable, else one a core. */
export function threadCount(): number {
  const fromEnv = Number(process.env.BROADSHEET_THREADS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : availableParallelism();
}
