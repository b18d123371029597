import { mkdir } from 'node:fs/promises';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { checkSource } from '../workspace/check.js';
import { packagesDirOf } from '../core/workspace-paths.js';
import {
  checkPathText,
  checkSegments,
  checkWritable,
  confine,
  deleteConfined,
  listTree,
  readConfined,
  renameConfined,
  writeConfined,
} from '../workspace/files.js';
import { parseInput } from '../params/validation.js';
import { adminAction } from './admin.js';
import type { RuntimeContext } from './context.js';
import { keepVersion, sourceOf } from './history.js';
import { HttpError } from '../core/errors.js';

const SaveBody = z.object({
  content: z.string(),
  /** The version the content was edited from (409 FILE_CHANGED if the file is no longer it); null: a new file. */
  baseVersion: z.string().min(1).nullable().optional(),
});
const CheckBody = z.object({ path: z.string().min(1), content: z.string() });
const RenameBody = z.object({ from: z.string().min(1), to: z.string().min(1) });

const invalidPath = (message: string) => new HttpError('INVALID_PATH', message);

/**
 * The files of the APIs folder, for the panel's editor (admin only):
 * `GET /api/files` (tree), `GET|PUT|DELETE /api/files/{path}`, `POST /api/files/check`,
 * `POST /api/files/rename`. Every path is confined to the APIs folder (see `modules/files.ts`);
 * a save, a delete or a rename reloads the modules and answers with the reload's result.
 */
export function filesRouter(runtime: RuntimeContext): Router {
  const router = Router();
  const apisDir = () => runtime.state().config.apisDir;
  // A file action: the file system's refusals of a path become INVALID_PATH.
  const fileAction = (action: (req: Request) => Promise<unknown>, audit: boolean, userContent = false) =>
    adminAction(runtime, (req) => action(req).catch(toHttpError), { audit, userContent });

  router.get(
    '/api/files',
    fileAction(() => listTree(apisDir()), false),
  );

  router.post(
    '/api/files/check',
    fileAction(async (req) => {
      const body = parseInput(CheckBody, req.body);
      const segments = checkPathText(body.path);
      checkWritable(body.path);
      const target = await confine(apisDir(), segments);
      const packagesDir = packagesDirOf(runtime.state().config.baseDir);
      return { diagnostics: await checkSource(target.root, target.real, body.content, packagesDir) };
    }, false),
  );

  router.post(
    '/api/files/rename',
    fileAction(async (req) => {
      const body = parseInput(RenameBody, req.body);
      const segments = [checkPathText(body.from), checkPathText(body.to)] as const;
      checkWritable(body.from);
      checkWritable(body.to);
      const from = await confine(apisDir(), segments[0]);
      const to = await confine(apisDir(), segments[1]);
      // The file at its new path starts its history there (as this request's, not as a change
      // seen on disk); the old path's stays, as deleted.
      const moved = await readConfined(from).catch(() => undefined);
      const release = moved ? runtime.history.expect(to.relative, moved.content) : () => {};
      try {
        await renameConfined(from, to);
        const reload = await runtime.reload();
        if (moved) await keepVersion(runtime, to.relative, moved.content, sourceOf(req), { reload });
        return { from: from.relative, to: to.relative, reload };
      } finally {
        release();
      }
    }, true),
  );

  router
    .route('/api/files/*path')
    .get(fileAction(async (req) => readConfined(await confine(apisDir(), segmentsOf(req))), false, true))
    .put(
      fileAction(async (req) => {
        const segments = segmentsOf(req);
        checkWritable(checkSegments(segments));
        const { content, baseVersion } = parseInput(SaveBody, req.body);
        await mkdir(apisDir(), { recursive: true });
        const target = await confine(apisDir(), segments);
        // Kept in the history as the panel's or the API's save, not as a change seen on disk.
        const release = runtime.history.expect(target.relative, content);
        try {
          const version = await writeConfined(target, content, baseVersion);
          const reload = await runtime.reload();
          const kept = await keepVersion(runtime, target.relative, content, sourceOf(req), { reload });
          return {
            path: target.relative,
            saved: true,
            version,
            reload,
            ...(kept ? { historyId: kept.id } : {}),
          };
        } finally {
          release();
        }
      }, true),
    )
    .delete(
      fileAction(async (req) => {
        const segments = segmentsOf(req);
        checkWritable(checkSegments(segments));
        await deleteConfined(await confine(apisDir(), segments));
        return runtime.reload();
      }, true),
    );

  // A path Express cannot percent-decode (`%zz`, a lone `%`) fails while routing: answer it
  // as a bad path, after the same admin check as any other request here.
  router.use('/api/files', (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!(error instanceof URIError)) return next(error);
    const refuse = adminAction(
      runtime,
      () => {
        throw invalidPath('The path is not valid percent-encoding');
      },
      { audit: false },
    );
    refuse(req, res).catch(next);
  });
  return router;
}

/** The segments of the `*path` wildcard; Express 5 gives them decoded, as an array. */
function segmentsOf(req: Request): string[] {
  const value: unknown = req.params.path;
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? value.split('/') : [];
}

/** The file system's own refusals of a path; their messages hold the absolute path, not shown. */
function toHttpError(error: unknown): never {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENAMETOOLONG') throw invalidPath('The path is too long for the file system');
  if (code === 'EISDIR') throw invalidPath('The path is a folder, not a file');
  if (code === 'ENOTDIR') throw invalidPath('A part of the path is a file, not a folder');
  throw error;
}
