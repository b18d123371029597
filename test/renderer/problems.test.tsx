// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { problemsOf } from '../../src/renderer/src/editor/diagnostics.js';
import { ProblemsPanel } from '../../src/renderer/src/editor/problems.js';
import { renderView, setupPanelTest } from './helpers/render.js';

const test = setupPanelTest();

describe('the problems panel', () => {
  it('offers to install a package an import names and the workspace lacks', async () => {
    const problems = problemsOf(
      [
        {
          severity: 'error',
          line: 2,
          column: 22,
          message: 'the package "@scope/pad" is not installed in this workspace',
          source: 'compile',
          file: 'shop.ts',
          missingPackage: '@scope/pad',
        },
        {
          severity: 'error',
          line: 5,
          column: 1,
          message: 'Expected ";"',
          source: 'compile',
          file: 'shop.ts',
        },
      ],
      [],
      'shop.ts',
    );
    const { user, path } = renderView(
      test,
      <ProblemsPanel problems={problems} checking={false} onSelect={() => {}} />,
    );
    const links = screen.getAllByRole('link');
    expect(links.map((link) => link.textContent?.trim())).toEqual(['Install @scope/pad']);
    await user.click(links[0]!);
    expect(path()).toBe('/packages/%40scope/pad');
  });
});
