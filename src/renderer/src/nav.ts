import {
  FileCode2,
  Gauge,
  KeyRound,
  ListTree,
  LockKeyhole,
  Package,
  ScrollText,
  Send,
  Settings,
  type LucideIcon,
} from 'lucide-react';

export interface NavItem {
  href: string;
  label: string;
  icon: LucideIcon;
}

/** The panel's views, in the sidebar's order (the command palette offers them too). */
export const NAV: readonly NavItem[] = [
  { href: '/', label: 'Overview', icon: Gauge },
  { href: '/endpoints', label: 'Endpoints', icon: ListTree },
  { href: '/try', label: 'Request', icon: Send },
  { href: '/logs', label: 'Logs', icon: ScrollText },
  { href: '/tokens', label: 'Tokens', icon: KeyRound },
  { href: '/secrets', label: 'Secrets', icon: LockKeyhole },
  { href: '/packages', label: 'Packages', icon: Package },
  { href: '/editor', label: 'Editor', icon: FileCode2 },
  { href: '/settings', label: 'Settings', icon: Settings },
];
