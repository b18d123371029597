import { mkdir } from 'node:fs/promises';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import {
  SOURCE_HEADER,
  type HistoryFile,
  type HistoryVersion,
  type RestoredVersion,
  type VersionSource,
} from '../../shared/admin-api.js';
import type { ReloadResult } from '../../shared/contract.js';
import { HttpError } from '../core/errors.js';
import { parseInput } from '../params/validation.js';
import { checkPathText, checkWritable, confine, writeConfined } from '../workspace/files.js';
import { adminAction } from './admin.js';
import type { RuntimeContext } from './context.js';
import { isPlainObject } from './request.js';

const PathQuery = z.object({ path: z.string().min(1) });
const RestoreBody = z.object({
  path: z.string().min(1),
  /** The version of the file the restore replaces (409 FILE_CHANGED if it is no longer it); null: it must not exist. */
  baseVersion: z.string().min(1).nullable().optional(),
});

/** Where a save through the files API came from: the panel says so in a header; anything else is `api`. */
export function sourceOf(req: Request): VersionSource {
  return req.get(SOURCE_HEADER)?.trim().toLowerCase() === 'panel' ? 'panel' : 'api';
}

/**
 * Keeps a text written through the admin API in the file's history. The history is a record, not
 * the save: a failure to keep it is logged, and the save stands.
 */
export async function keepVersion(
  runtime: RuntimeContext,
  relative: string,
  content: string,
  source: VersionSource,
  options: { reload: ReloadResult; restoredFrom?: string },
): Promise<HistoryVersion | undefined> {
  try {
    return await runtime.history.record(relative, content, source, options);
  } catch (error) {
    runtime.logger.warn(
      { kind: 'error', event: 'history-failed', path: relative, err: error },
      `the version of ${relative} could not be kept in the history`,
    );
    return undefined;
  }
}

/**
 * The version history of the APIs folder's files (admin only; see workspace/history.ts):
 * `GET /api/history` (files with a history, deleted ones too), `GET /api/history/versions?path=`
 * (a file's versions, newest first), `GET /api/history/versions/{id}?path=` (one, with its
 * text) and `POST /api/history/versions/{id}/restore {path, baseVersion?}`: writes the version
 * back (re-creating a deleted file), keeps it as a new version and answers the reload.
 * Paths are checked as the files API checks them.
 */
export function historyRouter(runtime: RuntimeContext): Router {
  const router = Router();
  const apisDir = () => runtime.state().config.apisDir;
  const pathOf = (req: Request) => {
    const { path } = parseInput(PathQuery, { path: req.query.path });
    return checkPathText(path).join('/');
  };

  router.get(
    '/api/history',
    adminAction(runtime, async () => {
      const files: HistoryFile[] = [];
      for (const file of await runtime.history.files()) {
        const there = await confine(apisDir(), file.path.split('/')).then(
          (target) => target.exists,
          () => false,
        );
        files.push({ ...file, deleted: !there });
      }
      return { files };
    }),
  );

  router.get(
    '/api/history/versions',
    adminAction(runtime, async (req) => {
      const relative = pathOf(req);
      return { path: relative, versions: await runtime.history.list(relative) };
    }),
  );

  router.get(
    '/api/history/versions/:id',
    adminAction(runtime, (req) => runtime.history.read(pathOf(req), String(req.params.id)), {
      userContent: true,
    }),
  );

  router.post(
    '/api/history/versions/:id/restore',
    adminAction(
      runtime,
      async (req): Promise<RestoredVersion> => {
        const body: unknown = req.body;
        const fields = isPlainObject(body) ? body : {};
        const input = parseInput(RestoreBody, { ...fields, path: fields.path ?? req.query.path });
        const segments = checkPathText(input.path);
        checkWritable(input.path);
        const id = String(req.params.id);
        const { content } = await runtime.history.read(segments.join('/'), id);
        await mkdir(apisDir(), { recursive: true });
        const target = await confine(apisDir(), segments);
        const release = runtime.history.expect(target.relative, content);
        try {
          const version = await writeConfined(target, content, input.baseVersion).catch(toHttpError);
          const reload = await runtime.reload();
          const kept = await keepVersion(runtime, target.relative, content, 'restore', {
            reload,
            restoredFrom: id,
          });
          return {
            path: target.relative,
            restored: id,
            version,
            reload,
            ...(kept ? { historyId: kept.id } : {}),
          };
        } finally {
          release();
        }
      },
      { audit: true },
    ),
  );

  // A version id Express cannot percent-decode fails while routing: answer it as no such version.
  router.use('/api/history', (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!(error instanceof URIError)) return next(error);
    const refuse = adminAction(
      runtime,
      () => {
        throw new HttpError('VERSION_NOT_FOUND', 'The version id is not valid percent-encoding');
      },
      { audit: false },
    );
    refuse(req, res).catch(next);
  });
  return router;
}

/** The file system's own refusals of a path (their messages hold the absolute path, not shown). */
function toHttpError(error: unknown): never {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENAMETOOLONG')
    throw new HttpError('INVALID_PATH', 'The path is too long for the file system');
  if (code === 'EISDIR') throw new HttpError('INVALID_PATH', 'The path is a folder, not a file');
  if (code === 'ENOTDIR') throw new HttpError('INVALID_PATH', 'A part of the path is a file, not a folder');
  throw error;
}
