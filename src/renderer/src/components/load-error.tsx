import { Link } from 'wouter';
import { editorHref } from '../links.js';
import type { LoadError } from '../../../shared/admin-api.js';

/**
 * Where a module failed to load, linking to the line in the editor, and to the Packages view
 * when what it lacks is a package.
 */
export function LoadErrorItem({ error }: { error: LoadError }) {
  const where = error.line
    ? `${error.file}:${error.line}${error.column ? `:${error.column}` : ''}`
    : error.file;
  return (
    <div className="stack small">
      <div className="row">
        <strong>{error.module}</strong>
        <Link href={editorHref(error.file)} className="mono">
          {where}
        </Link>
      </div>
      <pre className="error-text">{error.message}</pre>
      {error.missingPackage && (
        <Link href="/packages" className="small">
          Install {error.missingPackage} in the Packages view
        </Link>
      )}
    </div>
  );
}
