import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import { ApiKeyField } from '@/components/ApiKeyField';
import { NavLinks } from '@/components/NavLinks';
import './globals.css';

export const metadata: Metadata = {
  title: 'facerec',
  description: 'Self-hosted real-time face recognition',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#020617' };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Rendered per request: Next puts the nonce of that request's Content-Security-Policy
  // (proxy.ts) on its scripts, which a page prerendered at build time cannot have.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen">
        <a
          href="#main"
          className="sr-only rounded bg-sky-500 px-3 py-2 text-slate-950 focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-30"
        >
          Skip to content
        </a>
        <header className="relative border-b border-slate-800">
          <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-2 gap-y-2 px-3 py-3 sm:gap-x-6 sm:px-4">
            <span className="text-sm font-semibold tracking-tight text-sky-300 sm:text-base">facerec</span>
            <nav aria-label="Main">
              <NavLinks />
            </nav>
            <ApiKeyField />
          </div>
        </header>
        <main id="main" className="mx-auto max-w-5xl px-4 py-6">
          {children}
        </main>
      </body>
    </html>
  );
}
