import { Check, Copy } from 'lucide-react';
import { useEffect, useState } from 'react';

/** Copies a text to the clipboard, and says so for a moment. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      onClick={() =>
        // No clipboard API on plain-http pages (a headless server's /panel): say so, do not throw.
        Promise.resolve()
          .then(() => navigator.clipboard.writeText(text))
          .then(
            () => setCopied(true),
            () => setFailed(true),
          )
      }
      aria-label={label}
    >
      {copied ? <Check size={14} aria-hidden /> : <Copy size={14} aria-hidden />}
      {copied ? 'Copied' : failed ? 'Copy failed: select and copy' : label}
    </button>
  );
}
