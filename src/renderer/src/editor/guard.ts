/**
 * The unsaved-changes guard: while `dirty`, leaving the page asks the browser's "leave site?"
 * (`beforeunload`), and a change of the panel's route (a link, the sidebar, Back and Forward, a
 * typed URL: all change the hash the router follows) is held: the URL is put back, and
 * `onBlocked` gets a `proceed` to call if the user chooses to leave anyway.
 *
 * Two ways the hash changes: the router's `navigate` (pushState, then a `hashchange` it
 * dispatches at once), and the browser (Back, a link, a typed URL), which changes the URL and
 * fires `popstate` at once but `hashchange` only in a later task, so the view could re-render
 * for the new route in between: there the URL is put back at `popstate` already. Both listeners
 * capture on window, so they run before the router's.
 */
import { useCallback, useEffect, useRef } from 'react';

export function useLeaveGuard(
  dirty: boolean,
  onBlocked: (proceed: () => void) => void,
): { leave: (to: string) => void } {
  const dirtyRef = useRef(dirty);
  const onBlockedRef = useRef(onBlocked);
  const passing = useRef(false);
  /** The URL of the page as shown: where a held navigation goes back to. */
  const shown = useRef('');
  /** A navigation held at `popstate` whose `hashchange` is still to come (and to be swallowed). */
  const held = useRef<string | undefined>(undefined);
  useEffect(() => {
    dirtyRef.current = dirty;
    onBlockedRef.current = onBlocked;
    shown.current = location.href;
  });

  useEffect(() => {
    const hold = (target: string) => {
      history.replaceState(history.state, '', shown.current);
      onBlockedRef.current(() => go(target, passing, held));
    };
    const onPopState = (event: PopStateEvent) => {
      if (passing.current || !dirtyRef.current) return;
      const target = location.href;
      if (target === shown.current || !sameDocument(target, shown.current)) return;
      event.stopImmediatePropagation();
      held.current = target;
      hold(target);
    };
    const onHashChange = (event: HashChangeEvent) => {
      if (passing.current) return;
      if (held.current !== undefined) {
        if (event.newURL === held.current) {
          held.current = undefined;
          event.stopImmediatePropagation();
          return;
        }
        held.current = undefined;
      }
      if (!dirtyRef.current || location.href === shown.current) return;
      // The router must not see it: it follows this event only.
      event.stopImmediatePropagation();
      hold(location.href);
    };
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!dirtyRef.current) return;
      event.preventDefault();
      // Older browsers (and Electron) need a returnValue to ask.
      event.returnValue = '';
    };
    window.addEventListener('popstate', onPopState, true);
    window.addEventListener('hashchange', onHashChange, true);
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      window.removeEventListener('popstate', onPopState, true);
      window.removeEventListener('hashchange', onHashChange, true);
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, []);

  /** Goes to a route of the panel (`/editor/x.ts`) without asking: the changes are saved or dropped. */
  const leave = useCallback((to: string) => {
    const url = new URL(location.href);
    url.hash = to;
    go(url.href, passing, held);
  }, []);
  return { leave };
}

/** Same page, another hash: a route of the panel. */
function sameDocument(a: string, b: string): boolean {
  return a.split('#')[0] === b.split('#')[0];
}

/** Navigates as wouter's hash location does (pushState, then a hashchange it listens to). */
function go(href: string, passing: { current: boolean }, held: { current: string | undefined }): void {
  const oldURL = location.href;
  held.current = undefined;
  if (href === oldURL) return;
  passing.current = true;
  try {
    history.pushState(null, '', href);
    dispatchEvent(new HashChangeEvent('hashchange', { oldURL, newURL: href }));
  } finally {
    passing.current = false;
  }
}
