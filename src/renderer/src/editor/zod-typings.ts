/**
 * The text of zod's declaration files, keyed by path: imported lazily (typings.ts) so these
 * ~250 kB land in a chunk of their own. The globs are what `import { z } from 'zod'` reaches
 * (test/renderer/editor-typings.test.tsx checks it against the imports of the files).
 */
export const ZOD_DECLARATIONS: Record<string, string> = import.meta.glob<string>(
  [
    '../../../../node_modules/zod/index.d.ts',
    '../../../../node_modules/zod/v4/classic/*.d.ts',
    '../../../../node_modules/zod/v4/core/*.d.ts',
    '../../../../node_modules/zod/v4/locales/*.d.ts',
  ],
  { query: '?raw', import: 'default', eager: true },
);
