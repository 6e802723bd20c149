import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * A SHA-256 over a model directory's files (relative paths and contents, in sorted order), so
 * the same model downloaded twice, or served from two places, gets the same key.
 */
export async function hashModelDir(dir: string, extra: readonly string[] = []): Promise<string> {
  const hash = createHash('sha256');
  for (const value of extra) hash.update(`${value}\0`);
  for (const file of await listFiles(dir)) {
    hash.update(`${file}\0`);
    for await (const chunk of createReadStream(path.join(dir, file))) hash.update(chunk as Buffer);
    hash.update('\0');
  }
  return hash.digest('hex');
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await listFiles(dir, relative)));
    else if (entry.isFile()) files.push(relative);
  }
  return files;
}
