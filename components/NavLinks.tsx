'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const NAV = [
  { href: '/', label: 'Recognize' },
  { href: '/register', label: 'Register' },
  { href: '/people', label: 'People' },
  { href: '/admin', label: 'Admin' },
];

/** The main navigation, marking the current page. */
export function NavLinks() {
  const pathname = usePathname();
  return (
    <ul className="flex items-center gap-0.5 sm:gap-3">
      {NAV.map((item) => {
        const current = item.href === '/' ? pathname === '/' : pathname.startsWith(item.href);
        return (
          <li key={item.href}>
            <Link
              href={item.href}
              aria-current={current ? 'page' : undefined}
              className={`rounded px-1.5 py-1 text-sm focus:outline-none sm:px-2 sm:text-base focus-visible:ring-2 focus-visible:ring-sky-400 ${
                current ? 'bg-slate-800 text-white' : 'text-slate-300 hover:text-white'
              }`}
            >
              {item.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
