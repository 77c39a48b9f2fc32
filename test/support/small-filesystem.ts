/**
 * A real, small filesystem for storage-fault tests: a tmpfs of a few MiB mounted on a fresh
 * directory. Mounting needs root (or CAP_SYS_ADMIN); where it is not permitted, `mountSmallFilesystem`
 * returns the reason and the suite skips with it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallFilesystem {
  dir: string;
  freeBytes(): number;
  unmount(): void;
}

export function mountSmallFilesystem(sizeMiB: number): SmallFilesystem | { unavailable: string } {
  const dir = mkdtempSync(join(tmpdir(), 'small-fs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return { unavailable: `cannot mount a ${sizeMiB} MiB tmpfs here (${stderr || (error as Error).message}); run as root to test a full disk for real` };
  }
  return {
    dir,
    freeBytes: () => {
      const stats = statfsSync(dir);
      return stats.bavail * stats.bsize;
    },
    unmount: () => {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Mounts the filesystem read-only or writable again (a fresh mount, before a process opens files). */
export function remount(dir: string, mode: 'ro' | 'rw'): void {
  execFileSync('mount', ['-o', `remount,${mode}`, dir], { stdio: 'pipe' });
}
