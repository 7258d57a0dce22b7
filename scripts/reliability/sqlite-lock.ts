// Another process holding SQLite's write lock (python3's sqlite3 module, BEGIN EXCLUSIVE) on a
// database the collector writes: a real lock conflict, as a backup tool or a stray sqlite3 shell makes.
import { spawn } from 'node:child_process';

export interface HeldLock {
  release(): Promise<void>;
}

export async function holdWriteLock(dbPath: string): Promise<HeldLock> {
  const py = 'import sqlite3,sys\nc=sqlite3.connect(sys.argv[1],isolation_level=None)\nc.execute("BEGIN EXCLUSIVE")\nprint("locked",flush=True)\nsys.stdin.read()';
  const p = spawn('python3', ['-c', py, dbPath], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    p.stdout!.once('data', () => resolve());
    p.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  const gone = new Promise<void>((resolve) => p.once('exit', () => resolve()));
  return {
    release: async () => {
      p.stdin!.end();
      await gone;
    },
  };
}
