import type { ChildProcess } from 'node:child_process';

export default async function globalTeardown(): Promise<void> {
  (globalThis as { __redis?: ChildProcess }).__redis?.kill('SIGTERM');
}
