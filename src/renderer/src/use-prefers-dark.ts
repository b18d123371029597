import { useSyncExternalStore } from 'react';

const query = () => window.matchMedia?.('(prefers-color-scheme: dark)');

/** Whether the OS asks for a dark theme, following changes live. */
export function usePrefersDark(): boolean {
  return useSyncExternalStore(
    (listener) => {
      const media = query();
      media?.addEventListener('change', listener);
      return () => media?.removeEventListener('change', listener);
    },
    () => query()?.matches ?? false,
  );
}
