'use client';

import { useEffect } from 'react';
import { api } from '@/lib/client/api';
import { useAppStore } from '@/lib/client/store';
import type { ServerInfo } from '@/lib/client/api';

/** GET /info once per page load (it needs no key); null until it answers or if it fails. */
export function useServerInfo(): ServerInfo | null {
  const info = useAppStore((s) => s.info);
  const setInfo = useAppStore((s) => s.setInfo);
  useEffect(() => {
    if (info) return;
    const controller = new AbortController();
    api.info({ signal: controller.signal }).then(setInfo, () => undefined);
    return () => controller.abort();
  }, [info, setInfo]);
  return info;
}
