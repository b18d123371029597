import { CircleX, Download, TriangleAlert } from 'lucide-react';
import { Link } from 'wouter';
import { encodePath } from '../links.js';
import type { Problem } from './diagnostics.js';

const SOURCE_LABEL: Record<Problem['source'], string> = {
  compile: 'compile',
  params: 'parameters',
  typescript: 'TypeScript',
};

/**
 * The problems under the editor: a click on one in the open file puts the cursor there; one in
 * another file (a helper the module imports) opens that file.
 */
export function ProblemsPanel({
  problems,
  checking,
  onSelect,
}: {
  problems: readonly Problem[];
  checking: boolean;
  onSelect: (problem: Problem) => void;
}) {
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  const warnings = problems.length - errors;
  return (
    <section className="editor-problems" aria-label="Problems">
      <header className="editor-problems-head small">
        <strong>Problems</strong>
        <span className={errors ? 'error-text' : 'muted'}>
          {errors} error{errors === 1 ? '' : 's'}
        </span>
        {warnings > 0 && (
          <span className="warn-text">
            {warnings} warning{warnings === 1 ? '' : 's'}
          </span>
        )}
        {checking && <span className="muted">checking…</span>}
      </header>
      {problems.length === 0 ? (
        <p className="muted small editor-problems-empty">No problems found.</p>
      ) : (
        <ul>
          {problems.map((problem, index) => (
            <li key={`${problem.source}:${problem.file}:${problem.line}:${problem.column}:${index}`}>
              <button type="button" className="problem" onClick={() => onSelect(problem)}>
                {problem.severity === 'error' ? (
                  <CircleX size={14} className="error-text" aria-label="error" />
                ) : (
                  <TriangleAlert size={14} className="warn-text" aria-label="warning" />
                )}
                <span className="problem-message">{problem.message}</span>
                <span className="muted mono">
                  {problem.inOpenFile ? '' : `${problem.file}:`}
                  {problem.line}:{problem.column}
                </span>
                <span className="muted">{SOURCE_LABEL[problem.source]}</span>
              </button>
              {problem.missingPackage && (
                <Link href={`/packages/${encodePath(problem.missingPackage)}`} className="small problem-fix">
                  <Download size={13} aria-hidden /> Install {problem.missingPackage}
                </Link>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
