// The log file's writer: every line reaches the file whole and in order, whatever its length
// and characters and wherever a batch ends; a disk that does not keep up loses whole lines,
// counted, never parts of them.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchedFile } from '../../src/server/logs/batched-file.js';

const tempFile = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'batched-file-')), 'logs', 'app.log');

describe('BatchedFile', () => {
  it('writes every line in order across many batches, multi-byte characters cut nowhere', async () => {
    const file = new BatchedFile(tempFile());
    const lines: string[] = [];
    // 3-byte and 4-byte characters, lines of many lengths: batch ends fall everywhere.
    for (let i = 0; i < 5000; i++) lines.push(`${i} ${'日本🙂a'.repeat(i % 97)}\n`);
    for (const line of lines) file.write(line);
    await file.close();
    expect(readFileSync(file.file, 'utf8')).toBe(lines.join(''));
    expect(file.dropped).toBe(0);
  });

  it('writes a line longer than a batch whole, between the lines around it, as text or bytes', async () => {
    const file = new BatchedFile(tempFile());
    const long = `${'é'.repeat(200_000)}\n`;
    const encoded = Buffer.from(`xx${long}yy`);
    file.write('before\n');
    file.write(long);
    file.writeBytes(encoded, 2, encoded.length - 2);
    encoded.fill(0); // the bytes were copied: what the caller does with its buffer after is its own
    file.write('after\n');
    await file.close();
    expect(readFileSync(file.file, 'utf8')).toBe(`before\n${long}${long}after\n`);
  });

  it('writes encoded lines, copied as they come, in order with the lines written as text', async () => {
    const file = new BatchedFile(tempFile());
    const scratch = Buffer.alloc(4096);
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const line = `${i} ${'ü🙂'.repeat(i % 50)}\n`;
      lines.push(line);
      if (i % 2) {
        file.write(line);
      } else {
        const end = 7 + scratch.write(line, 7);
        file.writeBytes(scratch, 7, end);
      }
    }
    await file.close();
    expect(readFileSync(file.file, 'utf8')).toBe(lines.join(''));
  });

  it('appends to what the file already holds, and flushSync writes what waits at once', async () => {
    const first = new BatchedFile(tempFile());
    first.write('one\n');
    await first.close();
    const second = new BatchedFile(first.file);
    second.write('two\n');
    second.flushSync();
    expect(readFileSync(first.file, 'utf8')).toBe('one\ntwo\n');
    await second.close();
  });

  it('drops whole lines, and counts them, once too much waits for the disk', async () => {
    const file = new BatchedFile(tempFile());
    const line = `${'x'.repeat(1024 * 1024 - 1)}\n`;
    // Written in one turn of the event loop: no write can finish meanwhile.
    for (let i = 0; i < 40; i++) file.write(line);
    await file.close();
    expect(file.dropped).toBeGreaterThan(0);
    const written = readFileSync(file.file, 'utf8');
    expect(written.length).toBe((40 - file.dropped) * line.length);
    expect(written).toBe(line.repeat(40 - file.dropped));
  });
});
